"""The bundled projects' figures in their compact, read-only SQLite file (~880k rows in ~20 MB, shipped
gzipped in the package; `bot.ingest.bundle` builds it from the CSVs and puts it in the user cache).

Compact, so it ships prebuilt and opens at once, yet read exactly as the store's `observations`:

- `series` (id, framework, metric): one row per project and metric, so each figure carries a small integer;
- `kinds` (id, source, method, note_head, note_tail, rank, fetched_at): what the rows of a series share;
- `points` (series, day, value, kind, n) WITHOUT ROWID: one row per figure; `day` counts days since
  1970-01-01, `value` is REAL (SQLite keeps whole numbers in 1-4 bytes), and a note carrying a count
  ("377,853 downloads in 30 days; package absl-py") keeps only that count `n`, the words around it in its kind.

The file's own `observations` view decodes these into the store's columns (framework, metric, date
'YYYY-MM-DD', value, source, method, note, rank, fetched_at), so `bundle.observations` reads like a table
and the store's TEMP view (`bot.store.connection`) puts it beside the store's rows. A lookup by framework
and metric goes through the `series` index to one contiguous run of `points`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import date

import sqlite_utils

from bot.bundle_file import FORMAT  # bumped when this layout changes (the cached file's name carries it)
from bot.store.projects import migrate_projects

__all__ = ["FORMAT", "create_schema", "day_number", "split_note", "write_points"]

_EPOCH = date(1970, 1, 1).toordinal()

DECODED_VIEW = """CREATE VIEW observations AS
    SELECT s.framework AS framework, s.metric AS metric, date(p.day * 86400, 'unixepoch') AS date,
           p.value AS value, k.source AS source, k.method AS method,
           CASE WHEN p.n IS NULL THEN k.note_head ELSE k.note_head || printf('%,d', p.n) || k.note_tail END AS note,
           k.rank AS rank, k.fetched_at AS fetched_at
    FROM points AS p JOIN series AS s ON s.id = p.series JOIN kinds AS k ON k.id = p.kind"""


def create_schema(db: sqlite_utils.Database) -> None:
    """The compact tables, the decoding `observations` view and the `projects` table, in an empty file."""
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE series (id INTEGER PRIMARY KEY, framework TEXT NOT NULL, metric TEXT NOT NULL)")
    db.execute("CREATE UNIQUE INDEX series_key ON series (framework, metric)")
    db.execute(
        """CREATE TABLE kinds (id INTEGER PRIMARY KEY, source TEXT NOT NULL, method TEXT, note_head TEXT,
            note_tail TEXT, rank INTEGER NOT NULL, fetched_at TEXT)"""
    )
    db.execute(
        """CREATE TABLE points (series INTEGER NOT NULL, day INTEGER NOT NULL, value REAL NOT NULL,
            kind INTEGER NOT NULL, n INTEGER, PRIMARY KEY (series, day)) WITHOUT ROWID"""
    )
    db.execute(DECODED_VIEW)
    migrate_projects(db)


# A count written with thousands separators, as Python's f"{n:,}" and SQLite's printf('%,d') both write it.
_COUNT = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3})*(?![\d,])")


def split_note(note: str | None) -> tuple[str | None, int | None, str | None]:
    """A note as (head, count, tail) with `head + f"{count:,}" + tail == note` for its first count written
    with thousands separators, or (note, None, None) when it has none that reads back the same (no digits,
    a leading zero, a count beyond SQLite's 64-bit integers)."""
    if note is None:
        return None, None, None
    match = _COUNT.search(note)
    if match is None:
        return note, None, None
    count = int(match.group().replace(",", ""))
    head, tail = note[: match.start()], note[match.end() :]
    if f"{head}{count:,}{tail}" != note or count >= 2**63:
        return note, None, None
    return head, count, tail


def day_number(day: str) -> int:
    """'YYYY-MM-DD' as days since 1970-01-01 (ValueError for anything else: a time or a bad date)."""
    parsed = date.fromisoformat(day)
    if parsed.isoformat() != day:
        raise ValueError(f"not a YYYY-MM-DD date: {day!r}")
    return parsed.toordinal() - _EPOCH


def write_points(db: sqlite_utils.Database, rows: Iterable[tuple], ranks: dict[str, int], fetched_at: str) -> int:
    """Add (framework, metric, date, value, source, method, note) tuples to the compact tables, keeping the
    first figure given for a framework, metric and date (as the store's INSERT OR IGNORE does); `rank` is
    `ranks[source]` (10 if absent). Runs inside the caller's transaction. Returns rows written."""
    conn = db.conn
    series = {(f, m): i for i, f, m in conn.execute("SELECT id, framework, metric FROM series")}
    kinds = {tuple(k[1:]): k[0] for k in conn.execute("SELECT * FROM kinds")}
    written = 0
    batch: list[tuple] = []
    # Most rows repeat a date and a note ("weekly snapshot"): each is decoded once.
    days: dict[str, int] = {}
    seen: dict[tuple, tuple[int, int | None]] = {}
    for framework, metric, day, value, source, method, note in rows:
        sid = series.get((framework, metric))
        if sid is None:
            sid = series[framework, metric] = len(series) + 1
            conn.execute("INSERT INTO series VALUES (?, ?, ?)", (sid, framework, metric))
        kid, count = seen.get((source, method, note)) or _kind(conn, kinds, source, method, note, ranks, fetched_at)
        if count is None:  # a note with a count is seen once: remembering it would only cost memory
            seen[source, method, note] = kid, count
        day = str(day)[:10]
        number = days.get(day)
        if number is None:
            number = days[day] = day_number(day)
        batch.append((sid, number, float(value), kid, count))
        if len(batch) >= 50_000:
            written += _flush(conn, batch)
    return written + _flush(conn, batch)


def _kind(
    conn: sqlite3.Connection,
    kinds: dict[tuple, int],
    source: str,
    method: str | None,
    note: str | None,
    ranks: dict[str, int],
    fetched_at: str,
) -> tuple[int, int | None]:
    """The kind id of a row (added to `kinds` if new) and the count its note carries, if any."""
    head, count, tail = split_note(note)
    key = (source, method, head, tail, ranks.get(source, 10), fetched_at)
    kid = kinds.get(key)
    if kid is None:
        kid = kinds[key] = len(kinds) + 1
        conn.execute("INSERT INTO kinds VALUES (?, ?, ?, ?, ?, ?, ?)", (kid, *key))
    return kid, count


def _flush(conn: sqlite3.Connection, batch: list[tuple]) -> int:
    """Write a batch of points (the first figure of a series and day wins). Returns rows written."""
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO points (series, day, value, kind, n) VALUES (?, ?, ?, ?, ?)", batch)
    batch.clear()
    return conn.total_changes - before
