"""Build and upsert timings on the shipped corpus, with the configured encoder.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/build.py

Prints and writes bench/results/build.json: full build vectors/s (no embedding cache), the same
passages through raw `model.encode` in the same run (before and after the build, averaged), their
ratio (goal >= 0.8), and the wall time of upserting one edited practice into the built index with
the encoder already loaded (goal < 1 s).
"""

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine, save_result  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.corpus import load_corpus  # noqa: E402
from indexer.encoder import Encoder  # noqa: E402
from indexer.passages import practice_passages  # noqa: E402
from settings import Settings  # noqa: E402
from indexer.updates import upsert_practices  # noqa: E402


def main() -> None:
    host = machine()  # before we load the machine ourselves
    base = Settings()
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        data = work / "practices.jsonl"
        shutil.copyfile(base.data, data)
        settings = base.model_copy(update={"data": data, "index": work / "index"})
        practices = load_corpus(data)
        t = time.perf_counter()
        encoder = Encoder.from_settings(settings)
        load_s = time.perf_counter() - t
        encoder.encode(["warm-up"] * 8)

        texts = [
            text
            for i, p in enumerate(practices)
            for _, text in practice_passages(p, i, encoder.tokenizer, encoder.max_tokens, settings.passage_tokens)
        ]

        def raw_rate() -> float:
            t = time.perf_counter()
            encoder.model.encode(texts, batch_size=settings.batch_size, normalize_embeddings=True)
            return len(texts) / (time.perf_counter() - t)

        # raw encode before and after the build: the shared machine's load drifts, this evens it out
        raw_before = raw_rate()
        report = build_index(practices, settings, encoder, use_cache=False)
        build_rate = report.vectors / report.seconds
        raw = (raw_before + raw_rate()) / 2

        upserts = []
        for i in (10, 100, 200):
            longer = practices[i].description + " Edited for the bench."
            edited = practices[i].model_copy(update={"description": longer})
            t = time.perf_counter()
            upsert_practices(settings, [edited], encoder=encoder)
            upserts.append(time.perf_counter() - t)

        result = {
            "machine": host,
            "encoder": {"backend": encoder.backend, "threads": encoder.threads, "model": encoder.model_id},
            "model_load_s": round(load_s, 2),
            "practices": report.practices,
            "vectors": report.vectors,
            "build_s": round(report.seconds, 2),
            "build_vectors_per_s": round(build_rate, 1),
            "raw_encode_vectors_per_s": round(raw, 1),
            "build_over_raw": round(build_rate / raw, 3),
            "upsert_one_s": [round(s, 3) for s in upserts],
            "upsert_one_median_s": round(statistics.median(upserts), 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = save_result("build", result)
    print(f"machine: {result['machine']}")
    print(f"encoder: {result['encoder']}")
    print(f"full build: {result['practices']} practices, {result['vectors']} vectors in {result['build_s']} s")
    print(f"  {result['build_vectors_per_s']} vectors/s; raw model.encode {result['raw_encode_vectors_per_s']}/s")
    print(f"  ratio {result['build_over_raw']} (goal >= 0.8)")
    print(f"upsert of one practice: median {result['upsert_one_median_s']} s {result['upsert_one_s']} (goal < 1 s)")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
