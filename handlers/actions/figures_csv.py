"""The **Figures as CSV** button on an answer: upload the figures behind it as a CSV file."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.figures_export import send_figures_csv
from bot.slack.interactions import Services


def figures_as_csv(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["fwtrend"]
    services.worker.submit(send_figures_csv, services, client, respond, body)
