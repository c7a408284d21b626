"""Alerts in the shared state, end to end, on both databases (the SQLite store file, then PostgreSQL through
FWTREND_DATABASE_URL): an alert set with a signed /fwtrend command is stored where every process reads it,
and two `fwtrend alerts` processes racing post its crossing once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import alerts
from bot.store.opening import forget_stores, open_store
from tests.alerts.test_alerts_end_to_end import ROOT, _met_without_posting, set_alert
from tests.alerts.world import World


@pytest.fixture
def shared_world(shared_backend: str | None, world: World) -> Iterator[World]:
    """The alerts world with its shared state on `shared_backend` (set before the world opens its store)."""
    yield world


def test_an_alert_set_in_slack_is_in_the_shared_state_every_process_reads(
    shared_world: World, shared_backend: str | None, tmp_path: Path
) -> None:
    set_alert(shared_world, "alert jax 50k stars")
    set_alert(shared_world, "alert when pytorch passes tensorflow in stars")
    (stars, passes) = alerts.channel_alerts(shared_world.store, ("", "T111", "C111"))
    assert (stars.framework, stars.threshold, passes.other) == ("jax", 50_000.0, "tensorflow")
    in_file = shared_world.store.db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
    assert in_file == (2 if shared_backend is None else 0)  # with PostgreSQL, nothing is left in the file
    if shared_backend is not None:  # another machine: its own store file, the same shared database
        forget_stores()
        elsewhere = open_store(tmp_path / "another-machine.db")
        assert [a.id for a in alerts.every_alert(elsewhere)] == [stars.id, passes.id]


def test_two_fwtrend_alerts_racing_on_the_shared_state_post_each_crossing_once(
    shared_world: World, shared_backend: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _met_without_posting(shared_world, monkeypatch)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    assert (env.get("FWTREND_DATABASE_URL") or None) == shared_backend
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "alerts"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("Traceback" not in err for _, err in outs)
    assert len(shared_world.posts("C111")) == 1
    assert sum(out.count("posted: ") for out, _ in outs) == 1
    (alert,) = alerts.every_alert(shared_world.store)
    assert [row["status"] for row in alerts.posted_rows(shared_world.store, alert.subject)] == ["posted"]
    assert shared_world.alerts()[1].startswith("No alert or milestone")
    assert len(shared_world.posts("C111")) == 1
