"""Runs inside the benchmark's own txtai virtual environment: index the corpus, answer the eval queries.

Reads a JSON job on stdin ({"model", "corpus", "queries": [{"id", "text"}], "depth"}) and prints
{"ranked": {id: [practice ids]}, "latency_ms": [...], "index_s": ...} on stdout. Kept free of the
project's own packages: the peer sees the same texts and nothing else.
"""

import json
import sys
import time

from txtai import Embeddings


def main() -> None:
    job = json.load(sys.stdin)
    with open(job["corpus"], encoding="utf-8") as fh:
        practices = [json.loads(line) for line in fh if line.strip()]
    started = time.perf_counter()
    embeddings = Embeddings(path=job["model"], hybrid=True, content=True)
    embeddings.index([(p["id"], f"{p['title']}\n{p['purpose']}\n{p['description']}", None) for p in practices])
    index_s = time.perf_counter() - started
    ranked, latency = {}, []
    for query in job["queries"]:
        t0 = time.perf_counter()
        hits = embeddings.search(query["text"].replace("'", " "), job["depth"])
        latency.append((time.perf_counter() - t0) * 1000)
        ranked[query["id"]] = [h["id"] for h in hits]
    json.dump({"ranked": ranked, "latency_ms": latency, "index_s": index_s}, sys.stdout)


if __name__ == "__main__":
    main()
