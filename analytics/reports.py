"""The reports: one SQL aggregate each over a date range, read by the admin API, the dashboard and the CLI.

    reports = Reports(store.engine)
    reports.summary(Period(date(2026, 11, 1), date(2026, 11, 30)))
    -> {"searches": 1520, "pasted": 31, "related_views": 402, "more_pages": 210, "no_close_match": 96, ...}

Counting rules, the same in every report:
- a *search* is a first page (offset 0) of GET/POST /search; a *pasted* search a first page of POST /similar;
  a *related view* a first page of /practices/{id}/similar; later pages count only as `more_pages`;
- *no close match*: a search or pasted search whose response said `close_match: false`; *zero results*:
  one with no result at all (filters that exclude everything);
- click-through: the share of first pages from which a person opened at least one result, and the mean
  position of the first result opened (clicks on later pages count as clicks, not towards it).
Dates are UTC days, both ends included; no range means every day kept (the retention period).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from analytics.schema import clicks, search_filters, search_results, searches

ASKED = ("search", "pasted")  # the kinds that carry a question; related views answer a practice page


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    def on(self, day: sa.ColumnElement) -> list[sa.ColumnElement[bool]]:
        conditions = []
        if self.start is not None:
            conditions.append(day >= self.start)
        if self.end is not None:
            conditions.append(day <= self.end)
        return conditions

    def as_json(self) -> dict:
        return {"from": self.start and self.start.isoformat(), "to": self.end and self.end.isoformat()}


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


NOT_CLOSE = searches.c.close_match.is_(False)
FIRST_PAGE = searches.c.page_offset == 0


class Reports:
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def _rows(self, statement: sa.Select) -> list[sa.Row]:
        with self.engine.connect() as conn:
            return list(conn.execute(statement))

    def _clicked(self, period: Period) -> sa.Subquery:
        """Per clicked search: its first (lowest) clicked position. A click comes at most a day after its search."""
        since = None if period.start is None else period.start - timedelta(days=1)
        return (
            sa.select(clicks.c.search_id, sa.func.min(clicks.c.position).label("first_position"))
            .where(*Period(since).on(clicks.c.day))
            .group_by(clicks.c.search_id)
            .subquery()
        )

    def summary(self, period: Period) -> dict:
        kind = searches.c.kind
        counts = sa.select(
            _count_if((kind == "search") & FIRST_PAGE).label("searches"),
            _count_if((kind == "pasted") & FIRST_PAGE).label("pasted"),
            _count_if((kind == "related") & FIRST_PAGE).label("related_views"),
            _count_if(searches.c.page_offset > 0).label("more_pages"),
            _count_if(kind.in_(ASKED) & FIRST_PAGE & NOT_CLOSE).label("no_close_match"),
            _count_if(kind.in_(ASKED) & FIRST_PAGE & (searches.c.total == 0)).label("zero_results"),
            sa.func.count(
                sa.distinct(sa.case(((kind == "search") & FIRST_PAGE & (searches.c.query != ""), searches.c.query)))
            ).label("distinct_queries"),
            sa.func.avg(searches.c.latency_ms).label("mean_latency_ms"),
        ).where(*period.on(searches.c.day))
        clicked = self._clicked(period)
        with_click = (
            sa.select(sa.func.count())
            .select_from(searches.join(clicked, clicked.c.search_id == searches.c.id))
            .where(*period.on(searches.c.day), kind == "search", FIRST_PAGE)
        )
        click_count = sa.select(sa.func.count()).select_from(clicks).where(*period.on(clicks.c.day))
        with self.engine.connect() as conn:
            row = conn.execute(counts).one()._mapping
            searched_with_click = conn.scalar(with_click) or 0
            total_clicks = conn.scalar(click_count) or 0
        asked = row["searches"] + row["pasted"]
        return {
            **period.as_json(),
            "searches": row["searches"],
            "pasted": row["pasted"],
            "related_views": row["related_views"],
            "more_pages": row["more_pages"],
            "no_close_match": row["no_close_match"],
            "no_close_match_rate": _rate(row["no_close_match"], asked),
            "zero_results": row["zero_results"],
            "zero_result_rate": _rate(row["zero_results"], asked),
            "distinct_queries": row["distinct_queries"],
            "clicks": total_clicks,
            "searches_with_click": searched_with_click,
            "click_through_rate": _rate(searched_with_click, row["searches"]),
            "mean_latency_ms": round(float(row["mean_latency_ms"] or 0.0), 2),
        }

    def queries(self, period: Period, limit: int) -> list[dict]:
        """The most frequent search queries, with how often they found no close match and led to a click."""
        clicked = self._clicked(period)
        count = sa.func.count().label("searches")
        statement = (
            sa.select(
                searches.c.query,
                count,
                _count_if(NOT_CLOSE).label("no_close_match"),
                sa.func.count(clicked.c.search_id).label("clicked"),
            )
            .select_from(searches.outerjoin(clicked, clicked.c.search_id == searches.c.id))
            .where(*period.on(searches.c.day), searches.c.kind == "search", FIRST_PAGE, searches.c.query != "")
            .group_by(searches.c.query)
            .order_by(count.desc(), searches.c.query)
            .limit(limit)
        )
        return [
            {"query": q, "searches": n, "no_close_match": unmet, "clicked": c, "click_through_rate": _rate(c, n)}
            for q, n, unmet, c in self._rows(statement)
        ]

    def unmet(self, period: Period, limit: int) -> list[dict]:
        """Questions the collection had no close answer to, most asked first."""
        count = sa.func.count().label("searches")
        statement = (
            sa.select(searches.c.query, count, sa.func.max(searches.c.day).label("last_day"))
            .where(
                *period.on(searches.c.day),
                searches.c.kind.in_(ASKED),
                FIRST_PAGE,
                NOT_CLOSE,
                searches.c.query.is_not(None),
                searches.c.query != "",
            )
            .group_by(searches.c.query)
            .order_by(count.desc(), searches.c.query)
            .limit(limit)
        )
        return [{"query": q, "searches": n, "last_day": _iso(last)} for q, n, last in self._rows(statement)]

    def timeline(self, period: Period) -> list[dict]:
        """Per day: searches (and pasted), how many found no close match or nothing; days without any are 0."""
        statement = (
            sa.select(searches.c.day, sa.func.count(), _count_if(NOT_CLOSE), _count_if(searches.c.total == 0))
            .where(*period.on(searches.c.day), searches.c.kind.in_(ASKED), FIRST_PAGE)
            .group_by(searches.c.day)
            .order_by(searches.c.day)
        )
        by_day = {_day(d): (n, unmet, zero) for d, n, unmet, zero in self._rows(statement)}
        if not by_day and (period.start is None or period.end is None):
            return []
        first, last = period.start or min(by_day), period.end or max(by_day)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        out = []
        for day in days:
            n, unmet, zero = by_day.get(day, (0, 0, 0))
            out.append(
                {
                    "day": day.isoformat(),
                    "searches": n,
                    "no_close_match": unmet,
                    "no_close_match_rate": _rate(unmet, n),
                    "zero_results": zero,
                    "zero_result_rate": _rate(zero, n),
                }
            )
        return out

    def languages(self, period: Period) -> list[dict]:
        """Searches and pasted searches by guessed language ("und": too short or mixed to tell)."""
        language = sa.func.coalesce(searches.c.language, "und").label("language")
        count = sa.func.count().label("searches")
        statement = (
            sa.select(language, count, _count_if(NOT_CLOSE))
            .where(*period.on(searches.c.day), searches.c.kind.in_(ASKED), FIRST_PAGE)
            .group_by(language)
            .order_by(count.desc(), language)
        )
        return [
            {"language": lang, "searches": n, "no_close_match": unmet, "no_close_match_rate": _rate(unmet, n)}
            for lang, n, unmet in self._rows(statement)
        ]

    def filters(self, period: Period, limit: int) -> list[dict]:
        """Per filter (country, topic, city, years, ongoing) its most used values, with unmet counts."""
        count = sa.func.count().label("searches")
        statement = (
            sa.select(search_filters.c.name, search_filters.c.value, count, _count_if(NOT_CLOSE))
            .select_from(search_filters.join(searches, searches.c.id == search_filters.c.search_id))
            .where(*period.on(search_filters.c.day), searches.c.kind.in_(ASKED), FIRST_PAGE)
            .group_by(search_filters.c.name, search_filters.c.value)
            .order_by(search_filters.c.name, count.desc(), search_filters.c.value)
        )
        out: list[dict] = []
        per_name: dict[str, int] = {}
        for name, value, n, unmet in self._rows(statement):
            per_name[name] = per_name.get(name, 0) + 1
            if per_name[name] <= limit:
                out.append(
                    {
                        "filter": name,
                        "value": value,
                        "searches": n,
                        "no_close_match": unmet,
                        "no_close_match_rate": _rate(unmet, n),
                    }
                )
        return out

    def practices(self, period: Period, limit: int) -> list[dict]:
        """The most shown and the most opened practices (the top `limit` of each), most shown first."""
        shown = dict(
            self._rows(
                sa.select(search_results.c.practice_id, sa.func.count())
                .where(*period.on(search_results.c.day))
                .group_by(search_results.c.practice_id)
            )
        )
        opened = dict(
            self._rows(
                sa.select(clicks.c.practice_id, sa.func.count())
                .where(*period.on(clicks.c.day))
                .group_by(clicks.c.practice_id)
            )
        )
        top = set(_top(shown, limit)) | set(_top(opened, limit))
        rows = [{"practice_id": p, "shown": shown.get(p, 0), "opened": opened.get(p, 0)} for p in top]
        return sorted(rows, key=lambda r: (-r["shown"], -r["opened"], r["practice_id"]))

    def clicks(self, period: Period) -> list[dict]:
        """Click-through rate and mean position of the first opened result, per kind and mode."""
        clicked = self._clicked(period)
        count = sa.func.count().label("searches")
        statement = (
            sa.select(
                searches.c.kind,
                searches.c.mode,
                count,
                sa.func.count(clicked.c.search_id),
                sa.func.avg(clicked.c.first_position),
            )
            .select_from(searches.outerjoin(clicked, clicked.c.search_id == searches.c.id))
            .where(*period.on(searches.c.day), FIRST_PAGE)
            .group_by(searches.c.kind, searches.c.mode)
            .order_by(searches.c.kind, searches.c.mode)
        )
        return [
            {
                "kind": kind,
                "mode": mode,
                "searches": n,
                "clicked": c,
                "click_through_rate": _rate(c, n),
                "mean_first_click_position": None if first is None else round(float(first), 2),
            }
            for kind, mode, n, c, first in self._rows(statement)
        ]

    def unmet_counts(self, period: Period, limit: int) -> list[tuple[str, int]]:
        """(query, searches) of the most asked unmet queries: the input of the themes report."""
        return [(r["query"], r["searches"]) for r in self.unmet(period, limit)]


def _top(counts: dict[str, int], limit: int) -> Sequence[str]:
    return sorted(counts, key=lambda p: (-counts[p], p))[:limit]


def _day(value: date | str) -> date:
    """SQLite hands a GROUP BY'd date back as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _iso(value: date | str | None) -> str | None:
    return None if value is None else _day(value).isoformat()
