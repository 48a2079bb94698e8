"""Write the foreign vocabulary (vocabulary.py): embed the words an earlier vocabulary of the model lacks, then
switch to the new files atomically, so a crash leaves the old vocabulary or the new one, and a running service
keeps the file it has mapped."""

import hashlib
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.atomic import write_atomic
from indexer.build import default_workers, embed_all
from indexer.encoders import TextEncoder
from indexer.format import UNIT_NORM_TOLERANCE
from indexer.passages import text_hash
from indexer.progress import Progress
from indexer.vocabulary import (
    Vocabulary,
    VocabularyError,
    listing_file,
    load_vocabulary,
    vectors_name,
    vocabulary_words,
    words_source,
)
from indexer.word_vectors import MULTILINGUAL
from settings import Settings


@dataclass(frozen=True)
class VocabularyReport:
    path: Path
    words: int
    embedded: int  # the rest came from the earlier vocabulary
    seconds: float

    def summary(self) -> str:
        if not self.words:
            return "vocabulary: PRACTICE_SEARCH_FOREIGN_VOCABULARY_WORDS is 0; nothing to embed"
        if not self.embedded:
            return f"{self.path}: {self.words} words, up to date; nothing to do"
        return f"{self.path}: {self.words} words ({self.embedded} embedded, the rest kept) in {self.seconds:.1f} s"


def up_to_date(settings: Settings, model_ids: dict[str, str]) -> VocabularyReport | None:
    """The report of a no-op when the vocabulary on disk is this model's, with the settings' words (checked
    without loading a model: encoder_ids gives the ids)."""
    model_id = model_ids.get(MULTILINGUAL)
    return _unchanged(settings, _earlier(settings, model_id) if model_id else None)


def _earlier(settings: Settings, model_id: str) -> Vocabulary | None:
    try:
        return load_vocabulary(Path(settings.vocabulary_dir), MULTILINGUAL, model_id)
    except VocabularyError:
        return None  # none yet, or unusable: every word is embedded again


def _unchanged(settings: Settings, earlier: Vocabulary | None) -> VocabularyReport | None:
    listing = listing_file(Path(settings.vocabulary_dir), MULTILINGUAL)
    if not settings.foreign_vocabulary_words:
        return VocabularyReport(listing, 0, 0, 0.0)
    if earlier is not None and earlier.source == words_source(settings.foreign_vocabulary_words):
        return VocabularyReport(listing, len(earlier.row), 0, 0.0)
    return None


def build_vocabulary(settings: Settings, encoders: list[TextEncoder], progress: Progress) -> VocabularyReport:
    """Make settings.vocabulary_dir hold the multilingual encoder's vocabulary for the settings' word count.
    Raises ValueError when no multilingual encoder is configured."""
    started = time.perf_counter()
    encoder = next((e for e in encoders if e.name == MULTILINGUAL), None)
    if encoder is None:
        raise ValueError(f"PRACTICE_SEARCH_ENCODERS has no {MULTILINGUAL}: only it reads other languages")
    earlier = _earlier(settings, encoder.model_id)  # read once: whether there is anything to do, what to keep
    if (done := _unchanged(settings, earlier)) is not None:
        return done
    folder = Path(settings.vocabulary_dir)
    words = vocabulary_words(settings.foreign_vocabulary_words)
    current = {text_hash(w): earlier.vectors[i] for w, i in earlier.row.items()} if earlier is not None else {}
    progress.stage(f"embedding {len(words)} common words of {settings.foreign_vocabulary_words} per language")
    workers = settings.build_workers or default_workers()
    matrix, embedded = embed_all(words, [encoder], {encoder.model_id: current}, workers, progress, as_queries=True)
    vectors = matrix[encoder.name]
    norms = np.linalg.norm(vectors, axis=1)
    if not np.all(np.abs(norms - 1.0) <= UNIT_NORM_TOLERANCE):
        raise ValueError(f"{encoder.name} gave vectors that are not unit length; nothing was written")
    listing = _write(folder, encoder, words, vectors, settings.foreign_vocabulary_words)
    return VocabularyReport(listing, len(words), embedded[encoder.name], time.perf_counter() - started)


def _write(folder: Path, encoder: TextEncoder, words: list[str], vectors: np.ndarray, per_language: int) -> Path:
    """Vectors first, under a name of their own sha256, then the listing that points at them; then earlier
    vectors files go (a service that mapped one keeps reading it until it reloads)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)
    data = buffer.getvalue()
    sha256 = hashlib.sha256(data).hexdigest()
    name = vectors_name(encoder.name, sha256)
    write_atomic(folder / name, data)
    listing = {
        "model_id": encoder.model_id,
        "words_from": words_source(per_language),
        "vectors_sha256": sha256,
        "dim": int(vectors.shape[1]),
        "words": words,
    }
    path = listing_file(folder, encoder.name)
    write_atomic(path, json.dumps(listing, ensure_ascii=False).encode("utf-8"))
    for old in folder.glob(f"{encoder.name}-*.npy"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return path
