"""Disjunctive facet counts for the widget's filters, as InstantSearch computes them.

Each facet is counted over the practices a search returns with every filter applied except the
facet's own: with `country=ES` the country facet still lists the other countries (what choosing
one more of them would add), while the topic facet counts only Spanish practices. `total` is the
number of results with all filters, the number /search reports.

    disjunctive_facets(positions_for, practices, filters) -> Facets(
        total=42,
        countries=[FacetValue(value="ES", label="Spain", count=12), ...],   # without the country filter
        cities=[...],       # without the city filter
        topics=[...],       # without the topic filter
        start_years=[...],  # without year_from / year_to
        ongoing=[FacetValue(value=True, label="ongoing", count=30), ...])   # without ongoing

`positions_for(filters)` is the engine's ranked pool for the query under those filters, so the
counts are cut from exactly the list the results are paged from. A chosen value is always listed,
with count 0 when nothing matches it, so a filter UI can show what is selected.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from pydantic import BaseModel

from indexer.countries import country_name
from indexer.schema import Practice
from ranking.filters import Filters


class FacetValue(BaseModel):
    value: bool | int | str
    label: str
    count: int


class Facets(BaseModel):
    total: int
    countries: list[FacetValue]
    cities: list[FacetValue]
    topics: list[FacetValue]
    start_years: list[FacetValue]
    ongoing: list[FacetValue]


# facet -> the filter fields that are its own (left out when that facet is counted)
OWN_FILTERS: dict[str, tuple[str, ...]] = {
    "countries": ("country",),
    "cities": ("city",),
    "topics": ("topic",),
    "start_years": ("year_from", "year_to"),
    "ongoing": ("ongoing",),
}
_EMPTY: dict[str, object] = {
    "country": [],
    "city": [],
    "topic": [],
    "year_from": None,
    "year_to": None,
    "ongoing": None,
}


def without(filters: Filters, facet: str) -> Filters:
    """The filters minus the facet's own ones."""
    return filters.model_copy(update={name: _EMPTY[name] for name in OWN_FILTERS[facet]})


def _ranked(counter: Counter, label: Callable[[object], str] = str) -> list[FacetValue]:
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return [FacetValue(value=v, label=label(v), count=n) for v, n in ranked]


def _with_chosen(counter: Counter, chosen: Iterable) -> Counter:
    for value in chosen:
        counter.setdefault(value, 0)
    return counter


def _city_names(practices: Sequence[Practice], chosen: list[str]) -> list[str]:
    """Chosen cities (case-folded in Filters) back in their published spelling."""
    names = {c.casefold(): c for p in practices for c in p.all_cities}
    return [names.get(c, c) for c in chosen]


def count_facets(
    practices: Sequence[Practice],
    selected: Filters | None = None,
    total: int | None = None,
    pools: dict[str, Sequence[Practice]] | None = None,
    corpus: Sequence[Practice] = (),
) -> Facets:
    """Counts per facet; `pools[facet]` is that facet's practice list (default: `practices` for all)."""
    f = selected or Filters()
    pool = pools or {}

    def of(facet: str) -> Sequence[Practice]:
        return pool.get(facet, practices)

    countries = _with_chosen(Counter(c for p in of("countries") for c in p.all_country_codes), f.country)
    cities = _with_chosen(
        Counter(c for p in of("cities") for c in p.all_cities), _city_names(corpus or practices, f.city)
    )
    topics = _with_chosen(Counter(t for p in of("topics") for t in p.topics), f.topic)
    years = Counter(p.start_year for p in of("start_years") if p.start_year is not None)
    ongoing = _with_chosen(Counter(p.ongoing for p in of("ongoing")), [] if f.ongoing is None else [f.ongoing])
    return Facets(
        total=len(practices) if total is None else total,
        countries=_ranked(countries, lambda c: country_name(str(c)) or str(c)),
        cities=_ranked(cities),
        topics=_ranked(topics),
        start_years=[FacetValue(value=y, label=str(y), count=n) for y, n in sorted(years.items(), reverse=True)],
        ongoing=[
            FacetValue(value=v, label="ongoing" if v else "finished", count=ongoing[v])
            for v in (True, False)
            if v in ongoing
        ],
    )


def disjunctive_facets(
    positions_for: Callable[[Filters], Iterable[int]], practices: Sequence[Practice], filters: Filters
) -> Facets:
    """Each facet over the pool without its own filter; `total` over the pool with every filter."""
    chosen = [practices[i] for i in positions_for(filters)]
    pools: dict[str, Sequence[Practice]] = {}
    for facet in OWN_FILTERS:
        reduced = without(filters, facet)
        if reduced != filters:
            pools[facet] = [practices[i] for i in positions_for(reduced)]
    return count_facets(chosen, filters, len(chosen), pools, practices)
