"""Settings of the HTTP service: admin keys, CORS, trusted proxies and the limits that protect it."""

import ipaddress
import re

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

MIN_ADMIN_KEY_LENGTH = 32
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")  # what a browser sends in Origin: no path


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
    trusted_proxies: str = Field(
        "", description="comma-separated proxy addresses or networks whose X-Forwarded-For is believed; empty = none"
    )
    paste_slots: int = Field(
        0,
        ge=0,
        le=256,
        description="POST /similar requests computed at once (the rest wait, then 503); 0 = one per core",
    )
    admin_failures_per_minute: int = Field(
        10, ge=1, le=10_000, description="failed admin key attempts per client per minute before 429"
    )

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, value: str) -> str:
        """A browser's Origin is exactly scheme://host[:port]: `*` would let any site call the API, and a path or
        trailing slash would never match, silently."""
        for origin in split_list(value):
            if origin == "*":
                raise ValueError("`*` is not allowed; list each origin (scheme://host[:port])")
            if not ORIGIN.match(origin):
                raise ValueError(f"origin {origin!r} is not scheme://host[:port] (no path, no trailing slash)")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for item in split_list(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
        return value

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

    @property
    def trusted_proxy_list(self) -> list[str]:
        return split_list(self.trusted_proxies)
