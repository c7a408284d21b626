"""Buttons on an answer: switch metric or period, take a suggestion (updated in place), share a private answer."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.interactions import Services, share_answer, update_answer


def change_answer(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["fwtrend"]
    services.worker.submit(update_answer, services, client, respond, body)


def share_in_channel(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["fwtrend"]
    services.worker.submit(share_answer, services, client, respond, body)
