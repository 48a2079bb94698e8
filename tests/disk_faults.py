"""A full disk on demand, for the tests and bench/write_faults.py."""

import errno
from pathlib import Path


def fill(disk: Path) -> Path:
    """Take every free block, so the next write fails with ENOSPC."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as err:
                assert err.errno == errno.ENOSPC
    return filler
