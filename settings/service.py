"""Settings of the HTTP service: admin keys, CORS and the limits that protect it."""

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

MIN_ADMIN_KEY_LENGTH = 32


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class ServiceSettings(BaseSettings):
    admin_keys: str = Field(
        "", repr=False, description="comma-separated admin API keys (>= 32 chars each); empty = admin off"
    )
    cors_origins: str = Field("", description="comma-separated origins allowed by CORS; empty = none")
    max_body_bytes: int = Field(
        65_536, ge=1024, le=16 * 1024 * 1024, description="largest request body accepted (413 above)"
    )
    rate_limit_per_minute: int = Field(
        600, ge=0, le=1_000_000, description="requests per client per minute on public routes; 0 = off"
    )
    follow_interval_s: float = Field(
        2.0,
        ge=0,
        le=3600,
        description="seconds between checks that the index's CURRENT build changed elsewhere; 0 = off",
    )
    request_timeout_s: float = Field(10.0, gt=0, le=600, description="seconds a request may take before a 503")
    body_timeout_s: float = Field(
        5.0, gt=0, le=600, description="seconds a client may take to send its request body (408)"
    )

    @field_validator("admin_keys")
    @classmethod
    def _long_admin_keys(cls, value: str) -> str:
        """Short keys can be guessed; the message names the key's position, never the key."""
        for position, key in enumerate(split_list(value), start=1):
            if len(key) < MIN_ADMIN_KEY_LENGTH:
                raise ValueError(
                    f"admin key {position} has {len(key)} characters; at least {MIN_ADMIN_KEY_LENGTH} are needed"
                )
        return value

    @property
    def admin_key_list(self) -> list[str]:
        return split_list(self.admin_keys)

    @property
    def cors_origin_list(self) -> list[str]:
        return split_list(self.cors_origins)
