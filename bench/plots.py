"""PNG plots of the latest results: latency distribution per mode, and relevance per mode.

    .venv/bin/python bench/plots.py [--results bench/results]

Reads http.json (bench/http_latency.py) and eval-dev.json / eval-test.json (`indexer eval`), writes
latency.png and quality.png next to them. Plots whatever of those inputs exists.
"""

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
MODES = ("keyword", "semantic", "hybrid")
GROUP = "search (English)"  # the query group the plot shows (`indexer eval` reports per group)
METRICS = (("ndcg10", "nDCG@10"), ("recall10", "Recall@10"), ("recall50", "Recall@50"), ("mrr10", "MRR@10"))


def plot_latency(http: dict, out: Path) -> None:
    """Box plots of per-request latency, in-process next to HTTP, for each mode (concurrency 1, cache misses)."""
    fig, ax = plt.subplots(figsize=(8, 4.5))
    data, labels, colours = [], [], []
    for mode in ("hybrid", "semantic", "keyword"):
        m = http["search"][mode]
        data += [m["in_process_ms"], m["http_ms"]]
        labels += [f"{mode}\nin-process", f"{mode}\nHTTP"]
        colours += ["#9ecae1", "#3182bd"]
    boxes = ax.boxplot(data, patch_artist=True, showfliers=True, whis=(1, 99))
    for patch, colour in zip(boxes["boxes"], colours, strict=True):
        patch.set_facecolor(colour)
    ax.set_xticks(range(1, len(labels) + 1), labels)
    ax.set_ylabel("ms per search (limit 10)")
    ax.set_title("GET /search latency, concurrency 1, distinct queries (whiskers p1-p99)", fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    fig.text(0.01, 0.01, http["machine"][:110], fontsize=7, color="grey")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_quality(evals: dict[str, dict], out: Path) -> None:
    """Grouped bars: each metric per mode, one panel per split."""
    fig, axes = plt.subplots(1, len(evals), figsize=(5.5 * len(evals), 4), sharey=True, squeeze=False)
    width = 0.8 / len(MODES)
    for ax, (split, report) in zip(axes[0], evals.items(), strict=True):
        for i, mode in enumerate(MODES):
            by_mode = report["groups"][GROUP] if "groups" in report else report["modes"]  # "modes": older results
            values = [by_mode[mode][key] for key, _ in METRICS]
            bars = ax.bar([x + i * width for x in range(len(METRICS))], values, width, label=mode)
            ax.bar_label(bars, fmt="%.2f", fontsize=7)
        ax.set_xticks([x + width for x in range(len(METRICS))], [label for _, label in METRICS])
        n = (report["groups"][GROUP] if "groups" in report else report["modes"])[MODES[0]]["n"]
        ax.set_title(f"{split} half ({n} English search queries)", fontsize=10)
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(loc="lower left", fontsize=8)
    fig.suptitle("Relevance per mode (defaults tuned on dev)", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    http = args.results / "http.json"
    if http.exists():
        plot_latency(json.loads(http.read_text()), args.results / "latency.png")
        print(f"wrote {args.results / 'latency.png'}")
    evals = {
        split: json.loads((args.results / f"eval-{split}.json").read_text())
        for split in ("dev", "test")
        if (args.results / f"eval-{split}.json").exists()
    }
    if evals:
        plot_quality(evals, args.results / "quality.png")
        print(f"wrote {args.results / 'quality.png'}")


if __name__ == "__main__":
    main()
