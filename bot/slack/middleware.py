"""Bolt middleware: every request gets fwtrend's services, and a redelivered event is acked, not run twice."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

log = logging.getLogger("fwtrend.slack")


class EventDeduper:
    """Remembers event ids for a while so a redelivered event (Events API retry) never answers twice."""

    def __init__(self, ttl_s: float = 3600, limit: int = 10_000):
        self.ttl_s, self.limit = ttl_s, limit
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl_s or len(self._seen) > self.limit):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


def inject(name: str, value: Any) -> Callable[..., Any]:
    """Bolt middleware putting `value` into every request's context under `name`."""

    def middleware(context: Any, next: Callable[[], Any]) -> Any:
        context[name] = value
        return next()

    return middleware


def drop_duplicate_events(deduper: EventDeduper) -> Callable[..., Any]:
    """Bolt middleware: an event already seen (Events API retry, Socket Mode redelivery) is acked, not run."""

    def middleware(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not deduper.first_time(str(event_id)):
            log.info("duplicate event %s ignored", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
