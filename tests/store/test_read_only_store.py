"""A store that cannot take writes (read-only file or folder, full disk) still answers; the writes that only
help are skipped and the log says so once; every other write still fails, in SQLite's own words.

These tests run as root in CI, where chmod stops no write: root may write a 0444 file. So what they prove
is that fwtrend itself honours the mark: a file (or folder) without any write bit is opened with SQLite's
`mode=ro` (or `immutable=1`), and then SQLite refuses every write whoever runs it; the file's bytes are
compared before and after to show nothing was written.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.answering.engine import answer_query, understand_text
from bot.ingest.seeded import open_seeded_store
from bot.store.connection import Store
from bot.store.digests import most_asked, record_asked
from bot.store.opening import StoreUnusable, forget_stores, open_store
from bot.store.slack_events import first_delivery
from bot.store.threads import recall, remember

TODAY = date(2026, 11, 30)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_handles() -> Iterator[None]:
    forget_stores()
    yield
    forget_stores()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _seeded(path: Path) -> Path:
    """A filled store, closed (as one left by an earlier run)."""
    open_seeded_store(path)
    forget_stores()
    return path


def _writes_that_only_help(store: Store) -> None:
    record_asked(store, "T1", ["pytorch", "jax"])
    remember(store, ("T1", "C1", "1.0"), '{"intent": "compare"}')
    assert first_delivery(store, ["event:Ev1"]) is True  # can't record it: handled anyway


def _said_once(caplog: pytest.LogCaptureFixture, path: Path) -> str:
    said = [r.getMessage() for r in caplog.records if r.name == "fwtrend.store" and str(path) in r.getMessage()]
    assert len(said) == 1, said
    return said[0]


def test_a_store_file_without_write_permission_still_answers_and_is_never_written(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _seeded(tmp_path / "fwtrend.db")
    path.chmod(0o444)
    before = _digest(path)
    with caplog.at_level(logging.WARNING, logger="fwtrend.store"):
        store = open_seeded_store(path)
        answer = answer_query(store, understand_text("pytorch vs tensorflow stars"), today=TODAY)
        for _ in range(3):  # as three requests would
            _writes_that_only_help(store)
    assert store.read_only == "the file is read-only"
    assert answer.kind == "compare" and "PyTorch" in answer.title
    assert "cannot be written (the file is read-only)" in _said_once(caplog, path)
    assert _digest(path) == before
    assert most_asked(store, "T1") == [] and recall(store, ("T1", "C1", "1.0")) is None


def test_a_store_in_a_folder_without_write_permission_still_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = _seeded(folder / "fwtrend.db")
    folder.chmod(0o555)
    try:
        before = _digest(path)
        with caplog.at_level(logging.WARNING, logger="fwtrend.store"):
            store = open_seeded_store(path)
            answer = answer_query(store, understand_text("jax"), today=TODAY)
            _writes_that_only_help(store)
        assert store.read_only == "its folder is read-only"
        assert answer.kind != "error" and "JAX" in answer.title
        assert "its folder is read-only" in _said_once(caplog, path)
        assert _digest(path) == before
        assert sorted(p.name for p in folder.iterdir()) == ["fwtrend.db"]  # no -wal/-shm created either
    finally:
        folder.chmod(0o755)


def test_a_write_someone_asked_for_fails_on_a_read_only_store_in_sqlites_words(tmp_path: Path) -> None:
    path = _seeded(tmp_path / "fwtrend.db")
    path.chmod(0o444)
    store = open_store(path)
    with pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database"):
        store.set_meta("last_refresh", "now")
    readonly = pytest.raises(sqlite3.OperationalError, match="attempt to write a readonly database")
    with readonly, store.transaction() as conn:  # figures are no helper: their loss must be seen
        conn.execute("DELETE FROM observations")


def test_a_read_only_store_that_needs_upgrading_stops_with_one_line_naming_why(tmp_path: Path) -> None:
    path = _seeded(tmp_path / "old.db")
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM migrations WHERE name = (SELECT max(name) FROM migrations)")
    conn.close()
    path.chmod(0o444)
    with pytest.raises(StoreUnusable) as caught:
        open_store(path)
    assert caught.value.code == (
        f"fwtrend: cannot use the store {path}: the file is read-only and was written by an older fwtrend: "
        "it needs upgrading, which writes to it"
    )


def _full(store: Store) -> None:
    """As a full disk: the file may not grow by one more page (through the store's connection and the shared
    state's, each of which sets the limit for itself)."""
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")
    event.listen(store.shared.engine, "connect", lambda conn, _: conn.execute(f"PRAGMA max_page_count = {pages}"))


def test_a_full_store_skips_the_writes_that_only_help_says_so_once_and_keeps_answering(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_seeded_store(tmp_path / "full.db")
    _full(store)
    big = '{"intent": "compare", "pad": "' + "x" * 200_000 + '"}'  # needs new pages
    with caplog.at_level(logging.WARNING, logger="fwtrend.store"):
        for i in range(3):
            remember(store, ("T1", "C1", f"{i}.0"), big)
    assert "database or disk is full" in _said_once(caplog, store.path)
    assert recall(store, ("T1", "C1", "0.0")) is None
    assert answer_query(store, understand_text("pytorch vs jax"), today=TODAY).kind == "compare"


def test_a_full_store_fails_a_write_of_figures_with_the_real_cause_never_cannot_rollback(tmp_path: Path) -> None:
    store = open_seeded_store(tmp_path / "full.db")
    _full(store)
    rows_before = store.count()
    with pytest.raises(sqlite3.OperationalError) as caught, store.transaction() as conn:
        conn.execute("UPDATE main.meta SET value = value WHERE key = 'seeded_at'")  # fits: written
        conn.executemany("INSERT INTO main.meta (key, value) VALUES (?, ?)", [(f"k{i}", "x" * 5000) for i in range(40)])
    assert str(caught.value) == "database or disk is full"
    assert not store.db.conn.in_transaction
    assert store.count() == rows_before  # every figure from before is still there


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_"))}
    env |= {"PYTHONPATH": str(ROOT), "FWTREND_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=db.parent, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_cli_answers_from_a_read_only_store_and_refresh_refuses_it_in_one_line(tmp_path: Path) -> None:
    path = _seeded(tmp_path / "fwtrend.db")
    path.chmod(0o444)
    before = _digest(path)

    asked = _cli(path, "ask", "pytorch vs tensorflow stars")
    assert asked.returncode == 0 and "PyTorch" in asked.stdout
    assert "Traceback" not in asked.stderr

    refreshed = _cli(path, "refresh", "--source", "pypistats", "--framework", "pytorch")
    assert refreshed.returncode == 1
    assert refreshed.stderr.strip().splitlines() == [
        f"fwtrend refresh: cannot use the store {path}: the file is read-only, and a refresh writes to it"
    ]
    assert _digest(path) == before
