"""The evaluation report as Markdown tables (what `indexer eval` prints and writes to bench/results/) and JSON."""

import json
from typing import Any

from evaluation.runner import DEPTH, MODES, Report, Scores, as_json, fusion_label

_HEAD = "| {} | n | nDCG@10 | 95% interval | R@10 | R@50 | MRR@10 |\n|---|---:|---:|---:|---:|---:|---:|"


def _interval(s: Scores) -> str:
    low, high = s.ndcg10_interval
    return f"{low:.3f}-{high:.3f}"


def _row(name: str, s: Scores) -> str:
    return f"| {name} | {s.n} | {s.ndcg10:.3f} | {_interval(s)} | {s.recall10:.3f} | {s.recall50:.3f} | {s.mrr10:.3f} |"


def _grid(title: str, table: dict[str, dict[str, Scores]], default: str | None) -> list[str]:
    columns = sorted(
        {g for row in table.values() for g in row},
        key=lambda g: ["search (English)", "pasted", "multilingual"].index(g),
    )
    lines = [
        "",
        f"## {title} (hybrid nDCG@10)",
        "",
        "| variant | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, row in table.items():
        mark = " (default)" if name == default else ""
        lines.append(
            f"| {name}{mark} | " + " | ".join(f"{row[c].ndcg10:.3f}" if c in row else "–" for c in columns) + " |"
        )
    return lines


def _differences(report: Report) -> list[str]:
    """Each variant against the default on the same queries; bold where the interval leaves out 0."""
    if not report.differences:
        return []
    columns = [
        g for g in ("search (English)", "pasted", "multilingual") if any(g in r for r in report.differences.values())
    ]
    lines = [
        "",
        "## Variants against the default (hybrid nDCG@10 difference, paired 95% bootstrap interval; bold: 0 left out)",
        "",
        "| variant | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, row in report.differences.items():
        cells = []
        for c in columns:
            d = row.get(c)
            text = "–" if d is None else f"{d.mean:+.3f} ({d.low:+.3f} to {d.high:+.3f})"
            cells.append(f"**{text}**" if d is not None and (d.low > 0 or d.high < 0) else text)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def render_markdown(report: Report) -> str:
    cfg = report.config
    default_fusion = fusion_label(cfg.fusion, cfg.keyword_weight)
    lines = [
        f"# Relevance evaluation: split `{report.split}`",
        "",
        f"Encoders {', '.join(report.encoders)}; fusion `{default_fusion}`, topic weight {cfg.topic_weight:g}, "
        f"place weight {cfg.place_weight:g}; floors "
        + ", ".join(f"{n} {v:g}" for n, v in cfg.floors.items() if n in report.encoders)
        + f"; MMR lambda {cfg.mmr_lambda:g}. Ranked lists are what the service returns (floors applied), top "
        f"{DEPTH}; pasted paragraphs run as POST /similar does."
        + ("" if report.split == "dev" else " Defaults are tuned on the dev half only."),
        "",
        "## Modes, per query group (nDCG@10; the interval: 95% bootstrap over the group's queries)",
        "",
        "| group | n | " + " | ".join(MODES) + " | hybrid 95% interval |",
        "|---|---:|" + "---:|" * (len(MODES) + 1),
    ]
    for name, by_mode in report.groups.items():
        n = next(iter(by_mode.values())).n
        cells = " | ".join(f"{by_mode[m].ndcg10:.3f}" for m in MODES)
        lines.append(f"| {name} | {n} | {cells} | {_interval(by_mode['hybrid'])} |")
    lines += [
        "",
        "## Hybrid search per language (translations of English queries, judged as their source)",
        "",
        _HEAD.format("language"),
    ]
    lines += [_row(lang, s) for lang, s in report.languages.items()]
    lines += _grid("Fusion", report.fusion, default_fusion)
    lines += _differences(report)
    lines += _grid("Encoders", report.encoder_sets, "+".join(report.encoders))
    lines += [
        "",
        "## Related practices (GET /practices/{id}/similar, top 5)",
        "",
        "| variant | n | precision@5 | distinct cities@5 | duplicates shown |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in report.related.items():
        lines.append(f"| {name} | {r.n} | {r.precision5:.3f} | {r.distinct_cities5:.2f} | {r.duplicates_shown} |")
    lines += [
        "",
        "## Semantic floors: the highest cosine keeping 95% of the judged-relevant practices",
        "",
        "| encoder | configured | 95% floor here |",
        "|---|---:|---:|",
    ]
    lines += [f"| {n} | {cfg.floors.get(n, 0):g} | {v:g} |" for n, v in report.floors.items()]
    if report.unmet:
        lines += [
            "",
            "## Unmet queries: share reported with no close match (judged: want 0; off-topic: want 1)",
            "",
            "match floors " + ", ".join(f"{n} {v:g}" for n, v in cfg.match_floors.items() if n in report.encoders),
            "",
            "| queries | n | reported unmet |",
            "|---|---:|---:|",
        ]
        lines += [f"| {name} | {u.n} | {u.unmet:.3f} |" for name, u in report.unmet.items()]
    return "\n".join(lines) + "\n"


def report_json(report: Report) -> dict[str, Any]:
    """The same numbers as plain JSON, for plots and the benchmark summary."""
    return json.loads(json.dumps(as_json(report), default=str))
