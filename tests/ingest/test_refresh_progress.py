"""What `fwtrend refresh` shows while it runs and when it ends: a `rich` bar per source on a terminal only,
then one summary line."""

from __future__ import annotations

import io
import re
import sys

import pytest
from rich.console import Console

from bot.cli import main as fwtrend
from bot.cli.refresh_progress import RichProgress
from bot.settings import get_settings
from bot.store.opening import forget_stores
from tests.http_replay import Replay, ReplayServer


def test_a_terminal_gets_one_rich_bar_per_source_with_its_frameworks_and_requests(harness):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=140, color_system=None)
    report = harness.run(progress=RichProgress(console))
    assert report.exit_code == 0
    final = {}
    for line in screen.getvalue().replace("\r", "\n").splitlines():
        words = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).split()
        if words and words[0] in report.sources:
            final[words[0]] = " ".join(words)  # the last frame drawn of each bar
    covered = {"github": 3, "pypistats": 3, "clickhouse": 3, "npm": 1, "stackexchange": 3, "huggingface": 2, "arxiv": 3}
    assert set(final) == set(covered)
    for source, n in covered.items():
        assert f"{n}/{n}" in final[source], final[source]
        assert f"{report.requests[source]} requests" in final[source], final[source]


def test_a_failed_unit_shows_on_its_sources_bar(harness):
    harness.replay.fault("huggingface", "/models-json", status=404)
    screen = io.StringIO()
    harness.run(sources=["hf"], progress=RichProgress(Console(file=screen, force_terminal=True, width=140)))
    assert "2 failed" in screen.getvalue()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    forget_stores()
    with ReplayServer(lambda urls: Replay.from_days(urls, "day1")) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("FWTREND_DB", str(tmp_path / "fwtrend.db"))
        monkeypatch.chdir(tmp_path)
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()
    forget_stores()


ARGV = ["refresh", "--today", "2026-09-20", "--source", "hf", "--source", "arxiv", "--framework", "tensorflow"]


@pytest.mark.parametrize(
    ("terminal", "quiet", "bars"),
    [(True, False, True), (True, True, False), (False, False, False)],
    ids=["terminal", "terminal --quiet", "pipe or cron"],
)
def test_bars_are_drawn_on_a_terminal_and_never_with_quiet_or_into_a_pipe(
    cli, capsys, monkeypatch, terminal, quiet, bars
):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal, raising=False)
    assert fwtrend(ARGV + (["--quiet"] if quiet else [])) == 0
    err = capsys.readouterr().err
    assert ("arxiv" in err and "huggingface" in err and "1/1" in err) is bars
    if not bars:
        assert err == ""


def test_the_report_ends_with_one_summary_line_of_rows_time_arxiv_requests_and_failures(cli, capsys):
    assert fwtrend(ARGV) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"refreshed 2 sources × 1 framework: [\d,]+ rows in \d+\.\ds; arXiv \d+ requests; 0 failed", last
    ), last

    cli.replay.fault("huggingface", "/models-json", status=404)
    argv = ["refresh", "--today", "2026-09-20", "--source", "hf", "--source", "pypistats", "--framework", "pytorch"]
    assert fwtrend([*argv, "--framework", "tensorflow"]) == 1  # tensorflow's hf figure is already in from above
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"refreshed 2 sources × 2 frameworks: [\d,]+ rows in .+; 1 of 4 failed \(huggingface\)", last
    ), last
