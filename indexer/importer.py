"""Import practices from JSON Lines, a JSON array or CSV, normalised and merged into the corpus by id."""

import csv
import io
import json
from pathlib import Path

from indexer.cities import city_names
from indexer.corpus import load_corpus, parse_records, read_jsonl_records, save_corpus
from indexer.countries import country_code, country_codes, country_name
from indexer.periods import parse_period
from indexer.problems import CorpusError, Problem
from indexer.schema import Practice, practice_id
from indexer.topics import canonical_topic

_LIST_FIELDS = ("topics", "cities", "country_codes")
_INT_FIELDS = ("start_year", "end_year")
_BOOL_FIELDS = ("ongoing", "full_text_seen")


def _csv_value(field: str, value: str) -> str | int | bool | list[str] | None:
    value = value.strip()
    if field in _LIST_FIELDS:
        return [v.strip() for v in value.split(";") if v.strip()]
    if field in _INT_FIELDS:
        return int(value) if value else None
    if field in _BOOL_FIELDS:
        if not value:
            return None
        return value.lower() in ("true", "1", "yes")
    return value


def read_source(path: Path) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """(line, raw record) pairs and syntax problems, from CSV (by extension), a JSON array or JSON Lines."""
    text = Path(path).read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if path.suffix.lower() == ".csv":
        rows = csv.DictReader(io.StringIO(text))
        records = []
        problems = []
        for row in rows:
            line = rows.line_num
            try:
                records.append((line, {k.strip(): _csv_value(k.strip(), v or "") for k, v in row.items() if k}))
            except ValueError as err:
                problems.append(Problem(line, "record", f"bad value: {err}"))
        return records, problems
    if stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as err:
            raise CorpusError([Problem(err.lineno, "json", f"invalid JSON: {err.msg}")]) from None
        if not isinstance(items, list):
            raise CorpusError([Problem(1, "json", "expected a JSON array of practice objects")])
        return [(i, item) for i, item in enumerate(items, start=1)], []
    return read_jsonl_records(path)


def normalise(raw: dict) -> dict:
    """Fill what can be derived (ids, codes, years, city lists); leave anything wrong for validation."""
    rec = {k: v.strip() if isinstance(v, str) else v for k, v in raw.items()}
    country = rec.get("country")
    if isinstance(country, str) and country:
        if len(country) == 2 and country_code(country):
            rec["country"] = country = country_name(country) or country
        codes = country_codes(country)
        if codes:
            rec.setdefault("country_code", codes[0])
            rec.setdefault("country_codes", codes)
    if isinstance(rec.get("country_code"), str):
        rec["country_code"] = rec["country_code"].upper()
    city = rec.get("city")
    if isinstance(city, str) and city and not rec.get("cities"):
        rec["cities"] = city_names(city)
    if isinstance(rec.get("topics"), list):
        rec["topics"] = [canonical_topic(t) or t if isinstance(t, str) else t for t in rec["topics"]]
    period = rec.get("period")
    if period is None:
        rec["period"] = period = ""
    if isinstance(period, str) and not any(k in rec for k in ("start_year", "end_year", "ongoing")):
        years = parse_period(period)
        rec.update(start_year=years.start_year, end_year=years.end_year, ongoing=years.ongoing)
    if not rec.get("id") and isinstance(rec.get("title"), str) and isinstance(city, str):
        rec["id"] = practice_id(rec["title"], city)
    return rec


def parse_source(path: Path) -> list[Practice]:
    """Every record of a source file, normalised and validated, or CorpusError with all problems."""
    records, problems = read_source(path)
    return parse_records([(line, normalise(raw) if isinstance(raw, dict) else raw) for line, raw in records], problems)


def merge(existing: list[Practice], incoming: list[Practice]) -> tuple[list[Practice], int, int]:
    """Update records whose id exists, append new ones; order of the corpus is kept."""
    by_id = {p.id: p for p in incoming}
    updated = sum(1 for p in existing if p.id in by_id)
    merged = [by_id.pop(p.id, p) for p in existing]
    added = list(by_id.values())
    return merged + added, updated, len(added)


def import_file(source: Path, into: Path) -> tuple[int, int, int]:
    """Validate the whole source first; write nothing unless every record is valid. Returns (total, updated, added)."""
    incoming = parse_source(Path(source))
    existing = load_corpus(into) if Path(into).exists() else []
    merged, updated, added = merge(existing, incoming)
    save_corpus(Path(into), merged)
    return len(merged), updated, added
