"""A question sent to the app in its Messages tab (`message.im`): answered in the DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack_flows import Services, answer_message
from bot.slack_io import Where


def message_im(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("subtype") or event.get("bot_id") or not event.get("user"):
        return  # edits, deletions and the bot's own messages are not questions
    services: Services = context["fwtrend"]
    where = Where(
        channel=event["channel"], user=event["user"], thread_ts=event.get("thread_ts"), team=context.team_id or ""
    )
    services.worker.submit(answer_message, services, client, event.get("text", ""), where)


def ignore_message() -> None:
    """Other message events (edits, deletions in the DM) are acknowledged and dropped."""
