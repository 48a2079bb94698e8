"""What a build tells the person waiting: a bar per encoder on a terminal, else a line per stage.

A build of thousands of practices embeds for minutes; off a terminal (CI, logs) it still prints a
line at least every `HEARTBEAT_S` seconds per encoder, so it never sits silent.
"""

import sys
import threading
import time
from typing import TextIO

HEARTBEAT_S = 30.0


class Progress:
    def __init__(self, stream: TextIO | None = None, bars: bool | None = None):
        self.stream = stream or sys.stderr
        self.bars = self.stream.isatty() if bars is None else bars
        self._lock = threading.Lock()
        self._tqdm: dict[str, object] = {}
        self._done: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._started: dict[str, float] = {}
        self._said: dict[str, float] = {}

    def stage(self, message: str) -> None:
        with self._lock:
            print(f"build: {message}", file=self.stream, flush=True)

    def start(self, encoder: str, total: int) -> None:
        with self._lock:
            self._done[encoder], self._total[encoder] = 0, total
            self._started[encoder] = self._said[encoder] = time.monotonic()
            if self.bars:
                from tqdm import tqdm

                self._tqdm[encoder] = tqdm(
                    total=total,
                    desc=f"embed {encoder}",
                    unit="text",
                    position=len(self._tqdm),
                    file=self.stream,
                    dynamic_ncols=True,
                )
        if not self.bars:
            self.stage(f"embedding {total} texts with {encoder}")

    def advance(self, encoder: str, n: int) -> None:
        with self._lock:
            self._done[encoder] += n
            bar = self._tqdm.get(encoder)
            if bar is not None:
                bar.update(n)  # type: ignore[attr-defined]
                return
            now = time.monotonic()
            if now - self._said[encoder] < HEARTBEAT_S or self._done[encoder] >= self._total[encoder]:
                return
            self._said[encoder] = now
            done, total = self._done[encoder], self._total[encoder]
            rate = done / max(now - self._started[encoder], 1e-9)
            left = (total - done) / rate if rate else float("inf")
            print(
                f"build: {encoder} {done}/{total} texts, {rate:.1f}/s, about {left:.0f} s left",
                file=self.stream,
                flush=True,
            )

    def finish(self, encoder: str) -> None:
        with self._lock:
            bar = self._tqdm.pop(encoder, None)
            if bar is not None:
                bar.close()  # type: ignore[attr-defined]
                return
        seconds = time.monotonic() - self._started[encoder]
        total = self._total[encoder]
        self.stage(f"{encoder}: {total} texts embedded in {seconds:.1f} s ({total / max(seconds, 1e-9):.1f}/s)")


class Silent(Progress):
    """For tests and library callers that want no output."""

    def __init__(self) -> None:
        super().__init__(bars=False)

    def stage(self, message: str) -> None:
        return None

    def advance(self, encoder: str, n: int) -> None:
        return None

    def finish(self, encoder: str) -> None:
        return None
