"""Type-ahead suggestions: practice titles, cities, countries and topics matching what is typed.

Built once when the engine loads, from the practices alone:

* every suggestion text is normalised (accents folded, case folded, apostrophes dropped, any other
  run of non-letters one space), keeping a map from each normalised character back to the
  original one, so the matched part can be marked in the text as published;
* one sorted list of keys, the normalised text from each word start to its end ("bizilagunak
  ...", "mescla't" -> "mesclat", "anti rumour network" and "rumour network" for
  "Anti-rumour network"); a prefix is found with bisect, in O(log n) plus the matches;
* when the last typed word starts no indexed word, a typo-tolerant pass: it is compared
  (Damerau-Levenshtein, at most 1 edit up to 7 letters, 2 beyond) with the prefixes of every
  indexed word sharing its first letter, and the search is repeated with the words found
  ("bizlagunak" -> "bizilagunak").

    Suggester(practices).suggest("mescl", limit=5) -> [
        Suggestion(type="title", text="Mescla't ...", id="mesclat-...", highlight=[(0, 5)], count=None), ...]

Ordering: exact-prefix before typo matches, a match at the start of the text before one inside
it, then countries, cities, topics, titles, then shorter texts first.
"""

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from symspellpy.editdistance import DistanceAlgorithm, EditDistance  # type: ignore[import-untyped]

from indexer.countries import country_name
from indexer.schema import Practice
from ranking.lexicon import fold

Kind = Literal["country", "city", "topic", "title"]
KIND_ORDER: dict[str, int] = {"country": 0, "city": 1, "topic": 2, "title": 3}
MAX_SCAN = 400  # keys looked at per prefix: short prefixes ("a") match thousands
DROPPED = "'’`´"  # inside words: "Mescla't" is typed "mesclat" as often as "mescla't"


@dataclass(frozen=True)
class Suggestion:
    type: Kind
    text: str
    id: str | None  # titles: the practice id; countries: the ISO code; otherwise None
    highlight: list[tuple[int, int]]  # [start, end) offsets into text (code points)
    count: int | None  # practices with this city / country / topic; None for titles


@dataclass(frozen=True)
class _Entry:
    type: Kind
    text: str
    id: str | None
    count: int | None
    norm: str  # normalised text
    origin: tuple[int, ...]  # origin[i]: index in `text` of normalised character i; len(norm) + 1 long


def normalise(text: str) -> tuple[str, tuple[int, ...]]:
    """(normalised text, origin map); see the module docstring."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        if ch in DROPPED:
            continue
        folded = fold(ch)
        if folded.isalnum():
            for c in folded:
                out.append(c)
                origin.append(i)
        elif out and out[-1] != " ":
            out.append(" ")
            origin.append(i)
    while out and out[-1] == " ":
        out.pop()
        origin.pop()
    origin.append(len(text))
    return "".join(out), tuple(origin)


def _max_edits(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) <= 7 else 2


class Suggester:
    def __init__(self, practices: Sequence[Practice]):
        entries: list[_Entry] = []

        def add(kind: Kind, text: str, id_: str | None, count: int | None) -> None:
            norm, origin = normalise(text)
            if norm:
                entries.append(_Entry(kind, text, id_, count, norm, origin))

        countries = Counter(c for p in practices for c in p.all_country_codes)
        cities = Counter(c for p in practices for c in p.all_cities)
        topics = Counter(t for p in practices for t in p.topics)
        for code, n in sorted(countries.items()):
            add("country", country_name(code) or code, code, n)
        for city, n in sorted(cities.items()):
            add("city", city, None, n)
        for topic, n in sorted(topics.items()):
            add("topic", topic, None, n)
        for p in practices:
            add("title", p.title, p.id, None)
        self._entries = entries
        # (key, entry, offset of the key in entry.norm); starts: offset 0, inner: other word starts
        starts: list[tuple[str, int, int]] = []
        inner: list[tuple[str, int, int]] = []
        words: set[str] = set()
        for n, e in enumerate(entries):
            starts.append((e.norm, n, 0))
            for i, ch in enumerate(e.norm):
                if ch == " ":
                    inner.append((e.norm[i + 1 :], n, i + 1))
            words.update(e.norm.split())
        starts.sort()
        inner.sort()
        self._starts, self._start_keys = starts, [k for k, _, _ in starts]
        self._inner, self._inner_keys = inner, [k for k, _, _ in inner]
        by_letter: dict[str, list[str]] = {}
        for w in sorted(words):
            by_letter.setdefault(w[0], []).append(w)
        self._words_by_letter = by_letter
        self._words = sorted(words)
        self._distance = EditDistance(DistanceAlgorithm.DAMERAU_OSA)

    # --- matching ------------------------------------------------------------------------------

    def _prefix(self, keys: list[str], rows: list[tuple[str, int, int]], prefix: str) -> list[tuple[int, int]]:
        """(entry, offset) of every key starting with prefix, at most MAX_SCAN."""
        found: list[tuple[int, int]] = []
        i = bisect.bisect_left(keys, prefix)
        while i < len(keys) and len(found) < MAX_SCAN and keys[i].startswith(prefix):
            _, entry, offset = rows[i]
            found.append((entry, offset))
            i += 1
        return found

    def _matches(self, prefix: str) -> list[tuple[int, int]]:
        """Entries matching at their start first, then those matching at a later word."""
        return self._prefix(self._start_keys, self._starts, prefix) + self._prefix(
            self._inner_keys, self._inner, prefix
        )

    def _starts_a_word(self, prefix: str) -> bool:
        i = bisect.bisect_left(self._words, prefix)
        return i < len(self._words) and self._words[i].startswith(prefix)

    def _corrections(self, word: str) -> list[str]:
        """Prefixes of indexed words within the edit budget of `word` (closest first); none when
        `word` already starts an indexed word (then it is being typed, not mistyped)."""
        k = _max_edits(word)
        if not k or self._starts_a_word(word):
            return []
        scored: dict[str, int] = {}
        for w in self._words_by_letter.get(word[0], ()):
            if len(w) < len(word) - k:
                continue
            for length in range(max(1, len(word) - k), min(len(w), len(word) + k) + 1):
                d = self._distance.compare(word, w[:length], k)
                if 0 <= d <= k and (w[:length] not in scored or d < scored[w[:length]]):
                    scored[w[:length]] = d
        ranked = sorted(scored, key=lambda s: (scored[s], abs(len(s) - len(word)), s))
        return [s for s in ranked if s != word][:5]

    # --- public --------------------------------------------------------------------------------

    def suggest(self, q: str, limit: int = 8) -> list[Suggestion]:
        prefix, _ = normalise(q)
        if not prefix:
            return []
        candidates: list[tuple[tuple, int, int, int]] = []  # (sort key, entry, start, end) in norm offsets
        seen: set[int] = set()

        def collect(p: str, typo: int) -> None:
            for rank, (n, offset) in enumerate(self._matches(p)):
                if n in seen:
                    continue
                seen.add(n)
                e = self._entries[n]
                key = (typo, offset > 0, KIND_ORDER[e.type], len(e.norm), rank)
                candidates.append((key, n, offset, offset + len(p)))

        collect(prefix, 0)
        if len(candidates) < limit:
            head, _, last = prefix.rpartition(" ")
            for fixed in self._corrections(last):
                collect(f"{head} {fixed}" if head else fixed, 1)
        candidates.sort()
        out = []
        for _, n, start, end in candidates[:limit]:
            e = self._entries[n]
            a, b = e.origin[start], e.origin[end - 1] + 1
            out.append(Suggestion(e.type, e.text, e.id, [(a, b)], e.count))
        return out
