"""The **Figures as CSV** button on an answer: recorded in the answer queue, then acknowledged; a worker
uploads the figures behind the answer as a CSV file (`bot.slack.figures_export`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.interactions import Services


def figures_as_csv(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services: Services = context["fwtrend"]
    services.enqueue("csv", {"team": context.team_id or "", "enterprise": context.enterprise_id, "body": body})
    ack()
