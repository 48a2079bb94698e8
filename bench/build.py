"""Build and upsert timings on the shipped corpus, with the configured encoders.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/build.py

Prints and writes bench/results/build.json: full build vectors/s (no embedding cache), the same
passages through each encoder's raw `encode_passages` one after the other in the same run (each
encoder's seconds reported apart, as `raw_encode_s`), plus
e5's raw `encode_queries` of the words the build embeds (the corpus words for the word bridge and each
language's sample words for the language shift; before and after the build, averaged), their ratio
(goal >= 0.8; the build runs the encoders side by side, so it may exceed 1), and the wall time of
upserting one edited practice into the built index with the encoders already loaded (goal < 1 s).
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine, save_result  # noqa: E402
from indexer.build import build_index  # noqa: E402
from indexer.corpus import load_corpus  # noqa: E402
from indexer.encoders import load_encoders, window  # noqa: E402
from indexer.keyword import KeywordIndex  # noqa: E402
from indexer.languages import language_samples  # noqa: E402
from indexer.passages import practice_passages  # noqa: E402
from indexer.updates import upsert_practices  # noqa: E402
from indexer.word_vectors import MULTILINGUAL, bridge_words  # noqa: E402
from settings import Settings  # noqa: E402


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # no options; --help works
    host = machine()  # before we load the machine ourselves
    base = Settings()
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        data = work / "practices.jsonl"
        shutil.copyfile(base.data, data)
        settings = base.model_copy(update={"data": data, "index": work / "index"})
        practices = load_corpus(data)
        t = time.perf_counter()
        encoders = load_encoders(settings)
        load_s = time.perf_counter() - t
        for encoder in encoders:
            encoder.encode_passages(["warm-up"] * 8)

        splitter, passage_window = encoders[0].tokenizer, window(encoders)
        texts = [
            text
            for i, p in enumerate(practices)
            for _, text in practice_passages(p, i, splitter, passage_window, settings.passage_tokens)
        ]

        corpus_words = bridge_words(KeywordIndex.build(practices, settings.title_weight).vocabulary)
        sampled = [w for sample in language_samples(settings.language_sample_words).values() for w in sample]
        words = list(dict.fromkeys(corpus_words + sampled))  # the build embeds each distinct word once
        bridge = [e for e in encoders if e.name == MULTILINGUAL]
        raw_s: dict[str, list[float]] = {}  # "minilm", "e5", "e5 words" -> seconds, once before and once after

        def timed(what: str, encode: Callable[[list[str]], object], rows: list[str]) -> float:
            t = time.perf_counter()
            encode(rows)
            raw_s.setdefault(what, []).append(time.perf_counter() - t)
            return raw_s[what][-1]

        def raw_rate() -> float:
            """Rows per second through every encoder, one after the other, counting the time e5 takes for the
            words too (what the build must embed)."""
            seconds = sum(timed(e.name, e.encode_passages, texts) for e in encoders)
            seconds += sum(timed(f"{e.name} words", e.encode_queries, words) for e in bridge)
            return len(texts) / seconds

        # raw encode before and after the build: the shared machine's load drifts, this evens it out
        raw_before = raw_rate()
        report = build_index(practices, settings, encoders, use_cache=False)
        build_rate = report.vectors / report.seconds
        raw = (raw_before + raw_rate()) / 2

        upserts = []
        for i in (10, 100, 200):
            longer = practices[i].description + " Edited for the bench."
            edited = practices[i].model_copy(update={"description": longer})
            t = time.perf_counter()
            upsert_practices(settings, [edited], encoders=encoders)
            upserts.append(time.perf_counter() - t)

        result = {
            "machine": host,
            "encoders": [
                {"name": e.name, "backend": e.backend, "threads": settings.threads, "model": e.model_id}
                for e in encoders
            ],
            "model_load_s": round(load_s, 2),
            "practices": report.practices,
            "vectors": report.vectors,
            "build_s": round(report.seconds, 2),
            "build_vectors_per_s": round(build_rate, 1),
            "raw_encode_vectors_per_s": round(raw, 1),
            "bridge_words": len(corpus_words) if bridge else 0,
            "words_embedded": len(words) if bridge else 0,
            "raw_encode_words_s": round(statistics.mean(raw_s[f"{MULTILINGUAL} words"]), 2) if bridge else 0.0,
            "raw_encode_s": {what: round(statistics.mean(seconds), 2) for what, seconds in raw_s.items()},
            "build_over_raw": round(build_rate / raw, 3),
            "upsert_one_s": [round(s, 3) for s in upserts],
            "upsert_one_median_s": round(statistics.median(upserts), 3),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = save_result("build", result)
    print(f"machine: {result['machine']}")
    print(f"encoders: {result['encoders']}")
    print(f"full build: {result['practices']} practices, {result['vectors']} vectors in {result['build_s']} s")
    print(
        f"  {result['build_vectors_per_s']} vectors/s; "
        f"raw encode (every encoder) {result['raw_encode_vectors_per_s']}/s, "
        f"of which {result['words_embedded']} words ({result['bridge_words']} corpus words and the language "
        f"samples) through e5 in {result['raw_encode_words_s']} s"
    )
    print("  raw encode per encoder: " + ", ".join(f"{what} {s} s" for what, s in result["raw_encode_s"].items()))
    print(f"  ratio {result['build_over_raw']} (goal >= 0.8)")
    print(f"upsert of one practice: median {result['upsert_one_median_s']} s {result['upsert_one_s']} (goal < 1 s)")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
