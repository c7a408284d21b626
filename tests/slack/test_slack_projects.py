"""Bundled projects through the real Bolt app: signed requests in, the fake Slack's calls out."""

from __future__ import annotations

import pytest

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


def _buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


@pytest.mark.parametrize(
    ("asked", "clicked", "header", "other"),
    [
        ("how is acme doing", "pypi:acme", "acme", "dm-acme"),
        (
            "datasets vs pytorch",
            "tensorflow-datasets vs pytorch",
            "TensorFlow Datasets vs PyTorch",
            "pypi:datasets vs pytorch",
        ),
        ("prophet", "fbprophet", "Prophet", "pypi:prophet"),
    ],
)
def test_a_shared_name_in_a_mention_gets_one_button_per_reading_and_a_click_answers_that_reading(
    bot: Bot, asked: str, clicked: str, header: str, other: str
):
    channel = f"C93{len(header)}"  # each case its own channel: Slack deliveries are taken once by (channel, ts)
    bot.event(app_mention_event(asked, channel=channel, ts="1.930"))
    (question,) = bot.fake.wait_for("chat.postMessage")
    buttons = _buttons(question.params["blocks"])
    assert set(buttons) == {clicked, other}
    assert all(b["action_id"].startswith("fwtrend.reading.") for b in buttons.values())
    assert "Which “" in question.params["text"]
    bot.settle(0.2)
    bot.fake.reset()

    bot.click(buttons[clicked]["action_id"], buttons[clicked]["value"], channel_id=channel, message_ts="1.931",
              thread_ts="1.930")  # fmt: skip
    bot.answered()
    update = bot.fake.calls("chat.update")[0]
    assert update.params["ts"] == "1.931"
    assert next(b for b in update.params["blocks"] if b["type"] == "header")["text"]["text"] == header
    assert "Which “" not in texts(update.params["blocks"])


def test_a_shared_name_in_a_slash_command_is_asked_privately_and_a_click_answers_it_privately(bot: Bot):
    bot.command("arrow stars vs polars", channel_id="C935")  # stars: only apache/arrow has them, read at once
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert "Arrow vs polars" in texts(posted.params["blocks"]) and "`pypi:arrow`" in texts(posted.params["blocks"])
    bot.fake.reset()

    bot.command("arrow vs polars", channel_id="C936")
    (question,) = bot.fake.wait_for("response_url")
    assert question.params["response_type"] == "ephemeral"
    buttons = _buttons(question.params["blocks"])
    assert set(buttons) == {"pyarrow vs polars", "pypi:arrow vs polars"}
    bot.fake.reset()

    chosen = buttons["pypi:arrow vs polars"]
    bot.click(chosen["action_id"], chosen["value"], channel_id="C936", is_ephemeral=True)
    (reply,) = bot.fake.wait_for("response_url")
    assert reply.params["replace_original"] is True
    header = next(b for b in reply.params["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "arrow vs polars"


def test_a_shared_name_in_a_thread_follow_up_is_asked_and_the_click_answers_the_follow_up(bot: Bot):
    bot.event(app_mention_event("pytorch vs jax stars", channel="C940", ts="1.940"))
    bot.answered()
    bot.fake.reset()
    bot.event({**app_mention_event("and datasets?", channel="C940", ts="1.941"), "thread_ts": "1.940"})
    (question,) = bot.fake.wait_for("chat.postMessage")
    assert question.params["thread_ts"] == "1.940"
    buttons = _buttons(question.params["blocks"])
    assert set(buttons) == {"pytorch vs jax vs pypi:datasets stars", "pytorch vs jax vs tensorflow-datasets stars"}
    chosen = buttons["pytorch vs jax vs tensorflow-datasets stars"]
    bot.settle(0.2)
    bot.fake.reset()

    bot.click(chosen["action_id"], chosen["value"], channel_id="C940", message_ts="1.942", thread_ts="1.940")
    bot.answered()
    update = bot.fake.calls("chat.update")[0]
    header = next(b for b in update.params["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "PyTorch vs JAX vs TensorFlow Datasets" and "GitHub stars" in update.params["text"]
