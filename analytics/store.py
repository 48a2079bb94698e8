"""The analytics database: an embedded SQLite file (WAL) by default, PostgreSQL for several replicas.

    store = Store.open("sqlite:///models/analytics.sqlite3")   # migrates; StoreError if unusable
    store.write(rows)                                         # one transaction per batch
    store.prune(before=date(2026, 6, 1))                      # the retention delete

Every statement is SQLAlchemy Core with bound parameters; no SQL is built from request data. Any
failure (unreachable server, locked, corrupt or full database, a schema from a newer version) is raised
as StoreError with one sentence that never contains the URL's password.
"""

import secrets as random_secrets
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from analytics import schema
from analytics.migrations import SchemaTooNew, migrate

DEFAULT_FILE = "analytics.sqlite3"
SECRET_NAME = "query_ids"
PG_MIGRATION_LOCK = 72_811_046  # any constant: the advisory lock key all replicas take to migrate


class StoreError(Exception):
    """The store cannot be used right now; the message is one line, safe to log."""


def resolve_url(url: str, index: Path) -> str:
    """The configured URL, or a SQLite file beside the index directory (models/index -> models/analytics.sqlite3)."""
    return url or f"sqlite:///{Path(index).parent / DEFAULT_FILE}"


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL; None for any other store."""
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        return None
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def describe(url: str | URL) -> str:
    """The URL for a log line: password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "an invalid URL"


@dataclass
class Rows:
    """One batch to insert: a list of column dicts per table."""

    searches: list[dict] = field(default_factory=list)
    search_filters: list[dict] = field(default_factory=list)
    search_results: list[dict] = field(default_factory=list)
    clicks: list[dict] = field(default_factory=list)


def _switch_to_wal(cursor: Any, busy_timeout_s: float) -> None:
    """PRAGMA journal_mode=WAL, retried: on a new file, workers starting together race to convert it, and
    SQLite answers the losers "database is locked" at once instead of waiting its busy timeout."""
    deadline = time.monotonic() + busy_timeout_s
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _sqlite_engine(url: URL, busy_timeout_s: float) -> sa.Engine:
    if not url.database or url.database == ":memory:":
        raise StoreError("a SQLite analytics store needs a file: sqlite:///PATH")
    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": busy_timeout_s, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy's begin event below emits BEGIN itself
        cursor = dbapi_conn.cursor()
        _switch_to_wal(cursor, busy_timeout_s)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a writer waits (busy timeout) instead of failing mid-way
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


def _postgres_engine(url: URL, connect_timeout_s: float) -> sa.Engine:
    return sa.create_engine(
        url.set(drivername="postgresql+psycopg"),
        pool_pre_ping=True,
        pool_size=4,
        connect_args={"connect_timeout": max(1, round(connect_timeout_s))},
    )


def create_engine(url: str, busy_timeout_s: float = 2.0, connect_timeout_s: float = 3.0) -> sa.Engine:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError("PRACTICE_SEARCH_ANALYTICS_URL is not a URL (sqlite:///PATH or postgresql://...)") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_s)
    if backend == "postgresql":
        return _postgres_engine(parsed, connect_timeout_s)
    raise StoreError(f"unsupported analytics store {backend!r} (use sqlite:///PATH or postgresql://...)")


def _reason(err: BaseException) -> str:
    """The database's own first line (e.g. 'database or disk is full'), without SQL or parameters."""
    original = getattr(err, "orig", None) or err
    text = str(original).strip().splitlines()
    return f"{type(original).__name__}: {text[0] if text else 'failed'}"


class Store:
    def __init__(self, engine: sa.Engine, secret: bytes):
        self.engine, self.secret = engine, secret

    @classmethod
    def open(cls, url: str, busy_timeout_s: float = 2.0, connect_timeout_s: float = 3.0) -> "Store":
        """Connect, migrate and read the shared secret; StoreError if any of it fails."""
        engine = create_engine(url, busy_timeout_s, connect_timeout_s)
        try:
            with engine.connect().execution_options(write=True) as conn, conn.begin():
                if engine.dialect.name == "postgresql":
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_MIGRATION_LOCK)))
                migrate(conn)
                secret = cls._secret(conn)
        except (sa.exc.SQLAlchemyError, OSError, SchemaTooNew) as err:
            engine.dispose()
            raise StoreError(_reason(err)) from None
        return cls(engine, secret)

    @staticmethod
    def _secret(conn: sa.Connection) -> bytes:
        """The query-id key every worker and replica on this store shares; made once, by whoever comes first."""
        table = schema.secrets
        select = sa.select(table.c.value).where(table.c.name == SECRET_NAME)
        value = conn.scalar(select)
        if value is None:
            value = random_secrets.token_hex(32)
            conn.execute(sa.insert(table).values(name=SECRET_NAME, value=value))
        return bytes.fromhex(value)

    def write(self, rows: Rows) -> None:
        """Insert one batch in one transaction (all or nothing)."""
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                for table in (schema.searches, schema.search_filters, schema.search_results, schema.clicks):
                    batch = getattr(rows, table.name)
                    if batch:
                        conn.execute(sa.insert(table), batch)
        except (sa.exc.SQLAlchemyError, OSError) as err:
            raise StoreError(_reason(err)) from None

    def prune(self, before: date) -> int:
        """Delete every row of a day before `before`; returns the searches and clicks deleted."""
        deleted = 0
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                for table in schema.DATED:
                    result = conn.execute(sa.delete(table).where(table.c.day < before))
                    if table in (schema.searches, schema.clicks):
                        deleted += result.rowcount
        except (sa.exc.SQLAlchemyError, OSError) as err:
            raise StoreError(_reason(err)) from None
        return deleted

    def close(self) -> None:
        self.engine.dispose()
