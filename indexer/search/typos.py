"""Match query words missing from the corpus vocabulary to close corpus words ("intercultral" -> "intercultural")."""

import difflib
import re
from collections import defaultdict

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


class TypoCorrector:
    def __init__(self, vocabulary: dict[str, int], known_stems: set[str], stem):
        self._vocabulary = vocabulary
        self._known_stems = known_stems
        self._stem = stem
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in vocabulary:
            self._by_length[len(word)].append(word)

    def _closest(self, word: str) -> str | None:
        pool = [w for n in range(len(word) - 2, len(word) + 3) for w in self._by_length.get(n, ())]
        cutoff = 0.8 if len(word) >= 6 else 0.75
        close = difflib.get_close_matches(word, pool, n=3, cutoff=cutoff)
        if not close:
            return None
        best = max(difflib.SequenceMatcher(None, word, c).ratio() for c in close)
        ties = [c for c in close if difflib.SequenceMatcher(None, word, c).ratio() == best]
        return max(ties, key=lambda c: self._vocabulary[c])

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """Return the corrected text and the (from, to) pairs that were changed."""
        corrections: list[tuple[str, str]] = []

        def fix(match: re.Match) -> str:
            word = match.group(0)
            lower = word.lower()
            if len(lower) < 4 or lower in self._vocabulary:
                return word
            stems = self._stem(lower)
            if not stems or all(s in self._known_stems for s in stems):
                return word
            replacement = self._closest(lower)
            if replacement is None:
                return word
            corrections.append((word, replacement))
            return replacement

        corrected = WORD.sub(fix, text)
        return corrected, corrections
