"""`@fwtrend pytorch vs jax` in a channel or thread: answered in its thread, with the chart."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack_flows import Services, answer_message
from bot.slack_io import Where


def app_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services: Services = context["fwtrend"]
    where = Where(
        channel=event["channel"],
        user=event.get("user", ""),
        thread_ts=event.get("thread_ts") or event["ts"],
        team=context.team_id or "",
        enterprise=context.enterprise_id,
    )
    services.worker.submit(answer_message, services, client, event.get("text", ""), where)
