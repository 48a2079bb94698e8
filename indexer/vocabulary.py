"""Common words of every other language, embedded once per model, so a foreign query's words need no encoder.

The word bridge (ranking/word_bridge.py) embeds each word of a French or Greek query that the
corpus lacks, about 8.7 ms a word with e5 on one core; a median translated query has three, so
its words took longer than the query's own encode beside them. These words do not depend on the
corpus: `indexer vocabulary` embeds each language's PRACTICE_SEARCH_FOREIGN_VOCABULARY_WORDS
commonest content words (the language samples' rule, languages.py) once per model into
PRACTICE_SEARCH_VOCABULARY_DIR, and every service after reuses them, whatever the corpus. A word's vector is
the one the encoder gives it at query time (the engine embeds words one by one or in batches with
identical results), so rankings do not change; only the time does. A missing or damaged
vocabulary costs speed, never a result: the engine then embeds words as before.
"""

import functools
import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.format import sha256_file
from indexer.languages import ENGLISH, LANGUAGES, sample_words
from indexer.word_vectors import MIN_LENGTH


class VocabularyError(Exception):
    """A vocabulary on disk that cannot be used, with the reason in one sentence."""


@dataclass(frozen=True)
class Vocabulary:
    model_id: str
    row: dict[str, int]  # word -> row of `vectors`
    vectors: np.ndarray  # float32 (words, dim), unit length, memory-mapped
    source: object = None  # what the words came from (words_source), as recorded


def vocabulary_words(per_language: int) -> list[str]:
    """Every language's `per_language` commonest content words but English's (the corpus's own words are the
    bridge's targets), lower case as the bridge looks them up, each once, in language order."""
    return list(_words(per_language))


@functools.cache
def _words(per_language: int) -> tuple[str, ...]:
    """Cached: reading 20 languages' frequency lists takes about 7 s (a build and its tests ask more than once)."""
    words: dict[str, None] = {}
    for language in LANGUAGES:
        if language != ENGLISH:
            words.update((w.lower(), None) for w in sample_words(language, per_language) if len(w) >= MIN_LENGTH)
    return tuple(words)


def words_source(per_language: int) -> dict[str, object]:
    """What decides the word list, recorded beside it: comparing these tells a current vocabulary without reading
    20 languages' lists again. (A stale list is still correct, word for word: only speed depends on it.)"""
    return {
        "per_language": per_language,
        "languages": [language for language in LANGUAGES if language != ENGLISH],
        "wordfreq": importlib.metadata.version("wordfreq"),
    }


def listing_file(folder: Path, encoder: str) -> Path:
    """The JSON that names the model, the words in row order and the vectors file with its sha256."""
    return Path(folder) / f"{encoder}.json"


def vectors_name(encoder: str, sha256: str) -> str:
    """Named by content, so a new vocabulary never overwrites the file a running service has mapped."""
    return f"{encoder}-{sha256[:16]}.npy"


def load_vocabulary(folder: Path, encoder: str, model_id: str) -> Vocabulary:
    """The encoder's vocabulary, checked: made by this model, vectors matching their recorded sha256, one unit
    vector per word. Raises VocabularyError otherwise. (Whether its words are the settings' is the caller's
    question: vocabulary_build compares `source`.)
    Unit norms are checked when it is written, not here: the sha256 covers them, and reading every row would
    bring the whole file into memory."""
    listing_path = listing_file(folder, encoder)
    try:
        listing = json.loads(listing_path.read_text(encoding="utf-8"))
        listed, sha256 = listing["words"], listing["vectors_sha256"]
        vectors_path = Path(folder) / vectors_name(encoder, sha256)
        if sha256_file(vectors_path) != sha256:
            raise VocabularyError(f"{vectors_path} does not match the sha256 {listing_path} records")
        vectors = np.load(vectors_path, allow_pickle=False, mmap_mode="r")
    except FileNotFoundError as err:
        raise VocabularyError(
            f"no vocabulary for {encoder} in {folder} ({Path(err.filename).name} is missing)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise VocabularyError(f"{listing_path} is unreadable ({type(err).__name__}: {err})") from None
    if listing.get("model_id") != model_id:
        raise VocabularyError(f"{listing_path} was made by {listing.get('model_id')!r}, not {model_id!r}")
    if not isinstance(listed, list) or vectors.dtype != np.float32 or vectors.shape[:1] != (len(listed),):
        raise VocabularyError(f"{listing_path} and its vectors do not pair one float32 vector with each word")
    return Vocabulary(model_id, {w: i for i, w in enumerate(listed)}, vectors, listing.get("words_from"))
