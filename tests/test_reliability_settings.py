"""Reliability round two, settings (issue 12 row 13): unknown PRACTICE_SEARCH_* names are reported, CORS
origins must be exact, and every number is bounded."""

import pytest

from settings import SettingsError, load_settings, unknown_variables


def test_a_mistyped_setting_is_reported_with_the_real_name():
    environ = {
        "PRACTICE_SEARCH_ADMIN_KEY": "k" * 40,
        "PRACTICE_SEARCH_INDEX": "/srv/index",
        "HOME": "/root",
        "PRACTICE_SEARCH_APP": "search_service.app:create_app",
    }
    assert unknown_variables(environ) == [
        "unknown setting PRACTICE_SEARCH_ADMIN_KEY ignored (did you mean PRACTICE_SEARCH_ADMIN_KEYS?)"
    ]


def test_a_service_started_with_a_mistyped_setting_says_so_in_one_line(monkeypatch, capsys):
    from search_service import app as app_module

    monkeypatch.setenv("PRACTICE_SEARCH_ADMIN_KEY", "k" * 40)
    monkeypatch.setenv("PRACTICE_SEARCH_INDEX", "/nonexistent/index")
    with pytest.raises(SystemExit):
        app_module.create_app()
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == (
        "search_service: warning: unknown setting PRACTICE_SEARCH_ADMIN_KEY ignored "
        "(did you mean PRACTICE_SEARCH_ADMIN_KEYS?)"
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "CORS_ORIGINS",
            "*",
            "PRACTICE_SEARCH_CORS_ORIGINS: `*` is not allowed; list each origin (scheme://host[:port])",
        ),
        (
            "CORS_ORIGINS",
            "https://a.example/",
            "PRACTICE_SEARCH_CORS_ORIGINS: origin 'https://a.example/' is not "
            "scheme://host[:port] (no path, no trailing slash)",
        ),
        ("BODY_TIMEOUT_S", "inf", "PRACTICE_SEARCH_BODY_TIMEOUT_S: Input should be less than or equal to 600"),
        ("REQUEST_TIMEOUT_S", "nan", "PRACTICE_SEARCH_REQUEST_TIMEOUT_S: Input should be less than or equal to 600"),
        (
            "QUERY_CACHE_SIZE",
            "1e10",
            "PRACTICE_SEARCH_QUERY_CACHE_SIZE: Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            "QUERY_CACHE_SIZE",
            "10000000000",
            "PRACTICE_SEARCH_QUERY_CACHE_SIZE: Input should be less than or equal to 1000000",
        ),
        (
            "TRUSTED_PROXIES",
            "proxy.local",
            "PRACTICE_SEARCH_TRUSTED_PROXIES: 'proxy.local' is not an IP address or network",
        ),
        (
            "RELATED_ENCODERS",
            "e5,bert",
            "PRACTICE_SEARCH_RELATED_ENCODERS: expected distinct names from minilm, e5, got 'e5,bert'",
        ),
        (
            "ADMIN_FAILURES_PER_MINUTE",
            "0",
            "PRACTICE_SEARCH_ADMIN_FAILURES_PER_MINUTE: Input should be greater than or equal to 1",
        ),
    ],
)
def test_unusable_values_are_refused_in_one_line(monkeypatch, name, value, message):
    monkeypatch.setenv(f"PRACTICE_SEARCH_{name}", value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value) == message


def test_exact_origins_and_proxy_networks_are_accepted(monkeypatch):
    monkeypatch.setenv("PRACTICE_SEARCH_CORS_ORIGINS", "https://www.city.example, http://localhost:8080")
    monkeypatch.setenv("PRACTICE_SEARCH_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    settings = load_settings()
    assert settings.cors_origin_list == ["https://www.city.example", "http://localhost:8080"]
    assert settings.trusted_proxy_list == ["127.0.0.1", "10.0.0.0/8"]
