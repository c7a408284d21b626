"""`link_shared`: a link to GitHub, PyPI, npm or a stats site was pasted; unfurl it with its figures."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.interactions import Services
from bot.slack.unfurls import unfurl_links


def link_shared(ack: Ack, event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services: Services = context["fwtrend"]
    services.worker.submit(unfurl_links, services, client, event, str(body.get("team_id") or context.team_id or ""))
