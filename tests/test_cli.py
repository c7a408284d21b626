"""The fwtrend command line, as the contract fixes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main


def test_ask_prints_the_answer(capsys):
    assert main(["ask", "pytorch", "vs", "tensorflow"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PyTorch vs TensorFlow")
    assert "197k" in out


def test_ask_json_is_a_slack_message(capsys):
    assert main(["ask", "pytorch vs tensorflow", "--json"]) == 0
    message = json.loads(capsys.readouterr().out)
    assert message["text"]
    assert 0 < len(message["blocks"]) <= 50


def test_ask_writes_the_chart(tmp_path, capsys):
    path = tmp_path / "chart.png"
    assert main(["ask", "pytorch vs tensorflow", "--chart", str(path)]) == 0
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_ask_without_a_chart_says_so_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "chart.png"
    assert main(["ask", "help", "--chart", str(path)]) == 0
    assert not path.exists()
    assert "no chart" in capsys.readouterr().err


def test_an_untracked_framework_is_an_answer(capsys):
    assert main(["ask", "caffe"]) == 0
    assert "I don't track “caffe”" in capsys.readouterr().out


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask"])
    assert exc.value.code == 2


def test_parse_prints_the_contract_shape(capsys):
    assert main(["parse", "jax vs pytorch stars since 2020"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert {k: parsed[k] for k in ("intent", "frameworks", "metric", "since", "until")} == {
        "intent": "compare",
        "frameworks": ["jax", "pytorch"],
        "metric": "github_stars",
        "since": "2020-01-01",
        "until": None,
    }


def test_frameworks_and_metrics_list_what_is_tracked(capsys):
    main(["frameworks"])
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 11
    assert "sklearn" in out
    main(["metrics"])
    assert "pypi_downloads" in capsys.readouterr().out


def test_python_dash_m_bot_runs_the_same_cli():
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "frameworks"], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.startswith("pytorch")


def test_a_malformed_setting_is_named_in_one_line_without_its_value(monkeypatch):
    from bot.settings import get_settings

    monkeypatch.setenv("PORT", "abc123secret")
    get_settings.cache_clear()
    with pytest.raises(SystemExit) as exc:
        main(["ask", "jax"])
    message = str(exc.value.code)
    assert message.startswith("fwtrend: invalid setting PORT")
    assert "abc123secret" not in message and "\n" not in message


def test_every_command_is_a_subcommand_of_the_one_parser():
    from bot.cli import build_parser

    parser = build_parser()
    for argv in (["ask", "jax"], ["parse", "jax"], ["frameworks"], ["metrics"], ["sources"], ["serve"]):
        assert callable(parser.parse_args(argv).func)
    refresh = parser.parse_args(["refresh", "--source", "hf", "--framework", "jax", "--quiet"])
    assert (refresh.source, refresh.framework, refresh.quiet) == (["hf"], ["jax"], True)
    digest = parser.parse_args(["digest", "--dry-run", "--now", "2026-11-30T09:00:00Z", "--cadence", "daily"])
    assert (digest.dry_run, digest.now, digest.cadence) == (True, "2026-11-30T09:00:00Z", "daily")


def test_the_global_db_reaches_refresh_and_digest_and_their_own_db_wins():
    from bot.cli import build_parser

    parser = build_parser()
    for command in ("refresh", "digest"):
        assert str(parser.parse_args(["--db", "/tmp/a.db", command]).db) == "/tmp/a.db"
        assert str(parser.parse_args(["--db", "/tmp/a.db", command, "--db", "/tmp/b.db"]).db) == "/tmp/b.db"
        assert parser.parse_args([command]).db is None


@pytest.mark.parametrize("command", ["refresh", "digest"])
def test_an_unknown_option_is_named_by_its_own_command_with_exit_2(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--bogus"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"usage: fwtrend {command} " in err and f"fwtrend {command}: error: unrecognized arguments: --bogus" in err


def test_the_clock_runs_its_refresh_through_the_one_cli(monkeypatch):
    import bot.clock
    from bot.cli import build_parser
    from bot.cli.refresh import cmd_refresh

    ran: list[list[str]] = []

    def fake_run(argv, **kwargs):
        ran.append(argv)
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(bot.clock.subprocess, "run", fake_run)
    assert bot.clock.refresh_in_subprocess() == 0
    [argv] = ran
    assert argv[:3] == [sys.executable, "-m", "bot"]
    args = build_parser().parse_args(argv[3:])
    assert args.func is cmd_refresh and args.quiet


def test_python_dash_m_bot_refresh_is_the_refresh_command(tmp_path):
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "FWTREND_DB": str(tmp_path / "x.db"), "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "refresh", "--source", "myspace"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert result.stderr.startswith("fwtrend refresh: unknown source 'myspace'")


def test_refresh_help_names_every_source_and_alias(capsys):
    from bot.cli.refresh import SOURCE_NAMES
    from bot.ingest.sources import ALIASES, SOURCES

    # Written out in the CLI (importing the sources costs every command httpx): kept the same as the sources.
    assert ", ".join([*SOURCES, *ALIASES]) == SOURCE_NAMES
    with pytest.raises(SystemExit):
        main(["refresh", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert all(name in help_text for name in [*SOURCES, *ALIASES])
