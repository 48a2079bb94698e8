"""The analytics tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

No column holds anything about the person who searched: no address, user agent, cookie or session.
Every table carries `day` (UTC) so reports and the retention delete read one index range; the child
tables repeat it instead of joining `searches` for it.

    searches        one row per answered request: a search, a pasted description or a related view
    search_filters  (search, filter name, value) for each filter value the request used
    search_results  (search, position, practice id) for each result on the page that was shown
    clicks          a result a person opened from a shown page (position is the absolute rank, from 1)
    secrets         the key that signs query ids, shared by every worker and replica on this store
    schema_version  migrations applied (see analytics/migrations.py)
"""

import sqlalchemy as sa

metadata = sa.MetaData()

SEARCH_ID = sa.String(32)  # a random uuid4, hex: identifies a search, never a person
PRACTICE_ID = sa.String(200)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

secrets = sa.Table(
    "secrets",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)

searches = sa.Table(
    "searches",
    metadata,
    sa.Column("id", SEARCH_ID, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # search | pasted | related
    sa.Column("mode", sa.String(16), nullable=False),  # hybrid | semantic | keyword | related
    # normalised and truncated; the source practice id for a related view; NULL for a pasted text not kept
    sa.Column("query", sa.Text),
    sa.Column("query_chars", sa.Integer, nullable=False),  # length of the text as sent
    sa.Column("truncated", sa.Boolean, nullable=False),
    sa.Column("language", sa.String(8)),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("close_match", sa.Boolean, nullable=False),
    sa.Column("page_offset", sa.Integer, nullable=False),  # 0: a new search; more: a "more results" page
    sa.Column("shown", sa.Integer, nullable=False),
    sa.Column("latency_ms", sa.Float, nullable=False),
    # The reports read first pages of one kind over a day range, grouped by query or language.
    sa.Index("ix_searches_day_kind", "day", "kind", "page_offset", "close_match", "query"),
    sa.Index("ix_searches_day_language", "day", "language"),
)

search_filters = sa.Table(
    "search_filters",
    metadata,
    sa.Column("search_id", SEARCH_ID, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("name", sa.String(16), nullable=False),
    sa.Column("value", sa.String(120), nullable=False),
    sa.Index("ix_search_filters_day", "day", "name", "value"),
)

search_results = sa.Table(
    "search_results",
    metadata,
    sa.Column("search_id", SEARCH_ID, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("practice_id", PRACTICE_ID, nullable=False),
    sa.Index("ix_search_results_day", "day", "practice_id"),
)

clicks = sa.Table(
    "clicks",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("search_id", SEARCH_ID, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("practice_id", PRACTICE_ID, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_clicks_day", "day", "practice_id"),
    sa.Index("ix_clicks_search", "search_id", "position"),
)

# Tables the retention delete empties of old days, children first.
DATED = (search_filters, search_results, clicks, searches)
