"""Several machines: the machine that refreshes publishes a snapshot of its figures, the others apply it to
their own stores, and their running web processes answer from the new figures at once."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.clock import Daily, Every, apply_published_snapshot, default_jobs, refresh_and_publish
from bot.ingest.seeded import open_seeded_store
from bot.settings import get_settings
from bot.slack.worker import AnswerWorker
from bot.store import snapshot
from bot.store.connection import Store
from bot.store.observations import upsert_observations
from bot.store.opening import forget_stores
from bot.store.threads import remember
from bot.understanding.reader import understand
from tests.support.serve_process import clean_env

TODAY = date(2026, 11, 25)
NEW_STARS = {"framework": "pytorch", "metric": "github_stars", "date": "2026-11-24", "value": 987_654_321}


def figure(store: Store, framework: str = "pytorch", metric: str = "github_stars", day: str = "2026-11-24"):
    row = store.db.execute(
        "SELECT value, source FROM observations WHERE framework = ? AND metric = ? AND date = ?",
        [framework, metric, day],
    ).fetchone()
    return None if row is None else tuple(row)


@pytest.fixture
def machines(tmp_path: Path) -> tuple[Store, Store, Path]:
    """The machine that refreshes, another machine, and the shared volume's snapshot path."""
    yield (
        open_seeded_store(tmp_path / "a" / "fwtrend.db"),
        open_seeded_store(tmp_path / "b" / "fwtrend.db"),
        (tmp_path / "shared" / "figures.db"),
    )
    forget_stores()


def test_a_published_snapshot_carries_the_figures_and_nothing_about_slack(machines) -> None:
    refreshing, _, shared = machines
    upsert_observations(refreshing, [{**NEW_STARS, "source": "github"}])
    remember(refreshing, ("T1", "C1", "1.2"), '{"frameworks": ["pytorch"]}')  # a Slack thread's context
    published = snapshot.publish(refreshing, shared)
    assert published.path == shared.resolve() and published.rows["observations"] > 1000
    conn = sqlite3.connect(shared)
    tables = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    }
    assert tables == {*snapshot.FIGURE_TABLES, "snapshot_meta"}
    assert conn.execute("SELECT value FROM observations WHERE date = '2026-11-24' AND framework = 'pytorch' "
                        "AND metric = 'github_stars'").fetchone() == (987_654_321,)  # fmt: skip
    conn.close()
    assert [p.name for p in shared.parent.iterdir()] == ["figures.db"]  # no temporary file left behind


def test_a_failed_publish_leaves_the_last_snapshot_as_it_was(machines, monkeypatch) -> None:
    refreshing, _, shared = machines
    snapshot.publish(refreshing, shared)
    before = shared.read_bytes()
    monkeypatch.setattr(snapshot, "_write", lambda *args: (_ for _ in ()).throw(sqlite3.OperationalError("disk full")))
    with pytest.raises(snapshot.SnapshotError, match="disk full"):
        snapshot.publish(refreshing, shared)
    assert shared.read_bytes() == before
    assert [p.name for p in shared.parent.iterdir()] == ["figures.db"]


def test_applying_writes_new_figures_once_and_drops_cached_answers(machines) -> None:
    refreshing, other, shared = machines
    upsert_observations(refreshing, [{**NEW_STARS, "source": "github"}])
    published = snapshot.publish(refreshing, shared)
    version = other.data_version

    applied = snapshot.apply(other, shared)
    assert (applied.published_at, applied.skipped) == (published.published_at, False)
    assert applied.changed["observations"] == 1  # only the new figure: the bundled seed is the same on both
    assert figure(other) == (987_654_321, "github")
    assert other.data_version == version + 1

    again = snapshot.apply(other, shared)
    assert again.skipped and other.data_version == version + 1


def test_applying_keeps_a_better_sourced_figure_and_every_row_the_store_has(machines) -> None:
    refreshing, other, shared = machines
    upsert_observations(refreshing, [{**NEW_STARS, "source": "repostory"}])  # rebuilt later: ranked lower
    upsert_observations(other, [{**NEW_STARS, "value": 111, "source": "github"}])  # counted at the time
    upsert_observations(other, [{**NEW_STARS, "framework": "jax", "value": 222, "source": "github"}])  # only here
    snapshot.publish(refreshing, shared)
    snapshot.apply(other, shared)
    assert figure(other) == (111, "github")
    assert figure(other, "jax") == (222, "github")


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(b"not a database " * 300),
        lambda p: sqlite3.connect(p).execute("CREATE TABLE observations (x)").connection.commit(),
    ],
    ids=["corrupt", "not-a-snapshot"],
)
def test_a_bad_snapshot_is_refused_in_one_line_and_the_store_is_unchanged(machines, make) -> None:
    _, other, shared = machines
    shared.parent.mkdir(parents=True)
    make(shared)
    version, rows = other.data_version, other.count()
    with pytest.raises(snapshot.SnapshotError, match="not an fwtrend snapshot") as raised:
        snapshot.apply(other, shared)
    assert "\n" not in str(raised.value)
    assert (other.data_version, other.count()) == (version, rows)


