"""End to end through the real Bolt app: answers carry a `table` block and a chart Slack draws itself
(`data_visualization`), also in ephemeral replies; a workspace that refuses those blocks gets the classic
message (monospace table, PNG) within the same request, and is remembered."""

from __future__ import annotations

from typing import Any

import pytest

from tests.slack import test_slack_app as app_tests
from tests.slack.test_slack_app import PNG_MAGIC, Bot, texts

# The running app and the signed-request client of the Bolt app tests.
running = app_tests.running
bot = app_tests.bot

NATIVE = "jax vs flax downloads since 2025-07"  # nine monthly figures each: fits a data_visualization block


def _types(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["type"] for b in blocks]


def _classic_answered(bot: Bot) -> None:
    """Wait for a classic answer to finish: its PNG uploaded, then shown inside it (chat.update)."""
    bot.fake.wait_for("files.completeUploadExternal")
    bot.fake.wait_for("chat.update")


def _classic(blocks: list[dict[str, Any]]) -> bool:
    has_code = any(b["type"] == "section" and "```" in b["text"]["text"] for b in blocks)
    return has_code and not {"table", "data_visualization"} & set(_types(blocks))


def test_an_answer_in_a_channel_has_a_table_and_a_native_chart_and_uploads_no_png(bot: Bot) -> None:
    bot.command(NATIVE, channel_id="C950")
    assert bot.answered() == []  # nothing to upload: Slack draws the chart
    (posted,) = bot.fake.calls("chat.postMessage")
    blocks = posted.params["blocks"]
    assert _types(blocks).count("table") == 1 and _types(blocks).count("data_visualization") == 1
    chart = next(b for b in blocks if b["type"] == "data_visualization")
    assert {s["name"] for s in chart["chart"]["series"]} == {"JAX", "Flax"}
    table = next(b for b in blocks if b["type"] == "table")
    assert "JAX" in texts(table["rows"][0]) and "Flax" in texts(table["rows"][0])
    bot.settle()
    assert bot.fake.calls("files.getUploadURLExternal") == [] and bot.fake.calls("chat.update") == []


def test_an_answer_whose_chart_does_not_fit_keeps_the_table_block_and_the_uploaded_png(bot: Bot) -> None:
    bot.command("pytorch vs tensorflow", channel_id="C951")  # spans a change of counting method
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert "table" in _types(posted.params["blocks"]) and "data_visualization" not in _types(posted.params["blocks"])
    (update,) = bot.fake.calls("chat.update")
    assert "image" in _types(update.params["blocks"]) and "table" in _types(update.params["blocks"])
    assert bot.fake.uploaded_files()[0][2].startswith(PNG_MAGIC)


def test_an_ephemeral_answer_carries_its_native_chart_and_needs_no_dm(bot: Bot) -> None:
    bot.fake.set_channel("GPRIV9", is_private=True, is_member=False)
    bot.command(NATIVE, channel_id="GPRIV9", user_id="U111")
    (reply,) = bot.fake.wait_for("response_url")
    blocks = reply.params["blocks"]
    assert reply.params["response_type"] == "ephemeral" and "data_visualization" in _types(blocks)
    assert "Only you can see this" in texts(blocks) and "DM" not in texts(blocks)
    bot.settle()
    assert [c.params["channel"] for c in bot.fake.calls("chat.postMessage")] == ["GPRIV9"]  # no DM for a chart
    assert bot.fake.uploaded_files() == []


def test_a_metric_button_on_a_native_answer_redraws_it_without_uploading(bot: Bot) -> None:
    bot.command(NATIVE, channel_id="C952")
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    button = next(
        e
        for b in posted.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].endswith("metric.github_stars")
    )
    bot.fake.reset()
    bot.click(button["action_id"], button["value"], channel_id="C952", message_ts="1700000095.1")
    (update,) = bot.fake.wait_for("chat.update")
    assert {"table", "data_visualization"} <= set(_types(update.params["blocks"]))
    chart = next(b for b in update.params["blocks"] if b["type"] == "data_visualization")
    assert chart["title"] == "GitHub stars"
    bot.settle()
    assert bot.fake.uploaded_files() == [] and len(bot.fake.calls("chat.update")) == 1


