"""A question sent to the app in its Messages tab (`message.im`): answered in the DM.

Which messages are questions (plain, file_share, thread_broadcast, me_message) is decided in
`bot.slack.messages`; edits, deletions, joins and bots' messages are acknowledged and dropped.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.slack.interactions import Services
from bot.slack.messages import question_in
from bot.slack.middleware import DELIVERY_KEYS

# "im" for a DM; Slack's event types also name "app_home" for messages in the app's own Messages tab.
DM_CHANNEL_TYPES = frozenset({"im", "app_home"})


def in_a_dm(event: dict[str, Any]) -> bool:
    """The message was written in the app's DM (its Messages tab), not in a channel it was added to."""
    return event.get("channel_type") in DM_CHANNEL_TYPES


def message_im(event: dict[str, Any], context: BoltContext) -> None:
    asked = question_in(event, bot_user_id=context.bot_user_id)
    if asked is None:
        return
    services: Services = context["fwtrend"]
    # A reply (or a thread_broadcast) is answered in its thread; a top-level DM at the top level.
    job = {
        "team": context.team_id or "",
        "enterprise": context.enterprise_id,
        "channel": event["channel"],
        "user": asked.user,
        "thread_ts": asked.thread_ts,
        "text": asked.text,
        "only_files": asked.only_files,
    }
    services.enqueue("message", job, context.get(DELIVERY_KEYS))