def test_a_running_web_process_on_the_other_machine_answers_from_an_applied_snapshot(machines) -> None:
    refreshing, other, shared = machines
    worker = AnswerWorker(other.path, processes=0, threads=1)  # the other machine's web process, already serving
    query = understand("pytorch stars", today=TODAY)
    assert "988M stars (2026-11-24)" not in json.dumps(worker.render(query, today=TODAY).payload)
    upsert_observations(refreshing, [{**NEW_STARS, "source": "github"}])
    snapshot.publish(refreshing, shared)

    env = clean_env(other.path.parent, FWTREND_DB=str(other.path))
    applied = subprocess.run(  # the other machine's clock, or an operator: another process
        [sys.executable, "-m", "bot", "snapshot", "apply", str(shared)], env=env, capture_output=True, text=True
    )
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.startswith(f"applied {shared}") and "observations 1" in applied.stdout

    assert "988M stars (2026-11-24)" in json.dumps(worker.render(query, today=TODAY).payload)
    worker.shutdown()


def test_the_cli_says_why_it_cannot_apply_in_one_line(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "snapshot", "apply", str(tmp_path / "missing.db")],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"fwtrend: no snapshot at {tmp_path / 'missing.db'}"]


# -- the clock ----------------------------------------------------------------------------------------------
def test_the_clock_publishes_after_its_refresh_and_the_other_clock_applies_it(machines, monkeypatch) -> None:
    refreshing, other, shared = machines
    monkeypatch.setenv("FWTREND_DB", str(refreshing.path))
    get_settings.cache_clear()
    refreshed = []
    run = refresh_and_publish(
        lambda: refreshed.append(upsert_observations(refreshing, [{**NEW_STARS, "source": "github"}])), shared
    )
    run()
    assert refreshed == [1] and shared.is_file()

    monkeypatch.setenv("FWTREND_DB", str(other.path))
    get_settings.cache_clear()
    applied = apply_published_snapshot(shared)(datetime.now(UTC))
    assert applied is not None and not applied.skipped
    assert figure(other) == (987_654_321, "github")
    assert apply_published_snapshot(shared)(datetime.now(UTC)).skipped


def test_a_clock_told_where_snapshots_come_from_applies_them_instead_of_refreshing(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FWTREND_SNAPSHOT_FROM", str(tmp_path / "figures.db"))
    get_settings.cache_clear()
    jobs = default_jobs(refresh=lambda: pytest.fail("this machine must not refresh"))
    assert [job.name for job in jobs][:2] == ["snapshot", "digest"] and isinstance(jobs[0], Every)

    monkeypatch.delenv("FWTREND_SNAPSHOT_FROM")
    monkeypatch.setenv("FWTREND_SNAPSHOT_PUBLISH", str(tmp_path / "figures.db"))
    get_settings.cache_clear()
    jobs = default_jobs()
    assert jobs[0].name == "refresh" and isinstance(jobs[0], Daily)


def test_a_missing_snapshot_is_logged_and_the_clock_goes_on(machines, monkeypatch, caplog) -> None:
    _, other, shared = machines
    monkeypatch.setenv("FWTREND_DB", str(other.path))
    get_settings.cache_clear()
    assert apply_published_snapshot(shared)(datetime.now(UTC)) is None
    assert f"no snapshot at {shared}" in caplog.text


def test_two_snapshots_published_in_the_same_second_are_both_applied(machines) -> None:
    refreshing, other, shared = machines
    snapshot.publish(refreshing, shared)
    assert not snapshot.apply(other, shared).skipped
    upsert_observations(refreshing, [{**NEW_STARS, "source": "github"}])
    snapshot.publish(refreshing, shared)  # within the same second, most likely: a new publication all the same
    again = snapshot.apply(other, shared)
    assert not again.skipped and again.changed["observations"] == 1
    assert figure(other) == (987_654_321, "github")
