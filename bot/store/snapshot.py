"""Figures snapshots: how the figures one machine's refresh fetched reach the stores of other machines.

With several machines (docs/deploying.md), one runs the daily refresh and publishes a snapshot of its
figures to a path every machine can read (a shared volume). Every other machine's clock applies it to its
own store. The web processes there notice the store's new data version and answer from the new figures
at once, with no restart (as on one machine).

`publish` writes a new SQLite file holding only the figure tables, FIGURE_TABLES, all read in one
transaction. No thread context, queue or Slack ids go in it. It is written beside `dest` under a temporary
name, flushed to disk, then renamed over `dest` (`os.replace`, atomic on one filesystem): a reader sees the
old snapshot or the new one, never half of one.

`apply` writes a snapshot's rows into a store in one transaction. Figures follow the refresh's own rule: a
figure from a less trusted source never replaces one from a better source. Nothing is deleted, and every
good row the store has stays. A snapshot already applied is skipped. A file that is not a snapshot, or
one this version cannot read, leaves the store as it was and raises SnapshotError with the reason. Files
are never swapped under running processes: in WAL mode a swapped file would get the old file's journal
replayed onto it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from bot.store.connection import Store, now_iso

FIGURE_TABLES = ("observations", "metrics", "sources", "projects", "github_languages", "article_claims", "refresh_runs")
"""What a snapshot carries: the figures and what they need to be answered (labels, provenance, projects
found by live look-ups, when each source last refreshed)."""
APPLIED_KEY = "snapshot_applied"
"""`meta` key: the id of the last snapshot applied to this store (each publication has its own, even two
in the same second)."""


def _upsert(table: str, keys: tuple[str, ...], values: tuple[str, ...], *, better: str = "") -> str:
    """INSERT … SELECT from the snapshot; a row whose key is there already is updated only when its values
    differ (and `better` holds), so the count of changes is what really changed."""
    columns = ", ".join(keys + values)
    compared = [v for v in values if v != "fetched_at"]  # when a figure was fetched is no change to it
    mine, theirs = (", ".join(f"{side}.{v}" for v in compared) for side in (table, "excluded"))
    return (
        f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM snapshot.{table} WHERE true "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {', '.join(f'{v} = excluded.{v}' for v in values)} "
        f"WHERE ({mine}) IS NOT ({theirs}){better}"
    )


_APPLY = {
    # The refresh's own rule (bot.store.observations): a figure from a better-ranked source is never replaced.
    "observations": _upsert(
        "observations",
        ("framework", "metric", "date"),
        ("value", "source", "method", "note", "rank", "fetched_at"),
        better=" AND excluded.rank >= observations.rank",
    ),
    "metrics": _upsert("metrics", ("id",), ("label", "unit", "kind", "note")),
    "sources": _upsert("sources", ("id",), ("name", "url", "licence", "credit", "provenance")),
    "projects": _upsert("projects", ("id",), ("name", "pypi", "npm", "github", "github_former", "links", "source")),
    "github_languages": _upsert("github_languages", ("framework", "date", "language"), ("bytes", "source")),
    "article_claims": _upsert(
        "article_claims", ("as_of", "framework", "metric", "population"), ("value", "unit", "source")
    ),
    "refresh_runs": """
        INSERT INTO main.refresh_runs (source, framework, started_at, finished_at, status, rows, error)
        SELECT s.source, s.framework, s.started_at, s.finished_at, s.status, s.rows, s.error
        FROM snapshot.refresh_runs AS s
        WHERE NOT EXISTS (SELECT 1 FROM main.refresh_runs AS r
                          WHERE r.source = s.source AND r.started_at = s.started_at AND r.framework IS s.framework)""",
}


class SnapshotError(Exception):
    """A snapshot that cannot be published or applied; the message is one line with the reason."""


@dataclass(frozen=True)
class Published:
    path: Path
    published_at: str
    rows: dict[str, int]


@dataclass(frozen=True)
class Applied:
    published_at: str
    changed: dict[str, int]
    """Rows written per table (0 everywhere when `skipped`)."""
    skipped: bool = False


def publish(store: Store, dest: Path | str) -> Published:
    """Write a snapshot of `store`'s figures to `dest`, atomically. Raises SnapshotError (dest untouched)."""
    dest = Path(dest).expanduser().resolve()
    published_at = now_iso()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        os.close(fd)
    except OSError as exc:
        raise SnapshotError(f"cannot write a snapshot in {dest.parent}: {exc.strerror or exc}") from None
    try:
        rows = _write(store.path, Path(tmp), published_at, uuid.uuid4().hex)
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, dest)
        _fsync_folder(dest.parent)
    except (OSError, sqlite3.Error) as exc:
        raise SnapshotError(f"cannot write the snapshot {dest}: {getattr(exc, 'strerror', None) or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
    return Published(dest, published_at, rows)


def _write(store_path: Path, tmp: Path, published_at: str, snapshot_id: str) -> dict[str, int]:
    conn = sqlite3.connect(store_path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("ATTACH DATABASE ? AS snapshot", [str(tmp)])
        conn.execute("BEGIN")  # one read of the store for every table: a refresh landing meanwhile is all in or out
        rows = {}
        for table in FIGURE_TABLES:
            (create,) = conn.execute("SELECT sql FROM main.sqlite_master WHERE name = ?", [table]).fetchone()
            conn.execute(create.replace(f"CREATE TABLE {table}", f"CREATE TABLE snapshot.{table}", 1))
            rows[table] = conn.execute(f"INSERT INTO snapshot.{table} SELECT * FROM main.{table}").rowcount
        conn.execute("CREATE TABLE snapshot.snapshot_meta (key TEXT PRIMARY KEY, value TEXT)")
        data_version = conn.execute("SELECT value FROM main.meta WHERE key = 'data_version'").fetchone()
        conn.executemany(
            "INSERT INTO snapshot.snapshot_meta (key, value) VALUES (?, ?)",
            [
                ("published_at", published_at),
                ("snapshot_id", snapshot_id),
                ("data_version", data_version[0] if data_version else "0"),
            ],
        )
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE snapshot")
    finally:
        conn.close()
    return rows


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_snapshot_meta(src: Path | str) -> dict[str, str]:
    """The snapshot's own record at `src`: published_at, snapshot_id, data_version. Raises SnapshotError when
    it is no snapshot."""
    src = Path(src).expanduser()
    if not src.is_file():
        raise SnapshotError(f"no snapshot at {src}")
    try:
        conn = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM snapshot_meta"))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise SnapshotError(f"{src} is not an fwtrend snapshot ({exc})") from None
    if "published_at" not in meta or "snapshot_id" not in meta:
        raise SnapshotError(f"{src} is not an fwtrend snapshot (it has no publication record)")
    return meta


def apply(store: Store, src: Path | str) -> Applied:
    """Write the snapshot at `src` into `store` in one transaction (skipped when already applied), bumping
    the data version when any figure changed. Raises SnapshotError (the store unchanged) when it can't."""
    src = Path(src).expanduser().resolve()
    meta = read_snapshot_meta(src)
    when = meta["published_at"]
    if store.get_meta(APPLIED_KEY) == meta["snapshot_id"]:
        return Applied(when, dict.fromkeys(FIGURE_TABLES, 0), skipped=True)
    # Its own handle: ATTACH is not allowed inside a transaction, and the store's connections are shared.
    writer = Store(store.path)
    try:
        writer.db.execute("ATTACH DATABASE ? AS snapshot", [f"{src.as_uri()}?mode=ro"])
        with writer.transaction() as conn:
            changed = {}
            for table in FIGURE_TABLES:
                before = conn.total_changes
                conn.execute(_APPLY[table])
                changed[table] = conn.total_changes - before
            writer.set_meta(APPLIED_KEY, meta["snapshot_id"])
            if any(changed.values()):
                writer.bump_data_version()  # every process's cached answers are dropped (Store.cached)
    except sqlite3.Error as exc:
        raise SnapshotError(f"cannot apply the snapshot {src}: {exc}") from None
    finally:
        writer.close()
    return Applied(when, changed)
