"""Places a typed query names: countries (in English or in the query's language) and the corpus's cities.

"refugees Germany", "біженці Німеччина" or "Montreal racism discrimination" ask for practices in
that place, and nothing else in the ranking reads a place: the practice's country is in no text
BM25 or the encoders see, and e5 does not link "Κύπρος" to Limassol. The engine adds
`place_weight` deviations to the practices in a named country or city (ranking/engine.py); on the
dev half typed, translated and place queries all gain (bench/results/eval-dev.md).

- Country names are pycountry's ISO 3166 names and their translations in 160-odd locales, and the
  everyday name CLDR gives in each language ("Storbritannien", "Russland"; indexer/countries.py): English
  names always, the query's own language's too.
- Names match whole words, so "German", "Greek" or "Roma" name no country, nor "français",
  "español" or "italiano" (the language a course teaches) France, Spain or Italy. In languages
  that decline nouns (DECLINING), a word also matches a name whose all but its last two letters
  (at least four) it starts with and which it outgrows by at most two: "w Hiszpanii" names
  Hiszpania, "в Іспанії" Іспанія, "της Ισπανίας" Ισπανία (but "українська" not Україна).
- Cities are the corpus's own list per practice ("Lublin, Krakow and Wrocław" is three), and the other
  spellings GeoNames gives each of them (indexer/exonyms.py): "Lisboa", "Lisbonne", "Лісабон" name Lisbon,
  "Barcelone" Barcelona, "Torino" Turin. A query in another script names them too where its letters
  transliterate to a name (anyascii): "Осло" and "Όσλο" Oslo, "Берлін" Berlin, "у Сабаделі" Sabadell;
  and where they transliterate like one of the city's other spellings ("Λισαβόνα", GeoNames' "Λισαβώνα").
  A hyphen may join or part a name's words: "Mont-real" (Catalan) names Montreal.
  An other spelling that is also a common word somewhere ("Landen", Dutch for countries, is London's in
  Dutch; "Turen" Swedish for the trip) names its city only when typed with a capital.
- An English demonym names its country only right before a word for a place ("Italian cities", "Polish
  towns"): elsewhere it says who people are ("Ukrainian refugees") or what they speak ("German lessons").
- A country right after "from" ("refugees from Ukraine", "Flüchtlinge aus Syrien", "біженці з України")
  is where people come from, not where to look: it names nothing.
- Pasted descriptions (over typos.MAX_WORDS words): the places they name are where the city's
  residents come from or where it is, not where to look, so they are not read.
"""

import os
import re
from collections.abc import Iterable, Set

import numpy as np
from anyascii import anyascii

from indexer.countries import english_names, translated_names
from indexer.exonyms import other_names
from indexer.schema import Practice
from ranking.lexicon import fold, frequencies
from ranking.query import is_pasted

WORD = re.compile(r"\w+", re.UNICODE)
STEM_SLACK = 2  # letters an inflected form may change at the end of a name
MIN_STEM = 4
# "from" in the languages whose word for it means nothing else: a country after it is where people come from
ORIGIN = frozenset({"from", "aus", "z", "ze", "з", "із", "зі", "из"})
# English demonyms (those of countries the corpus has no practice in are left out at start-up), and the words
# before which a demonym names its country.
DEMONYMS = {
    "AT": "austrian", "AU": "australian", "BE": "belgian", "BA": "bosnian", "CA": "canadian", "CH": "swiss",
    "CY": "cypriot", "CZ": "czech", "DE": "german", "DK": "danish", "ES": "spanish", "FI": "finnish",
    "FO": "faroese", "FR": "french", "GB": "british", "GR": "greek", "HR": "croatian", "HU": "hungarian",
    "IE": "irish", "IL": "israeli", "IS": "icelandic", "IT": "italian", "JP": "japanese", "KR": "korean",
    "LU": "luxembourgish", "MA": "moroccan", "MD": "moldovan", "ME": "montenegrin", "MT": "maltese",
    "MX": "mexican", "NL": "dutch", "NO": "norwegian", "PL": "polish", "PT": "portuguese", "RO": "romanian",
    "RS": "serbian", "RU": "russian", "SE": "swedish", "SI": "slovenian", "TR": "turkish", "UA": "ukrainian",
    "US": "american",
}  # fmt: skip
PLACE_WORDS = frozenset(
    {"city", "cities", "town", "towns", "municipality", "municipalities", "village", "villages", "region", "regions"}
)
DECLINING = frozenset({"pl", "uk", "ru", "cs", "sk", "sl", "hr", "sr", "bg", "el", "lt", "lv", "fi", "hu", "et"})
COMMON_ZIPF = 3.0  # a word this frequent in some language's list is a word there, whatever else it names

Name = tuple[str, ...]  # a name's words, case-folded


def words(text: str, *, strip_accents: bool) -> Name:
    return tuple(WORD.findall(fold(text) if strip_accents else text.casefold()))


def city_names(practice: Practice) -> list[str]:
    """The practice's cities as the corpus lists them, and each part of a joined name ("London-Lewisham")."""
    cities = practice.cities or [practice.city]
    parts = [part for city in cities for part in re.split(r"-(?=[A-Z])", city)]
    return list(dict.fromkeys([*cities, *parts]))


def _same_word(typed: str, name: str, inflected: bool) -> bool:
    if typed == name:
        return True
    if not inflected or len(name) < MIN_STEM:
        return False
    shared = len(os.path.commonprefix([typed, name]))
    return shared >= max(MIN_STEM, len(name) - STEM_SLACK) and len(typed) <= len(name) + STEM_SLACK


