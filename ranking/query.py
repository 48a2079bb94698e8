"""What the engine makes of a query's text before scoring: its language, and the text BM25 reads.

A pasted paragraph needs no special path: both encoders embed the whole text (e5 windows inputs
over 512 tokens itself), which beat embedding it passage by passage on the dev paragraphs (nDCG@10
0.698 against 0.680), and BM25 reads every word of it, which beat its 24 most distinctive words
(0.514 against 0.489 in keyword mode). Long texts are never typo-corrected (typos.py).
"""

from collections.abc import Container
from dataclasses import dataclass

from ranking.lexicon import guess_language


@dataclass(frozen=True)
class Query:
    text: str  # as typed: what the encoders embed
    keyword_text: str  # typos corrected: what BM25 reads
    language: str | None


def parse(text: str, keyword_text: str, english: Container[str]) -> Query:
    return Query(text, keyword_text, guess_language(text, english))
