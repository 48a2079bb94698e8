"""Carry a query written in another language over to the corpus's own words, so BM25 can read it.

Each content word of the query is embedded by the multilingual encoder and replaced by the closest
corpus word (indexer/word_vectors.py): "médiateurs roms" -> "mediators roma", "Flüchtlinge
Deutschland" -> "refugees germany". Word by word the mapping is rough ("κατά των φημών" ->
"missatges"), but BM25 only rewards the words that land on a practice's text, and on the dev half
it lifted translated queries from 0.666 to 0.735 nDCG@10 and translated paragraphs from 0.498 to
0.660 (MiniLM reading the same words lowered them: its text-level meaning suffers from the noise).
No threshold on closeness: none helped on dev, since e5's word cosines sit close together.

The language's function words (among its few hundred commonest, by wordfreq) are left out: "de",
"la", "για" have no content to carry. A text gives at most MAX_WORDS distinct words (a pasted
paragraph: its first ones); each costs the encoder about 8.7 ms, so a word the corpus has
("migrants", "Portugal") is its own closest, taken without the encoder, a word of the foreign
vocabulary (indexer/vocabulary.py: every language's commonest words, embedded once per model) comes
from there, and the rest are embedded and cached per word.
"""

import numpy as np

from indexer.encoders import TextEncoder
from indexer.index import WordVectors
from indexer.languages import FUNCTION_WORD_ZIPF, LANGUAGES
from indexer.vocabulary import Vocabulary
from indexer.word_vectors import MIN_LENGTH
from ranking.cache import LRU
from ranking.language_shift import toward_english
from ranking.lexicon import WORD, frequencies

MAX_WORDS = 64  # dev paragraphs: 0.593 with 16 words, 0.659 with 32, 0.660 with 64


class WordBridge:
    def __init__(self, words: WordVectors, encoder: TextEncoder, cache_size: int, vocabulary: Vocabulary | None = None):
        self._words = words.words
        self._row = {w: i for i, w in enumerate(words.words)}
        self._vectors = np.asarray(words.vectors)
        self._means = words.language_means
        self._encoder = encoder
        self._cache: LRU[str, np.ndarray] = LRU(cache_size)
        known = vocabulary is not None and vocabulary.model_id == encoder.model_id
        self._vocabulary = vocabulary if known else None

    def english(self, text: str, language: str) -> str:
        """The closest corpus word of each content word of `text`, in order ("" when none)."""
        column = LANGUAGES.index(language) if language in LANGUAGES else None
        words = [w.lower() for w in WORD.findall(text)]
        content = [
            w for w in words if len(w) >= MIN_LENGTH and (column is None or frequencies(w)[column] < FUNCTION_WORD_ZIPF)
        ]
        content = list(dict.fromkeys(content))[:MAX_WORDS]
        if not content or not self._words:
            return ""
        # A corpus word is its own closest ("migrants", "Portugal"): no need to embed it.
        foreign = [w for w in content if w not in self._row]
        vectors = toward_english(self._vectors_of(foreign), language, self._means)
        closest = dict(zip(foreign, (vectors @ self._vectors.T).argmax(axis=1), strict=True))
        return " ".join(self._words[int(closest[w]) if w in closest else self._row[w]] for w in content)

    def _vectors_of(self, words: list[str]) -> np.ndarray:
        if not words:
            return np.zeros((0, self._vectors.shape[1]), dtype=np.float32)
        found = {w: v for w in words if (v := self._known(w)) is not None}
        missing = [w for w in words if w not in found]
        if missing:
            for word, vector in zip(missing, self._encoder.encode_queries(missing), strict=True):
                self._cache.put(word, vector)
                found[word] = vector
        return np.stack([found[w] for w in words])

    @property
    def vocabulary_words(self) -> int:
        """Words of the foreign vocabulary in use (0: none, or one of another model)."""
        return len(self._vocabulary.row) if self._vocabulary is not None else 0

    def _known(self, word: str) -> np.ndarray | None:
        if self._vocabulary is not None and (row := self._vocabulary.row.get(word)) is not None:
            return np.asarray(self._vocabulary.vectors[row])
        return self._cache.get(word)
