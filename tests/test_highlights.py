"""Snippet highlights mark the query's content words only, never function words ("how", "about")."""

import pytest

from indexer.corpus import load_corpus
from indexer.keyword import KeywordIndex
from ranking.snippets import make_snippet, term_spans
from tests.conftest import INDEX_FIXTURE

TEXT = (
    "How can a city talk about rumours? What the council did about it: volunteers can answer "
    "rumours with facts, and what they learn is how prejudice spreads."
)


@pytest.fixture(scope="module")
def keyword() -> KeywordIndex:
    return KeywordIndex.build(load_corpus(INDEX_FIXTURE), title_weight=0.0)


def marks(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def test_function_words_of_the_query_are_never_marked(keyword):
    stems = set(keyword.tokenize("how can cities talk about what rumours do"))
    assert {"how", "can", "about", "what"} <= stems  # the index's own stop list keeps them ...
    spans = term_spans(TEXT, stems, keyword.word_stems)
    assert marks(TEXT, spans) == ["city", "talk", "rumours", "rumours"]  # ... the highlighter does not


def test_a_query_of_function_words_alone_marks_nothing(keyword):
    stems = set(keyword.tokenize("how about what can we do"))
    assert make_snippet("purpose", TEXT, stems, keyword.word_stems).highlights == []


def test_content_words_are_marked_in_every_inflection(keyword):
    stems = set(keyword.tokenize("volunteer learning prejudices"))
    assert marks(TEXT, term_spans(TEXT, stems, keyword.word_stems)) == ["volunteers", "learn", "prejudice"]
