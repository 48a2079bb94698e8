"""Language guesses steer the ranking of foreign queries; common English must stay English."""

import pytest

from ranking.lexicon import guess_language, is_real_word

CORPUS_WORDS = {"intercultural", "festival", "refugees", "roma", "education"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("lutter contre les rumeurs et les préjugés sur les migrants", "fr"),
        ("cursos de idiomas para personas recién llegadas", "es"),
        ("mediatori culturali per le comunità rom", "it"),
        ("Bürgerhaushalt, bei dem die Einwohner über Projekte abstimmen", "de"),
        ("acolhimento de refugiados na cidade", "pt"),
        ("як місто може допомогти внутрішньо переміщеним особам", "uk"),
        ("wsparcie dla migrantów na rynku pracy", "pl"),
        ("how to fight rumours about refugees", "en"),
        ("intercultural festival", "en"),
        ("Bergen refugees", "en"),
        ("Roma education Barcelona", "en"),
    ],
)
def test_guess_language(text, language):
    assert guess_language(text, CORPUS_WORDS) == language


def test_corpus_words_count_as_english():
    assert guess_language("intercultural festival") != "en"  # "intercultural" is in no small English list
    assert guess_language("intercultural festival", {"intercultural"}) == "en"


def test_no_known_word_no_guess():
    assert guess_language("zxqv blorf") is None
    assert guess_language("") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [("Einbürgerungskampagne", "de"), ("interkulturell medlingstjänst", "sv"), ("Roma-bemiddelaars", "nl")],
)
def test_compounds_in_no_word_list_are_placed_by_their_letters(text, language):
    assert guess_language(text, CORPUS_WORDS) == language


def test_a_name_the_letters_cannot_place_stays_unguessed():
    assert guess_language("Mondinsieme", CORPUS_WORDS) is None


def test_real_words_in_any_language():
    assert all(is_real_word(w) for w in ("halal", "Doctor", "rumeurs", "Flüchtlinge"))
    assert not any(is_real_word(w) for w in ("intercultral", "mediaton", "pgam"))
