"""A store the program cannot use stops every command at start: one line naming the file and the reason,
a non-zero exit, never a traceback (contract: "A store that cannot be used …")."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ingest.seeded import open_seeded_store
from bot.store.opening import StoreUnusable, forget_stores, open_store

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [["ask", "jax"], ["parse", "jax"], ["refresh", "--source", "npm"], ["digest", "--dry-run"], ["sources"]]


def _run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_"))}
    env |= {"PYTHONPATH": str(ROOT), "FWTREND_DB": str(db)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=db.parent, env=env, capture_output=True, text=True, timeout=60
    )


def _corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is no SQLite file, just bytes " * 200)
    return path


def _newer(tmp_path: Path) -> Path:
    path = tmp_path / "newer.db"
    open_store(path).set_meta("schema_version", "99")
    forget_stores()
    return path


@pytest.mark.parametrize("make", [_corrupt, _newer], ids=["corrupt", "newer-schema"])
def test_an_unusable_store_stops_the_cli_with_one_line_naming_the_file_and_the_reason(tmp_path, make):
    path = make(tmp_path)
    result = _run(path, "ask", "pytorch vs tensorflow")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr


@pytest.mark.parametrize("args", [c for c in COMMANDS if c[0] != "parse"], ids=lambda a: a[0])
def test_every_command_that_opens_the_store_refuses_a_corrupt_one_the_same_way(tmp_path, args):
    path = _corrupt(tmp_path)
    result = _run(path, *args)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"fwtrend: cannot use the store {path}: it is not a SQLite database (corrupt, or another kind of file)"
    ]


def test_a_store_from_a_newer_schema_is_refused_and_left_as_it_was(tmp_path):
    path = _newer(tmp_path)
    before = path.read_bytes()
    with pytest.raises(StoreUnusable, match=r"newer version of fwtrend \(schema 99; this version knows up to 2\)"):
        open_seeded_store(path)
    forget_stores()
    assert sqlite3.connect(path).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("99",)
    assert path.read_bytes()[:100] == before[:100]


def test_a_store_with_a_migration_this_version_does_not_know_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_store(path).db.execute("INSERT INTO migrations (name, applied_at) VALUES ('0099_from_the_future', 'x')")
    forget_stores()
    with pytest.raises(StoreUnusable, match="0099_from_the_future"):
        open_store(path)
    forget_stores()


def test_a_path_sqlite_cannot_open_is_refused_in_sqlites_own_words(tmp_path):
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(StoreUnusable, match="unable to open database file"):
        open_store(folder)
