"""What the engine makes of a query's text before scoring: language, typed query or pasted paragraph,
the passages to embed and the words for BM25.

A pasted description of a city's own initiative is not a short query: it is embedded passage by
passage (split like the practices are), and BM25 gets its most distinctive words only, since the
common words of a long text match everything a little.
"""

from dataclasses import dataclass

import numpy as np

from indexer.keyword import KeywordIndex
from indexer.passages import split_passages
from ranking import fusion
from ranking.lexicon import WORD, guess_language

PASTED_WORDS = 30  # more words than this: a pasted paragraph, not a typed query
PASTED_TERMS = 24  # distinctive words a paragraph keeps for BM25


@dataclass(frozen=True)
class Query:
    text: str  # as typed: what the encoders embed
    keyword_text: str  # typos corrected: what BM25 reads
    pasted: bool
    language: str | None


def is_pasted(text: str) -> bool:
    return len(WORD.findall(text)) > PASTED_WORDS


def parse(text: str, keyword_text: str) -> Query:
    return Query(text, keyword_text, is_pasted(text), guess_language(text))


def passages(text: str, tokenizer: object, window: int) -> list[str]:
    spans = split_passages(text, tokenizer, window)
    return [text[a:b] for a, b in spans] or [text]


def distinctive_stems(keyword: KeywordIndex, text: str) -> list[str]:
    """The PASTED_TERMS stems of `text` with the highest tf * idf (rare in the corpus, frequent in the text)."""
    stems = keyword.tokenize(text)
    if not stems:
        return []
    unique, counts = np.unique(np.array(stems), return_counts=True)
    df = keyword.document_frequency(list(unique))
    known = df > 0
    weight = counts * fusion.idf(df, keyword.num_docs)
    order = np.lexsort((unique, -weight))
    return [str(unique[i]) for i in order if known[i]][:PASTED_TERMS]
