"""The refresh as a process: killed mid-run it loses nothing, readers never see "database is locked",
and the command line exits 0, 1 or 2 as the contract says."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main as fwtrend
from bot.settings import get_settings
from bot.store.connection import Store
from bot.store.migrations import migrate
from bot.store.observations import observations
from bot.store.opening import forget_stores
from tests.conftest import BASE_URLS, DAY1, Harness, make_settings
from tests.http_replay import FIXTURES, Replay, ReplayServer

ROOT = Path(__file__).resolve().parents[2]


def refresh(argv: list[str]) -> int:
    """`fwtrend refresh ARGV` in this process; its exit code (argparse's own usage errors exit 2 too)."""
    try:
        return fwtrend(["refresh", *argv])
    except SystemExit as exc:
        return int(exc.code or 0)


def _server(latency: float, *days: str) -> ReplayServer:
    return ReplayServer(lambda urls: Replay.from_days(urls, *(days or ("day1", "day2"))), latency=latency)


def _spawn(server: ReplayServer, db: Path, *args: str, today: str = "2026-10-06") -> subprocess.Popen:
    env = {**os.environ, **server.env(), "PYTHONPATH": str(ROOT), "FWTREND_DB": str(db)}
    env.pop("GITHUB_TOKEN", None)
    env.pop("STACKEXCHANGE_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "refresh", "--quiet", "--today", today, *args],
        cwd=db.parent,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _prefilled(tmp_path: Path) -> tuple[Store, dict]:
    store = Store(tmp_path / "fwtrend.db")
    migrate(store)
    harness = Harness(store, Replay.from_days(BASE_URLS, "day1"), make_settings())
    assert harness.run(today=DAY1).exit_code == 0
    return store, harness.rows()


def test_a_refresh_killed_with_sigkill_leaves_an_intact_store_with_no_row_lost(tmp_path):
    store, before = _prefilled(tmp_path)
    ok_before = store.db.execute("SELECT COUNT(*) FROM refresh_runs WHERE status = 'ok'").fetchone()[0]
    store.close()
    with _server(0.02) as server:
        proc = _spawn(
            server,
            tmp_path / "fwtrend.db",
            "--framework",
            "pytorch",
            "--framework",
            "tensorflow",
            "--framework",
            "flax",
        )
        check = sqlite3.connect(tmp_path / "fwtrend.db", timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # kill once some units have committed and others are mid-flight
            done = check.execute("SELECT COUNT(*) FROM refresh_runs WHERE status = 'ok'").fetchone()[0]
            if done >= ok_before + 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the refresh finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        check.close()
    store = Store(tmp_path / "fwtrend.db")
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = {
        (r[0], r[1], r[2]): tuple(r[3:])
        for r in store.db.execute("SELECT framework, metric, date, value, source, method FROM observations")
    }
    assert {k: v for k, v in after.items() if k in before} == before
    assert len(after) > len(before)  # what committed before the kill is kept too
    # the killed units stay visibly unfinished rather than claiming success
    assert store.db.execute("SELECT COUNT(*) FROM refresh_runs WHERE status = 'running'").fetchone()[0] >= 1
    store.close()


def test_reads_keep_working_while_a_refresh_writes(tmp_path):
    db = tmp_path / "fwtrend.db"
    migrate(Store(db))
    reads = 0
    with _server(0.005, "day1") as server:
        proc = _spawn(
            server,
            db,
            "--source",
            "github",
            "--source",
            "npm",
            "--source",
            "pypi",
            "--framework",
            "pytorch",
            "--framework",
            "tensorflow",
            "--framework",
            "flax",
            today="2026-09-20",
        )
        reader = Store(db)
        while proc.poll() is None:
            # any "database is locked" would raise sqlite3.OperationalError here
            observations(reader, "github_stars_retained", ["pytorch"])
            reader.db.execute("SELECT metric, COUNT(*) FROM observations GROUP BY metric").fetchall()
            reads += 1
        _, err = proc.communicate()
        reader.close()
    assert proc.returncode == 0, err.decode()
    assert reads > 20
    assert Store(db).count() > 4000


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    forget_stores()
    with _server(0) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("FWTREND_DB", str(tmp_path / "fwtrend.db"))
        monkeypatch.chdir(tmp_path)
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()
    forget_stores()


def test_refresh_command_exits_0_when_every_source_asked_for_succeeds(cli_env, capsys):
    code = refresh(["--today", "2026-10-06", "--source", "hf", "--source", "pypistats", "--framework", "torch"])
    out = capsys.readouterr().out
    assert code == 0
    assert "huggingface    ok" in out and "pypistats      ok" in out


def test_refresh_command_exits_1_and_names_the_failed_source_in_one_line(cli_env, capsys):
    cli_env.replay.fault("huggingface", "/models-json", status=503, headers={"Retry-After": "0"})
    code = refresh(["--today", "2026-10-06", "--source", "hf", "--source", "pypistats", "--framework", "pytorch"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1
    assert err[0].startswith("fwtrend refresh: huggingface failed: pytorch: GET ")
    assert err[0].endswith("/models-json: HTTP 503 after 5 tries")


@pytest.mark.parametrize("argv", [["--source", "myspace"], ["--framework", "caffe"], ["--bogus"], ["--today", "x"]])
def test_refresh_command_exits_2_on_usage_errors(argv, capsys):
    assert refresh(argv) == 2
    assert capsys.readouterr().err


def test_fixture_dirs_exist():
    assert (FIXTURES / "day1").is_dir() and (FIXTURES / "day2").is_dir()
