"""Which words are real, and in which language a query is written, from word frequencies (wordfreq).

wordfreq ships frequency lists for dozens of languages inside its package, so nothing downloads.
Two uses: the typo corrector never touches a word that is real in any of these languages
("halal", "doctor", "rumeurs"), and a query whose words are mostly another language's is ranked
by the multilingual encoder alone (English stemming and an English-only model add only noise).
A query none of whose words is in any list (compounds such as "Einbürgerungskampagne",
"medlingstjänst") is placed by its letters instead: py3langid's character n-grams, also shipped
inside its package, when they are confident.
"""

import functools
import re
import threading
import unicodedata
from collections.abc import Container, Sequence
from typing import Any

from indexer.languages import LANGUAGES

REAL_ZIPF = 1.0  # in a language's list at all: a real word, not a typo
COMMON_ENGLISH_ZIPF = 1.5
NGRAM_MIN_PROBABILITY = 0.5  # below it a short text's n-gram guess is as likely wrong as right
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Accents and case folded away ("Montréal" -> "montreal"), for matching what people type."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


@functools.cache
def _zipf():  # type: ignore[no-untyped-def]
    from wordfreq import zipf_frequency

    return zipf_frequency


@functools.lru_cache(maxsize=65_536)
def frequencies(word: str) -> tuple[float, ...]:
    """Zipf frequency of a lower-cased word in each of LANGUAGES (0.0 where unknown).

    wordfreq's "small" lists (words down to about one in a million): all 21 languages take
    about 100 MB and under a second to load, against 850 MB for the large lists."""
    zipf = _zipf()
    return tuple(zipf(word, lang, wordlist="small") for lang in LANGUAGES)


class NgramIdentifier:
    """py3langid limited to `languages`, loaded on first use (about a second); one classification at a time,
    as its identifier is not made for threads."""

    def __init__(self, languages: Sequence[str]):
        self._languages = list(languages)
        self._identifier: Any = None
        self._lock = threading.Lock()

    def classify(self, text: str) -> tuple[str, float]:
        """(language, normalised probability among `languages`)."""
        with self._lock:
            if self._identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages(self._languages)
                self._identifier = identifier
            language, probability = self._identifier.classify(text)
        return str(language), float(probability)


_NGRAM_CODES = {"nb": "no"}  # py3langid's name for Norwegian
_FROM_NGRAM_CODES = {code: lang for lang, code in _NGRAM_CODES.items()}
_NGRAMS = NgramIdentifier([_NGRAM_CODES.get(lang, lang) for lang in LANGUAGES])


def warm_up() -> None:
    """Load every language's list and the n-gram model now (start-up), not in the first request."""
    frequencies("intercultural")
    _NGRAMS.classify("intercultural")


def is_real_word(word: str) -> bool:
    return max(frequencies(word.lower())) >= REAL_ZIPF


def guess_language(text: str, english: Container[str] = ()) -> str | None:
    """The language whose frequency lists best explain the words; when no word is known, the n-gram guess if it
    is confident, else None.

    `english`: words known to be English here (the corpus's common words: "intercultural" is in no
    small English list). A text whose every word is common English ("intercultural festival",
    "Bergen refugees") is English; otherwise each word votes with its zipf frequency per language,
    and English wins when it scores within 5% of the best."""
    words = [w.lower() for w in WORD.findall(text)][:64]
    if not words:
        return None
    votes = [_with_english(w, english) for w in words]
    if all(v[0] >= COMMON_ENGLISH_ZIPF for v in votes):
        return "en"
    totals = [sum(column) for column in zip(*votes, strict=True)]
    best = max(totals)
    if best == 0:
        return _by_letters(text)
    if totals[0] >= 0.95 * best:
        return "en"
    return LANGUAGES[totals.index(best)]


def _with_english(word: str, english: Container[str]) -> tuple[float, ...]:
    values = frequencies(word)
    return (max(values), *values[1:]) if word in english else values


def _by_letters(text: str) -> str | None:
    language, probability = _NGRAMS.classify(text)
    if probability < NGRAM_MIN_PROBABILITY:
        return None
    return _FROM_NGRAM_CODES.get(language, language)
