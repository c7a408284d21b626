"""The daily refresh covers the built-in frameworks plus every workspace's tracked projects, and
`fwtrend refresh --project NAME` refreshes one project of any kind, against the replayed sources (which
hold no recording for a bundled project's URLs: those fail, and are reported, never hidden)."""

from __future__ import annotations

import pytest

from bot.catalog import catalog
from bot.cli.refresh import project_ids
from bot.ingest.refresh import UsageError
from bot.store.watch_list import add_watched
from tests.conftest import Harness
from tests.ingest.test_refresh_process import cli_env, refresh  # noqa: F401 (cli_env is a fixture)


def test_the_daily_refresh_covers_the_built_in_frameworks_plus_every_workspaces_tracked_projects(harness: Harness):
    add_watched(harness.store, "T1", "polars")
    add_watched(harness.store, "T2", "duckdb")
    add_watched(harness.store, "T2", "polars")
    report = harness.run(frameworks=None, sources=["pypistats"])
    assert report.frameworks == [*catalog().ids(), "duckdb", "polars"]
    assert {u.framework for u in report.units} >= {"duckdb", "polars"}


def test_a_refresh_asked_for_named_frameworks_leaves_the_watch_list_out(harness: Harness):
    add_watched(harness.store, "T1", "polars")
    report = harness.run(frameworks=["pytorch"], sources=["pypistats"])
    assert report.frameworks == ["pytorch"]


def test_a_projects_failing_source_is_named_in_the_reasons_and_the_other_rows_are_kept(harness: Harness):
    report = harness.run(frameworks=["pytorch", *project_ids(["pola-rs/polars"])], sources=["github", "pypistats"])
    assert report.exit_code == 1
    reasons = report.reasons()
    assert any(line.startswith("github failed: polars: GET /repos/pola-rs/polars") for line in reasons)
    assert any(line.startswith("pypistats failed: polars: GET /packages/polars/") for line in reasons)
    assert all("pytorch" not in line for line in reasons)
    kept = {framework for framework, _metric, _day in harness.rows()}
    assert "pytorch" in kept and "polars" not in kept


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("polars", ["polars"]),
        ("pypi:duckdb", ["duckdb"]),
        ("https://github.com/pola-rs/polars", ["polars"]),
        ("torch", ["pytorch"]),
    ],
)
def test_refresh_project_reads_a_name_like_any_project_name(name: str, expected: list[str]):
    assert project_ids([name]) == expected


@pytest.mark.parametrize(("name", "why"), [("zzqqxx", "I don't know “zzqqxx”"), ("onnxruntime", "I don't track")])
def test_refresh_project_with_a_name_found_nowhere_is_a_usage_error_saying_why(name: str, why: str):
    with pytest.raises(UsageError, match=why):
        project_ids([name])


def test_refresh_project_command_exits_1_naming_the_projects_failed_source_in_one_line(cli_env, capsys):  # noqa: F811
    code = refresh(["--today", "2026-10-06", "--source", "pypistats", "--project", "polars", "--framework", "torch"])
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("fwtrend refresh: pypistats failed: polars: GET /packages/polars/")
    assert "pypistats      FAILED  2 frameworks" in captured.out


def test_refresh_project_command_exits_2_for_a_name_found_nowhere(capsys):
    assert refresh(["--project", "zzqqxx"]) == 2
    assert "fwtrend refresh: I don't know “zzqqxx”" in capsys.readouterr().err
