"""Concurrent requests rank exactly as serial ones: the service answers from a thread pool."""

from concurrent.futures import ThreadPoolExecutor

from search_service.state import load_engine

QUERIES = [
    f"migrants {w}"
    for w in (
        "language",
        "housing",
        "youth",
        "sport",
        "women",
        "school",
        "rumours",
        "jobs",
        "health",
        "art",
        "music",
        "city",
    )
]


def test_parallel_queries_rank_like_serial_ones(built_index, encoders):
    serial = load_engine(built_index, encoders)
    expected = {q: serial.ranked(q, "hybrid", None, 12) for q in QUERIES}
    engine = load_engine(built_index, encoders)  # fresh caches: every query is computed under contention
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda q: (q, engine.ranked(q, "hybrid", None, 12)), QUERIES * 3))
    assert [q for q, ranking in got if ranking != expected[q]] == []
