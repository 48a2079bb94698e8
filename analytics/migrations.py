"""Versioned schema migrations: each runs once per store, in order, in one transaction.

The store takes a lock first (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so workers and
replicas starting together migrate once. A store migrated by newer code than this is refused rather than
written with an older idea of its tables. To change the schema, append a Migration; never edit one
that has shipped.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from analytics import schema


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sa.Connection], None]


def _create_v1(conn: sa.Connection) -> None:
    tables = [schema.secrets, schema.searches, schema.search_filters, schema.search_results, schema.clicks]
    schema.metadata.create_all(conn, tables=tables)


MIGRATIONS = (Migration(1, "searches, their filters and shown results, clicks, secrets", _create_v1),)
LATEST = MIGRATIONS[-1].version


class SchemaTooNew(Exception):
    """The store was migrated by a newer version of this service."""


def migrate(conn: sa.Connection) -> int:
    """Apply the migrations this store lacks (the caller holds the migration lock); returns the version."""
    schema.schema_version.create(conn, checkfirst=True)
    applied = set(conn.scalars(sa.select(schema.schema_version.c.version)))
    if max(applied, default=0) > LATEST:
        raise SchemaTooNew(f"the store has schema version {max(applied)}; this service knows up to {LATEST}")
    for migration in MIGRATIONS:
        if migration.version not in applied:
            migration.apply(conn)
            conn.execute(
                sa.insert(schema.schema_version).values(
                    version=migration.version, description=migration.description, applied_at=datetime.now(UTC)
                )
            )
    return LATEST
