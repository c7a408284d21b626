"""`/fwtrend alert … | alerts | alert remove N` and their plain-English forms: the Slack side of alerts, per
workspace and channel (an alert fires in the channel where it was set).

The checks and replies are `bot.alerts.commands`; the reply is laid out by `bot.slack.blocks.alerts`.
A new or removed alert is said in the channel (everyone there gets its posts); a refusal and the list
answer the asker only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.alerts.commands import AlertReply, list_alerts, remove_numbered, set_alert
from bot.slack.blocks.alerts import alert_message, mention
from bot.slack.delivery import Where, reply
from bot.slack.errors import log_slack_error
from bot.store.alerts import ChannelKey
from bot.store.connection import Store
from bot.understanding.alert_words import ALERT_INTENTS
from bot.understanding.query import Query

__all__ = ["ALERT_INTENTS", "NO_CHANNEL", "handle_alert_command", "reply_to_command", "reply_to_message"]

NO_CHANNEL = "Alerts belong to a channel: run `/fwtrend alert jax 50k stars` in the channel that should get them."


def handle_alert_command(
    store: Store, query: Query, channel: ChannelKey, *, user_id: str, now: datetime | None = None
) -> tuple[dict[str, Any], bool]:
    """Do what an alert Query asks in `channel` ((enterprise or "", team, channel)). Returns the
    {"text", "blocks"} reply and whether the channel should see it (an alert set or removed)."""
    now = now or datetime.now(UTC)
    reply: AlertReply
    if query.intent == "alerts":
        reply = list_alerts(store, channel, mention=mention)
    elif query.intent == "alert_remove":
        reply = remove_numbered(store, query, channel)
    elif query.intent == "alert":
        reply = set_alert(store, query, channel, user_id=user_id, now=now)
    else:
        raise ValueError(f"not an alert command: {query.intent!r}")
    public = query.intent != "alerts" and not reply.failed
    return alert_message(reply.headline, reply.lines), public


def _channel(where: Where) -> ChannelKey:
    return (where.enterprise or "", where.team, where.channel)


def reply_to_command(store: Store, query: Query, where: Where, respond: Callable[..., Any]) -> None:
    """`/fwtrend alert…`: an alert set or removed is said in the channel, the rest to the asker only."""
    if not where.team:
        respond(response_type="ephemeral", text=NO_CHANNEL)
        return
    payload, public = handle_alert_command(store, query, _channel(where), user_id=where.user)
    visibility = "in_channel" if public else "ephemeral"
    respond(response_type=visibility, text=payload["text"], blocks=payload["blocks"])


def reply_to_message(store: Store, client: WebClient, query: Query, where: Where) -> None:
    """ "@fwtrend tell me when jax passes 50k stars": done for this channel, answered in the thread (a refusal
    or the list to the asker only). Asked from App Home's modal (no channel), it says where to ask."""
    try:
        if not where.team or where.channel.startswith("U"):
            client.chat_postMessage(channel=where.channel, text=NO_CHANNEL)
            return
        payload, public = handle_alert_command(store, query, _channel(where), user_id=where.user)
        reply(client, where, payload, private=not (public or where.channel.startswith("D")))
    except SlackApiError as exc:
        log_slack_error("answering an alert command", exc, channel=where.channel)
