"""Relevance evaluation: metrics, the eval set on disk, running it against the query engine, reports.

    queries = load_queries(Path("data/eval/queries.jsonl"), "dev", Path("data/eval/translations.jsonl"))
    off_topic = load_off_topic(Path("data/eval/unmet.jsonl"), "dev")
    report = evaluate(index, encoders, queries, related_entries, config, off_topic=off_topic)  # every mode, variant
    print(render_markdown(report))

Used by `indexer eval` and bench/; never by the service.
"""

from evaluation.dataset import EvalQuery, OffTopicQuery, RelatedEntry, load_off_topic, load_queries, load_related
from evaluation.report import render_markdown, report_json
from evaluation.runner import evaluate

__all__ = [
    "EvalQuery",
    "OffTopicQuery",
    "RelatedEntry",
    "evaluate",
    "load_off_topic",
    "load_queries",
    "load_related",
    "render_markdown",
    "report_json",
]
