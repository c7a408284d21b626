"""`fwtrend alerts` as a command: its usage errors and missing settings are one line and exit 2."""

from __future__ import annotations

from bot.cli import main as fwtrend


def test_alerts_with_a_now_that_is_no_date_exits_2_saying_the_form(capsys):
    assert fwtrend(["alerts", "--dry-run", "--now", "next tuesday"]) == 2
    assert "fwtrend alerts: --now must be ISO-8601, e.g. 2026-11-30T09:00:00+00:00 (got 'next tuesday')" in (
        capsys.readouterr().err
    )


def test_alerts_without_a_bot_token_exits_2_naming_the_setting_but_a_dry_run_needs_none(capsys):
    assert fwtrend(["alerts"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
    assert fwtrend(["alerts", "--dry-run", "--now", "2026-11-30T00:00:00Z"]) == 0
    assert "No alert or milestone to post as of 2026-11-30T00:00:00+00:00." in capsys.readouterr().out
