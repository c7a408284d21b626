"""Plain-English questions → `Query`, on top of the strict slash grammar in `bot.understanding.grammar`.

`understand` is the one entry point for slash-command text and mentions alike. Text the strict
grammar reads completely is returned exactly as `parse` reads it; everything else goes through the
English reader (`english.read`), then `to_query`. Where a name could mean two things the Query says
so (intent "clarify", see `clarify`); typos read as a framework are listed in `corrections` so the
answer can say how it read them. With the thread's previous question, a reply may be a follow-up
(`followup.apply_followup`).
"""

from __future__ import annotations

import re
from datetime import date

from bot.catalog import Catalog, catalog
from bot.understanding.alert_words import alert_intent, alert_query
from bot.understanding.clarify import ask_when_ambiguous
from bot.understanding.english import read
from bot.understanding.followup import apply_followup
from bot.understanding.grammar import COMMANDS, parse
from bot.understanding.intent import ANSWERABLE, intent_of
from bot.understanding.name_match import has_ambiguous_name, mentions_npm_name
from bot.understanding.names import find_refs
from bot.understanding.normalise import normalise
from bot.understanding.qualifiers import unused_words_note
from bot.understanding.query import Query
from bot.understanding.reading import Reading
from bot.understanding.text import clean_text
from bot.understanding.watch_names import WATCH_INTENTS, english_names, watch_intent, watch_query


def understand(
    text: str, *, today: date | None = None, context: Query | None = None, cat: Catalog | None = None
) -> Query:
    """Read slash text or a mention as a Query. Never raises; the text is capped at MAX_TEXT characters.

    With `context` (the previous question in the thread), follow-ups such as "what about jax?" or
    "since 2020?" modify that question.
    """
    cat = cat or catalog()
    today = today or date.today()
    cleaned, truncated = clean_text(text)
    asked_to_alert = alert_intent(cleaned)
    if asked_to_alert:  # "tell me when jax passes 50k stars", in a thread too: never a follow-up
        query = alert_query(asked_to_alert, cleaned, today=today, cat=cat)
        return query.model_copy(update={"truncated": truncated})
    asked_to_watch = None if _is_command(cleaned) else watch_intent(normalise(cleaned))
    if asked_to_watch:  # "keep an eye on polars", in a thread too: never a follow-up
        query = watch_query(asked_to_watch, english_names(cleaned), text=cleaned, today=today, cat=cat)
        return query.model_copy(update={"truncated": truncated})
    if context is not None and context.intent in ANSWERABLE and not _is_command(cleaned):
        followed = apply_followup(cleaned, context, today, cat=cat)
        if followed is not None:
            return followed.model_copy(update={"truncated": truncated})
    strict = parse(cleaned, today=today, cat=cat)
    if strict.intent in WATCH_INTENTS:
        query = watch_query(strict.intent, strict.args, text=cleaned, today=today, cat=cat)
        return query.model_copy(update={"truncated": truncated})
    if _strict_reads_all(strict, cleaned, cat):
        return _enrich_strict(strict, cleaned).model_copy(update={"truncated": truncated})
    reading = read(cleaned, today, cat)
    return to_query(reading, cleaned, cat).model_copy(update={"truncated": truncated})


def _is_command(cleaned: str) -> bool:
    """Text that starts with a slash-grammar command word ("top downloads", "sources") is a command,
    in a thread too: never a change to the thread's question."""
    first = re.sub(r"^/?fwtrend\s+", "", cleaned.strip(), flags=re.I).partition(" ")[0]
    return COMMANDS.get(first.lower().rstrip(":")) is not None


def _strict_reads_all(strict: Query, cleaned: str, cat: Catalog) -> bool:
    """True when the slash grammar understood every word, so its reading stands as it always has."""
    if strict.intent in {"subscribe", "unsubscribe", "subscriptions"}:
        return True
    if strict.intent in {"help", "sources", "article"}:
        # "help me compare pytorch and tf" starts with a command word but is a question.
        rest = cleaned.partition(" ")[2]
        return not rest or not read(rest, date.today(), cat).mentions
    if strict.unknown or strict.intent == "unknown" or any(ch in cleaned for ch in "⭐🌟🤗"):
        return False
    # A name that could mean two things is asked about, even in grammar the parser accepts.
    return not has_ambiguous_name(normalise(find_refs(cleaned, cat)[0]))


def _enrich_strict(query: Query, cleaned: str) -> Query:
    """ "tfjs" means TensorFlow's npm package: the parser maps the name, this adds the metric."""
    if query.metric is None and query.frameworks and mentions_npm_name(normalise(find_refs(cleaned)[0])):
        intent = "compare" if query.intent == "profile" else query.intent
        return query.model_copy(update={"metric": "npm_downloads", "intent": intent})
    return query


def to_query(reading: Reading, cleaned: str, cat: Catalog) -> Query:
    """The Query a reading of `cleaned` asks (a clarifying question where a name means two things)."""
    frameworks = reading.frameworks
    if not cleaned:
        return Query(intent="help")
    if reading.passive and len(frameworks) >= 2:
        frameworks = [frameworks[1], frameworks[0], *frameworks[2:]]
    intent = intent_of(reading, frameworks)
    query = Query(
        intent=intent,
        frameworks=frameworks if intent not in {"help", "sources", "unknown"} else [],
        metric=reading.metric if intent not in {"help", "sources", "subscribe", "unsubscribe"} else None,
        rate=reading.rate,
        since=reading.since,
        until=reading.until,
        at=reading.at,
        at_month=reading.at_month,
        period_label=reading.at_label or reading.period_label,
        notes=[*reading.notes, *reading.name_notes, *_unused_note(reading, intent)],
        not_tracked=reading.not_tracked if intent not in {"help", "sources", "leaderboard"} else {},
        scale=reading.scale,
        aligned=reading.aligned,
        unknown=reading.unknown if intent not in {"help", "sources", "leaderboard"} else [],
        suggestions=reading.suggestions if intent not in {"help", "sources", "leaderboard"} else {},
        corrections=reading.corrections,
        args=_subscription_args(cleaned) if intent in {"subscribe", "unsubscribe"} else "",
        text=cleaned,
    )
    if intent in {"subscribe", "unsubscribe", "subscriptions", "help", "sources"}:
        return query
    return ask_when_ambiguous(query, reading, cat)


def _unused_note(reading: Reading, intent: str) -> list[str]:
    """Words a figures answer did not use, named; commands (subscribe …) read their own arguments."""
    note = unused_words_note(reading.unused) if intent in ANSWERABLE else None
    return [note] if note else []


def _subscription_args(cleaned: str) -> str:
    return re.sub(r"^\W*(?:please\s+)?(?:un)?subscribe\b\s*", "", cleaned, flags=re.I).strip()
