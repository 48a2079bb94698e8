"""Keyword search is plain BM25 over the whole text (title weight 0), so it can never trail a plain baseline."""

from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from indexer.corpus import load_corpus
from indexer.keyword import KeywordIndex

CORPUS = Path(__file__).resolve().parents[1] / "data" / "practices.jsonl"
QUERIES = [
    "anti-rumour agents training",
    "roma school mediators",
    "participatory budgeting",
    "PGAM1",
    "how can libraries support the integration of immigrants",
    "Bizilagunak",
]


def test_scores_equal_an_independent_bm25s_index_over_the_same_text():
    practices = load_corpus(CORPUS)
    ours = KeywordIndex.build(practices, title_weight=0.0)
    stemmer = Stemmer.Stemmer("english")
    texts = [f"{p.title}\n{p.purpose}\n{p.description}" for p in practices]
    plain = bm25s.BM25()
    plain.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False), show_progress=False)
    for query in QUERIES:
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, return_ids=False, show_progress=False)[0]
        expected = plain.get_scores(tokens) if tokens else np.zeros(len(practices))
        assert np.allclose(ours.scores(query), expected, atol=1e-5), query


def test_a_title_weight_adds_the_title_field_on_top():
    practices = load_corpus(CORPUS)
    plain, boosted = KeywordIndex.build(practices, 0.0), KeywordIndex.build(practices, 1.0)
    title_only = boosted.title.get_scores(boosted.tokenize("Bizilagunak"))
    assert np.allclose(boosted.scores("Bizilagunak"), plain.scores("Bizilagunak") + title_only, atol=1e-5)
