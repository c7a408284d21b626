"""`@fwtrend pytorch vs jax` in a channel or thread: answered in its thread, with the chart."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.delivery import Where
from bot.slack.interactions import Services, answer_message
from bot.slack.messages import question_in


def app_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    # The same rule as DMs: a mention with a file attached is a question; a bot's mention is not.
    asked = question_in(event, bot_user_id=context.bot_user_id)
    if asked is None:
        return
    services: Services = context["fwtrend"]
    where = Where(
        channel=event["channel"],
        user=asked.user,
        thread_ts=asked.thread_ts or event["ts"],
        team=context.team_id or "",
        enterprise=context.enterprise_id,
    )
    services.worker.submit(answer_message, services, client, asked.text, where, only_files=asked.only_files)
