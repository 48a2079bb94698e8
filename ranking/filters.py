"""Filters as a boolean mask over practice positions, applied before any ranking cut-off."""

import datetime
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from indexer.countries import country_code
from indexer.schema import Practice
from indexer.topics import canonical_topic


def _canonical(values: list[str], lookup: Callable[[str], str | None], unknown: str) -> list[str]:
    """Map each value to its canonical form; a ValueError (-> 422 naming the field) for the first unknown one."""
    found = []
    for value in values:
        canonical = lookup(value)
        if canonical is None:
            raise ValueError(unknown.format(value=value))
        found.append(canonical)
    return found


class Filters(BaseModel):
    country: list[str] = Field(default_factory=list, description="country names or ISO alpha-2 codes (any of)")
    city: list[str] = Field(default_factory=list, description="city names (any of), case-insensitive")
    topic: list[str] = Field(default_factory=list, description="topics from the fixed vocabulary (any of)")
    # year_to first, so the year_from validator can compare with it and the error names year_from
    year_to: int | None = Field(None, ge=1900, le=2100, description="practice period overlaps this year or earlier")
    year_from: int | None = Field(None, ge=1900, le=2100, description="practice period overlaps this year or later")
    ongoing: bool | None = Field(None, description="only ongoing (true) or only finished (false) practices")

    @field_validator("country")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        return _canonical(values, country_code, "unknown country {value!r} (use an English name or ISO code)")

    @field_validator("topic")
    @classmethod
    def _topics(cls, values: list[str]) -> list[str]:
        return _canonical(values, canonical_topic, "unknown topic {value!r}")

    @field_validator("city")
    @classmethod
    def _cities(cls, values: list[str]) -> list[str]:
        return [v.strip().casefold() for v in values if v.strip()]

    @field_validator("year_from")
    @classmethod
    def _year_order(cls, year_from: int | None, info: ValidationInfo) -> int | None:
        year_to = info.data.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            raise ValueError(f"year_from {year_from} is after year_to {year_to}")
        return year_from

    @property
    def active(self) -> bool:
        return bool(
            self.country or self.city or self.topic or self.year_from or self.year_to or self.ongoing is not None
        )


def _span(p: Practice, this_year: int) -> tuple[int, int] | None:
    """Years a practice ran; ongoing ones run to this year, single dated ones to their start."""
    if p.start_year is None:
        return None
    end = p.end_year if p.end_year is not None else (this_year if p.ongoing else p.start_year)
    return p.start_year, end


def matches(p: Practice, f: Filters, this_year: int) -> bool:
    if f.country and not set(f.country) & set(p.all_country_codes):
        return False
    if f.city and not set(f.city) & {c.casefold() for c in p.all_cities}:
        return False
    if f.topic and not set(f.topic) & set(p.topics):
        return False
    if f.ongoing is not None and p.ongoing != f.ongoing:
        return False
    if f.year_from is not None or f.year_to is not None:
        span = _span(p, this_year)
        if span is None:
            return False
        if f.year_from is not None and span[1] < f.year_from:
            return False
        if f.year_to is not None and span[0] > f.year_to:
            return False
    return True


def mask(practices: list[Practice], f: Filters) -> np.ndarray:
    if not f.active:
        return np.ones(len(practices), dtype=bool)
    this_year = datetime.date.today().year
    return np.fromiter((matches(p, f, this_year) for p in practices), dtype=bool, count=len(practices))
