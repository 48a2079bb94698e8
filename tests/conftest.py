"""Shared fixtures: one encoder and one full-corpus index per test session (building is the slow part)."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from indexer.build import build_index  # noqa: E402
from indexer.corpus import load_corpus, save_corpus  # noqa: E402
from indexer.encoder import Encoder  # noqa: E402
from indexer.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "practices.jsonl"


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    return Encoder.from_settings(Settings())


@pytest.fixture(scope="session")
def full_index_settings(tmp_path_factory, encoder) -> Settings:
    """The shipped corpus, built once; tests must not write to it (copy it with `writable_settings`)."""
    base = tmp_path_factory.mktemp("full")
    data = base / "practices.jsonl"
    shutil.copyfile(CORPUS, data)
    settings = Settings(index=base / "index", data=data)
    build_index(load_corpus(data), settings, encoder)
    return settings


@pytest.fixture
def small_settings(tmp_path, encoder) -> Settings:
    """A writable 12-practice corpus and its index, for tests that change data."""
    data = tmp_path / "practices.jsonl"
    save_corpus(data, load_corpus(CORPUS)[:12])
    settings = Settings(index=tmp_path / "index", data=data)
    build_index(load_corpus(data), settings, encoder)
    return settings


# --- index fixtures: a 12-practice corpus from data/practices.jsonl, built once per session ---

INDEX_FIXTURE = ROOT / "tests" / "fixtures" / "index_practices.jsonl"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, encoder) -> Settings:
    """The 12-practice fixture built once; read-only (tests that write use `index_copy`)."""
    base = tmp_path_factory.mktemp("built")
    data = base / "practices.jsonl"
    shutil.copyfile(INDEX_FIXTURE, data)
    settings = Settings(index=base / "index", data=data)
    build_index(load_corpus(data), settings, encoder)
    return settings


@pytest.fixture
def index_copy(tmp_path, built_index) -> Settings:
    """A private, writable copy of `built_index` (corpus file and index directory), no rebuild needed."""
    shutil.copyfile(built_index.data, tmp_path / "practices.jsonl")
    shutil.copytree(built_index.index, tmp_path / "index")
    return built_index.model_copy(update={"index": tmp_path / "index", "data": tmp_path / "practices.jsonl"})
