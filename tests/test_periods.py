"""The period parser on formats taken from the real corpus."""

import pytest

from indexer.periods import Years, parse_period

REAL_FORMATS = [
    ("On-going since 2014", Years(2014, None, True)),
    ("2019 - ongoing", Years(2019, None, True)),
    ("2009-ongoing", Years(2009, None, True)),
    ("2007-on going", Years(2007, None, True)),
    ("2006 onwards", Years(2006, None, True)),
    ("January - February 2018", Years(2018, 2018, False)),
    ("2016-2020", Years(2016, 2020, False)),
    ("2011-14", Years(2011, 2014, False)),
    ("2015-2020 / 2021-25", Years(2015, 2025, False)),
    ("permanent (group formed 2017)", Years(2017, None, True)),
    ("Permanent since 2012", Years(2012, None, True)),
    ("2017", Years(2017, 2017, False)),
    ("", Years(None, None, False)),
    ("Ongoing", Years(None, None, True)),
    ("2016 (award since 1995)", Years(2016, 2016, False)),
    ("2013-", Years(2013, None, True)),
    ("2011- (founded 1999)", Years(2011, None, True)),
    ("2015 until 2023", Years(2015, 2023, False)),
    ("March 2017 – present", Years(2017, None, True)),
    ("presented August 2011", Years(2011, 2011, False)),
    ("three years from 1 March 2018", Years(2018, None, False)),
    ("every year around 21 March, since 1995", Years(1995, None, True)),
    ("annual (May/June)", Years(None, None, True)),
    ("25-28 August 2016", Years(2016, 2016, False)),
    (
        "From September 2014 to May 2015 (continued within the municipal interculturality strategy)",
        Years(2014, 2015, False),
    ),
    ("2016 and on (resolution March 2020)", Years(2016, None, True)),
    ("running for several decades", Years(None, None, True)),
]


@pytest.mark.parametrize(("period", "expected"), REAL_FORMATS)
def test_real_period_formats(period, expected):
    assert parse_period(period) == expected


def test_from_month_onwards():
    assert parse_period("From September 2017 onwards") == Years(2017, None, True)


@pytest.mark.parametrize("period", ["ongoing", "permanent", "current", "Ongoing activities", "annual (May/June)"])
def test_never_invents_a_year(period):
    assert parse_period(period).start_year is None


def test_every_dated_period_in_the_corpus_yields_a_start_year():
    import re

    from indexer.corpus import load_corpus

    for practice in load_corpus("data/practices.jsonl"):
        if re.search(r"(19|20)\d\d", practice.period):
            assert practice.start_year is not None, practice.period
