"""The shared state every process of a deployment reads and writes, through SQLAlchemy Core.

What lives here (one module per table family, each defining its `Table` on `metadata` below):
installations (slack_sdk's own tables, `bot.slack.oauth`), subscriptions + digest ledger + scheduler lock +
asked counts (digests.py), alerts + alert ledger (alerts.py), thread context (threads.py), the answer queue
(answer_jobs.py), Slack delivery de-duplication (slack_events.py), the watch list (watch_list.py), workspaces
that refuse the newer blocks (block_support.py) and live look-up limits (live_lookups.py). The figures
(observations, projects) stay in the SQLite store file with sqlite-utils.

Where it lives: `FWTREND_DATABASE_URL` (a SQLAlchemy URL; PostgreSQL through psycopg 3:
`postgresql+psycopg://user:pass@host/db`) or, unset, the SQLite store file itself (`FWTREND_DB`), so there is
one code path. On SQLite the tables come from the store's named migrations (bot.store.migrations); on
PostgreSQL from `metadata.create_all` plus a schema-version row (`prepare`).

Transactions: `write()` is BEGIN IMMEDIATE on SQLite (the writer takes the file's lock up front, so a
check-then-write inside it is atomic across processes) and a plain transaction on PostgreSQL, where the
families use atomic statements (INSERT … ON CONFLICT, conditional UPDATE, SELECT … FOR UPDATE SKIP LOCKED).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    make_url,
    select,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.pool import NullPool

DATABASE_URL_ENV = "FWTREND_DATABASE_URL"
SCHEMA_VERSION = 3
"""The shared tables' version on PostgreSQL (`shared_schema`); bump it with every change to them.
2: alerts + alert_posts, classic_blocks, live_lookups, shared_health. 3: answer_job_steps."""
CONNECT_TIMEOUT_S = 5
"""Seconds to wait for a PostgreSQL server to accept a connection."""

metadata = MetaData()

shared_schema = Table(
    "shared_schema",
    metadata,
    Column("name", Text, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("applied_at", Text),
)
shared_health = Table(
    "shared_health",
    metadata,
    Column("name", Text, primary_key=True),
    Column("checked_at", Text, nullable=False),
)
"""PostgreSQL only: the row /healthz writes to prove the shared state takes writes (`bot.store.health`). On
SQLite the shared state is the store file, whose own health write (to `meta`) proves the same."""


def database_url() -> str | None:
    """FWTREND_DATABASE_URL, or None (then the shared state is in the SQLite store file)."""
    return os.environ.get(DATABASE_URL_ENV) or None


def shown_url(url: str) -> str:
    """`url` fit for a log line or /healthz: its password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: show only its scheme
        return url.split(":", 1)[0] + "://…"


def error_line(exc: BaseException, url: str) -> str:
    """One line saying why a database call failed, in the driver's words, never the URL's password."""
    line = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
    password = make_url(url).password if "://" in url else None
    return line.replace(str(password), "***") if password else line


def sqlite_url(path: Path | str, *, read_only: str | None = None) -> str:
    """The SQLAlchemy URL of the store file; `read_only`: SQLite's read-only URI option ("mode=ro", or
    "immutable=1" where not even -wal/-shm files may be made), so that SQLite refuses every write to a store
    the operator made read-only (even for root; see bot.store.opening)."""
    if read_only:
        return f"sqlite:///file:{quote(str(Path(path)))}?{read_only}&uri=true"
    return f"sqlite:///{Path(path)}"


_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def file_write_lock(path: Path | str) -> threading.RLock:
    """This process's lock on writing the SQLite file at `path`, held around each write transaction (the
    shared state's and the store's own).

    Why: the web process's writers (each ack recording its answer, the queue's workers claiming, recording
    steps, completing) would otherwise meet only at SQLite's file lock, whose busy handler polls in sleeps
    of up to 100 ms and lets newcomers jump the queue: under a soak some acks waited 2 s for it. Taking
    turns here costs a transaction's own time (about a millisecond). Other processes still meet at
    SQLite's lock, as before."""
    key = os.path.realpath(path)
    with _WRITE_LOCKS_GUARD:
        lock = _WRITE_LOCKS.get(key)
        if lock is None:
            lock = _WRITE_LOCKS[key] = threading.RLock()
        return lock


