"""`link_shared`: a link to GitHub, PyPI, npm or a stats site was pasted; recorded in the answer queue, then
acknowledged; a worker unfurls it with its figures (`bot.slack.unfurls`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.interactions import Services
from bot.slack.unfurls import delivery_key


def link_shared(ack: Ack, event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    services: Services = context["fwtrend"]
    team = str(body.get("team_id") or context.team_id or "")
    job = {"team": team, "enterprise": context.enterprise_id, "event": event}
    services.enqueue("unfurl", job, delivery_keys=[delivery_key(event, team)])
    ack()
