"""The typo corrector never rewrites a real word, stays bounded on any text, and never changes what is embedded."""

import time

import pytest

from ranking.typos import MAX_CORRECTIONS, TypoCorrector

VOCABULARY = {
    "intercultural": 40,
    "mediation": 25,
    "campaign": 12,
    "hall": 3,
    "door": 2,
    "nursery": 4,
    "pregnant": 2,
    "one": 30,
    "aqui": 1,
    "pgam": 1,
    "rumour": 9,
    "budget": 7,
    "participatory": 6,
}


@pytest.fixture(scope="module")
def corrector():
    return TypoCorrector(VOCABULARY)


def test_misspelt_words_are_corrected_to_corpus_words(corrector):
    assert corrector.correct("intercultral mediaton") == (
        "intercultural mediation",
        [("intercultral", "intercultural"), ("mediaton", "mediation")],
    )
    assert corrector.correct("participatry budjet")[1] == [("participatry", "participatory"), ("budjet", "budget")]


@pytest.mark.parametrize(
    "query",
    [
        "halal food",
        "doctor",
        "phone",
        "quiz",
        "pregnancy",
        "nurse",
        "rumeurs sur les migrants",
        "PGAM1 expression",
        "Mescla't Bizilagunak",
    ],
)
def test_real_words_names_and_codes_are_left_alone(corrector, query):
    assert corrector.correct(query) == (query, [])


def test_at_most_a_few_words_of_a_query_are_corrected(corrector):
    text, corrections = corrector.correct("intercultral mediaton campain participatry budjet")
    assert len(corrections) == MAX_CORRECTIONS
    assert text.endswith("budjet")


CORPUS_TEXTS = ["COVID-19 support for migrant families", "An anti-rumour network", "for 4-6 year olds", "well-being"]


def test_a_word_the_corpus_writes_with_a_hyphen_gets_the_corpus_spelling():
    vocabulary = {**VOCABULARY, "wellbeing": 2}  # the corpus writes it both ways: then the joined form is a word
    corrector = TypoCorrector(vocabulary, CORPUS_TEXTS)
    assert corrector.correct("covid19 migrant comunities")[0].startswith("covid-19 migrant")
    assert corrector.correct("Antirumour campain") == (
        "anti-rumour campaign",
        [("Antirumour", "anti-rumour"), ("campain", "campaign")],
    )
    for untouched in ("46 families", "wellbeing", "PGAM1 expression"):
        assert corrector.correct(untouched) == (untouched, [])


def test_pasted_paragraphs_are_never_corrected(corrector):
    paragraph = " ".join(["intercultral mediaton"] * 40)
    assert corrector.correct(paragraph) == (paragraph, [])


def test_hostile_text_costs_little(corrector):
    junk = " ".join(f"zq{i}xwv" for i in range(800)) + " " + " ".join("qwxzvb" * 3 for _ in range(20))
    started = time.perf_counter()
    for _ in range(20):
        corrector.correct(junk)
        corrector.correct("xkqzvw jjqpxz wvqqzk vvzqxj")
    assert time.perf_counter() - started < 1.0


def test_long_pastes_embed_a_bounded_prefix(encoder):
    from ranking.query import EMBED_TOKENS, embeddable

    text = "qzxv wplk " * 1000
    cut = embeddable(text, encoder.tokenizer)
    assert text.startswith(cut) and len(cut) < 1000
    assert encoder.count_tokens([cut])[0] == EMBED_TOKENS + 2  # [CLS] and [SEP]
    assert embeddable("short text", encoder.tokenizer) == "short text"
