"""Bolt middleware: every request gets fwtrend's services, and a delivery already taken is acked, not run twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

log = logging.getLogger("fwtrend.slack")


def delivery_keys(body: dict[str, Any]) -> list[str]:
    """What identifies one Events API delivery: its event id, and for a message (any event with a channel
    and a ts a person wrote) the message itself, so one message sent as two events is taken once."""
    if not isinstance(body, dict) or body.get("type") != "event_callback":
        return []
    keys = [f"event:{body['event_id']}"] if body.get("event_id") else []
    event = body.get("event") or {}
    channel, ts = event.get("channel"), event.get("ts")
    if (
        event.get("type") in {"message", "app_mention"}
        and channel
        and ts
        and not event.get("subtype", "").startswith("message_")
    ):
        keys.append(f"message:{body.get('team_id') or ''}:{channel}:{ts}")
    return keys


def inject(name: str, value: Any) -> Callable[..., Any]:
    """Bolt middleware putting `value` into every request's context under `name`."""

    def middleware(context: Any, next: Callable[[], Any]) -> Any:
        context[name] = value
        return next()

    return middleware


DELIVERY_KEYS = "fwtrend_delivery_keys"
"""Where the middleware leaves a delivery's keys in the request context, for the handler's enqueue."""


def drop_duplicate_events(seen_before: Callable[[list[str]], bool]) -> Callable[..., Any]:
    """Bolt middleware: a delivery already taken, by this process or another (Events API retry, Socket Mode
    redelivery, one message as two events), is acked and not run. A new one's keys go into the context
    (`DELIVERY_KEYS`): the handler records them with its job in one transaction, so exactly one process
    takes the delivery (`bot.store.answer_jobs.enqueue`)."""

    def middleware(body: dict[str, Any], context: Any, next: Callable[[], Any]) -> Any:
        keys = delivery_keys(body)
        if keys and seen_before(keys):
            log.info("duplicate delivery %s ignored", keys[0])
            return BoltResponse(status=200, body="")
        context[DELIVERY_KEYS] = keys
        return next()

    return middleware
