"""`/fwtrend TEXT`: acknowledge with nothing at once; the answer follows from the worker."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.delivery import Where
from bot.slack.interactions import Services, answer_command


def fwtrend_command(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    services: Services = context["fwtrend"]
    where = Where(
        channel=command["channel_id"],
        user=command["user_id"],
        team=command.get("team_id", ""),
        enterprise=command.get("enterprise_id") or None,
    )
    services.worker.submit(answer_command, services, client, respond, command.get("text", ""), where)
