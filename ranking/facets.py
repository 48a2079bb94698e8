"""Facet counts over exactly the practices a search returns, for the widget's filters."""

from collections import Counter
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from indexer.countries import country_name
from indexer.schema import Practice


class FacetValue(BaseModel):
    value: str | int
    label: str
    count: int


class Facets(BaseModel):
    total: int
    countries: list[FacetValue]
    cities: list[FacetValue]
    topics: list[FacetValue]
    start_years: list[FacetValue]


def _values(counter: Counter[str] | Counter[int], label: Callable[[Any], str] = str) -> list[FacetValue]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [FacetValue(value=v, label=label(v), count=n) for v, n in ranked]


def count_facets(practices: list[Practice]) -> Facets:
    countries = Counter(c for p in practices for c in p.all_country_codes)
    cities = Counter(c for p in practices for c in (p.cities or [p.city]))
    topics = Counter(t for p in practices for t in p.topics)
    years = Counter(p.start_year for p in practices if p.start_year is not None)
    by_year = sorted(years.items(), reverse=True)
    return Facets(
        total=len(practices),
        countries=_values(countries, lambda c: country_name(c) or c),
        cities=_values(cities),
        topics=_values(topics),
        start_years=[FacetValue(value=y, label=str(y), count=n) for y, n in by_year],
    )
