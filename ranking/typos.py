"""Correct misspelt query words for keyword search ("intercultral mediaton" -> "intercultural mediation").

Safe by construction: a word is corrected only when it is unknown both to the corpus and to the
general lexicon of every supported language (lexicon.py), has no digit, and a corpus word lies
within a small edit distance. Lookups use SymSpell's precomputed deletes (symspellpy): a few
dictionary probes per word, so the cost per query is bounded whatever the text. Long texts (pasted
paragraphs) are never corrected, and at most MAX_CORRECTIONS words of a query are. The corrected
text only feeds BM25; the encoders embed what the user typed.
"""

import re

from symspellpy import SymSpell, Verbosity

from ranking.lexicon import is_real_word

TOKEN = re.compile(r"\w+(?:['’-]\w+)*")  # whole tokens: "PGAM1" and "anti-rumour" are never cut into words

MAX_CORRECTIONS = 4
MAX_WORDS = 30  # longer texts are passages, not typed queries
MIN_LENGTH = 5


def _distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


class TypoCorrector:
    def __init__(self, vocabulary: dict[str, int]):
        self._vocabulary = vocabulary
        self._spell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.items():
            if len(word) >= MIN_LENGTH - 1 and word.isalpha():
                self._spell.create_dictionary_entry(word, count)

    def _closest(self, word: str) -> str | None:
        found = self._spell.lookup(word, Verbosity.CLOSEST, max_edit_distance=_distance(word))
        return found[0].term if found and found[0].term != word else None

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The corrected text and the (from, to) pairs that were changed."""
        words = list(TOKEN.finditer(text))
        if len(words) > MAX_WORDS:
            return text, []
        corrections: list[tuple[str, str]] = []
        pieces, last = [], 0
        for match in words:
            word = match.group(0)
            lower = word.lower()
            if (
                len(corrections) >= MAX_CORRECTIONS
                or len(lower) < MIN_LENGTH
                or not lower.isalpha()
                or lower in self._vocabulary
                or is_real_word(lower)
            ):
                continue
            replacement = self._closest(lower)
            if replacement is None:
                continue
            corrections.append((word, replacement))
            pieces += [text[last : match.start()], replacement]
            last = match.end()
        return "".join(pieces) + text[last:], corrections
