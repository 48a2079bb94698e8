"""Country names and ISO 3166-1 alpha-2 codes, on top of pycountry's ISO tables."""

import re

import pycountry

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
