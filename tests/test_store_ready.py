"""`serves_as_is`: gunicorn's master starts at once on a store that is ready as it is, and asks the full
check (bot.slack.launch.StoreCheck, which gives the one-line reason) about anything else."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import bot.store_ready
from bot.store.connection import Store
from bot.store.migrations import MIGRATIONS
from bot.store_ready import MIGRATION_NAMES, SCHEMA_VERSION, serves_as_is
from tests.support.serve_process import clean_env


@pytest.fixture
def ready_file(seeded_store: Store, tmp_path: Path) -> Path:
    """A copy of a seeded, migrated store (the bundle is unpacked on this machine)."""
    path = tmp_path / "copy.db"
    with sqlite3.connect(path) as copy:
        seeded_store.db.conn.backup(copy)
    copy.close()
    return path


def _execute(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, params)
    conn.close()


def test_the_names_are_those_of_the_migrations_in_order() -> None:
    assert tuple(step.name for step in MIGRATIONS) == MIGRATION_NAMES
    assert str(max(step.schema_version or 0 for step in MIGRATIONS)) == SCHEMA_VERSION


def test_a_seeded_migrated_store_with_its_bundle_serves_as_is_and_is_left_unchanged(ready_file: Path) -> None:
    before = ready_file.read_bytes()
    assert serves_as_is(ready_file)
    assert ready_file.read_bytes() == before


def test_a_store_not_there_yet_goes_to_the_full_check_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert not serves_as_is(path)
    assert not path.exists()


def test_a_corrupt_file_goes_to_the_full_check(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"not a database " * 300)
    assert not serves_as_is(path)


def test_a_store_missing_a_migration_goes_to_the_full_check(ready_file: Path) -> None:
    _execute(ready_file, "DELETE FROM migrations WHERE name = ?", MIGRATION_NAMES[-1])
    assert not serves_as_is(ready_file)


def test_a_store_with_a_migration_this_version_does_not_know_goes_to_the_full_check(ready_file: Path) -> None:
    _execute(ready_file, "INSERT INTO migrations (name, applied_at) VALUES ('9999_from_the_future', '2027')")
    assert not serves_as_is(ready_file)


def test_a_store_from_a_newer_schema_goes_to_the_full_check(ready_file: Path) -> None:
    _execute(ready_file, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    assert not serves_as_is(ready_file)


def test_a_store_never_seeded_goes_to_the_full_check(ready_file: Path) -> None:
    _execute(ready_file, "DELETE FROM meta WHERE key = 'seeded_at'")
    assert not serves_as_is(ready_file)


def test_a_machine_without_the_unpacked_bundle_goes_to_the_full_check(
    ready_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store_ready, "bundle_path", lambda: tmp_path / "no-bundle.db")
    assert not serves_as_is(ready_file)


def test_shared_state_in_another_database_goes_to_the_full_check(ready_file: Path) -> None:
    assert not serves_as_is(ready_file, "postgresql+psycopg://fwtrend@127.0.0.1/fwtrend")


# StoreCheck forks: run in a fresh process, as gunicorn's master does before it starts any thread (a fork of
# this test process, whose other tests left threads behind, could inherit a lock one of them held).
START_CHECK = """
import sys
from bot.settings import Settings
from bot.slack.launch import StoreCheck
check = StoreCheck(Settings(_env_file=None, fwtrend_db=sys.argv[1]))
print("forked" if check.pid else "no child", flush=True)
check.result()
"""


def _start_check(db: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(db.parent)  # the store is named on the command line, not by FWTREND_DB
    return subprocess.run(
        [sys.executable, "-c", START_CHECK, str(db)], env=env, capture_output=True, text=True, timeout=60
    )


def test_the_start_check_forks_no_child_for_a_ready_store_and_one_for_a_corrupt_store(
    ready_file: Path, tmp_path: Path
) -> None:
    ready = _start_check(ready_file)
    assert (ready.returncode, ready.stdout.strip()) == (0, "no child"), ready.stderr

    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"not a database " * 300)
    refused = _start_check(corrupt)
    assert refused.returncode == 1 and refused.stdout.strip() == "forked"
    assert (
        refused.stderr.strip()
        .splitlines()[-1]
        .endswith("it is not a SQLite database (corrupt, or another kind of file)")
    )


def test_a_store_or_bundle_that_cannot_even_be_looked_at_goes_to_the_full_check(
    ready_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(bot.store_ready, "bundle_path", refused)
    assert not serves_as_is(ready_file)
