"""Secrets never reach the access log: uvicorn logs each request's path with its query string, so a key
sent as `?X-API-Key=...` (or any `key`, `token`, `secret`, `password` parameter) would be written
verbatim. A filter on the `uvicorn.access` logger replaces such values with REDACTED."""

import logging
import re

SECRET = re.compile(r"(?i)([?&][^=&#]*(?:key|token|secret|password|passwd|auth)[^=&#]*=)[^&#\s]*")


def redact(url: str) -> str:
    return SECRET.sub(r"\1REDACTED", url)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    """Idempotent: several apps in one process (tests) add the filter once."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
