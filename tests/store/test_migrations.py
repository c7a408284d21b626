"""The store's schema: one explicit list of named migrations, applied in order and once, whoever opens
the store first, and stores written by earlier versions upgrade without a step running twice."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

import bot.store.migrations as migrations
from bot.store.connection import Store
from bot.store.migrations import MIGRATIONS, Migration, migrate
from bot.store.observations import observations
from bot.store.opening import forget_stores, open_store

OLD_STORES = Path(__file__).parent / "old_stores"
"""SQL dumps of small stores written by earlier commits' own code (open_store, upsert_observations,
remember, a subscription row): 446c637 recorded the feature migrations under their moved module paths,
cbebc3d (before the layout moves) under bot.followup / bot.digest.tables."""

NAMES = [step.name for step in MIGRATIONS]
EVERY_TABLE = {
    "meta",
    "migrations",
    "observations",
    "metrics",
    "sources",
    "refresh_runs",
    "article_claims",
    "github_languages",
    "thread_context",
    "subscriptions",
    "digest_posts",
    "scheduler_lock",
    "asked_frameworks",
}


def _recorded(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT name FROM migrations ORDER BY rowid").fetchall()]


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Wrap every step so the test sees which ran, in what order."""
    ran: list[str] = []

    def wrapped(step: Migration) -> Migration:
        def apply(db) -> None:
            ran.append(step.name)
            step.apply(db)

        return Migration(step.name, apply, step.schema_version, step.was)

    monkeypatch.setattr(migrations, "MIGRATIONS", tuple(wrapped(s) for s in MIGRATIONS))
    return ran


def _old_store(tmp_path: Path, commit: str) -> Path:
    path = tmp_path / f"{commit}.db"
    conn = sqlite3.connect(path)
    conn.executescript((OLD_STORES / f"{commit}.sql").read_text())
    conn.close()
    return path


def test_the_migrations_are_one_explicit_list_of_unique_names_with_the_numbered_core_first():
    assert NAMES[:2] == ["0001_observations", "0002_github_languages"]
    assert {"threads", "digests"} <= set(NAMES)
    assert len(NAMES) == len(set(NAMES))


def test_a_new_store_gets_every_table_from_the_list_applied_in_order_and_recorded_by_name(tmp_path, monkeypatch):
    ran = _spy(monkeypatch)
    store = Store(tmp_path / "new.db")
    assert migrate(store) == NAMES
    assert ran == NAMES
    assert _recorded(store) == NAMES
    assert set(store.db.table_names()) >= EVERY_TABLE


def test_the_tables_do_not_depend_on_what_the_process_imported_first(tmp_path):
    # Only the store package is imported here: no follow-up or digest module has run to register anything.
    store = open_store(tmp_path / "bare.db")
    assert set(store.db.table_names()) >= EVERY_TABLE
    forget_stores()


def test_opening_an_up_to_date_store_runs_nothing_and_takes_no_write_lock(tmp_path, monkeypatch):
    path = tmp_path / "fwtrend.db"
    migrate(Store(path))
    ran = _spy(monkeypatch)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        assert migrate(Store(path)) == []
    finally:
        writer.execute("ROLLBACK")
    assert ran == []


def test_processes_opening_a_new_store_together_apply_each_migration_once(tmp_path, monkeypatch):
    ran = _spy(monkeypatch)
    path = tmp_path / "fwtrend.db"
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_and_migrate() -> None:
        try:
            store = Store(path)
            start.wait()
            migrate(store)
            store.close()
        except BaseException as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=open_and_migrate) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(ran) == sorted(NAMES)  # each step once across all six openers
    assert _recorded(Store(path)) == NAMES


@pytest.mark.parametrize("commit", ["446c637", "cbebc3d"])
def test_a_store_written_by_an_earlier_version_upgrades_without_running_a_step_again(tmp_path, monkeypatch, commit):
    path = _old_store(tmp_path, commit)
    ran = _spy(monkeypatch)
    store = Store(path)
    # Only the steps added after those versions run (the projects table, issue 12); none runs again.
    assert migrate(store) == ["projects"]
    assert ran == ["projects"]
    assert _recorded(store)[-len(NAMES) :] == NAMES
    # what the old version stored is all still there
    assert [r["value"] for r in observations(store, "github_stars", ["jax"])] == [100, 120]
    assert store.db.execute("SELECT COUNT(*) FROM thread_context").fetchone()[0] == 1
    assert store.db.execute("SELECT frameworks FROM subscriptions").fetchone()[0] == '["jax"]'
    assert store.db.execute("SELECT bytes FROM github_languages").fetchone()[0] == 1000
    assert migrate(store) == []  # and the next open is a plain read


def test_a_store_from_before_the_languages_table_gets_only_that_step(tmp_path, monkeypatch):
    path = _old_store(tmp_path, "cbebc3d")
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE github_languages; UPDATE meta SET value = '1' WHERE key = 'schema_version';")
    conn.close()
    ran = _spy(monkeypatch)
    store = Store(path)
    assert migrate(store) == ["0002_github_languages", "projects"]
    assert ran == ["0002_github_languages", "projects"]  # and the step added since (issue 12)
    assert "github_languages" in store.db.table_names()
    assert store.get_meta("schema_version") == "2"  # an older version opening it still sees it current


def test_many_first_opens_of_a_new_store_under_load_never_fail_on_the_switch_to_wal(tmp_path):
    # SQLite does not wait on the busy timeout for the journal-mode switch: it failed ~1 in 30 under load.
    for round_ in range(15):
        path = tmp_path / f"fresh{round_}.db"
        start = threading.Barrier(8)
        errors: list[BaseException] = []

        def first_open(path=path, start=start, errors=errors) -> None:
            try:
                store = Store(path)
                start.wait()
                migrate(store)
                store.close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=first_open) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert Store(path).db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
