"""The practice record: the one schema every reader and writer of the corpus uses."""

import datetime
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from indexer.countries import country_code, country_codes
from indexer.topics import TOPICS, canonical_topic

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MIN_YEAR = 1900


def max_year() -> int:
    """Plans are published a few years ahead; anything later is a typo."""
    return datetime.date.today().year + 10


NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Practice(BaseModel):
    """One good practice, as stored in data/practices.jsonl."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    city: NonEmpty
    country: NonEmpty
    country_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    cities: list[NonEmpty] = Field(default_factory=list, description="every city the practice runs in")
    country_codes: list[str] = Field(default_factory=list, description="every country it runs in")
    period: str = Field("", description="as published, free text")
    start_year: int | None = None
    end_year: int | None = None
    ongoing: bool = False
    topics: list[str] = Field(min_length=1, max_length=8)
    purpose: NonEmpty
    description: NonEmpty
    source_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    source_lang: str | None = None
    full_text_seen: bool | None = None

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, topics: list[str]) -> list[str]:
        unknown = [t for t in topics if canonical_topic(t) != t]
        if unknown:
            raise ValueError(f"unknown topic {unknown[0]!r} (allowed: {', '.join(TOPICS)})")
        return topics

    @field_validator("country")
    @classmethod
    def _known_country(cls, country: str) -> str:
        if country_codes(country) is None:
            raise ValueError(f"unknown country {country!r} (use English names, e.g. 'Spain')")
        return country

    @field_validator("country_code")
    @classmethod
    def _iso_code(cls, code: str) -> str:
        if country_code(code) != code:
            raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        return code

    @field_validator("country_codes")
    @classmethod
    def _iso_codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if country_code(code) != code:
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
        return codes

    @field_validator("start_year", "end_year")
    @classmethod
    def _year_in_range(cls, year: int | None) -> int | None:
        if year is not None and not MIN_YEAR <= year <= max_year():
            raise ValueError(f"year {year} out of range {MIN_YEAR}-{max_year()}")
        return year

    @model_validator(mode="after")
    def _consistent(self) -> "Practice":
        if self.country_code not in (country_codes(self.country) or []):
            raise ValueError(f"country_code: {self.country_code} does not match country {self.country!r}")
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValueError(f"end_year: start_year {self.start_year} is after end_year {self.end_year}")
        return self

    @property
    def all_country_codes(self) -> list[str]:
        return list(dict.fromkeys([self.country_code, *self.country_codes]))

    @property
    def all_cities(self) -> list[str]:
        return list(dict.fromkeys([self.city, *self.cities]))


FIELDS: tuple[str, ...] = tuple(Practice.model_fields)
REQUIRED: tuple[str, ...] = tuple(n for n, f in Practice.model_fields.items() if f.is_required())


def slugify(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def practice_id(title: str, city: str) -> str:
    """Stable id: the same title and city always give the same slug."""
    title_part = slugify(title)[:80].strip("-") or "practice"
    city_part = slugify(city)[:30].strip("-")
    return f"{title_part}-{city_part}" if city_part else title_part
