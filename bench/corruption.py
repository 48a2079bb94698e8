"""Issue 12 row 4 (and 6): fault injection on a copy of the shipped index; every damage must be refused.

    .venv/bin/python bench/corruption.py

For each file of the current build (both encoders' vectors and FAISS files, a BM25 array, the passage
map, the corpus copy): same-size garbage, and one flipped byte; then vectors scaled off unit length
under a resealed manifest, a passage map pointing past the corpus, and a non-UTF-8 CURRENT. Records
whether the load was refused, the one-line message, and what the checks cost at load (sha256 of every
file). Writes bench/results/corruption.json. Touches only a temporary copy.
"""

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from machine import machine, save_result  # noqa: E402

from indexer import format as fmt  # noqa: E402
from indexer.format import IndexLoadError  # noqa: E402
from indexer.index import Index  # noqa: E402
from indexer.store import current_build  # noqa: E402


def encoder_ids(build: Path) -> dict[str, str]:
    return {e["name"]: e["id"] for e in fmt.read_manifest(build)["encoders"]}


def attempt(index: Path, ids: dict[str, str]) -> dict:
    t0 = time.perf_counter()
    try:
        Index.load(index, ids)
        outcome = {"refused": False, "message": None}
    except IndexLoadError as err:
        outcome = {"refused": True, "message": str(err).replace(str(index), "<index>")}
    outcome["seconds"] = round(time.perf_counter() - t0, 3)
    return outcome


def garbage(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(min(128, size // 2))
        fh.write(os.urandom(size - min(128, size // 2)))


def flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def reseal(build: Path) -> None:
    manifest = json.loads((build / fmt.MANIFEST).read_text())
    manifest["files"] = fmt.file_table(build)
    (build / fmt.MANIFEST).write_text(json.dumps(manifest))


def off_unit(build: Path) -> None:
    name = fmt.encoder_names(fmt.read_manifest(build))[-1]
    vectors = np.load(fmt.vectors_file(build, name))
    vectors[5] *= 7.0
    np.save(fmt.vectors_file(build, name), vectors)
    reseal(build)


def out_of_range(build: Path) -> None:
    rows = np.load(build / fmt.PASSAGE_PRACTICE)
    rows[0] = 1_000_000
    np.save(build / fmt.PASSAGE_PRACTICE, rows)
    reseal(build)


def main() -> None:
    source = ROOT / "models" / "index"
    build = current_build(source)
    ids = encoder_ids(build)
    names = fmt.encoder_names(fmt.read_manifest(build))
    targets = {f"{n}/vectors.npy": fmt.vectors_file(build, n) for n in names}
    targets |= {f"{n}/vectors.faiss": fmt.faiss_file(build, n) for n in names}
    targets["bm25 array"] = next((build / fmt.BM25).rglob("*.npy"))
    targets["passage_practice.npy"] = build / fmt.PASSAGE_PRACTICE
    targets["practices.jsonl"] = build / fmt.PRACTICES
    result: dict = {
        "machine": machine(),
        "build_bytes": sum(f.stat().st_size for f in build.rglob("*") if f.is_file()),
        "cases": {},
    }
    t0 = time.perf_counter()
    fmt.check_files(build, fmt.read_manifest(build))
    result["sha256_check_seconds"] = round(time.perf_counter() - t0, 3)
    result["clean_load"] = attempt(source, ids)
    cases = [
        (f"{damage.__name__}: {label}", damage, path.relative_to(build))
        for label, path in targets.items()
        for damage in (garbage, flip)
    ]
    cases += [
        ("vectors off unit length, manifest resealed", off_unit, None),
        ("passage map out of range, manifest resealed", out_of_range, None),
        ("CURRENT not UTF-8", None, None),
    ]
    for label, damage, relative in cases:
        with tempfile.TemporaryDirectory(prefix="corrupt-") as tmp:
            index = Path(tmp) / "index"
            shutil.copytree(source, index)
            copy = current_build(index)
            if label == "CURRENT not UTF-8":
                (index / "CURRENT").write_bytes(b"\xff\xfe\x80\n")
            elif relative is not None:
                damage(copy / relative)
            else:
                damage(copy)
            result["cases"][label] = attempt(index, ids)
        print(f"{label:55s} refused={result['cases'][label]['refused']}")
    result["all_refused"] = all(c["refused"] for c in result["cases"].values())
    print(
        f"clean load {result['clean_load']['seconds']} s (sha256 of {result['build_bytes'] / 1e6:.1f} MB: "
        f"{result['sha256_check_seconds']} s); all damage refused: {result['all_refused']}"
    )
    print("wrote", save_result("corruption", result))


if __name__ == "__main__":
    main()
