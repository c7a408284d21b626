"""End to end through the real Bolt app: what the bot sends Slack is Block Kit Slack accepts (the fake Slack
refuses anything else, and a refusal fails the test), long answers arrive whole."""

from __future__ import annotations

import json
import re

import pytest

from bot.slack.blocks.answer import encode_query
from bot.understanding.reader import understand
from tests.slack import test_slack_app as e2e
from tests.slack.test_slack_app import Bot
from tests.support.signing import app_mention_event

running = e2e.running  # the app under test, served once for this module


@pytest.fixture
def slack(request: pytest.FixtureRequest) -> Bot:
    fake, base = request.getfixturevalue("running")
    fake.reset()
    return Bot(fake, base + "/slack/events")


ALL_ELEVEN = (
    "pytorch vs tensorflow vs jax vs keras vs flax vs mxnet vs onnx vs paddle vs lightning vs sklearn vs transformers"
)


def _posted(slack: Bot) -> dict:
    (posted,) = slack.fake.wait_for("chat.postMessage")
    slack.settle()
    return posted.params


def test_slash_fwtrend_article_posts_every_claim_in_a_message_slack_accepts(slack: Bot) -> None:
    slack.command("article", channel_id="C901")
    params = _posted(slack)
    text = json.dumps(params["blocks"], ensure_ascii=False)
    assert [int(n) for n in re.findall(r"\*(\d)\. ", text)] == [1, 2, 3, 4, 5, 6, 7]
    assert all(b.get("text", {}).get("text", "x").strip() for b in params["blocks"] if b["type"] == "section")


def test_asking_about_the_article_in_a_thread_answers_with_every_claim(slack: Bot) -> None:
    slack.event(app_mention_event("<@UBOT> was the 2023 article right?", channel="C902", ts="1700000000.000902"))
    params = _posted(slack)
    assert "*7. " in json.dumps(params["blocks"], ensure_ascii=False)


def test_a_5000_character_question_gets_an_answer_slack_accepts(slack: Bot) -> None:
    question = "pytorch vs tensorflow " + "<!channel> *bold* `code` " * 200
    assert len(question) > 5000
    slack.command(question, channel_id="C903")
    slack.answered()
    (posted,) = slack.fake.calls("chat.postMessage")
    assert "<!channel>" not in json.dumps(posted.params)


def test_a_growth_button_on_eleven_frameworks_redraws_the_message_within_slacks_limits(slack: Bot) -> None:
    query = understand("is jax, keras, flax, mxnet, onnx, tensorflow, pytorch, transformers, sklearn growing faster?")
    slack.click("fwtrend.period.all", encode_query(query), channel_id="C904", message_ts="1700000000.000904")
    (update,) = slack.fake.wait_for("chat.update")
    blocks = update.params["blocks"]
    assert len(blocks) <= 50 and sum(b["type"] == "section" for b in blocks) >= 2
    slack.settle()


def test_comparing_all_eleven_frameworks_posts_a_message_slack_accepts(slack: Bot) -> None:
    slack.command(ALL_ELEVEN, channel_id="C905")
    slack.answered()
    assert slack.fake.calls("chat.postMessage")
