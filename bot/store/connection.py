"""A handle on the SQLite store file: one connection per thread, WAL, write transactions and the answer cache.

WAL mode, so the bot keeps answering while a refresh writes. The tables and their reads and writes live in
one module per family (observations.py, refresh_runs.py, threads.py, digests.py); migrations.py creates them.

A store that cannot be written (a read-only file or folder, a full disk) still answers: the writes that only
help (`BEST_EFFORT_TABLES`: asked-counts, thread context, Slack delivery de-duplication) are skipped, and the
log says so once per store and reason; every other write fails as before, in SQLite's own words.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from bot.store.shared import SharedState, file_write_lock, shared_state, sqlite_url

CACHE_SIZE = 512

log = logging.getLogger("fwtrend.store")

BEST_EFFORT_TABLES = frozenset({"asked_frameworks", "thread_context", "slack_events_seen"})
"""Tables whose writes only help (which names a workspace asks about, a thread's last question, Slack
deliveries already taken): when the store cannot take them, the answer still goes out without them."""

CANNOT_WRITE = frozenset({"SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN"})
"""SQLite's names (`sqlite3.Error.sqlite_errorname`, extended codes share the prefix) for "this store
cannot take writes right now", as opposed to a wrong statement or a lock."""

_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE}


def cannot_write(exc: BaseException) -> bool:
    """Whether `exc` says the store cannot take writes (read-only, full, I/O error), not a bug or a lock."""
    name = getattr(exc, "sqlite_errorname", None) or ""
    return isinstance(exc, sqlite3.Error) and any(name.startswith(code) for code in CANNOT_WRITE)


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601 (e.g. "2026-09-20T04:00:00+00:00")."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """A handle on the store file. Each thread gets its own SQLite connection."""

    def __init__(self, path: Path | str, *, read_only: str | None = None, database_url: str | None = None):
        """`read_only`: why the file must not be written (e.g. "the file is read-only"), or None. A read-only
        store is opened with SQLite's `mode=ro` (or `immutable=1` in a folder where SQLite cannot keep its
        -wal/-shm files), so SQLite itself refuses every write, even for root. `database_url`: where the
        shared state lives (`bot.store.shared`); None: in this file."""
        self.path = Path(path)
        self.read_only = read_only
        self.database_url = database_url
        self._said: set[str] = set()  # the reasons already logged (once per store)
        self._local = threading.local()
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_version = -1
        self._cache_lock = threading.Lock()
        self._bundle: Path | None = None

    # -- connections ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = self._connect()
            conn.execute("PRAGMA busy_timeout=30000")
            if self.read_only is None:
                _use_wal(conn)
                conn.execute("PRAGMA synchronous=NORMAL")
            db = sqlite_utils.Database(conn)
            self._local.db = db
            if self._bundle is not None:
                _attach(conn, self._bundle)
        return db

    def attach_bundle(self, path: Path) -> None:
        """Read the bundled projects' figures (a read-only file unpacked once per machine, see
        `bot.ingest.bundle`; its own `observations` view decodes its compact rows, `bot.store.bundled`)
        beside this store's own: `observations` and `projects` then read both, while
        every write goes to this store (`main.`). The two never share a key: bundled projects are never
        frameworks."""
        if self._bundle == Path(path):
            return  # the store is opened again (stores are shared per path): already attached
        if self._bundle is not None:
            raise ValueError(f"{self.path} already reads the bundle {self._bundle}")
        self._bundle = Path(path)
        db = getattr(self._local, "db", None)
        if db is not None:
            _attach(db.conn, self._bundle)

    def _connect(self) -> sqlite3.Connection:
        options = {"timeout": 30, "check_same_thread": False, "isolation_level": None}
        if self.read_only is None:
            # A URI even here, so that ATTACH takes the bundle's `mode=ro` URI whatever SQLite was built with.
            return sqlite3.connect(f"file:{quote(str(self.path))}", uri=True, **options)
        return sqlite3.connect(f"file:{quote(str(self.path))}?{self._read_only_mode()}", uri=True, **options)

    def _read_only_mode(self) -> str:
        """SQLite's URI option for reading this read-only store without writing anything beside it."""
        # -wal/-shm beside the file: without them (and no way to create them) only `immutable` can read it.
        wal_ready = all(self.path.with_name(self.path.name + s).exists() for s in ("-wal", "-shm"))
        return "mode=ro" if wal_ready or _writable_folder(self.path.parent) else "immutable=1"

    def note_cannot_write(self, exc: BaseException | None = None) -> None:
        """Log, once per store and kind of failure (not per request), that writes are not kept and why: the
        store was opened read-only (`exc` None, or any failure since), or SQLite's `exc` (e.g. a full disk)."""
        reason = "read-only" if self.read_only else getattr(exc, "sqlite_errorname", "") or type(exc).__name__
        with self._cache_lock:
            if reason in self._said:
                return
            self._said.add(reason)
        log.warning(
            "the store %s cannot be written (%s): answering on, without keeping asked-counts, thread context "
            "or Slack delivery de-duplication; refresh cannot save figures",
            self.path,
            self.read_only or exc,
        )

    @contextlib.contextmanager
    def helping_write(self) -> Iterator[Connection]:
        """`with store.helping_write() as conn:` — a shared-state write to `BEST_EFFORT_TABLES` only. When the
        shared state is this file and it cannot take writes (read-only, full), the write is rolled back and
        skipped (logged once), and the caller carries on after the `with` block; any other failure is raised."""
        try:
            with self.shared.write() as conn:
                yield conn
        except OperationalError as exc:
            if not cannot_write(exc.orig):
                raise
            self.note_cannot_write(exc.orig)

    @property
    def shared(self) -> SharedState:
        """The shared state (threads, digests, queue, de-duplication, watch list): FWTREND_DATABASE_URL's
        database, or this very file."""
        return shared_state(
            self.database_url
            or sqlite_url(self.path, read_only=None if self.read_only is None else self._read_only_mode())
        )

    @property
    def bundle(self) -> Path | None:
        return self._bundle

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    def transaction(self) -> _Transaction:
        """`with store.transaction() as conn:` — BEGIN IMMEDIATE … COMMIT (ROLLBACK on error); nests.

        A transaction that writes only `BEST_EFFORT_TABLES` and fails because the store cannot take writes
        is rolled back and skipped (logged once); its caller carries on after the `with` block."""
        return _Transaction(self.db.conn, self)

    # -- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def data_version(self) -> int:
        """Goes up with every write of figures; answers are cached per version."""
        return int(self.get_meta("data_version") or 0)

    def bump_data_version(self) -> None:
        """Called by every write of figures (inside its transaction): empties the answer cache."""
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES ('data_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def count(self, table: str = "observations") -> int:
        """Rows in `table`."""
        return self.db[table].count

    # -- the answer cache ----------------------------------------------------------------------
    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Memoise `compute()` for the current data version (LRU, bounded); emptied when figures change.

        The version only moves forward: a computation that began before a refresh landed is returned
        to its caller but not kept, so it can neither serve stale figures nor empty the fresh cache.
        """
        version = self.data_version
        with self._cache_lock:
            if version > self._cache_version:
                self._cache.clear()
                self._cache_version = version
            if version == self._cache_version and key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            if version == self._cache_version:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value


def _attach(conn: sqlite3.Connection, path: Path) -> None:
    # Read-only: the bundle is shared by every store on the machine, and nothing may write to it by mistake
    # (an unqualified table name that the store itself lacks would otherwise resolve to the bundle's).
    conn.execute("ATTACH DATABASE ? AS bundle", [f"file:{quote(str(path))}?mode=ro"])
    # TEMP views shadow the tables of the same name for reads; writes name `main.` explicitly.
    for table in ("observations", "projects"):
        union = f"SELECT * FROM main.{table} UNION ALL SELECT * FROM bundle.{table}"
        conn.execute(f"CREATE TEMP VIEW IF NOT EXISTS {table} AS {union}")


def _use_wal(conn: sqlite3.Connection, attempts: int = 50) -> None:
    """Switch the file to WAL mode (a no-op once it is). SQLite does not wait on the busy timeout for this
    switch, so processes opening a brand-new store together retry it briefly instead of failing."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
        time.sleep(0.02 * (attempt + 1))


def _writable_folder(folder: Path) -> bool:
    """Whether SQLite may create its -wal/-shm files in `folder`: permitted, and not marked read-only (no
    write bit at all), which is honoured even for root, who may write anywhere."""
    try:
        return os.access(folder, os.W_OK) and bool(folder.stat().st_mode & 0o222)
    except OSError:
        return False


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, so a writer takes the lock up front and readers are never blocked.

    While it is open, an authorizer notes the tables its statements write (SQLite asks it when each statement
    is prepared, so a write that then fails is noted too): what decides whether a failure may be skipped."""

    def __init__(self, conn: sqlite3.Connection, store: Store | None = None):
        self.conn = conn
        self.store = store
        self.depth_owner = False
        self.written: set[str] = set()
        self._lock = file_write_lock(store.path) if store is not None else None

    def _note(self, action: int, table: str | None, *_: Any) -> int:
        if action in _WRITES and table:
            self.written.add(table)
        return sqlite3.SQLITE_OK

    def __enter__(self) -> sqlite3.Connection:
        if not self.conn.in_transaction:
            if self._lock is not None:
                self._lock.acquire()  # this process's writers take turns (see file_write_lock)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                if self._lock is not None:
                    self._lock.release()
                raise
            self.depth_owner = True
            self.conn.set_authorizer(self._note)
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not self.depth_owner:
            return False
        try:
            return self._finish(exc_type, exc)
        finally:
            if self._lock is not None:
                self._lock.release()

    def _finish(self, exc_type, exc) -> bool:
        self.conn.set_authorizer(None)
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
                return False
            except sqlite3.Error as commit_failed:  # a full disk often shows only here
                exc = commit_failed
                self._rollback()
                if not self._skippable(exc):
                    raise
                return False
        # SQLite may already have rolled back (a full disk, an I/O error): a ROLLBACK now would fail with
        # "cannot rollback - no transaction is active" and hide the real cause, which is what propagates.
        self._rollback()
        return self._skippable(exc)

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # the error being handled is the one to report
                self.conn.execute("ROLLBACK")

    def _skippable(self, exc: BaseException | None) -> bool:
        """Whether the failed transaction only wrote what may be skipped, failing because the store cannot
        take writes; if so it is logged (once per store and reason) and the caller carries on."""
        if exc is None or self.store is None or not self.written or not cannot_write(exc):
            return False
        if not self.written <= BEST_EFFORT_TABLES:
            return False
        self.store.note_cannot_write(exc)
        return True
