"""Pacing posts to Slack per workspace: chat.postMessage allows about one a second, and a 429's
Retry-After holds for all of that workspace's channels (Slack's limits are per workspace and method)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.errors import retry_after

log = logging.getLogger("fwtrend.digest")

POST_INTERVAL = 1.0
"""Seconds between posts to one workspace: chat.postMessage allows about one a second."""
MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER = 120.0
"""Longest wait (seconds) taken from a Retry-After header; a scheduled post can wait longer than an answer."""


def rate_limit_wait(exc: SlackApiError) -> float | None:
    """Seconds to wait on a rate limit (Slack's Retry-After, capped), or None for any other error."""
    if exc.response is None or (exc.response.status_code != 429 and exc.response.get("error") != "ratelimited"):
        return None
    wait = retry_after(exc)
    return 1.0 if wait is None else min(MAX_RETRY_AFTER, max(0.0, float(wait)))


class Pacer:
    """Keeps posts to each workspace `interval` seconds apart, and waits out Retry-After for all of that
    workspace's channels. `sleep` and `monotonic` are injectable so tests run without waiting."""

    def __init__(self, interval: float, sleep: Callable[[float], None], monotonic: Callable[[], float]):
        self.interval, self.sleep, self.monotonic = interval, sleep, monotonic
        self.next_ok: dict[str, float] = {}

    def wait(self, team: str) -> None:
        delay = self.next_ok.get(team, 0.0) - self.monotonic()
        if delay > 0:
            self.sleep(delay)

    def done(self, team: str, extra: float = 0.0) -> None:
        self.next_ok[team] = self.monotonic() + max(self.interval, extra)

    def call(self, team: str, fn: Callable[[], Any]) -> Any:
        """`fn()` once the workspace may be called again; a rate limit is waited out and retried
        (MAX_RATE_LIMIT_RETRIES times), any other Slack error is raised."""
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            self.wait(team)
            try:
                result = fn()
                self.done(team)
                return result
            except SlackApiError as exc:
                wait = rate_limit_wait(exc)
                if wait is None or attempt == MAX_RATE_LIMIT_RETRIES:
                    raise
                log.info("rate limited by Slack in %s; waiting %.0f s", team, wait)
                self.done(team, wait)
        raise AssertionError("unreachable")
