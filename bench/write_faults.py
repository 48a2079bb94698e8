"""Issue 12 rows 2 and 3: fault injection on admin writes, over HTTP (in-process app), on a copy of the
shipped index.

    .venv/bin/python bench/write_faults.py        (as root: mounts a small tmpfs for the full-disk cases)

Row 2: PRACTICE_SEARCH_DATA pointing at a missing file, then at a corpus other than the build's; a PUT
and a DELETE each; the practices served before and after. Row 3: the index and corpus on a tmpfs filled
to the last block; a PUT (status, time, corpus bytes and PENDING marker after); then a crash left a
pending edit on the full disk: start-up serves the intact build and says why; with space again the next
start finishes the edit. Writes bench/results/write_faults.json.
"""

import contextlib
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from fastapi.testclient import TestClient  # noqa: E402
from machine import machine, save_result  # noqa: E402

from indexer.encoders import load_encoders  # noqa: E402
from indexer.store import current_build  # noqa: E402
from indexer.updates import PENDING  # noqa: E402
from search_service.app import _resume, build_app  # noqa: E402
from settings import Settings  # noqa: E402
from tests.disk_faults import fill  # noqa: E402

KEY = "b" * 40


def record() -> dict:
    line = (ROOT / "data" / "practices.jsonl").read_text(encoding="utf-8").splitlines()[10]
    return {k: v for k, v in json.loads(line).items() if k != "id"} | {"title": "Fault injection practice"}


def sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.exists() else None


def served(client: TestClient) -> int:
    return client.get("/readyz").json()["practices"]


def call(client: TestClient, method: str, path: str, **kw) -> dict:
    t0 = time.perf_counter()
    response = client.request(method, path, headers={"X-API-Key": KEY}, **kw)
    return {
        "status": response.status_code,
        "detail": response.json().get("detail"),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def copy_to(base: Path) -> Settings:
    shutil.copytree(ROOT / "models" / "index", base / "index")
    shutil.copyfile(ROOT / "data" / "practices.jsonl", base / "practices.jsonl")
    return Settings(
        index=base / "index",
        data=base / "practices.jsonl",
        admin_keys=KEY,
        rate_limit_per_minute=0,
        follow_interval_s=0,
    )


def missing_corpus(encoders, tmp: Path) -> dict:
    settings = copy_to(tmp)
    first_id = json.loads(settings.data.read_text().splitlines()[0])["id"]
    out = {}

    def another_corpus() -> None:  # the file is back, but holds one practice: not what the build indexes
        first_line = (tmp / "moved.jsonl").read_text().splitlines()[0]
        settings.data.write_text(first_line + "\n")

    for case, change in (
        ("missing file", lambda: settings.data.rename(tmp / "moved.jsonl")),
        ("another corpus", another_corpus),
    ):
        change()
        client = TestClient(build_app(settings, encoders), raise_server_exceptions=False)
        before = served(client)
        put = call(client, "PUT", "/practices/fault-injection", json=record())
        delete = call(client, "DELETE", f"/practices/{first_id}")
        engine = client.app.state.service.engine
        out[case] = {
            "put": put,
            "delete": delete,
            "served_before": before,
            "served_after": served(client),
            "build_unchanged": current_build(settings.index).name == engine.index.build_id,
        }
        print(
            f"row 2, {case}: PUT {put['status']}, DELETE {delete['status']}, practices {before} -> "
            f"{out[case]['served_after']}"
        )
    return out


def full_disk(encoders, tmp: Path) -> dict:
    disk = tmp / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode:
        return {"skipped": f"cannot mount a tmpfs: {mounted.stderr.decode().strip()}"}
    try:
        settings = copy_to(disk)
        client = TestClient(build_app(settings, encoders), raise_server_exceptions=False)
        before = {"corpus": sha(settings.data), "build": current_build(settings.index).name, "served": served(client)}
        filler = fill(disk)
        put = call(client, "PUT", "/practices/fault-injection", json=record())
        after = {
            "corpus": sha(settings.data),
            "build": current_build(settings.index).name,
            "served": served(client),
            "pending_marker": (settings.index / PENDING).exists(),
            "leftovers": sorted(p.name for p in disk.glob(".practices.jsonl.*")),
        }
        print(
            f"row 3, PUT on a full disk: {put['status']} in {put['seconds']} s; corpus unchanged: "
            f"{before['corpus'] == after['corpus']}; marker left: {after['pending_marker']}"
        )
        # a crash after the acknowledged corpus write, on a full disk
        filler.unlink()
        line = json.dumps(record() | {"id": "fault-pending"})
        with open(settings.data, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        (settings.index / PENDING).write_text(str(settings.data.resolve()))
        filler = fill(disk)
        stderr = io.StringIO()
        t0 = time.perf_counter()
        with contextlib.redirect_stderr(stderr):
            _resume(settings, encoders)
        restarted = TestClient(build_app(settings, encoders))
        start = {
            "seconds": round(time.perf_counter() - t0, 2),
            "served": served(restarted),
            "search_status": restarted.get("/search", params={"q": "roma school mediators"}).status_code,
            "stderr": stderr.getvalue().strip(),
        }
        print(
            f"row 3, start-up with a pending edit on a full disk: serves {start['served']} practices; {start['stderr']}"
        )
        filler.unlink()
        _resume(settings, encoders)
        again = served(TestClient(build_app(settings, encoders)))
        print(f"row 3, start-up with space again: serves {again} practices (the pending edit finished)")
        return {
            "before": before,
            "put": put,
            "after": after,
            "start_on_full_disk": start,
            "start_with_space": {"served": again, "pending_marker": (settings.index / PENDING).exists()},
        }
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def main() -> None:
    encoders = load_encoders(Settings())
    result: dict = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "b").mkdir()
        result["row2_corpus"] = missing_corpus(encoders, Path(tmp) / "a")
        result["row3_disk_full"] = full_disk(encoders, Path(tmp) / "b")
    print("wrote", save_result("write_faults", result))


if __name__ == "__main__":
    main()
