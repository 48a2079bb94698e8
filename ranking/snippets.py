"""The passage shown under a result, with query-term highlight offsets (never HTML)."""

from collections.abc import Callable
from dataclasses import dataclass

from ranking.lexicon import WORD
from ranking.stopwords import STOP_WORDS, is_stop_word

WINDOW = 320
Stem = Callable[[str], tuple[str, ...]]  # a word's index tokens (KeywordIndex.word_stems)


@dataclass(frozen=True)
class Snippet:
    field: str
    text: str
    highlights: list[tuple[int, int]]


def content_stems(query_stems: set[str], stem: Stem) -> set[str]:
    """The query's stems less those of function words ("how", "about"), which are never marked."""
    if not query_stems:
        return set()
    return query_stems - {s for w in STOP_WORDS for s in stem(w)}


def term_spans(text: str, query_stems: set[str], stem: Stem) -> list[tuple[int, int]]:
    """[start, end) of each content word of `text` sharing a stem with the query."""
    wanted = content_stems(query_stems, stem)
    if not wanted:
        return []
    return [
        (m.start(), m.end())
        for m in WORD.finditer(text)
        if not is_stop_word(m.group(0)) and set(stem(m.group(0))) & wanted
    ]


def make_snippet(field: str, text: str, query_stems: set[str], stem: Stem) -> Snippet:
    """Cut a window around the first highlighted term, on word boundaries, and shift the offsets."""
    spans = term_spans(text, query_stems, stem)
    if len(text) <= WINDOW:
        return Snippet(field, text, spans)
    first = spans[0][0] if spans else 0
    start = max(0, first - WINDOW // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + WINDOW)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    kept = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return Snippet(field, prefix + text[start:end] + suffix, kept)