def _sqlite_file(url: str) -> str:
    """The file path in an SQLAlchemy SQLite URL (`sqlite:///PATH`, or `sqlite:///file:PATH?mode=ro&uri=true`)."""
    database = make_url(url).database or ""
    return unquote(database.removeprefix("file:").split("?", 1)[0])


class SharedState:
    """An engine on the shared database. `read()` and `write()` give a Connection inside a transaction."""

    def __init__(self, url: str):
        self.url = url
        self._write_lock: threading.RLock | None = None
        if url.startswith("sqlite"):
            self._write_lock = file_write_lock(_sqlite_file(url))
            # One connection per checkout: SQLite connections are cheap, and none is shared across threads.
            self.engine: Engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            # connect_timeout: an unreachable server fails a request (and /healthz) in seconds, not minutes.
            self.engine = create_engine(
                url,
                pool_pre_ping=True,
                pool_size=4,
                max_overflow=16,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
            )
        self._writer = self.engine.execution_options(fwtrend_write=True)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on leaving, rolled back on an exception. On SQLite, this process's
        writers of the file take turns first (`file_write_lock`)."""
        if self._write_lock is None:
            with self._writer.begin() as conn:
                yield conn
            return
        with self._write_lock, self._writer.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def insert(self, table: Table) -> Any:
        """The dialect's INSERT (it has `.on_conflict_do_nothing` / `.on_conflict_do_update`)."""
        if self.is_sqlite:
            return sqlite.insert(table)
        from sqlalchemy.dialects import postgresql  # ~40 ms of imports, kept off SQLite's start path

        return postgresql.insert(table)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    # SQLAlchemy, not the sqlite3 module, decides when transactions begin (`_sqlite_begin`).
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA busy_timeout=30000")
    for attempt in range(50):  # SQLite does not wait on the busy timeout for the switch to WAL
        try:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                return  # a store opened read-only (mode=ro): its journal mode stays as the operator left it
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.02 * (attempt + 1))
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("fwtrend_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_STATES: dict[str, SharedState] = {}
_STATES_LOCK = threading.Lock()


def shared_state(url: str) -> SharedState:
    """The process-wide SharedState for `url` (one engine and pool per database)."""
    with _STATES_LOCK:
        state = _STATES.get(url)
        if state is None:
            state = _STATES[url] = SharedState(url)
        return state


def forget_shared_states() -> None:
    """Tests open many databases: dispose every engine."""
    with _STATES_LOCK:
        for state in _STATES.values():
            state.dispose()
        _STATES.clear()


class NewerSchema(Exception):
    """The shared database was written by a newer fwtrend (its `shared_schema` version is higher)."""


def prepare(state: SharedState) -> None:
    """On a server database: create every shared table (idempotent) and record SCHEMA_VERSION, under an
    advisory lock so processes starting together do not race on CREATE TABLE. Raises NewerSchema when the
    database is newer than this version. On SQLite the store's migrations made the tables: nothing to do.

    The family modules must be imported first (bot.store.migrations imports them all)."""
    if state.is_sqlite:
        return
    with state.write() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(73571)"))
        metadata.create_all(conn)
        row = conn.execute(select(shared_schema.c.version).where(shared_schema.c.name == "fwtrend")).first()
        if row is not None and row[0] > SCHEMA_VERSION:
            raise NewerSchema(
                f"written by a newer version of fwtrend (shared schema {row[0]}; this version knows up to "
                f"{SCHEMA_VERSION})"
            )
        stmt = state.insert(shared_schema).values(
            name="fwtrend", version=SCHEMA_VERSION, applied_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        )
        conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"version": SCHEMA_VERSION}))
