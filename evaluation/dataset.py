"""The evaluation set on disk (data/eval/): judged queries, their translations, related-practice judgments,
and queries the collection has nothing for (unmet.jsonl: what the unmet-query report should catch).

A translation (translations.jsonl) inherits its source query's split, kind, endpoint and judgments,
so it is judged exactly as its source and never leaks across halves.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Split = Literal["dev", "test", "all"]


@dataclass(frozen=True)
class EvalQuery:
    id: str
    split: str
    kind: str
    endpoint: Literal["search", "similar"]
    query: str
    judgments: dict[str, int]
    lang: str = "en"
    source: str | None = None  # the English query a translation renders


@dataclass(frozen=True)
class RelatedEntry:
    id: str
    split: str
    related: dict[str, int]
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class OffTopicQuery:
    id: str
    split: str
    lang: str
    query: str


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _in_split(row: Mapping[str, Any], split: Split) -> bool:
    return split == "all" or row["split"] == split


def load_queries(path: Path, split: Split = "all", translations: Path | None = None) -> list[EvalQuery]:
    """English queries, then translations of them when a translations file is given."""
    rows = read_jsonl(path)
    english = [
        EvalQuery(
            r["id"],
            r["split"],
            r["kind"],
            r.get("endpoint", "search"),
            r["query"],
            {k: int(v) for k, v in r["judgments"].items()},
        )
        for r in rows
    ]
    by_id = {q.id: q for q in english}
    out = [q for q in english if _in_split({"split": q.split}, split)]
    if translations is not None and translations.exists():
        for t in read_jsonl(translations):
            src = by_id[t["source"]]
            if _in_split({"split": src.split}, split):
                out.append(
                    EvalQuery(t["id"], src.split, src.kind, src.endpoint, t["query"], src.judgments, t["lang"], src.id)
                )
    return out


def load_related(path: Path, split: Split = "all") -> list[RelatedEntry]:
    return [
        RelatedEntry(r["id"], r["split"], {k: int(v) for k, v in r["related"].items()}, tuple(r.get("duplicates", ())))
        for r in read_jsonl(path)
        if _in_split(r, split)
    ]


def load_off_topic(path: Path, split: Split = "all") -> list[OffTopicQuery]:
    return [OffTopicQuery(r["id"], r["split"], r["lang"], r["query"]) for r in read_jsonl(path) if _in_split(r, split)]
