"""Logs never carry a Slack token, and Bolt's one intended warning about our client is kept quiet."""

from __future__ import annotations

import logging
import re

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

_TOKEN = re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+")


def redact(text: str) -> str:
    """`text` with every Slack token (xoxb-…, xapp-…) replaced by `[redacted]`."""
    return _TOKEN.sub("[redacted]", text)


class RedactTokens(logging.Filter):
    """Last line of defence: no Slack token (xoxb-, xapp-, ...) ever reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class _DropBoltTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client (which carries it) wins; that is intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def quiet_bolt_token_warning() -> None:
    bolt_logger = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _DropBoltTokenWarning) for f in bolt_logger.filters):
        bolt_logger.addFilter(_DropBoltTokenWarning())


def install_log_redaction() -> None:
    """Put the token filter on every handler of the root logger (once each)."""
    redactor = RedactTokens()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(redactor)
