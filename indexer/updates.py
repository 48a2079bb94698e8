"""Upsert, delete and re-sync: change the corpus file, then switch to a cached rebuild of the index.

Order matters for durability: a PENDING marker naming the corpus file is written in the index
directory, then the corpus file atomically (that is the acknowledged write), then a new build is
made and switched to, then the marker goes. If the process dies in between, `resume_pending` (run
by the service at start-up) finds the marker and finishes the job. Without a marker the service
never rebuilds on its own, so pointing it at some index never rewrites that index from another corpus.
Unchanged practices are never re-embedded: their texts hash
to vectors already in the current build.

    build_id = upsert_practices(settings, [{"title": ..., "city": ..., ...}], encoders=encoders)
    build_id = delete_practices(settings, ["some-practice-id"], encoders=encoders)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.atomic import remove_stale_temps, write_atomic
from indexer.build import build_locked, is_current
from indexer.corpus import load_corpus, parse_records, save_corpus
from indexer.encoders import TextEncoder, load_encoders
from indexer.format import sha256_file
from indexer.importer import merge, normalise
from indexer.schema import Practice
from indexer.store import current_build, writer_lock
from settings import Settings


def _practices(records: list[Practice] | list[dict]) -> list[Practice]:
    """Validate raw records like `indexer import` does (line = 1-based record number)."""
    if all(isinstance(r, Practice) for r in records):
        return list(records)  # type: ignore[arg-type]
    raw = [(i, normalise(r) if isinstance(r, dict) else r) for i, r in enumerate(records, start=1)]
    return parse_records(raw)  # type: ignore[arg-type]


PENDING = "PENDING"


@contextmanager
def _pending(settings: Settings) -> Iterator[None]:
    """Mark an edit in flight; the marker stays if the process dies before the new build is current."""
    marker = Path(settings.index) / PENDING
    for path in (marker, Path(settings.data)):
        remove_stale_temps(path)
    write_atomic(marker, str(Path(settings.data).resolve()).encode())
    yield
    marker.unlink()


def resume_pending(settings: Settings, *, encoders: list[TextEncoder] | None = None) -> str | None:
    """Finish an edit a crash interrupted (corpus written, index not yet switched); None if there was none."""
    marker = Path(settings.index) / PENDING
    if not marker.exists():
        return None
    build_id = sync_index(settings, encoders=encoders)
    marker.unlink(missing_ok=True)
    return build_id


def _existing(settings: Settings) -> list[Practice]:
    return load_corpus(settings.data) if Path(settings.data).exists() else []


def upsert_practices(
    settings: Settings, records: list[Practice] | list[dict], *, encoders: list[TextEncoder] | None = None
) -> str:
    """Add or replace practices by id; returns the new build id. Raises CorpusError listing every invalid record."""
    incoming = _practices(records)  # validate before taking the lock or touching anything
    encoders = encoders or load_encoders(settings)
    with writer_lock(Path(settings.index)):
        merged, _, _ = merge(_existing(settings), incoming)
        with _pending(settings):
            save_corpus(settings.data, merged)
            return build_locked(merged, settings, encoders, corpus_sha256=sha256_file(settings.data)).build_id


def delete_practices(settings: Settings, ids: list[str], *, encoders: list[TextEncoder] | None = None) -> str:
    """Remove practices by id; returns the new build id. KeyError names the first unknown id (nothing changes)."""
    encoders = encoders or load_encoders(settings)
    with writer_lock(Path(settings.index)):
        existing = _existing(settings)
        known = {p.id for p in existing}
        for practice_id in ids:
            if practice_id not in known:
                raise KeyError(f"no practice with id {practice_id!r}")
        gone = set(ids)
        kept = [p for p in existing if p.id not in gone]
        if not kept:
            raise ValueError("deleting these practices would leave the corpus empty; refusing")
        with _pending(settings):
            save_corpus(settings.data, kept)
            return build_locked(kept, settings, encoders, corpus_sha256=sha256_file(settings.data)).build_id


def sync_index(settings: Settings, *, encoders: list[TextEncoder] | None = None) -> str:
    """Make the index match the corpus file (a cached rebuild if they differ); returns the current build id."""
    encoders = encoders or load_encoders(settings)
    with writer_lock(Path(settings.index)):
        digest = sha256_file(settings.data)
        current = current_build(Path(settings.index))
        if current is not None and is_current(
            Path(settings.index), digest, {e.name: e.model_id for e in encoders}, settings
        ):
            return current.name
        practices = load_corpus(settings.data)
        return build_locked(practices, settings, encoders, corpus_sha256=digest).build_id
