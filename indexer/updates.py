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

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.atomic import remove_stale_temps, write_atomic
from indexer.build import build_locked, corpus_digest, is_current
from indexer.corpus import load_corpus, parse_records, save_corpus
from indexer.encoders import TextEncoder, load_encoders
from indexer.format import IndexLoadError, read_manifest, sha256_file
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


class CorpusMismatch(ValueError):
    """The corpus file is not the one the serving build was made from (missing, or other contents): an edit
    built on it would drop or change practices nobody asked to. The message names no path (it reaches
    HTTP clients); the operator knows PRACTICE_SEARCH_DATA."""


def check_corpus(settings: Settings, existing: list[Practice] | None) -> None:
    """Refuse an edit unless the corpus file is what the current build indexes (or is ahead of it by a
    pending edit). `existing`: the corpus file's practices, None when the file is missing."""
    index_dir = Path(settings.index)
    build = current_build(index_dir)
    if build is None:
        return  # no index yet: the first edit creates it
    try:
        manifest = read_manifest(build)
    except IndexLoadError:
        return  # nothing intact to protect; the edit replaces the damaged build
    corpus = manifest.get("corpus", {})
    if existing is None:
        raise CorpusMismatch(
            f"the corpus file (PRACTICE_SEARCH_DATA) does not exist, but the serving build indexes "
            f"{corpus.get('practices', '?')} practices from one; restore it or fix the setting; nothing was changed"
        )
    marker = index_dir / PENDING
    if marker.exists():
        if marker.read_text(encoding="utf-8", errors="replace") != str(Path(settings.data).resolve()):
            raise CorpusMismatch(
                "a pending edit of another corpus file waits in this index; "
                "check PRACTICE_SEARCH_DATA; nothing was changed"
            )
        return  # the corpus is ahead of the build by design; this edit's build includes the pending one
    digest = corpus.get("sha256")
    if digest not in (sha256_file(settings.data), corpus_digest(existing)):
        raise CorpusMismatch(
            "the corpus file differs from the one the serving build was made from (edited by hand or another "
            "file); run `indexer build` to index it, or restore it; nothing was changed"
        )


@contextmanager
def _edit(settings: Settings) -> Iterator[None]:
    """Mark an edit in flight, and undo it if it fails.

    The PENDING marker stays if the process dies before the new build is current (resume_pending finishes
    the job). If the edit raises instead (disk full, read-only directory), the previous corpus is put back
    under its name by a rename (a hard link kept it, so restoring needs no free space) and the marker is
    removed: a write reported as failed leaves nothing behind.
    """
    index_dir, data = Path(settings.index), Path(settings.data)
    marker = index_dir / PENDING
    for path in (marker, data):
        remove_stale_temps(path)
    backup = data.with_name(f".{data.name}.before-edit")
    backup.unlink(missing_ok=True)
    old_bytes = None
    if data.exists():
        try:
            os.link(data, backup)
        except OSError:  # no hard links here: keep the bytes instead
            old_bytes = data.read_bytes()
    before = current_build(index_dir)
    try:
        write_atomic(marker, str(data.resolve()).encode())
        yield
    except Exception:
        if current_build(index_dir) == before:  # not switched: the edit did not happen, so neither may its corpus
            if backup.exists():
                os.replace(backup, data)
            elif old_bytes is not None:
                write_atomic(data, old_bytes)
            else:
                data.unlink(missing_ok=True)
        marker.unlink(missing_ok=True)
        raise
    else:
        marker.unlink()
    finally:
        backup.unlink(missing_ok=True)


def resume_pending(settings: Settings, *, encoders: list[TextEncoder] | None = None) -> str | None:
    """Finish an edit a crash interrupted (corpus written, index not yet switched); None if there was none.
    CorpusMismatch when the marker names another corpus file than PRACTICE_SEARCH_DATA (never rebuild
    from the wrong one)."""
    marker = Path(settings.index) / PENDING
    if not marker.exists():
        return None
    if marker.read_text(encoding="utf-8", errors="replace") != str(Path(settings.data).resolve()):
        raise CorpusMismatch("the pending edit in the index was made to another corpus file than PRACTICE_SEARCH_DATA")
    build_id = sync_index(settings, encoders=encoders)
    marker.unlink(missing_ok=True)
    return build_id


def _existing(settings: Settings) -> list[Practice] | None:
    return load_corpus(settings.data) if Path(settings.data).exists() else None


def upsert_practices(
    settings: Settings, records: list[Practice] | list[dict], *, encoders: list[TextEncoder] | None = None
) -> str:
    """Add or replace practices by id; returns the new build id. Raises CorpusError listing every invalid record."""
    incoming = _practices(records)  # validate before taking the lock or touching anything
    encoders = encoders or load_encoders(settings)
    with writer_lock(Path(settings.index)):
        existing = _existing(settings)
        check_corpus(settings, existing)
        merged, _, _ = merge(existing or [], incoming)
        with _edit(settings):
            save_corpus(settings.data, merged)
            return build_locked(merged, settings, encoders, corpus_sha256=sha256_file(settings.data)).build_id


def delete_practices(settings: Settings, ids: list[str], *, encoders: list[TextEncoder] | None = None) -> str:
    """Remove practices by id; returns the new build id. KeyError names the first unknown id (nothing changes)."""
    encoders = encoders or load_encoders(settings)
    with writer_lock(Path(settings.index)):
        existing = _existing(settings)
        check_corpus(settings, existing)
        existing = existing or []
        known = {p.id for p in existing}
        for practice_id in ids:
            if practice_id not in known:
                raise KeyError(f"no practice with id {practice_id!r}")
        gone = set(ids)
        kept = [p for p in existing if p.id not in gone]
        if not kept:
            raise ValueError("deleting these practices would leave the corpus empty; refusing")
        with _edit(settings):
            save_corpus(settings.data, kept)
            return build_locked(kept, settings, encoders, corpus_sha256=sha256_file(settings.data)).build_id


def sync_index(settings: Settings, *, encoders: list[TextEncoder] | None = None) -> str:
    """Make the index match the corpus file (a cached rebuild if they differ); returns the current build id."""
    encoders = encoders or load_encoders(settings)
    with writer_lock(Path(settings.index)):
        digest = sha256_file(settings.data)
        current = current_build(Path(settings.index))
        ids = {e.name: e.model_id for e in encoders}
        if current is not None and is_current(Path(settings.index), digest, ids, settings):
            return current.name
        practices = load_corpus(settings.data)
        return build_locked(practices, settings, encoders, corpus_sha256=digest).build_id
