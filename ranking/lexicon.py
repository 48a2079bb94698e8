"""Which words are real, and in which language a query is written, from word frequencies (wordfreq).

wordfreq ships frequency lists for dozens of languages inside its package, so nothing downloads.
Two uses: the typo corrector never touches a word that is real in any of these languages
("halal", "doctor", "rumeurs"), and a query whose words are mostly another language's is ranked
by the multilingual encoder alone (English stemming and an English-only model add only noise).
"""

import functools
import re

LANGUAGES = ("en", "fr", "es", "it", "de", "pt", "pl", "el", "uk", "nl", "ca", "sv", "nb", "da", "ru", "tr", "ro",
             "cs", "hu", "fi", "ar")
REAL_ZIPF = 1.0  # zipf >= 1: about once per 100 million words in that language: a real word, not a typo
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


@functools.cache
def _zipf():  # type: ignore[no-untyped-def]
    from wordfreq import zipf_frequency

    return zipf_frequency


@functools.lru_cache(maxsize=65_536)
def frequencies(word: str) -> tuple[float, ...]:
    """Zipf frequency of a lower-cased word in each of LANGUAGES (0.0 where unknown)."""
    zipf = _zipf()
    return tuple(zipf(word, lang) for lang in LANGUAGES)


def preload() -> None:
    """Read every language's word list now (wordfreq reads them lazily: about 1 s each on a busy
    2-core machine), so the service's first query does not pay for all 21 at once."""
    frequencies("the")


def is_real_word(word: str) -> bool:
    return max(frequencies(word.lower())) >= REAL_ZIPF


def guess_language(text: str) -> str | None:
    """The language whose frequency lists best explain the words, or None when no word is known.

    Each word votes with its zipf frequency per language; short queries of shared words
    ("roma festival") fall to English when it scores within 5% of the best."""
    words = [w.lower() for w in WORD.findall(text)][:64]
    if not words:
        return None
    totals = [0.0] * len(LANGUAGES)
    for word in words:
        for i, value in enumerate(frequencies(word)):
            totals[i] += value
    best = max(totals)
    if best == 0:
        return None
    if totals[0] >= 0.95 * best:
        return "en"
    return LANGUAGES[totals.index(best)]
