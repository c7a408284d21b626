"""A disk that fills up during a refresh: every row stored before stays, and the report says why in one line
per source (SQLite's own words), never a traceback nor "cannot rollback - no transaction is active"."""

from __future__ import annotations

from tests.conftest import DAY1, DAY2
from tests.http_replay import FIXTURES


def test_a_full_disk_during_a_refresh_keeps_every_good_row_and_says_why(harness) -> None:
    harness.run(today=DAY1)
    before = harness.rows()
    harness.replay.load_dir(FIXTURES / "day2")
    db = harness.store.db  # the connection the refresh writes through (same thread)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")  # as a full disk: the file may not grow by one page

    report = harness.run(today=DAY2)

    after = harness.rows()
    assert {k: v for k, v in after.items() if k in before} == before  # nothing lost, nothing overwritten
    assert report.exit_code == 1
    lines = report.reasons()
    assert lines and all("\n" not in line for line in lines)
    assert any("database or disk is full" in line for line in lines), lines
    assert not any("cannot rollback" in line for line in lines), lines
