"""The index directory: immutable builds, a pointer to the current one, and a writers' lock.

    models/index/
        CURRENT              name of the current build (replaced atomically with os.replace)
        .lock                flock'ed by every writer, so builds and updates never interleave
        builds/<build_id>/   one complete, never-modified build each (the last `keep_builds` kept)
        builds/.tmp-*        a build being written; removed on failure, or by the next writer after a crash

A reader resolves CURRENT once and then reads one build directory, which no writer touches
until it is pruned two switches later.
"""

import contextlib
import datetime
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from indexer.atomic import fsync_dir, remove_stale_temps, write_atomic

POINTER = "CURRENT"
BUILDS = "builds"
TMP_PREFIX = ".tmp-"


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Exclusive lock for the whole of a build or update (blocks until the previous writer ends)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class BadPointer(OSError):
    """CURRENT holds something that is not a build name (not UTF-8, a path, control characters)."""


def current_build(index_dir: Path) -> Path | None:
    """The build directory CURRENT names, or None when there is no index yet; BadPointer when CURRENT is
    unreadable as a name (an OSError, so every caller that survives an I/O error survives this too)."""
    pointer = index_dir / POINTER
    if not pointer.is_file():
        return None
    try:
        name = pointer.read_bytes().decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadPointer(f"{POINTER} is not UTF-8") from None
    if name in (".", "..") or "/" in name or "\\" in name or not name.isprintable():
        raise BadPointer(f"{POINTER} does not hold a build name")
    return index_dir / BUILDS / name if name else None


def new_build_id(corpus_sha256: str) -> str:
    """Sortable by time (pruning keeps the newest), unique enough with microseconds and the corpus digest."""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{now}-{corpus_sha256[:8]}"


def make_temp_build(index_dir: Path, build_id: str) -> Path:
    builds = index_dir / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{build_id}-", dir=builds))


def clean_stale(index_dir: Path) -> None:
    """Remove temp builds and pointer temp files left by a killed writer; only call holding the writer lock."""
    remove_stale_temps(index_dir / POINTER)
    builds = index_dir / BUILDS
    if builds.is_dir():
        for tmp in builds.glob(f"{TMP_PREFIX}*"):
            shutil.rmtree(tmp, ignore_errors=True)


def publish(index_dir: Path, tmp: Path, build_id: str, keep: int) -> Path:
    """Rename a finished temp build into place, point CURRENT at it, prune old builds."""
    for file in tmp.rglob("*"):
        if file.is_file():
            fd = os.open(file, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    tmp.chmod(0o755)  # mkdtemp makes it private; readers (the service) may run as another user
    final = index_dir / BUILDS / build_id
    os.rename(tmp, final)
    fsync_dir(final.parent)
    write_atomic(index_dir / POINTER, (build_id + "\n").encode("utf-8"))
    (index_dir / POINTER).chmod(0o644)
    prune(index_dir, keep)
    return final


def prune(index_dir: Path, keep: int) -> None:
    """Keep the newest `keep` builds; never the one CURRENT names."""
    current = current_build(index_dir)
    builds = sorted(p for p in (index_dir / BUILDS).iterdir() if p.is_dir() and not p.name.startswith(TMP_PREFIX))
    for old in builds[:-keep]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)
