"""`/fwtrend subscribe | unsubscribe | subscriptions`: the Slack side of digest subscriptions.

The subscription logic is `bot.digest.subscriptions`; here the user's time zone is read from Slack
(`users.info`, scope users:read) and the reply laid out (`bot.slack.blocks.subscriptions`). The channel
is not probed (that would need channels:read): a channel the bot can't post in pauses the subscription
at its first digest.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient

from bot.digest.subscriptions import list_subscriptions, parse_subscribe_args, subscribe, unsubscribe
from bot.slack.asker_time import AskerZones, user_tz_name
from bot.slack.blocks import subscriptions as replies
from bot.store.connection import Store

SUBSCRIPTION_INTENTS = frozenset({"subscribe", "unsubscribe", "subscriptions"})


def handle_subscription_command(
    store: Store,
    client: WebClient,
    *,
    enterprise_id: str | None,
    team_id: str,
    channel_id: str,
    user_id: str,
    intent: str,
    args: str,
    now: datetime | None = None,
    zones: AskerZones | None = None,
) -> dict[str, Any]:
    """Answer `/fwtrend subscribe|unsubscribe|subscriptions …` with a {"text", "blocks"} payload.

    `intent` and `args` are `Query.intent` and `Query.args` from the slash grammar; `zones` is the app's
    cache of users' time zones (the one answers read dates with). Raises ValueError for any other intent."""
    now = now or datetime.now(UTC)
    if intent == "subscribe":
        parsed = parse_subscribe_args(args)
        if parsed.errors:
            return replies.not_subscribed(parsed.errors)
        notes: list[str] = []
        tz = parsed.tz
        if tz is None:
            tz = user_tz_name(client, user_id, zones)
            if tz is None:
                tz = "UTC"
                notes.append(replies.UNKNOWN_TZ_NOTE)
        done = subscribe(
            store,
            enterprise_id=enterprise_id,
            team_id=team_id,
            channel_id=channel_id,
            user_id=user_id,
            parsed=parsed,
            tz=tz,
            now=now,
        )
        return replies.subscribed(done, notes)
    if intent == "unsubscribe":
        removed = unsubscribe(store, enterprise_id=enterprise_id, team_id=team_id, channel_id=channel_id)
        return replies.unsubscribed(channel_id, removed)
    if intent == "subscriptions":
        return replies.subscriptions_message(list_subscriptions(store, enterprise_id, team_id), now)
    raise ValueError(f"not a subscription command: {intent!r}")
