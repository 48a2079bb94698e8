"""The evaluation set on disk (data/eval/): judged queries, their translations, related-practice judgments,
and queries the collection has nothing for (unmet.jsonl: what the unmet-query report should catch).

A translation (translations.jsonl) inherits its source query's split, kind, endpoint, judgments and
author, so it is judged exactly as its source and never leaks across halves. Each English query names
its author (1-5, data/eval/README.md): a default that suits one author's phrasing is not a default
that suits users, so the report scores each author apart.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

Split = Literal["dev", "test", "all"]
T = TypeVar("T")


@dataclass(frozen=True)
class EvalQuery:
    id: str
    split: str
    kind: str
    endpoint: Literal["search", "similar"]
    query: str
    judgments: dict[str, int]
    lang: str = "en"
    source: str | None = None  # the English query a translation renders
    author: int = 1  # who wrote (and judged) the English query


@dataclass(frozen=True)
class RelatedEntry:
    id: str
    split: str
    related: dict[str, int]
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class OffTopicQuery:
    id: str
    split: str
    lang: str
    query: str


def _read(path: Path, make: Callable[[dict[str, Any]], T]) -> list[T]:
    """Each non-blank line of a JSONL file made into a T; a bad line is a ValueError naming the file and line."""
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(make(json.loads(line)))
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}:{lineno}: not valid JSON ({err.msg})") from None
        except KeyError as err:
            raise ValueError(f"{path}:{lineno}: missing field {err.args[0]!r}") from None
        except (TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"{path}:{lineno}: {err}") from None
    return out


def _in_split(row_split: str, split: Split) -> bool:
    return split == "all" or row_split == split


def load_queries(path: Path, split: Split = "all", translations: Path | None = None) -> list[EvalQuery]:
    """English queries, then translations of them when a translations file is given."""
    english = _read(
        path,
        lambda r: EvalQuery(
            r["id"],
            r["split"],
            r["kind"],
            r.get("endpoint", "search"),
            r["query"],
            {k: int(v) for k, v in r["judgments"].items()},
            author=int(r.get("author", 1)),
        ),
    )
    by_id = {q.id: q for q in english}

    def translation(t: dict[str, Any]) -> EvalQuery:
        src = by_id.get(t["source"])
        if src is None:
            raise ValueError(f"source {t['source']!r} is not a query of {path}")
        return EvalQuery(
            t["id"], src.split, src.kind, src.endpoint, t["query"], src.judgments, t["lang"], src.id, src.author
        )

    out = [q for q in english if _in_split(q.split, split)]
    if translations is not None and translations.exists():
        out += [q for q in _read(translations, translation) if _in_split(q.split, split)]
    return out


def load_related(path: Path, split: Split = "all") -> list[RelatedEntry]:
    entries = _read(
        path,
        lambda r: RelatedEntry(
            r["id"], r["split"], {k: int(v) for k, v in r["related"].items()}, tuple(r.get("duplicates", ()))
        ),
    )
    return [e for e in entries if _in_split(e.split, split)]


def load_off_topic(path: Path, split: Split = "all") -> list[OffTopicQuery]:
    queries = _read(path, lambda r: OffTopicQuery(r["id"], r["split"], r["lang"], r["query"]))
    return [q for q in queries if _in_split(q.split, split)]
