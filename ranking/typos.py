"""Correct misspelt query words for keyword search ("intercultral mediaton" -> "intercultural mediation").

Safe by construction: a word is corrected only when it is unknown both to the corpus and to the
general lexicon of every supported language (lexicon.py), has no digit, and a corpus word lies
within a small edit distance. A word the corpus writes only with a hyphen ("covid19", "antirumour"
for "COVID-19", "anti-rumour") is rewritten to that spelling: BM25 splits the hyphenated word, so the
joined one would match nothing, and the rewrite only ever yields a spelling the corpus itself uses.
Lookups use SymSpell's precomputed deletes (symspellpy): a few dictionary probes per word, so the
cost per query is bounded whatever the text. Long texts (pasted paragraphs) are never corrected,
and at most MAX_CORRECTIONS words of a query are. The corrected text only feeds BM25; the encoders
embed what the user typed.
"""

import re
from collections.abc import Iterable

from symspellpy import SymSpell, Verbosity

from ranking.lexicon import is_real_word

TOKEN = re.compile(r"\w+(?:['’-]\w+)*")  # whole tokens: "PGAM1" and "anti-rumour" are never cut into words
_JOINERS = re.compile(r"['’-]")

MAX_CORRECTIONS = 4
MAX_WORDS = 30  # longer texts are passages, not typed queries
MIN_LENGTH = 5


def _distance(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _hyphenated_spellings(texts: Iterable[str], vocabulary: dict[str, int]) -> dict[str, str]:
    """Joined form -> the corpus's hyphenated word ("covid19" -> "covid-19"), where the joined form is no corpus
    word itself and has a letter (so "46" never becomes "4-6")."""
    spellings: dict[str, str] = {}
    for text in texts:
        for match in TOKEN.finditer(text.lower()):
            word = match.group(0)
            joined = _JOINERS.sub("", word)
            if joined != word and joined not in vocabulary and not joined.isdigit() and len(joined) >= MIN_LENGTH:
                spellings.setdefault(joined, word)
    return spellings


class TypoCorrector:
    """`vocabulary`: the corpus's words and their practice counts; `texts`: the corpus's texts, read once for the
    words it writes with a hyphen."""

    def __init__(self, vocabulary: dict[str, int], texts: Iterable[str] = ()):
        self._vocabulary = vocabulary
        self._hyphenated = _hyphenated_spellings(texts, vocabulary)
        self._spell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.items():
            if len(word) >= MIN_LENGTH - 1 and word.isalpha():
                self._spell.create_dictionary_entry(word, count)

    def _closest(self, word: str) -> str | None:
        found = self._spell.lookup(word, Verbosity.CLOSEST, max_edit_distance=_distance(word))
        return found[0].term if found and found[0].term != word else None

    def _replacement(self, lower: str) -> str | None:
        hyphenated = self._hyphenated.get(lower)
        if hyphenated is not None:
            return hyphenated
        if len(lower) < MIN_LENGTH or not lower.isalpha() or lower in self._vocabulary or is_real_word(lower):
            return None
        return self._closest(lower)

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The corrected text and the (from, to) pairs that were changed."""
        words = list(TOKEN.finditer(text))
        if len(words) > MAX_WORDS:
            return text, []
        corrections: list[tuple[str, str]] = []
        pieces, last = [], 0
        for match in words:
            if len(corrections) >= MAX_CORRECTIONS:
                break
            word = match.group(0)
            replacement = self._replacement(word.lower())
            if replacement is None:
                continue
            corrections.append((word, replacement))
            pieces += [text[last : match.start()], replacement]
            last = match.end()
        return "".join(pieces) + text[last:], corrections
