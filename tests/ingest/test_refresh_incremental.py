"""A later refresh asks only for periods the store does not have yet, and adds them."""

from __future__ import annotations

import pytest

from tests.conftest import DAY1, DAY2
from tests.http_replay import FIXTURES


@pytest.fixture
def after_day1(harness):
    harness.run(today=DAY1)
    harness.replay.load_dir(FIXTURES / "day2")
    harness.replay.served.clear()
    return harness


def test_second_run_fetches_only_new_periods(after_day1):
    h = after_day1
    before = h.rows()
    report = h.run(today=DAY2)
    assert report.exit_code == 0, report.reasons()
    after = h.rows()
    new = set(after) - set(before)
    # each source added the periods that ended since day 1
    assert ("pytorch", "github_stars", "2026-10-06") in new
    assert {("pytorch", "github_stars_retained", d) for d in ("2026-09-26", "2026-10-03")} <= new
    assert ("pytorch", "pypi_downloads_daily", "2026-10-05") in new
    assert ("tensorflow", "npm_downloads", "2026-10-05") in new
    assert ("pytorch", "so_questions", "2026-09-01") in new
    assert ("pytorch", "arxiv_papers", "2026-09-01") in new
    assert ("pytorch", "hf_models", "2026-10-06") in new
    # and nothing it asked for was already stored
    served = h.replay.served
    npm = [s.path for s in served if s.source == "npm"]
    assert npm == ["/downloads/range/2026-09-20:2026-10-05/@tensorflow/tfjs"]
    clickhouse = [s.body for s in served if s.source == "clickhouse"]
    assert all("month >= '2026-09-01' AND month <= '2026-09-01'" in sql for sql in clickhouse)
    history_pages = [s.query["page"] for s in served if s.path.endswith("/stargazers/history")]
    assert history_pages == ["1", "1", "1"]  # page 1 already reaches the weeks stored on day 1
    for s in served:
        if s.source in ("stackexchange",) and s.path == "/questions":
            month = _month_of_epoch(int(s.query["fromdate"]))
            fid = {"pytorch": "pytorch", "tensorflow": "tensorflow", "flax": "flax"}[s.query["tagged"]]
            assert (fid, "so_questions", month) not in before


def test_second_run_keeps_every_row_it_had(after_day1):
    h = after_day1
    before = h.rows()
    h.run(today=DAY2)
    after = h.rows()
    assert set(before) <= set(after)
    changed = {k for k in before if after[k][:2] != before[k][:2]}
    assert changed == set()


def test_a_rerun_the_same_day_asks_no_source_anything(harness):
    harness.run(today=DAY1)
    harness.replay.served.clear()
    report = harness.run(today=DAY1)
    assert report.exit_code == 0
    asked = {s.source for s in harness.replay.served}
    assert asked == set()  # arXiv too: its paged search stored every month at once
    assert all(u.skipped for u in report.units if u.source in ("github", "pypistats", "npm", "huggingface"))


def test_stack_exchange_budget_counts_requests_already_spent_today(harness):
    harness.run(today=DAY1, sources=["stackexchange"])
    first = len(harness.replay.requests_for("stackexchange"))
    harness.run(today=DAY1, sources=["stackexchange"])
    assert len(harness.replay.requests_for("stackexchange")) == first  # the day's quota is used up
    assert harness.store.get_meta("quota:stackexchange:2026-09-20") == str(first)


def _month_of_epoch(seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC).date().replace(day=1).isoformat()
