"""The one live-server helper of the tests: a free port, a real server, waiting until it is ready.

    with LiveServer(settings.index, settings.data, tmp_path / "server.log") as server:
        httpx.get(server.base + "/search", params={"q": "choir"})

    with threaded_server(build_app(settings, encoders)) as port:   # an in-process app on a real socket
        socket.create_connection(("127.0.0.1", port))

`LiveServer` runs the service as deployments do (uvicorn with the factory, in its own process), for
tests that need HTTP, signals or restarts. Its output goes to a file, never a pipe: a busy server
must not block on a full pipe nobody reads. `threaded_server` serves an app already built in this
process (no second model load), for tests about the socket itself (slow clients, huge bodies).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent


def uvicorn_command(port: int, *args: str) -> list[str]:
    """The service as deployments start it: uvicorn with the app factory, on loopback."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "search_service.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`env`: extra PRACTICE_SEARCH_* variables for the service (e.g. PRACTICE_SEARCH_ADMIN_KEYS);
    `uvicorn_args`: extra uvicorn options (e.g. ["--no-access-log"]). Also used by bench/ (load, HTTP latency)."""

    def __init__(self, index: Path, data: Path, log: Path, *, uvicorn_args: tuple[str, ...] = (), **env: str):
        self.index, self.data, self.log_path = Path(index), Path(data), Path(log)
        self.uvicorn_args = list(uvicorn_args)
        # tests measure the service, not the rate limit (test_limits checks that one in-process)
        self.env = {"PRACTICE_SEARCH_RATE_LIMIT_PER_MINUTE": "0", **env}
        self.proc: subprocess.Popen | None = None
        self.base = ""
        self.port = 0
        self.ready_s = 0.0  # seconds from spawn to the first 200 from /readyz
        self._spawned = 0.0

    def start(self, timeout: float = 120) -> "LiveServer":
        return self.spawn().wait_ready(timeout)

    def spawn(self) -> "LiveServer":
        """Start the process and return at once (several services can then start side by side)."""
        port = self.port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self._spawned = time.monotonic()
        environ = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "PRACTICE_SEARCH_INDEX": str(self.index),
            "PRACTICE_SEARCH_DATA": str(self.data),
            **self.env,
        }
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                uvicorn_command(port, *self.uvicorn_args), cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def wait_ready(self, timeout: float = 120) -> "LiveServer":
        assert self.proc is not None, "spawn() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"service exited {self.proc.returncode}: {self.log()[-2000:]}")
            try:
                if httpx.get(self.base + "/readyz", timeout=2).status_code == 200:
                    self.ready_s = time.monotonic() - self._spawned
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.05)
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


@contextlib.contextmanager
def threaded_server(app: FastAPI, timeout: float = 20) -> Iterator[int]:
    """uvicorn in a thread around an in-process app; yields its port once it accepts connections."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, f"threaded server not started in {timeout} s"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
