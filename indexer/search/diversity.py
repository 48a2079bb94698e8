"""Maximal marginal relevance with a per-city cap, so related practices are not five from one city."""

import numpy as np


def mmr(
    candidates: list[int],
    relevance: np.ndarray,
    similarity: np.ndarray,
    cities: list[str],
    *,
    lam: float,
    limit: int,
    city_cap: int = 2,
    capped_top: int = 5,
) -> list[int]:
    """Pick up to `limit` of `candidates` (indices into relevance/similarity/cities rows).

    similarity[i, j] is between candidates i and j. Within the first `capped_top` picks no city appears
    more than `city_cap` times, unless no other candidate is left.
    """
    chosen: list[int] = []
    remaining = list(range(len(candidates)))
    while remaining and len(chosen) < limit:
        redundancy = similarity[np.ix_(remaining, chosen)].max(axis=1) if chosen else np.zeros(len(remaining))
        gain = lam * relevance[remaining] - (1 - lam) * redundancy
        order = [remaining[i] for i in np.argsort(-gain, kind="stable")]
        pick = order[0]
        if len(chosen) < capped_top:
            used = [cities[c] for c in chosen]
            allowed = [c for c in order if used.count(cities[c]) < city_cap]
            pick = allowed[0] if allowed else pick
        chosen.append(pick)
        remaining.remove(pick)
    return [candidates[c] for c in chosen]
