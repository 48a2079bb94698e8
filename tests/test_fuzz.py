"""Schemathesis against the running service's own OpenAPI schema: no 5xx, every answer valid against the schema.

Checks: all of schemathesis's response checks (server errors, status codes, content types, headers, body
schemas, Allow on 405, ...). Left out are the two that judge how strict request validation is, not whether
answers are right: `positive_data_acceptance` (the schema cannot say "q may be empty only with a filter" or
list the topic vocabulary, so some schema-valid requests get a correct 422) and `negative_data_rejection`
(pydantic accepts `false` for an integer, as lax JSON APIs do).
"""

import json
import re
import subprocess
import sys

import httpx
import pytest
from live_server import LiveServer

MIN_REQUESTS = 1000
REQUEST_LINE = re.compile(r'^http_requests_total\{method="(\w+)",route="([^"]*)",status="(\d+)"\} (\S+)$', re.M)


def served(base: str) -> dict[str, int]:
    """Requests the service counted, by status code, from its Prometheus metrics."""
    counts: dict[str, int] = {}
    for _, route, status, value in REQUEST_LINE.findall(httpx.get(base + "/metrics", timeout=10).text):
        if route != "/metrics":
            counts[status] = counts.get(status, 0) + int(float(value))
    return counts


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_schema_violation(built_index, tmp_path):
    report = tmp_path / "schemathesis.json"
    with LiveServer(built_index.index, built_index.data, tmp_path / "server.log") as server:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                server.base + "/openapi.json",
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance,negative_data_rejection",
                "--max-examples",
                "60",
                "--seed",
                "20261127",
                "--workers",
                "1",  # two worker threads parse hypothesis lambdas at once: CPython 3.11's AST bug gh-106905
                "--no-shrink",
                "--request-timeout",
                "30",
                "--report",
                "json",
                "--report-json-path",
                str(report),
            ],
            capture_output=True,
            text=True,
            timeout=420,
            cwd=tmp_path,
        )  # its example database stays out of the repo
        statuses = served(server.base)
    summary = json.loads(report.read_text(encoding="utf-8"))
    assert run.returncode == 0, run.stdout[-6000:]
    assert summary["failures"] == [] and summary["errors"] == [], run.stdout[-6000:]
    assert summary["operations"]["tested"] == summary["operations"]["total"] >= 12
    assert summary["test_cases"]["generated"] >= MIN_REQUESTS
    assert sum(statuses.values()) >= MIN_REQUESTS, statuses
    assert not [s for s in statuses if s.startswith("5")], statuses
    print(
        f"\nfuzz: {summary['test_cases']['generated']} generated cases, {sum(statuses.values())} requests served, "
        f"by status {dict(sorted(statuses.items()))}"
    )
