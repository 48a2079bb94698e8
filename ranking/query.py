"""What the engine makes of a query's text before scoring: its language, and the text BM25 reads.

A pasted paragraph needs no special path: both encoders embed it whole, which beat embedding it
passage by passage on the dev paragraphs (nDCG@10 0.698 against 0.680), and BM25 reads every word
of it, which beat its 24 most distinctive words (0.514 against 0.489 in keyword mode). Only its
first EMBED_TOKENS word pieces are embedded: e5's cost grows with every token (about 2.5 ms each
on one core here, 1.5 s for a 1,900-character paragraph), and on the dev paragraphs 192 pieces
scored as the whole text (0.707 against 0.713; translated ones 0.421 both), so a 5,000-character
paste of made-up words costs what an ordinary paragraph does. Long texts are never typo-corrected
(typos.py).
"""

from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from ranking.lexicon import guess_language
from ranking.typos import MAX_WORDS

EMBED_TOKENS = 192
EMBED_CHARS = 1200  # about what 192 English word pieces span


@dataclass(frozen=True)
class Query:
    text: str  # as typed, up to EMBED_TOKENS word pieces: what the encoders embed
    keyword_text: str  # typos corrected: what BM25 reads
    language: str | None
    pasted: bool  # a description pasted whole, not a typed query (is_pasted)


def is_pasted(text: str) -> bool:
    """Over MAX_WORDS words: a city's own description, read for its meaning rather than for places or typos."""
    return len(text.split()) > MAX_WORDS


def embeddable(text: str, tokenizer: Any) -> str:
    """The text up to the end of its EMBED_TOKENS-th word piece, and at most EMBED_CHARS characters (a
    5,000-digit "word" is one unknown piece to MiniLM but hundreds of tokens to e5)."""
    if len(text) <= EMBED_TOKENS:  # no piece is shorter than a character: short texts need no tokenising
        return text
    text = text[:EMBED_CHARS]
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)["offset_mapping"]
    return text if len(offsets) <= EMBED_TOKENS else text[: offsets[EMBED_TOKENS - 1][1]]


def parse(text: str, keyword_text: str, english: Container[str], tokenizer: Any) -> Query:
    return Query(embeddable(text, tokenizer), keyword_text, guess_language(text, english), is_pasted(text))
