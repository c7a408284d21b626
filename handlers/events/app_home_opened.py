"""App Home: tracked frameworks with their headline figures and how fresh the data is."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.interactions import Services
from bot.slack.middleware import DELIVERY_KEYS


def app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    services: Services = context["fwtrend"]
    job = {"team": context.team_id or "", "enterprise": context.enterprise_id, "user": event["user"]}
    services.enqueue("home", job, context.get(DELIVERY_KEYS))
