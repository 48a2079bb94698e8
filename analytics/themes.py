"""Unmet needs grouped into themes: what the collection lacks, in a few lines instead of hundreds of queries.

    themes = group([("roma mediators", 12), ("roma school mediation", 4), ("urban gardens", 7)], embed)
    -> [Theme(label="roma, mediators, school", searches=16, queries=2, examples=[...]), Theme("urban, gardens", ...)]

The unmet queries are embedded with the service's own query encoder (`embed`: texts -> L2-normalised rows),
then grouped greedily, most asked first: a query joins the theme whose centroid is most similar if that
cosine reaches `similarity`, otherwise it starts a theme. Greedy grouping in frequency order is
deterministic and linear in the number of themes, and puts the most asked query at the heart of each
theme. A theme is labelled by its most frequent words (weighted by searches, stop words left out).
"""

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from bm25s import stopwords

Embed = Callable[[list[str]], np.ndarray]

SIMILARITY = 0.5  # MiniLM cosine: "roma school mediators" vs "mediation for roma pupils" ~0.6, unrelated < 0.3
LABEL_WORDS = 3
WORD = re.compile(r"[^\W\d_]{3,}")
PLACEHOLDERS = {"number", "email"}  # analytics/privacy.py's blanks
STOP_WORDS = (
    frozenset(w for name in dir(stopwords) if name.startswith("STOPWORDS_") for w in getattr(stopwords, name))
    | PLACEHOLDERS
)


@dataclass(frozen=True)
class Theme:
    label: str
    searches: int
    queries: int
    examples: list[str]


def label(queries: Sequence[tuple[str, int]], words: int = LABEL_WORDS) -> str:
    counts: Counter[str] = Counter()
    for text, searches in queries:
        for word in set(WORD.findall(text.casefold())) - STOP_WORDS:
            counts[word] += searches
    top = sorted(counts, key=lambda w: (-counts[w], w))[:words]
    return ", ".join(top) if top else queries[0][0]


def group(
    queries: Sequence[tuple[str, int]], embed: Embed, similarity: float = SIMILARITY, examples: int = 3
) -> list[Theme]:
    """Themes of (query, searches) pairs, most searched theme first."""
    ordered = sorted(queries, key=lambda q: (-q[1], q[0]))
    if not ordered:
        return []
    vectors = np.asarray(embed([q for q, _ in ordered]), dtype=np.float32)
    sums: list[np.ndarray] = []  # per theme: the searches-weighted sum of its vectors
    centroids = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    members: list[list[tuple[str, int]]] = []
    for (text, searches), vector in zip(ordered, vectors, strict=True):
        scores = centroids @ vector
        best = int(np.argmax(scores)) if len(scores) else -1
        if best < 0 or scores[best] < similarity:
            sums.append(vector * searches)
            members.append([])
            centroids = np.vstack([centroids, vector])
            best = len(members) - 1
        else:
            sums[best] = sums[best] + vector * searches
            centroids[best] = sums[best] / max(float(np.linalg.norm(sums[best])), 1e-12)
        members[best].append((text, searches))
    themes = [
        Theme(label=label(m), searches=sum(n for _, n in m), queries=len(m), examples=[q for q, _ in m[:examples]])
        for m in members
    ]
    return sorted(themes, key=lambda t: (-t.searches, t.label))


class CachedEmbed:
    """Remembers embeddings between report calls: the same unmet queries come back day after day."""

    def __init__(self, embed: Embed, size: int = 20_000):
        self._embed, self._size = embed, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
            for text in known:
                self._cache.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = np.asarray(self._embed(missing), dtype=np.float32)
            known.update(zip(missing, fresh, strict=True))
            with self._lock:
                self._cache.update(zip(missing, fresh, strict=True))
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return np.vstack([known[t] for t in texts])
