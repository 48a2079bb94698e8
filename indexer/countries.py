"""Country names and ISO 3166-1 alpha-2 codes, on top of pycountry's ISO tables and their translations, and the
everyday names of Unicode CLDR (Babel)."""

import functools
import gettext
import re
from pathlib import Path

import pycountry
from babel import Locale, UnknownLocaleError

# Everyday English names that ISO spells differently; pycountry resolves the rest.
_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "kosovo": "XK",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "the netherlands": "NL",
}
_NAMES = {"XK": "Kosovo", "GB": "United Kingdom", "RU": "Russia", "KR": "South Korea"}


def country_code(name: str) -> str | None:
    """ISO alpha-2 code for a country name or code; None when it is no country."""
    key = name.strip()
    if not key:
        return None
    if key.lower() in _ALIASES:
        return _ALIASES[key.lower()]
    if key.upper() == "XK":
        return "XK"
    try:
        return pycountry.countries.lookup(key).alpha_2
    except LookupError:
        return None


def country_name(code: str) -> str | None:
    """Short English name for an alpha-2 code."""
    code = code.upper()
    if code in _NAMES:
        return _NAMES[code]
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return None
    return getattr(found, "common_name", None) or found.name


def split_names(text: str) -> list[str]:
    """'Israel, Greece and Cyprus' -> ['Israel', 'Greece', 'Cyprus']."""
    parts = re.split(r",\s*|\s+and\s+|\s*/\s*", text.strip())
    return [p.strip() for p in parts if p.strip()]


def country_codes(text: str) -> list[str] | None:
    """Codes for a published country field naming one or several countries; None if any is unknown."""
    single = country_code(text)
    if single:
        return [single]
    found = [country_code(part) for part in split_names(text)]
    codes = [c for c in found if c is not None]
    if not found or len(codes) < len(found):
        return None
    return list(dict.fromkeys(codes))


@functools.cache
def _iso_names(code: str) -> frozenset[str]:
    """ISO's names of a country (name, common and official); empty for an unknown code."""
    found = pycountry.countries.get(alpha_2=code.upper())
    return frozenset(n for a in ("name", "common_name", "official_name") if (n := getattr(found, a, None)))


@functools.cache
def english_names(code: str) -> frozenset[str]:
    """The English names a query may call a country by: ISO's (not the inverted "Korea, Republic of"
    forms), the short one, and everyday aliases ("UK", "England")."""
    names = _iso_names(code) | {country_name(code)} | {alias for alias, c in _ALIASES.items() if c == code.upper()}
    return frozenset(n for n in names if n and "," not in n)


@functools.cache
def _translations(locale: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


@functools.cache
def _locales() -> tuple[str, ...]:
    return tuple(sorted(d.name for d in Path(pycountry.LOCALES_DIR).iterdir() if d.is_dir()))


def _everyday_name(code: str, language: str) -> str | None:
    """The name people use for the country in `language`, from the Unicode CLDR tables that Babel ships:
    ISO's translations are formal and miss some ("Storbritannien" in Swedish, "Russland" in German, where ISO
    gives "Förenade kungariket" and "Russische Föderation"). None where CLDR has no such language or country."""
    try:
        return Locale.parse(language).territories.get(code.upper())
    except (UnknownLocaleError, ValueError):
        return None


@functools.cache
def translated_names(code: str, language: str) -> frozenset[str]:
    """The country's names in `language` (an ISO 639-1 code): the ISO 3166 translations that pycountry ships,
    every regional variant included (pt and pt_BR), and CLDR's everyday name; empty for a language neither has."""
    sources = _iso_names(code)
    if not sources or not language.isalpha():
        return frozenset()
    locales = [loc for loc in _locales() if loc.split("_")[0] == language]
    names = {_translations(loc).gettext(s) for loc in locales for s in sources} | {_everyday_name(code, language)}
    return frozenset(n for n in names if n and "," not in n) - sources
