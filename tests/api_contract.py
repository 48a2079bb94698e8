"""What docs/api-contract.md promises, written once for the tests that check it."""

SEARCH_RESPONSE_KEYS = frozenset(
    {"query", "mode", "total", "limit", "offset", "close_match", "corrections", "notice", "query_id", "results"}
)
