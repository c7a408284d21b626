"""Answering in a Slack thread: recall the thread's question → read the reply as a follow-up (or a new
question) → answer → remember what was answered. Knows nothing of Slack.

    answer = answer_message(store, (team, channel, thread_ts), text)   # a mention or thread reply
    answer = answer_choice(store, (team, channel, thread_ts), value)   # a clicked clarifying button

The rows live in `bot.store.threads`; this module turns them into Queries and back.
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from bot.answering.engine import answer_query
from bot.answering.model import Answer
from bot.store import threads
from bot.store.connection import Store
from bot.store.threads import ThreadKey, forget
from bot.understanding.intent import ANSWERABLE
from bot.understanding.query import Query, decode_query
from bot.understanding.reader import understand
from bot.understanding.text import MAX_TEXT


def remember(store: Store, key: ThreadKey, query: Query, *, now: float | None = None) -> None:
    """Keep `query` as the thread's question (without its clarifying question and readings)."""
    threads.remember(store, key, query.model_dump_json(exclude={"alternatives", "question"}), now=now)


def recall(store: Store, key: ThreadKey, *, now: float | None = None) -> Query | None:
    """The thread's last question, or None when there is none, it expired, or it no longer reads."""
    payload = threads.recall(store, key, now=now)
    if payload is None:
        return None
    try:
        return Query.model_validate_json(payload)
    except ValidationError:
        return None  # written by an older version with another Query shape: start afresh


def keep(store: Store, key: ThreadKey, query: Query, answer_kind: str, *, now: float | None = None) -> None:
    """Remember `query` as the thread's question when it was answered (not a clarification or help)."""
    # Only questions that were answered become context: a clarification or help text is not one.
    if query.intent in ANSWERABLE and answer_kind not in {"clarify", "help"}:
        said = {"corrections": {}, "unknown": [], "suggestions": {}, "notes": [], "not_tracked": {}}
        remember(store, key, query.model_copy(update=said), now=now)


def answer_message(
    store: Store, key: ThreadKey, text: str, *, today: date | None = None, now: float | None = None
) -> Answer:
    """Answer a mention or thread reply, reading it against the thread's previous question."""
    previous = recall(store, key, now=now)
    query = understand(text, today=today, context=previous)
    answer = answer_query(store, query, today=today)
    keep(store, key, query, answer.kind, now=now)
    return answer


def answer_choice(
    store: Store, key: ThreadKey, value: str, *, today: date | None = None, now: float | None = None
) -> Answer:
    """Answer a clicked clarifying button (its value from `bot.understanding.query.encode_query`); a
    plain-text value (an older button) is understood as typed."""
    query = decode_query(value) or understand(value[:MAX_TEXT], today=today)
    answer = answer_query(store, query, today=today)
    keep(store, key, query, answer.kind, now=now)
    return answer


__all__ = ["ThreadKey", "answer_choice", "answer_message", "forget", "keep", "recall", "remember"]
