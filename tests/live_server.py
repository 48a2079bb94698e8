"""A real service process (uvicorn, 127.0.0.1, a free port) for tests that need HTTP, signals or restarts.

    with LiveServer(settings.index, settings.data, tmp_path / "server.log") as server:
        httpx.get(server.base + "/search", params={"q": "choir"})

Its output goes to a file, never a pipe: a busy server must not block on a full pipe nobody reads.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, index: Path, data: Path, log: Path, **env: str):
        self.index, self.data, self.log_path = Path(index), Path(data), Path(log)
        # tests measure the service, not the rate limit (test_limits checks that one in-process)
        self.env = {"PRACTICE_SEARCH_RATE_LIMIT_PER_MINUTE": "0", **env}
        self.proc: subprocess.Popen | None = None
        self.base = ""

    def start(self, timeout: float = 120) -> "LiveServer":
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        environ = {**os.environ, "HF_HUB_OFFLINE": "1", "PRACTICE_SEARCH_INDEX": str(self.index),
                   "PRACTICE_SEARCH_DATA": str(self.data), **self.env}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "search_service.app:create_app", "--factory",
                 "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"service exited {self.proc.returncode}: {self.log()[-2000:]}")
            try:
                if httpx.get(self.base + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"service not ready in {timeout} s: {self.log()[-2000:]}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no clean-up handler runs, as in a power cut or the OOM killer."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> "LiveServer":
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
