"""The figures: `observations` (one value per framework, metric and date), and the `metrics`, `sources`,
`article_claims` and `github_languages` tables beside them.

Every write of figures goes through `upsert_observations`, which never replaces a figure with one from a
less trusted source, and bumps the store's data version so cached answers are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.store.connection import Store, now_iso

# Where two sources give a figure for the same framework, metric and date, the higher rank wins:
# a count taken at the time beats one rebuilt later.
SOURCE_RANK: dict[str, int] = {
    "github": 50,
    "pypistats": 50,
    "clickhouse": 45,
    "npm": 50,
    "stackexchange": 50,
    "huggingface": 50,
    "arxiv": 50,
    "bestof": 40,
    "top_pypi": 40,
    "article": 40,
    "repostory": 30,
}

OBSERVATION_KEYS = ("framework", "metric", "date", "value", "source", "method", "note")

_UPSERT = """INSERT INTO main.observations
               (framework, metric, date, value, source, method, note, rank, fetched_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (framework, metric, date) DO UPDATE SET
               value = excluded.value, source = excluded.source, method = excluded.method,
               note = excluded.note, rank = excluded.rank, fetched_at = excluded.fetched_at
             WHERE excluded.rank >= observations.rank"""


# -- writes --------------------------------------------------------------------------------------


def upsert_observations(store: Store, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write figures (dicts with OBSERVATION_KEYS; `value` None is skipped), keeping any existing figure
    from a better-ranked source. Returns rows written.

    All rows land in one transaction, or none do (the caller's, when it has one open).
    """
    fetched = now_iso()
    params = [
        (
            row["framework"],
            row["metric"],
            str(row["date"])[:10],
            float(row["value"]),
            row["source"],
            row.get("method"),
            row.get("note"),
            SOURCE_RANK.get(row["source"], 10),
            fetched,
        )
        for row in rows
        if row["value"] is not None
    ]
    if not params:
        return 0
    with store.transaction() as conn:
        before = conn.total_changes
        conn.executemany(_UPSERT, params)
        written = conn.total_changes - before
        store.bump_data_version()
    return written


def replace_rows(store: Store, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    """INSERT OR REPLACE rows into a table whose columns are the rows' keys.

    Plain SQL rather than sqlite-utils' insert_all, which commits on its own and so would end
    a surrounding transaction early.
    """
    rows = list(rows)
    if not rows:
        return
    columns = list(rows[0])
    sql = (
        f"INSERT OR REPLACE INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    store.db.conn.executemany(sql, [[row.get(c) for c in columns] for row in rows])


def upsert_sources(store: Store, sources: Iterable[Mapping[str, Any]]) -> None:
    replace_rows(store, "sources", sources)


def upsert_metrics(store: Store, metrics: Iterable[Mapping[str, Any]]) -> None:
    replace_rows(store, "metrics", metrics)


def replace_article_claims(store: Store, claims: Iterable[Mapping[str, Any]]) -> None:
    replace_rows(store, "article_claims", claims)


def replace_languages(store: Store, rows: list[Mapping[str, Any]]) -> int:
    """Replace one day's language make-up (rows of framework, date, language, bytes, source) per framework.

    Runs inside the caller's transaction when one is open. Returns rows written.
    """
    with store.transaction() as conn:
        for fw, day in {(r["framework"], r["date"]) for r in rows}:
            conn.execute("DELETE FROM github_languages WHERE framework = ? AND date = ?", [fw, day])
        conn.executemany(
            "INSERT INTO github_languages (framework, date, language, bytes, source) VALUES (?, ?, ?, ?, ?)",
            [(r["framework"], r["date"], r["language"], r["bytes"], r.get("source", "github")) for r in rows],
        )
    return len(rows)


# -- reads ---------------------------------------------------------------------------------------


def observations(store: Store, metric: str, frameworks: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """A metric's figures (framework, date, value, source, method, note), ordered by framework and date."""
    sql = "SELECT framework, date, value, source, method, note FROM observations WHERE metric = ?"
    args: list[Any] = [metric]
    if frameworks is not None:
        fws = list(frameworks)
        sql += f" AND framework IN ({', '.join('?' for _ in fws)})"
        args += fws
    sql += " ORDER BY framework, date"
    return list(store.db.query(sql, args))


def latest_date(store: Store, framework: str, metric: str, source: str | None = None) -> str | None:
    """The newest date (YYYY-MM-DD) stored for a framework's metric, optionally from one source only."""
    sql = "SELECT MAX(date) FROM observations WHERE framework = ? AND metric = ?"
    args = [framework, metric]
    if source:
        sql += " AND source = ?"
        args.append(source)
    row = store.db.execute(sql, args).fetchone()
    return row[0] if row else None


def stored_dates(store: Store, framework: str, metric: str, source: str) -> set[str]:
    """Every date (YYYY-MM-DD) stored for a framework's metric from one source."""
    rows = store.db.execute(
        "SELECT date FROM observations WHERE framework = ? AND metric = ? AND source = ?",
        [framework, metric, source],
    ).fetchall()
    return {r[0] for r in rows}


def counts_by_source(store: Store) -> dict[str, int]:
    return {
        row["source"]: row["n"]
        for row in store.db.query("SELECT source, COUNT(*) AS n FROM observations GROUP BY source")
    }


def sources_by_id(store: Store) -> dict[str, dict[str, Any]]:
    """The `sources` table (id, name, url, licence, credit, provenance) by id."""
    return {row["id"]: row for row in store.db.query("SELECT * FROM sources")}
