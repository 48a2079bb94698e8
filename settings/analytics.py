"""The analytics settings: a mixin of the project's one Settings object (PRACTICE_SEARCH_ANALYTICS_*).

    >>> class Settings(AnalyticsSettings): ...
    >>> Settings(analytics_retention_days=30).analytics_retention_days
    30

Nothing here reads the environment by itself: the composed Settings does, once. Every field is documented
in README.md's settings table (tests/test_settings_documented.py keeps them in step).
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AnalyticsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PRACTICE_SEARCH_", extra="ignore", hide_input_in_errors=True)

    analytics: bool = Field(True, description="record searches, pasted descriptions, related views and clicks (on/off)")
    # repr=False: a postgresql:// URL may carry a password
    analytics_url: str = Field(
        "", repr=False, description="sqlite:///PATH or postgresql://...; empty = analytics.sqlite3 beside the index"
    )
    analytics_retention_days: int = Field(180, ge=1, le=3650, description="days analytics rows are kept")
    analytics_store_text: bool = Field(
        False, description="also store the (truncated) text of pasted descriptions; off = only their length"
    )
    analytics_max_query_chars: int = Field(
        200, ge=10, le=5000, description="queries (and stored pasted texts) longer than this are truncated"
    )
    analytics_queue_size: int = Field(
        10_000, ge=10, le=1_000_000, description="records waiting for the writer; more are dropped and counted"
    )
    analytics_retry_s: float = Field(
        30.0,
        gt=0,
        le=3600,
        description="seconds between attempts to reach a failed store again (not recording meanwhile)",
    )
    analytics_events_per_minute: int = Field(
        60, ge=0, description="click events per client per minute on POST /events (429 above); 0 = no limit"
    )
