"""A corpus city's other spellings from GeoNames (indexer/exonyms.py)."""

from indexer.exonyms import other_names


def spellings(city: str, code: str) -> tuple[str, ...]:
    return other_names([(city, code)])[(city, code)]


def test_a_city_gets_its_names_in_other_languages_and_scripts():
    names = spellings("Lisbon", "PT")
    assert {"Lisboa", "Lisbonne", "Lissabon", "Lizbona", "Лісабон"} <= set(names)
    assert "Olisipo" not in names  # its Roman name: another name, not a spelling of this one
    assert "LIS" not in names  # an airport code


def test_a_part_of_the_name_or_another_country_s_city_is_not_kept():
    assert "Feira" not in spellings("Santa Maria da Feira", "PT")
    assert "Bergen (NH)" not in spellings("Bergen", "NO")
    assert spellings("Bergen", "NO") != spellings("Bergen", "NL")


def test_a_city_geonames_does_not_know_has_no_other_names():
    assert spellings("Nowhere-on-Sea", "PT") == ()
    assert spellings("Lisbon", "ZZ") == ()


def test_the_table_is_read_only_for_cities_not_seen_before(monkeypatch):
    import indexer.exonyms

    spellings("Lisbon", "PT")
    monkeypatch.setattr(indexer.exonyms, "_cities_by_country", lambda: (_ for _ in ()).throw(AssertionError("read")))
    assert "Lisboa" in spellings("Lisbon", "PT")
