"""A process's writers of one SQLite file take turns on one lock (`file_write_lock`), the store's own
transactions and the shared state's alike, instead of polling SQLite's file lock (acks stalled for seconds)."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.store.connection import Store
from bot.store.shared import SharedState, file_write_lock, sqlite_url


def test_the_store_file_and_its_shared_state_share_one_lock_whatever_the_url(tmp_path: Path) -> None:
    path = tmp_path / "fwtrend store.db"  # a space: quoted in the read-only URI
    lock = file_write_lock(path)
    assert file_write_lock(tmp_path / "." / "fwtrend store.db") is lock
    assert SharedState(sqlite_url(path))._write_lock is lock
    assert SharedState(sqlite_url(path, read_only="mode=ro"))._write_lock is lock
    assert SharedState("postgresql+psycopg://fwtrend@127.0.0.1/fwtrend")._write_lock is None


def test_a_shared_state_write_waits_for_the_store_transaction_in_progress_then_goes(store: Store) -> None:
    from sqlalchemy import text

    events: list[str] = []
    started = threading.Event()

    def other_writer() -> None:
        started.set()
        with store.shared.write() as conn:
            conn.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES ('other', 'x')"))
        events.append("other wrote")

    with store.transaction() as conn:
        thread = threading.Thread(target=other_writer)
        thread.start()
        started.wait(5)
        thread.join(0.3)  # it waits on this process's lock, not on SQLite's
        assert thread.is_alive() and events == []
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('mine', 'y')")
        events.append("mine committing")
    thread.join(10)
    assert events == ["mine committing", "other wrote"]
    assert store.get_meta("other") == "x"
