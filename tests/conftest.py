"""Shared fixtures: one encoder, and each index built once per session (building is the slow part).

- `built_index`: the 12 real practices of tests/fixtures/index_practices.jsonl; read-only.
- `index_copy`: a private, writable copy of it, for tests that change data.
- `full_index_settings`: the shipped corpus, for relevance tests; read-only.
"""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from indexer.build import build_index  # noqa: E402
from indexer.corpus import load_corpus  # noqa: E402
from indexer.encoders import TextEncoder, load_encoders  # noqa: E402
from settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "practices.jsonl"
INDEX_FIXTURE = ROOT / "tests" / "fixtures" / "index_practices.jsonl"


@pytest.fixture(scope="session")
def encoders() -> list[TextEncoder]:
    """The default encoders (MiniLM and multilingual e5), loaded once for the whole session."""
    return load_encoders(Settings())


@pytest.fixture(scope="session")
def encoder(encoders) -> TextEncoder:
    """MiniLM alone, for tests about one encoder."""
    return encoders[0]


def ids_of(encoders: list[TextEncoder]) -> dict[str, str]:
    return {e.name: e.model_id for e in encoders}


def build_from(source: Path, base: Path, encoders: list[TextEncoder]) -> Settings:
    """Copy a corpus into `base` and build its index there."""
    data = base / "practices.jsonl"
    shutil.copyfile(source, data)
    settings = Settings(index=base / "index", data=data)
    build_index(load_corpus(data), settings, encoders)
    return settings


@pytest.fixture(scope="session")
def full_index_settings(tmp_path_factory, encoders) -> Settings:
    return build_from(CORPUS, tmp_path_factory.mktemp("full"), encoders)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, encoders) -> Settings:
    return build_from(INDEX_FIXTURE, tmp_path_factory.mktemp("built"), encoders)


@pytest.fixture
def index_copy(tmp_path, built_index) -> Settings:
    shutil.copyfile(built_index.data, tmp_path / "practices.jsonl")
    shutil.copytree(built_index.index, tmp_path / "index")
    return built_index.model_copy(update={"index": tmp_path / "index", "data": tmp_path / "practices.jsonl"})


# The browser tests' fixtures (Chromium, the widget fixture service, an embedding site), once per session.
from tests.widget_harness import browser, open_page, service, site  # noqa: E402, F401
