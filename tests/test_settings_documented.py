"""README.md's settings tables are checked against `settings.Settings`: names, sections and defaults.

Each section of the settings (settings/indexing.py, ranking.py, service.py, analytics.py) has its own table in
README.md, under a heading that names the module, with one row per field:

    | `PRACTICE_SEARCH_NAME` | meaning | `default` |

A field without a row, a row for a setting that does not exist, a row in the wrong section's table
or a default written differently from the code's fails here, so the docs cannot drift.
"""

import re
from pathlib import Path
from typing import Any

import pytest

from settings import Settings
from settings.analytics import AnalyticsSettings
from settings.indexing import IndexingSettings
from settings.ranking import RankingSettings
from settings.service import ServiceSettings

README = Path(__file__).resolve().parent.parent / "README.md"
SECTIONS = {
    "settings/indexing.py": IndexingSettings,
    "settings/ranking.py": RankingSettings,
    "settings/service.py": ServiceSettings,
    "settings/analytics.py": AnalyticsSettings,
}
ROW = re.compile(r"^\| `PRACTICE_SEARCH_([A-Z0-9_]+)` \| (.+?) \| `([^`]*)` \|$")


def rendered(value: Any) -> str:
    """A default as the README writes it: paths and strings as they are, "" for empty, numbers as Python prints."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Path):
        return value.as_posix()
    if value == "":
        return '""'
    return str(value)


def documented() -> dict[str, dict[str, tuple[str, str]]]:
    """section module -> NAME -> (meaning, default), from the README table under that module's heading."""
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    section = None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            section = next((m for m in SECTIONS if f"`{m}`" in line), None)
            continue
        if line.startswith("| `PRACTICE_SEARCH_"):
            match = ROW.match(line)
            assert match, f"a settings row that is not | `NAME` | meaning | `default` |: {line!r}"
            assert section is not None, f"a settings row outside the section tables: {line!r}"
            name, meaning, default = match.groups()
            assert name not in tables.setdefault(section, {}), f"PRACTICE_SEARCH_{name} documented twice"
            tables[section][name] = (meaning, default)
    return tables


def expected_row(name: str) -> str:
    field = Settings.model_fields[name]
    return f"| `PRACTICE_SEARCH_{name.upper()}` | {field.description} | `{rendered(field.default)}` |"


def test_settings_is_made_of_exactly_its_sections():
    fields = [name for section in SECTIONS.values() for name in section.model_fields]
    assert sorted(fields) == sorted(Settings.model_fields) and len(fields) == len(set(fields))


@pytest.mark.parametrize("module", SECTIONS)
def test_every_setting_has_a_row_with_its_default_in_its_section_table(module):
    rows = documented().get(module, {})
    problems = []
    for name, field in SECTIONS[module].model_fields.items():
        row = rows.get(name.upper())
        if row is None:
            problems.append(f"missing, e.g. {expected_row(name)}")
        elif row[1] != rendered(field.default):
            problems.append(
                f"PRACTICE_SEARCH_{name.upper()}: README says `{row[1]}`, the code `{rendered(field.default)}`"
            )
        elif not row[0].strip():
            problems.append(f"PRACTICE_SEARCH_{name.upper()}: no meaning given")
    assert problems == []


def test_no_row_documents_a_setting_that_does_not_exist():
    known = {name.upper() for name in Settings.model_fields}
    stale = [
        f"{module}: PRACTICE_SEARCH_{name}"
        for module, rows in documented().items()
        for name in rows
        if name not in known
    ]
    assert stale == []
    assert set(documented()) == set(SECTIONS)


def test_prose_names_no_removed_setting():
    """Settings named anywhere in the README (prose included) exist."""
    named = set(re.findall(r"PRACTICE_SEARCH_([A-Z0-9_]+)", README.read_text(encoding="utf-8")))
    assert sorted(named - {name.upper() for name in Settings.model_fields}) == []


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRACTICE_SEARCH_INDEX", "/srv/index")
    monkeypatch.setenv("PRACTICE_SEARCH_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("PRACTICE_SEARCH_ENCODERS", "e5")
    monkeypatch.setenv("PRACTICE_SEARCH_FUSION", "rrf")
    settings = Settings()
    assert settings.index == Path("/srv/index")
    assert settings.cors_origin_list == ["https://a.example", "https://b.example"]
    assert settings.encoder_names == ["e5"] and settings.fusion == "rrf"
