"""What gets embedded: each practice as a purpose vector plus description passages that fit the window.

A practice becomes these texts (the templates are recorded in the manifest):

    purpose      "{title} ({topics}): {passage}"   one vector (split only if it would not fit)
    description  "{title}: {passage}"              one vector per passage

Passages are cut at sentence ends where possible, balanced in size, and together cover every
non-blank character of the field: nothing is silently truncated by the model.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from indexer.schema import Practice

Field = Literal["purpose", "description"]
TEMPLATES: dict[str, str] = {
    "purpose": "{title} ({topics}): {passage}",
    "description": "{title}: {passage}",
}
SPECIAL_TOKENS = 2  # [CLS] and [SEP] take two places in the window
_SENTENCE_END = re.compile(r"(?<=[.!?;:…])[\"'”’)\]]*\s+|\n\s*")


@dataclass(frozen=True)
class Passage:
    """One embedded vector's source: `text` == the practice's `field`[start:end] (no title prefix)."""

    practice: int
    field: Field
    text: str
    start: int
    end: int


def prefix_for(practice: Practice, field: Field) -> str:
    return TEMPLATES[field].format(title=practice.title, topics=", ".join(practice.topics), passage="")


def text_hash(text: str) -> str:
    """Key of the embedding cache (together with the model id)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_passages(text: str, tokenizer: Any, max_tokens: int, prefix: str = "") -> list[tuple[int, int]]:
    """Char spans of `text` such that prefix + text[start:end] fits `max_tokens` word pieces.

    Spans are in order, do not overlap, and only whitespace lies outside them. When a text needs
    k passages they are cut near len/k tokens (at a sentence end if one fits, else at a word
    start) so the last passage is not a scrap.
    """
    budget = max_tokens - SPECIAL_TOKENS - len(tokenizer(prefix, add_special_tokens=False)["input_ids"])
    if budget < 1:
        raise ValueError(f"prefix {prefix[:40]!r} alone fills the {max_tokens}-token window")
    # verbose=False: a text longer than the window is expected here, that is why we split it
    offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)["offset_mapping"]
    starts = np.array([s for s, _ in offsets], dtype=np.int64)
    sentence_cuts = {m.end() for m in _SENTENCE_END.finditer(text)}
    word_cuts = {int(s) for s in starts if s > 0 and text[s - 1].isspace()}
    spans: list[tuple[int, int]] = []
    first = 0  # index of the first token not yet in a span
    pos = 0
    while first < len(starts):
        remaining = len(starts) - first
        if remaining <= budget:
            cut = len(text)
        else:
            parts = -(-remaining // budget)
            target = -(-remaining // parts)
            # candidate cuts: token starts after `first`, at most `budget` tokens in
            window = starts[first + 1 : first + budget + 1]
            cut = _best_cut(window, target, sentence_cuts) or _best_cut(window, target, word_cuts) or int(window[-1])
        last = int(np.searchsorted(starts, cut, side="left"))
        start, end = _trim(text, pos, cut)
        if end > start:
            spans.append((start, end))
        first, pos = last, cut
    tail = _trim(text, pos, len(text))
    if tail[1] > tail[0]:
        spans.append(tail)
    return spans


def _best_cut(window: np.ndarray, target: int, allowed: set[int]) -> int | None:
    """The allowed cut among the window's token starts nearest `target` tokens in (ties: longer)."""
    candidates = [(abs(n - target), -n, start) for n, start in enumerate(window.tolist(), start=1) if start in allowed]
    return min(candidates)[2] if candidates else None


Spans = list[tuple[str, int, int]]  # (field, start, end) of each passage of one practice, in order


def passage_key(practice: Practice) -> str:
    """Digest of exactly what a practice's passages depend on, to reuse them when it is unchanged."""
    return text_hash(json.dumps([practice.title, practice.topics, practice.purpose, practice.description]))


def practice_spans(practice: Practice, tokenizer: Any, window: int, passage_tokens: int) -> Spans:
    """Purpose first (one span unless it cannot fit the window), then the description's passages."""
    spans: Spans = []
    for field, limit in (("purpose", window), ("description", min(passage_tokens, window))):
        prefix = prefix_for(practice, field)  # type: ignore[arg-type]
        spans.extend(
            (field, start, end) for start, end in split_passages(getattr(practice, field), tokenizer, limit, prefix)
        )
    return spans


def passages_from_spans(practice: Practice, position: int, spans: Spans) -> list[tuple[Passage, str]]:
    """(passage, text to embed) for each span: the template's prefix + the passage text."""
    out: list[tuple[Passage, str]] = []
    for field, start, end in spans:
        passage = Passage(position, field, getattr(practice, field)[start:end], start, end)  # type: ignore[arg-type]
        out.append((passage, prefix_for(practice, field) + passage.text))  # type: ignore[arg-type]
    return out


def practice_passages(
    practice: Practice, position: int, tokenizer: Any, window: int, passage_tokens: int
) -> list[tuple[Passage, str]]:
    """Every (passage, text to embed) of one practice: purpose first, then description passages."""
    return passages_from_spans(practice, position, practice_spans(practice, tokenizer, window, passage_tokens))
