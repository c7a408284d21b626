"""App Home: tracked frameworks with their headline figures and how fresh the data is."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.interactions import Services, publish_home


def app_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    services: Services = context["fwtrend"]
    services.worker.submit(publish_home, services, client, event["user"])
