"""Editors save while people search: no failed or malformed read, and every acknowledged write survives a restart."""

import json
import random
import threading
import time

import httpx
import pytest
from api_contract import SEARCH_RESPONSE_KEYS
from live_server import ROOT, LiveServer

KEY = "w" * 16 + "-editor-key-" + "9" * 16
READ_SECONDS_MAX = 240  # a bound on the whole run, whatever the machine


def new_record(n: int) -> dict:
    """A practice from the shipped corpus that is not in the fixture, made unique by its title."""
    with open(ROOT / "data" / "practices.jsonl", encoding="utf-8") as fh:
        record = json.loads(fh.readlines()[150 + n])
    record.pop("id")
    return {**record, "title": f"Harbour choir number {n} for newcomers"}


def reader(base: str, stable: list[str], stop: threading.Event, seed: int, problems: list[str], count: list[int]):
    rng = random.Random(seed)
    deadline = time.monotonic() + READ_SECONDS_MAX
    with httpx.Client(base_url=base, timeout=60) as http:
        while not stop.is_set() and time.monotonic() < deadline:
            pid = rng.choice(stable)
            for path, params, check in (
                (
                    "/search",
                    {"q": rng.choice(["harbour choir", "youth", "anti-rumour"])},
                    lambda body: set(body) == SEARCH_RESPONSE_KEYS,
                ),
                (f"/practices/{pid}", {}, lambda body, pid=pid: body["id"] == pid),
                (f"/practices/{pid}/similar", {"limit": 5}, lambda body, pid=pid: body["id"] == pid),
                ("/facets", {}, lambda body: body["total"] >= len(stable)),
            ):
                try:
                    response = http.get(path, params=params)
                    ok = response.status_code == 200 and check(response.json())
                except (httpx.HTTPError, ValueError, KeyError) as err:
                    problems.append(f"{path}: {type(err).__name__}: {err}")
                    continue
                count[0] += 1
                if not ok:
                    problems.append(f"{path}: {response.status_code} {response.text[:200]}")


@pytest.mark.slow
def test_reads_never_fail_during_writes_and_acknowledged_writes_survive_restart(index_copy, tmp_path):
    ids = [json.loads(line)["id"] for line in index_copy.data.read_text(encoding="utf-8").splitlines()]
    stable, deletable = ids[:-2], ids[-2:]  # readers read only practices nobody deletes
    log = tmp_path / "server.log"
    acknowledged = 0
    expected: dict[str, str | None] = {}  # id -> title after every acknowledged write; None = deleted
    problems: list[str] = []
    counts = [[0] for _ in range(4)]
    with LiveServer(index_copy.index, index_copy.data, log, PRACTICE_SEARCH_ADMIN_KEYS=KEY) as server:
        stop = threading.Event()
        readers = [
            threading.Thread(target=reader, args=(server.base, stable, stop, seed, problems, counts[seed]))
            for seed in range(4)
        ]
        for thread in readers:
            thread.start()
        try:
            with httpx.Client(base_url=server.base, headers={"X-API-Key": KEY}, timeout=120) as admin:
                writes = [("put", f"harbour-choir-{n}", new_record(n)) for n in range(4)]
                writes += [
                    ("delete", "harbour-choir-1", None),
                    ("delete", deletable[0], None),
                    ("put", "harbour-choir-0", {**new_record(0), "title": "Harbour choir renamed"}),
                ]
                for op, pid, record in writes:
                    response = (
                        admin.put(f"/practices/{pid}", json=record)
                        if op == "put"
                        else admin.delete(f"/practices/{pid}")
                    )
                    assert response.status_code == 200, response.text
                    acknowledged += 1
                    expected[pid] = record["title"] if record else None
                    # the writer reads its own write at once
                    seen = admin.get(f"/practices/{pid}")
                    assert seen.status_code == (200 if record else 404)
        finally:
            stop.set()
            for thread in readers:
                thread.join(READ_SECONDS_MAX + 30)
    reads = sum(c[0] for c in counts)
    assert problems == [], problems[:5]
    assert reads >= 50, reads

    with LiveServer(index_copy.index, index_copy.data, log) as restarted, httpx.Client(base_url=restarted.base) as http:
        for pid, title in expected.items():
            response = http.get(f"/practices/{pid}")
            if title is None:
                assert response.status_code == 404, pid
            else:
                assert response.status_code == 200 and response.json()["title"] == title, pid
        hits = http.get("/search", params={"q": "Harbour choir renamed", "limit": 3}).json()["results"]
        assert hits[0]["id"] == "harbour-choir-0"
        assert http.get("/readyz").json()["practices"] == len(ids) + 4 - 2  # 4 added, 2 deleted
    print(f"\n{acknowledged} writes acknowledged and kept; {reads} reads, 0 failed")
