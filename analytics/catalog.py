"""Every report by name, with its columns: what the admin API, its CSV export and the CLI all serve.

    catalog.run("unmet", Period(), limit=20)
    -> {"report": "unmet", "from": None, "to": None, "rows": [{"query": "...", "searches": 3, "last_day": "..."}]}

`summary` is the one report that is a single record: its counts sit beside "report", "from" and "to"
instead of in "rows" (its CSV is one line).
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from analytics.reports import Period, Reports
from analytics.themes import Embed, group

THEME_QUERIES = 200  # the most asked distinct unmet queries that are grouped; the long tail adds noise, not themes


@dataclass(frozen=True)
class ReportSpec:
    name: str
    description: str
    columns: tuple[str, ...]
    limited: bool  # takes `limit` (a top-N list)


RATE = ("no_close_match", "no_close_match_rate")
SPECS = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "summary",
            "counts of searches, pasted searches, related views, unmet searches and clicks",
            (
                "from",
                "to",
                "searches",
                "pasted",
                "related_views",
                "more_pages",
                *RATE,
                "zero_results",
                "zero_result_rate",
                "distinct_queries",
                "clicks",
                "searches_with_click",
                "click_through_rate",
                "mean_latency_ms",
            ),
            False,
        ),
        ReportSpec(
            "queries",
            "top search queries, with their unmet and click counts",
            ("query", "searches", "no_close_match", "clicked", "click_through_rate"),
            True,
        ),
        ReportSpec("unmet", "queries with no close match, most asked first", ("query", "searches", "last_day"), True),
        ReportSpec(
            "timeline",
            "per day: searches, no close match and zero results, with their rates",
            ("day", "searches", *RATE, "zero_results", "zero_result_rate"),
            False,
        ),
        ReportSpec(
            "themes",
            "unmet queries grouped into themes by meaning, labelled by their most frequent words",
            ("label", "searches", "queries", "examples"),
            True,
        ),
        ReportSpec("languages", "searches by guessed language", ("language", "searches", *RATE), False),
        ReportSpec(
            "filters",
            "searches by filter value (country, topic, city, years, ongoing)",
            ("filter", "value", "searches", *RATE),
            True,
        ),
        ReportSpec(
            "practices", "most shown and most opened practices", ("practice_id", "title", "shown", "opened"), True
        ),
        ReportSpec(
            "clicks",
            "click-through rate and mean position of the first click, per kind and mode",
            ("kind", "mode", "searches", "clicked", "click_through_rate", "mean_first_click_position"),
            False,
        ),
    )
}


class UnknownReport(KeyError):
    pass


class Catalog:
    def __init__(
        self, reports: Reports, embed: Embed | None = None, titles: Callable[[str], str | None] = lambda _id: None
    ):
        self.reports, self.embed, self.titles = reports, embed, titles

    def run(self, name: str, period: Period, limit: int = 20) -> dict:
        if name not in SPECS:
            raise UnknownReport(name)
        if name == "summary":
            return {"report": name, **self.reports.summary(period)}
        return {"report": name, **period.as_json(), "rows": self._rows(name, period, limit)}

    def _rows(self, name: str, period: Period, limit: int) -> list[dict]:
        r = self.reports
        if name == "themes":
            if self.embed is None:
                raise RuntimeError("the themes report needs the query encoder")
            return [asdict(t) for t in group(r.unmet_counts(period, THEME_QUERIES), self.embed)[:limit]]
        if name == "practices":
            return [
                {
                    "practice_id": row["practice_id"],
                    "title": self.titles(row["practice_id"]),
                    "shown": row["shown"],
                    "opened": row["opened"],
                }
                for row in r.practices(period, limit)
            ]
        if SPECS[name].limited:
            return getattr(r, name)(period, limit)
        return getattr(r, name)(period)
