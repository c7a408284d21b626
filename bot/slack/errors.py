"""Slack's errors in one place: the error code of a failed call, how long Slack asks us to wait, what to
tell the user in plain words, one log line per failure, and the Web API client's capped retry on 429s."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry import RateLimitErrorRetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

log = logging.getLogger("fwtrend.slack")

INVITE_HINT = "To answer here for everyone, invite me with `/invite @fwtrend`."
MAX_RETRY_AFTER_S = 10
"""Longest Retry-After (seconds) the Web API client waits out by itself before giving up on a call."""


def error_code(exc: Exception) -> str:
    """Slack's error string (`not_in_channel`), the HTTP status when there is none, `upload_failed` for a
    request that never got an answer, else the exception's class name."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    if isinstance(exc, SlackRequestError):
        return "upload_failed"
    return type(exc).__name__


def retry_after(exc: Exception) -> int | None:
    """Slack's Retry-After header in whole seconds, or None (not a Slack error, no header, not a number)."""
    if isinstance(exc, SlackApiError):
        value = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None
    return None


def plain_message(exc: Exception) -> str:
    """What to tell the user when Slack refused a call."""
    code = error_code(exc)
    if code == "ratelimited":
        wait = retry_after(exc)
        when = f"in {wait} seconds" if wait else "in a minute"
        return f"Slack is rate-limiting me right now. Please ask again {when}."
    if code in ("invalid_auth", "not_authed", "token_revoked", "account_inactive"):
        return "Slack rejected my credentials, so I can't post. An admin needs to reinstall fwtrend."
    if code in ("not_in_channel", "channel_not_found"):
        return f"I can't post in this conversation. {INVITE_HINT}"
    if code == "is_archived":
        return "This channel is archived, so I can't post in it."
    return f"Sorry, Slack refused my answer ({code}). Please try again."


def log_slack_error(action: str, exc: Exception, **where: Any) -> None:
    """One warning: what we tried, Slack's error code and where (channel=…, user=…); never a token."""
    place = " ".join(f"{k}={v}" for k, v in where.items())
    log.warning("slack %s failed: %s %s", action, error_code(exc), place)


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retry a 429 once after Retry-After, unless Slack asks us to wait longer than a user would."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        values = (
            (response.headers.get("retry-after") or response.headers.get("Retry-After") or ["1"]) if response else []
        )
        try:
            return int(values[0]) <= MAX_RETRY_AFTER_S
        except (ValueError, IndexError):
            return True
