"""`@fwtrend pytorch vs jax` in a channel or thread: answered in its thread, with the chart."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.interactions import Services
from bot.slack.messages import question_in
from bot.slack.middleware import DELIVERY_KEYS


def app_mention(event: dict[str, Any], context: BoltContext) -> None:
    # The same rule as DMs: a mention with a file attached is a question; a bot's mention is not.
    asked = question_in(event, bot_user_id=context.bot_user_id)
    if asked is None:
        return
    services: Services = context["fwtrend"]
    job = {
        "team": context.team_id or "",
        "enterprise": context.enterprise_id,
        "channel": event["channel"],
        "user": asked.user,
        "thread_ts": asked.thread_ts or event["ts"],
        "text": asked.text,
        "only_files": asked.only_files,
    }
    services.enqueue("message", job, context.get(DELIVERY_KEYS))