@pytest.mark.slack_refusals_expected
def test_a_button_in_a_refusing_workspace_redraws_the_classic_message_with_its_png(bot: Bot) -> None:
    bot.command(NATIVE, channel_id="C956")
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    button = next(
        e
        for b in posted.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].endswith("metric.github_stars")
    )
    bot.fake.reset()
    bot.fake.refuse_data_blocks()
    bot.click(button["action_id"], button["value"], channel_id="C956", message_ts="1700000096.1", team_id="T207")
    bot.fake.wait_for("files.completeUploadExternal")
    refused, classic, embedded = bot.fake.wait_for("chat.update", count=3)
    assert "data_visualization" in _types(refused.params["blocks"])
    assert _classic(classic.params["blocks"]) and "image" in _types(embedded.params["blocks"])


@pytest.mark.slack_refusals_expected
def test_a_workspace_that_refuses_the_new_blocks_gets_the_classic_message_in_the_same_request(bot: Bot) -> None:
    bot.fake.refuse_data_blocks()
    bot.command(NATIVE, channel_id="C953", team_id="T201")
    _classic_answered(bot)  # the classic message has no native chart: its PNG is uploaded
    first, second = bot.fake.calls("chat.postMessage")
    assert "data_visualization" in _types(first.params["blocks"])  # refused: invalid_blocks
    assert bot.fake.refusals()[-1][0] == "chat.postMessage"
    assert _classic(second.params["blocks"]) and second.params["channel"] == "C953"
    assert bot.fake.uploaded_files()[0][2].startswith(PNG_MAGIC)
    (update,) = bot.fake.calls("chat.update")
    assert "image" in _types(update.params["blocks"]) and _classic(update.params["blocks"])


@pytest.mark.slack_refusals_expected
def test_a_workspace_remembered_as_refusing_gets_the_classic_message_at_once(bot: Bot) -> None:
    bot.fake.refuse_data_blocks()
    bot.command(NATIVE, channel_id="C954", team_id="T202")
    _classic_answered(bot)
    refused = len(bot.fake.refusals())
    bot.fake.reset()
    bot.fake.refuse_data_blocks()
    bot.command("jax vs flax downloads since 2025-11", channel_id="C954", team_id="T202")
    _classic_answered(bot)
    (posted,) = bot.fake.calls("chat.postMessage")  # one try: classic from the start
    assert _classic(posted.params["blocks"]) and len(bot.fake.refusals()) == refused


@pytest.mark.slack_refusals_expected
def test_another_workspace_still_gets_the_new_blocks(bot: Bot) -> None:
    bot.fake.refuse_data_blocks()
    bot.command(NATIVE, channel_id="C955", team_id="T203")
    _classic_answered(bot)
    bot.fake.reset()  # T111's Slack takes the new blocks
    bot.command(NATIVE, channel_id="C955", team_id="T204")
    assert bot.answered() == []
    (posted,) = bot.fake.calls("chat.postMessage")
    assert "data_visualization" in _types(posted.params["blocks"])


@pytest.mark.slack_refusals_expected
def test_an_ephemeral_answer_in_a_refusing_workspace_falls_back_to_the_classic_reply_and_a_dm_chart(bot: Bot) -> None:
    bot.fake.refuse_data_blocks()
    bot.fake.fail("chat.postMessage", "channel_not_found")  # a private channel the bot is not in
    bot.command(NATIVE, channel_id="GPRIV8", user_id="U111", team_id="T205")
    bot.fake.wait_for("files.completeUploadExternal")
    replies = bot.fake.wait_for("response_url", count=2)
    assert "data_visualization" in _types(replies[0].params["blocks"])  # refused with HTTP 400
    assert [method for method, _ in bot.fake.refusals()[-2:]] == ["response_url", "chat.postEphemeral"]
    classic = replies[-1].params
    assert classic["response_type"] == "ephemeral" and _classic(classic["blocks"])
    assert "DM" in texts(classic["blocks"]) and bot.fake.uploaded_files()[0][2].startswith(PNG_MAGIC)
