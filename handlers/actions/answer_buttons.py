"""Buttons on an answer: switch metric or period, take a suggestion (updated in place), share a private answer."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.interactions import Services


def _job(body: dict[str, Any], context: BoltContext) -> dict[str, Any]:
    # The whole action body (container, response_url, the button's encoded question) is what the answer needs.
    return {"team": context.team_id or "", "enterprise": context.enterprise_id, "body": body}


def change_answer(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services: Services = context["fwtrend"]
    services.enqueue("update", _job(body, context))
    ack()


def share_in_channel(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    services: Services = context["fwtrend"]
    services.enqueue("share", _job(body, context))
    ack()
