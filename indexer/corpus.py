"""Read, validate and write the corpus file (JSON Lines, one practice a line)."""

import json
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from indexer.atomic import write_atomic
from indexer.problems import CorpusError, Problem, problems_from
from indexer.schema import Practice


def parse_records(records: list[tuple[int, dict]], problems: list[Problem] | None = None) -> list[Practice]:
    """Validate (line, raw record) pairs; raise CorpusError listing every problem, earlier ones included."""
    problems = list(problems or [])
    practices: list[Practice] = []
    first_line: dict[str, int] = {}
    for line, raw in records:
        if not isinstance(raw, dict):
            problems.append(Problem(line, "record", "expected a JSON object"))
            continue
        try:
            practice = Practice.model_validate(raw)
        except ValidationError as err:
            problems.extend(problems_from(err, line))
            continue
        if practice.id in first_line:
            first = first_line[practice.id]
            problems.append(Problem(line, "id", f"duplicate id {practice.id!r} (first on line {first})"))
            continue
        first_line[practice.id] = line
        practices.append(practice)
    if problems:
        raise CorpusError(sorted(problems, key=lambda p: p.line))
    return practices


def read_jsonl_records(path: Path) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """Raw records with their line numbers, and the JSON syntax problems (collected, not raised)."""
    records: list[tuple[int, dict]] = []
    problems: list[Problem] = []
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                records.append((line_no, json.loads(line)))
            except json.JSONDecodeError as err:
                problems.append(Problem(line_no, "json", f"invalid JSON: {err.msg} at column {err.colno}"))
    return records, problems


def load_corpus(path: Path) -> list[Practice]:
    return parse_records(*read_jsonl_records(Path(path)))


def dump_corpus(practices: list[Practice]) -> bytes:
    return "".join(p.model_dump_json(exclude_none=False) + "\n" for p in practices).encode("utf-8")


def save_corpus(path: Path, practices: list[Practice]) -> None:
    write_atomic(Path(path), dump_corpus(practices))


def summary(practices: list[Practice]) -> str:
    countries = Counter(c for p in practices for c in p.all_country_codes)
    topics = Counter(t for p in practices for t in p.topics)
    return f"{len(practices)} practices, {len(countries)} countries, {len(topics)} topics: 0 problems"
