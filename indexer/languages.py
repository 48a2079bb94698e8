"""The languages the engine tells apart (wordfreq's lists), and each one's sample of common content words.

e5 puts a text near its translations, but not on them: every vector also carries which language
it is in, so a French query sits a step closer to French text than its meaning alone would put
it, and the corpus is English. The build embeds PRACTICE_SEARCH_LANGUAGE_SAMPLE_WORDS (100) common
content words per language; the mean of a language's sample minus English's mean is that step
(ranking/language_shift.py takes half of it off a query's vectors). Ordinary words, not names or
phrases: what they have in common is the language, not a meaning.
"""

import hashlib
import json

ENGLISH = "en"  # the corpus's language
LANGUAGES = (
    ENGLISH,
    "fr",
    "es",
    "it",
    "de",
    "pt",
    "pl",
    "el",
    "uk",
    "nl",
    "ca",
    "sv",
    "nb",
    "da",
    "ru",
    "tr",
    "ro",
    "cs",
    "hu",
    "fi",
    "ar",
)
FUNCTION_WORD_ZIPF = 5.8  # about a language's 300 commonest words: "de", "la", "για" carry no content
SAMPLE_MIN_LENGTH = 3


def language_samples(count: int) -> dict[str, list[str]]:
    """Every language's sample, in LANGUAGES order: what the build embeds and stores."""
    return {language: sample_words(language, count) for language in LANGUAGES}


def language_samples_digest(count: int) -> str:
    """sha256 of the samples a build would embed: a build is stale when they change, by a code change (the Greek
    spelling fix) or a wordfreq upgrade, not only by the setting."""
    text = json.dumps(language_samples(count), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def sample_words(language: str, count: int) -> list[str]:
    """The language's `count` commonest words of SAMPLE_MIN_LENGTH letters or more, function words left out."""
    from wordfreq import top_n_list, zipf_frequency

    if count <= 0:
        return []
    candidates = (w for w in top_n_list(language, 20 * count + 1000, wordlist="small") if w.isalpha())
    words = [
        w
        for w in candidates
        if len(w) >= SAMPLE_MIN_LENGTH and zipf_frequency(w, language, wordlist="small") < FUNCTION_WORD_ZIPF
    ]
    return [_as_written(w, language) for w in words[:count]]


def _as_written(word: str, language: str) -> str:
    """wordfreq stores Greek words case-folded, final sigma as "σ" ("επίσησ"): e5 reads them as written."""
    return word[:-1] + "ς" if language == "el" and word.endswith("σ") else word
