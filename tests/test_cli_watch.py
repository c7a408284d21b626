"""`fwtrend track NAME…`, `fwtrend untrack NAME…`, `fwtrend tracking`: the terminal's watch list in the store
(workspace id ""), with their exit codes: 0 done, 1 a name found nowhere (the rest done), 2 usage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.store.opening import forget_stores, open_store
from bot.store.watch_list import TERMINAL_TEAM, watched


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    forget_stores()
    path = tmp_path / "watch.db"
    monkeypatch.setenv("FWTREND_DB", str(path))
    yield path
    forget_stores()


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors
        return int(exc.code or 0)


def test_track_adds_projects_to_the_terminals_list_and_tracking_lists_them(db: Path, capsys):
    assert run(["track", "polars", "pypi:duckdb"]) == 0
    out = capsys.readouterr().out
    assert "Now tracking polars (PyPI polars · GitHub pola-rs/polars)" in out and "Now tracking duckdb" in out
    assert [w.project for w in watched(open_store(db), TERMINAL_TEAM)] == ["duckdb", "polars"]
    assert run(["tracking"]) == 0
    listing = capsys.readouterr().out
    assert listing.startswith("The terminal tracks 2 projects besides the built-in frameworks:")
    assert "• polars (PyPI polars · GitHub pola-rs/polars), added on " in listing
    assert "The 11 built-in frameworks are always covered" in listing


def test_tracking_a_project_twice_says_it_was_already_tracked(db: Path, capsys):
    run(["track", "polars"])
    capsys.readouterr()
    assert run(["track", "https://github.com/pola-rs/polars"]) == 0
    assert "was already tracked" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["pytorch", "tf", "sklearn"])
def test_tracking_a_built_in_framework_says_it_is_always_covered_and_adds_nothing(db: Path, name: str, capsys):
    assert run(["track", name]) == 0
    assert "one of the 11 built-in frameworks: the daily refresh always covers it" in capsys.readouterr().out
    assert watched(open_store(db), TERMINAL_TEAM) == []


def test_untrack_takes_a_project_off_and_says_when_it_was_not_there(db: Path, capsys):
    run(["track", "polars"])
    capsys.readouterr()
    assert run(["untrack", "polars"]) == 0
    assert "Stopped tracking polars." in capsys.readouterr().out
    assert run(["untrack", "polars"]) == 0
    assert "polars was not on the terminal's watch list." in capsys.readouterr().out
    assert run(["untrack", "jax"]) == 0
    assert "so it can't be untracked" in capsys.readouterr().out


def test_a_name_found_nowhere_exits_1_saying_so_and_the_other_names_are_tracked(db: Path, capsys):
    assert run(["track", "zzqqxx", "polars"]) == 1
    out = capsys.readouterr().out
    assert "I don't know “zzqqxx”" in out and "Now tracking polars" in out
    assert [w.project for w in watched(open_store(db), TERMINAL_TEAM)] == ["polars"]


def test_an_empty_list_says_how_to_add_one(db: Path, capsys):
    assert run(["tracking"]) == 0
    assert "Nothing on the terminal's watch list yet. Add a project with `fwtrend track polars`." in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize("argv", [["track"], ["untrack"], ["tracking", "polars"]])
def test_watch_list_usage_errors_exit_2(db: Path, argv: list[str], capsys):
    assert run(argv) == 2
    assert "usage: fwtrend" in capsys.readouterr().err


def test_the_help_names_the_terminals_workspace_id(capsys):
    assert run(["track", "--help"]) == 0
    assert 'workspace id "" (empty)' in " ".join(capsys.readouterr().out.split())


def test_asking_to_track_through_fwtrend_ask_points_to_the_watch_list_commands_and_changes_nothing(db: Path, capsys):
    assert run(["ask", "keep an eye on polars"]) == 0
    assert "The watch list has its own commands: fwtrend track NAME…" in capsys.readouterr().out
    assert watched(open_store(db), TERMINAL_TEAM) == []
