"""Bundled projects through the real Bolt app: signed requests in, the fake Slack's calls out."""

from __future__ import annotations

from tests.slack import test_slack_app as app_tests
from tests.slack.test_slack_app import Bot, texts
from tests.support.signing import app_mention_event

# The running app and the signed-request client of the Bolt app tests.
running = app_tests.running
bot = app_tests.bot


def test_a_slash_command_about_two_bundled_projects_is_answered_in_the_channel_with_source_and_date(bot: Bot):
    bot.command("django vs flask downloads", channel_id="C911")
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    words = texts(posted.params["blocks"])
    assert posted.params["channel"] == "C911"
    assert "django" in words and "flask" in words and "downloads" in words.lower()
    assert "2026-03-31" in words  # the newest bundled top-PyPI snapshot's window end
    assert "top-pypi-packages" in words.lower() or "Top PyPI" in words
    assert bot.fake.uploaded_files()


def test_a_pasted_github_url_of_a_bundled_project_is_read_as_it_in_a_mention(bot: Bot):
    bot.event(app_mention_event("<https://github.com/dmlc/xgboost> vs lightgbm stars", channel="C912", ts="1.912"))
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    words = texts(posted.params["blocks"])
    assert "XGBoost" in words and "LightGBM" in words and "2025-10-30" in words
