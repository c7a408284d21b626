"""`/fwtrend TEXT`: recorded in the answer queue, then acknowledged with nothing; the answer follows from a
worker (`bot.slack.jobs`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.interactions import Services


def fwtrend_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    services: Services = context["fwtrend"]
    job = {
        "team": command.get("team_id", ""),
        "enterprise": command.get("enterprise_id") or None,
        "channel": command["channel_id"],
        "user": command["user_id"],
        "text": command.get("text", ""),
        "response_url": command.get("response_url"),
    }
    services.enqueue("command", job)
    ack()
