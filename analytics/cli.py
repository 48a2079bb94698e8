"""`search-analytics` (also `python -m analytics`): the admin reports in a terminal, for operators without a browser.

    search-analytics summary --from 2026-11-01 --to 2026-11-30
    search-analytics unmet --limit 50
    search-analytics themes --format json
    search-analytics practices --format csv > practices.csv

It reads the store the service writes (PRACTICE_SEARCH_ANALYTICS_URL, default beside the index), with the
same settings object. Exit status: 0, 1 when the store cannot be read, 2 for a bad setting or argument.
"""

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from analytics.catalog import SPECS, Catalog
from analytics.csvexport import to_csv
from analytics.reports import Period, Reports
from analytics.store import Store, StoreError, describe, resolve_url, sqlite_path
from indexer.encoder import ModelLoadError
from indexer.encoders import load_encoders
from settings import Settings, SettingsError, load_settings

MAX_CELL = 60


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="search-analytics", description=__doc__.splitlines()[0])
    parser.add_argument(
        "report", choices=list(SPECS), help="; ".join(f"{s.name}: {s.description}" for s in SPECS.values())
    )
    parser.add_argument("--from", dest="start", type=date.fromisoformat, help="first UTC day (YYYY-MM-DD), included")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, help="last UTC day (YYYY-MM-DD), included")
    parser.add_argument("--limit", type=int, default=20, help="rows in a top-N list (default 20)")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
    parser.add_argument("--url", help="the store (default: PRACTICE_SEARCH_ANALYTICS_URL, or beside the index)")
    return parser


def titles_from(corpus: Path) -> Callable[[str], str | None]:
    """Practice titles from the corpus file, for the practices report; none if it cannot be read."""
    titles: dict[str, str] = {}
    try:
        with open(corpus, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    titles[str(record.get("id"))] = str(record.get("title"))
    except (OSError, ValueError):
        pass
    return titles.get


def themes_embed(settings: Settings) -> Callable[[list[str]], Any]:
    """The service's first query encoder (what the service clusters themes with), loaded for the themes report."""
    return load_encoders(settings)[0].encode_queries


def table(report: dict) -> str:
    """Aligned columns; the summary as one `name: value` line per count."""
    spec = SPECS[report["report"]]
    if report["report"] == "summary":
        return "\n".join(f"{column:>20}: {_text(report.get(column))}" for column in spec.columns)
    if not report["rows"]:
        return "nothing recorded in this period"
    cells = [[_text(row.get(column)) for column in spec.columns] for row in report["rows"]]
    widths = [max(len(column), *(len(r[i]) for r in cells)) for i, column in enumerate(spec.columns)]
    lines = [spec.columns, *cells]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def _text(value: object) -> str:
    if isinstance(value, list):
        value = " | ".join(map(str, value))
    text = "-" if value is None else str(value)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.start and args.end and args.start > args.end:
        print("search-analytics: --from is after --to", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"search-analytics: invalid setting: {err}", file=sys.stderr)
        return 2
    url = args.url or resolve_url(settings.analytics_url, settings.index)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        print(f"search-analytics: no analytics store at {path} (the service creates it when it runs)", file=sys.stderr)
        return 1
    try:
        store = Store.open(url)
    except StoreError as err:
        print(f"search-analytics: cannot read {describe(url)}: {err}", file=sys.stderr)
        return 1
    try:
        embed = themes_embed(settings) if args.report == "themes" else None
        catalog = Catalog(Reports(store.engine), embed, titles_from(settings.data))
        report = catalog.run(args.report, Period(args.start, args.end), max(1, args.limit))
    except (sa.exc.SQLAlchemyError, ModelLoadError) as err:
        print(f"search-analytics: {args.report} failed: {str(err).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(to_csv(report))
    else:
        print(table(report))
    return 0
