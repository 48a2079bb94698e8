"""Turn the published free-text period into years, never inventing a year that is not written.

The main clause decides ("2016 (award since 1995)" starts in 2016); a parenthesis is only read
when the main clause has no year at all.
"""

import re
from dataclasses import dataclass

_YEAR = r"(?:19|20)\d\d"
_RANGE_SHORT = re.compile(rf"\b({_YEAR})\s*[-–]\s*(\d\d)\b(?!\d)")
_YEAR_RE = re.compile(rf"(?<!\d)({_YEAR})(?!\d)")
_ONGOING = re.compile(
    r"on-?\s?going|onwards|\bsince\b|\bpresent\b|permanent|current|\bongoing\b|\band on\b"
    r"|\bfrom\s+(?:\w+\s+)?\d{4}\s*$|\bevery\b|\bannual\b|decades"
    rf"|{_YEAR}\s*[-–]\s*$|{_YEAR}\s*[-–]\s*\(|{_YEAR}\s+on\b",
    re.IGNORECASE,
)
# "three years from 1 March 2018": a fixed duration whose end year is not written.
_DURATION = re.compile(r"\b(?:one|two|three|four|five|\d+)[- ](?:year|month)s?\s+from\b", re.IGNORECASE)


@dataclass(frozen=True)
class Years:
    start_year: int | None
    end_year: int | None
    ongoing: bool


def _years(text: str) -> list[int]:
    expanded = _RANGE_SHORT.sub(lambda m: f"{m.group(1)}-{m.group(1)[:2]}{m.group(2)}", text)
    return [int(y) for y in _YEAR_RE.findall(expanded)]


def _main_clause(text: str) -> str:
    return re.sub(r"\([^)]*\)?", " ", text).strip()


def parse_period(period: str) -> Years:
    text = (period or "").strip()
    if not text:
        return Years(None, None, False)
    main = _main_clause(text)
    years = _years(main) or _years(text)
    ongoing = bool(_ONGOING.search(main or text)) and not _DURATION.search(text)
    if not years:
        return Years(None, None, ongoing)
    start = min(years)
    if ongoing or _DURATION.search(text):
        return Years(start, None, ongoing)
    return Years(start, max(years), False)
