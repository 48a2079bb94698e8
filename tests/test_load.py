"""Load, shortened: 10 s of 32 concurrent clients (bench/load.py) with no error and no memory growth.

The full run is `bench/load.py` (60 s on the shipped index); this one uses the 12-practice fixture.
"""

import json
import subprocess
import sys

import pytest
from live_server import ROOT


@pytest.mark.slow
def test_ten_seconds_of_32_clients_without_errors_or_growth(built_index, tmp_path):
    out = tmp_path / "load.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            "--duration",
            "10",
            "--clients",
            "32",
            "--warmup",
            "3",
            "--index",
            str(built_index.index),
            "--data",
            str(built_index.data),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["errors"] == 0, result["error_examples"]
    assert result["requests"] >= 100
    assert all(kind["requests"] > 0 for kind in result["by_kind"].values())
    assert result["rss_end_mib"] <= 1.10 * result["rss_after_warmup_mib"]
    print("\n" + run.stdout)
