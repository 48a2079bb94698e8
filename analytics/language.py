"""A guess of a query's language (ISO 639-1), "und" when the text is too short or mixed to tell.

py3langid ships its model inside the package, so nothing is downloaded. Short queries are hard to
place: below a normalised probability of 0.5 the guess is "und" rather than a confident wrong answer
("migrant language support" scores French 0.33). Candidates are limited to the languages of the
Council of Europe's member states and their larger migrant communities.
"""

from ranking.lexicon import NGRAM_MIN_PROBABILITY, NgramIdentifier

UNDETERMINED = "und"
LANGUAGES = [
    "ar",
    "bg",
    "ca",
    "cs",
    "cy",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "eu",
    "fi",
    "fr",
    "ga",
    "gl",
    "he",
    "hr",
    "hu",
    "hy",
    "is",
    "it",
    "ka",
    "lb",
    "lt",
    "lv",
    "mk",
    "mt",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "ru",
    "sk",
    "sl",
    "sq",
    "sr",
    "sv",
    "tr",
    "uk",
]


class LanguageGuesser:
    """Loads the model on first use (about a second), so a service that never records never pays for it."""

    def __init__(self) -> None:
        self._identifier = NgramIdentifier(LANGUAGES)

    def guess(self, text: str) -> str:
        if not any(ch.isalpha() for ch in text):
            return UNDETERMINED
        language, probability = self._identifier.classify(text)
        return language if probability >= NGRAM_MIN_PROBABILITY else UNDETERMINED
