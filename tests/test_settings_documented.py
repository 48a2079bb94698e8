"""Every setting is documented in README.md, so the docs cannot drift from the code."""

from pathlib import Path

from settings import Settings


def test_every_setting_is_in_the_readme():
    readme = Path("README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`PRACTICE_SEARCH_{name.upper()}`" not in readme]
    assert missing == []


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRACTICE_SEARCH_INDEX", "/srv/index")
    monkeypatch.setenv("PRACTICE_SEARCH_CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings()
    assert settings.index == Path("/srv/index")
    assert settings.cors_origin_list == ["https://a.example", "https://b.example"]
