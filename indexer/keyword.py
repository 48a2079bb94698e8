"""Keyword (BM25) index over title, purpose and description, with bm25s.

Two bm25s indexes: the whole text as one field (plain BM25, what keyword search is measured
against) and the title alone, whose score can be added on top for a title boost:

    score(practice) = BM25_text + title_weight * BM25_title       (text = title + purpose + description)

Files, under the build's `bm25/` folder (bm25s' own plain format: JSON + .npy, no pickle):

    bm25/title/{params,vocab}.index.json, {data,indices,indptr}.csc.index.npy
    bm25/body/ ... the same
    bm25/vocabulary.json   surface word (lower-cased, unstemmed, no stop words) -> document frequency
"""

import hashlib
import importlib.metadata
import json
import re
import threading
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from indexer.schema import Practice

_WORD = re.compile(r"(?u)\b\w\w+\b")  # the same token pattern bm25s splits on
_STOP = frozenset(STOPWORDS_EN)
_STEMMER = "english"  # Snowball's


def tokenizer_parameters() -> dict[str, str]:
    """What decides the index's tokens: an upgrade or code change in any of them makes a build stale."""
    return {
        "bm25s": importlib.metadata.version("bm25s"),
        "stemmer": f"snowball {_STEMMER}, PyStemmer {importlib.metadata.version('PyStemmer')}",
        "stop_words_sha256": hashlib.sha256("\n".join(sorted(_STOP)).encode("utf-8")).hexdigest(),
    }


def practice_text(p: Practice) -> str:
    """The text BM25 indexes for a practice (and reads, as a query, to find practices like it)."""
    return f"{p.title}\n{p.purpose}\n{p.description}"


class KeywordIndex:
    """BM25 scores per practice position, plus the corpus vocabulary for typo correction."""

    def __init__(self, title: bm25s.BM25, body: bm25s.BM25, vocabulary: dict[str, int], title_weight: float):
        self.title = title
        self.body = body
        self.vocabulary = vocabulary
        self.title_weight = title_weight
        self._stemmer = Stemmer.Stemmer(_STEMMER)
        self._lock = threading.Lock()  # PyStemmer objects are not thread-safe; the service is threaded
        self._word_stems: dict[str, tuple[str, ...]] = {}

    def tokenize(self, text: str) -> list[str]:
        """Lower-cased, stop words removed, Snowball-stemmed: the index's own tokens."""
        return self._tokenize_many([text])[0]

    def word_stems(self, word: str) -> tuple[str, ...]:
        """The index tokens of one word ("anti-rumour" -> anti, rumour), memoised: snippets ask per word."""
        stems = self._word_stems.get(word)
        if stems is None:
            parts = [w for w in _WORD.findall(word.lower()) if w not in _STOP]
            with self._lock:
                stems = tuple(self._stemmer.stemWords(parts))
            if len(self._word_stems) < 100_000:
                self._word_stems[word] = stems
        return stems

    def _tokenize_many(self, texts: list[str]) -> list[list[str]]:
        with self._lock:
            return bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, return_ids=False, show_progress=False)  # type: ignore[return-value]

    def scores(self, text: str) -> np.ndarray:
        """float32 BM25 score for every practice position (zeros when no query word is indexed)."""
        return self.stem_scores(self.tokenize(text))

    def stem_scores(self, tokens: list[str]) -> np.ndarray:
        """As `scores`, for already tokenised text (index tokens, repeats count)."""
        n = int(self.body.scores["num_docs"])
        if not tokens:
            return np.zeros(n, dtype=np.float32)
        body = self.body.get_scores(tokens)
        if self.title_weight:
            body = body + self.title_weight * self.title.get_scores(tokens)
        return np.asarray(body, dtype=np.float32)

    def document_frequency(self, stems: list[str]) -> np.ndarray:
        """Practices containing each stem (0 for stems the index has never seen)."""
        vocab = self.body.vocab_dict
        indptr = self.body.scores["indptr"]
        ids = [vocab.get(s) for s in stems]
        return np.array([0 if i is None else int(indptr[i + 1] - indptr[i]) for i in ids], dtype=np.int64)

    @property
    def num_docs(self) -> int:
        return int(self.body.scores["num_docs"])

    @classmethod
    def build(cls, practices: list[Practice], title_weight: float) -> "KeywordIndex":
        if not practices:
            raise ValueError("cannot build a keyword index over no practices")
        stemmer = Stemmer.Stemmer(_STEMMER)

        def index(texts: list[str]) -> bm25s.BM25:
            retriever = bm25s.BM25()
            tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)
            retriever.index(tokens, show_progress=False)
            return retriever

        title = index([p.title for p in practices])
        body = index([practice_text(p) for p in practices])
        return cls(title, body, surface_vocabulary(practices), title_weight)

    def save(self, folder: Path) -> None:
        self.title.save(str(folder / "title"), show_progress=False)
        self.body.save(str(folder / "body"), show_progress=False)
        (folder / "vocabulary.json").write_text(json.dumps(self.vocabulary, ensure_ascii=False, sort_keys=True))

    @classmethod
    def load(cls, folder: Path, title_weight: float) -> "KeywordIndex":
        def one(name: str) -> bm25s.BM25:
            return bm25s.BM25.load(str(folder / name), mmap=False, allow_pickle=False, show_progress=False)

        vocabulary = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        return cls(one("title"), one("body"), vocabulary, title_weight)


def surface_vocabulary(practices: list[Practice]) -> dict[str, int]:
    """Unstemmed word -> number of practices using it, so typo correction can suggest real words."""
    counts: Counter[str] = Counter()
    for p in practices:
        words = set(_WORD.findall(practice_text(p).lower()))
        counts.update(w for w in words if w not in _STOP and not w.isdigit())
    return dict(counts)