def _contains(query: Name, name: Name, inflected: bool, *, origin_too: bool = True) -> bool:
    """The name's words stand in the query in a row (the last one possibly inflected); with origin_too=False,
    not right after a word saying where people come from ("refugees from Ukraine")."""
    last = len(name) - 1
    return any(
        query[i : i + last] == name[:last]
        and _same_word(query[i + last], name[last], inflected)
        and (origin_too or i == 0 or query[i - 1] not in ORIGIN)
        for i in range(len(query) - last)
    )


def _cities_at(spelling: Name, names: dict[str, list[Name]], inflected: bool) -> set[Name]:
    """The names standing in the query, looked up by their first letters (a name matches only where the query
    word shares at least its first MIN_STEM letters), not tried one by one."""
    found: set[Name] = set()
    for i, word in enumerate(spelling):
        for name in names.get(word[:MIN_STEM], ()):
            if _contains(spelling[i : i + len(name)], name, inflected):
                found.add(name)
    return found


def _by_first_letters(names: Iterable[Name]) -> dict[str, list[Name]]:
    table: dict[str, list[Name]] = {}
    for name in names:
        table.setdefault(name[0][:MIN_STEM], []).append(name)
    return table


def _transliterated(text: str) -> Name:
    return words(anyascii(text).replace("'", ""), strip_accents=True)  # "Більбао" -> Bil'bao -> ("bilbao",)


def _is_common_word(name: str) -> bool:
    return max(frequencies(fold(name)), default=0.0) >= COMMON_ZIPF


class PlaceMatcher:
    def __init__(self, practices: list[Practice]):
        self._n = len(practices)
        rows_in: dict[str, list[int]] = {}
        rows_of_city: dict[Name, list[int]] = {}
        rows_if_capital: dict[Name, list[int]] = {}  # common words that are a city's other name, one word each
        spelled = other_names((city, code) for p in practices for city in city_names(p) for code in p.all_country_codes)
        for row, practice in enumerate(practices):
            for code in practice.all_country_codes:
                rows_in.setdefault(code, []).append(row)
            for city in city_names(practice):
                if name := words(city, strip_accents=True):
                    rows_of_city.setdefault(name, []).append(row)
                for other in {o for code in practice.all_country_codes for o in spelled[(city, code)]}:
                    common = _is_common_word(other)
                    for name in {words(other, strip_accents=True), _transliterated(other)}:
                        if not common:
                            rows_of_city.setdefault(name, []).append(row)
                        elif len(name) == 1:
                            rows_if_capital.setdefault(name, []).append(row)
        self._country_rows = {code: np.asarray(rows, dtype=np.int64) for code, rows in rows_in.items()}
        self._city_rows = {name: np.unique(rows) for name, rows in rows_of_city.items()}
        self._capital_rows = {name: np.unique(rows) for name, rows in rows_if_capital.items()}
        self._cities = _by_first_letters(self._city_rows)
        self._capital_cities = _by_first_letters(self._capital_rows)
        self._english = self._table((code, english_names(code)) for code in self._country_rows)
        self._local: dict[str, dict[Name, set[str]]] = {}
        self._demonyms = {d: code for code, d in DEMONYMS.items() if code in self._country_rows}

    @staticmethod
    def _table(named: Iterable[tuple[str, Set[str]]], *, strip_accents: bool = True) -> dict[Name, set[str]]:
        table: dict[Name, set[str]] = {}
        for code, names in named:
            for name in names:
                if key := words(name, strip_accents=strip_accents):
                    table.setdefault(key, set()).add(code)
        return table

    def _names_in(self, language: str) -> dict[Name, set[str]]:
        """Country names in one language (accents kept: Portuguese "servia" is a verb, "Sérvia" Serbia)."""
        table = self._local.get(language)
        if table is None:
            pairs = ((code, translated_names(code, language)) for code in self._country_rows)
            table = self._local[language] = self._table(pairs, strip_accents=False)
        return table

    def named(self, text: str, language: str | None) -> np.ndarray:
        """float32 per practice: 1 where it is in a country or city the text names, else 0."""
        out = np.zeros(self._n, dtype=np.float32)
        if is_pasted(text):
            return out
        folded = words(text, strip_accents=True)
        declined = language in DECLINING
        english = self._english.items()
        codes = {c for name, cs in english if _contains(folded, name, False, origin_too=False) for c in cs}
        codes |= {
            self._demonyms[w]
            for w, after in zip(folded, folded[1:], strict=False)
            if after in PLACE_WORDS and w in self._demonyms
        }
        if language not in (None, "en"):
            plain = words(text, strip_accents=False)
            local = self._names_in(language).items()
            codes |= {c for name, cs in local if _contains(plain, name, declined, origin_too=False) for c in cs}
        for code in codes:
            out[self._country_rows[code]] = 1.0
        spellings = {folded, _transliterated(text), words(text.replace("-", ""), strip_accents=True)}
        for name in {n for spelling in spellings for n in _cities_at(spelling, self._cities, declined)}:
            out[self._city_rows[name]] = 1.0
        capitalised = tuple(fold(w) for w in WORD.findall(text) if w[:1].isupper())
        for name in _cities_at(capitalised, self._capital_cities, declined):
            out[self._capital_rows[name]] = 1.0
        return out
