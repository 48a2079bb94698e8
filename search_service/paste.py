"""Bound what one pasted text may cost: the engine embeds a paste passage by passage with every encoder,
so 5,000 characters of made-up words (many word pieces each) would be 24 passages, about 9 s of CPU.

    text = bounded_paste(text, tokenizer, window, vocabulary)   # what /similar hands to the engine

- A paste mostly of words that are neither in the corpus nor real in any supported language carries no
  meaning to compare: it keeps its first passage only.
- Any other paste keeps at most MAX_PASSAGES passages, spread evenly over it, so a long text is still
  compared as a whole.
- A typed query (30 words or fewer) keeps its first passage, and every passage at most MAX_PASSAGE_CHARS
  characters: one made-up "word" of 5,000 digits is one word piece to the splitter but a thousand to e5.

The word test reads the first SAMPLE_WORDS words, the ones the language guess reads too (cached lookups).
"""

from typing import Any

from indexer.passages import split_passages
from ranking.lexicon import WORD, is_real_word

PASTED_WORDS = 30  # ranking/query.py: more words than this is a pasted paragraph
MAX_PASSAGES = 8  # a real 5,000-character description splits into about 9
MAX_PASSAGE_CHARS = 1000  # 128 word pieces of real text are 500-700 characters
SAMPLE_WORDS = 64
MIN_KNOWN_SHARE = 0.5


def mostly_unknown(words: list[str], vocabulary: dict[str, int]) -> bool:
    sample = [w.lower() for w in words[:SAMPLE_WORDS]]
    known = sum(1 for w in sample if w in vocabulary or is_real_word(w))
    return known < MIN_KNOWN_SHARE * len(sample)


def bounded_paste(text: str, tokenizer: Any, window: int, vocabulary: dict[str, int]) -> str:
    words = WORD.findall(text)
    # a typed query that needs more than one passage is made of giant tokens or digits: it keeps one too
    keep = MAX_PASSAGES if len(words) > PASTED_WORDS and not mostly_unknown(words, vocabulary) else 1
    spans = split_passages(text, tokenizer, window)
    chosen = spans if len(spans) <= keep else [spans[int(i * len(spans) / keep)] for i in range(keep)]
    pieces = [text[start:end][:MAX_PASSAGE_CHARS] for start, end in chosen]
    if len(chosen) == len(spans) and all(len(p) == end - start for p, (start, end) in zip(pieces, chosen, strict=True)):
        return text
    return "\n".join(pieces)
