"""The replies to `/fwtrend subscribe | unsubscribe | subscriptions`, as Block Kit (slack_sdk's models).

Dates are Slack's `<!date^…>` tokens, shown in each reader's own zone; what a user typed is escaped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.catalog import catalog
from bot.digest.schedule import next_slot
from bot.digest.subscriptions import Subscribed, Subscription, describe
from bot.slack.blocks.answer import escape
from bot.slack.blocks.layout import split_text

USAGE = (
    "`/fwtrend subscribe [weekly|daily] [day] [time] [frameworks…]`, "
    "e.g. `/fwtrend subscribe weekly friday 16:30 pytorch jax`"
)
CONTENTS = (
    "the {period}'s biggest moves on each metric (vs the previous {period} and the 4-{period} average), "
    "round-number milestones and new leaders, new crossovers, one chart, and how fresh the data is"
)
UNKNOWN_TZ_NOTE = "I couldn't read your time zone, so times are in UTC; add one, e.g. `Europe/Berlin`."
CHANGE_NOTE = "Change it: run `/fwtrend subscribe …` again here. Stop it: `/fwtrend unsubscribe`."


def _whole_lines(text: str, limit: int = 3000) -> str:
    """Cut at a line break, so no `<!date^…>` token or mention is split (Slack would show it raw)."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 2].rsplit("\n", 1)[0]
    return kept + "\n…"


def message(text: str, *lines: str) -> dict[str, Any]:
    """{"text", "blocks"}: `text` in sections (a long list over several, cut at line breaks, never cut
    short), then each of `lines` as a context line."""
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=part)) for part in split_text(text)]
    for line in lines:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_whole_lines(line))]))
    return {"text": _whole_lines(text), "blocks": [b.to_dict() for b in blocks]}


def slack_date(moment: datetime, tz: str) -> str:
    """Slack shows <!date…> in each reader's own zone; the fallback names the subscriber's."""
    local = moment.astimezone(ZoneInfo(tz))
    fallback = f"{local:%A %-d %B %Y at %H:%M} ({tz})"
    return f"<!date^{int(moment.timestamp())}^{{date_long_pretty}} at {{time}}|{fallback}>"


def not_subscribed(errors: list[str]) -> dict[str, Any]:
    """The arguments could not be read: each problem (escaped) and the usage."""
    return message("Not subscribed: " + "; ".join(escape(e) for e in errors) + ".", f"Usage: {USAGE}")


def subscribed(done: Subscribed, notes: list[str]) -> dict[str, Any]:
    """What the channel signed up for, when the first digest comes, and how to change or stop it."""
    sub, schedule = done.sub, done.sub.schedule
    period = "week" if schedule.cadence == "weekly" else "day"
    names = ", ".join(catalog()[f].name for f in sub.frameworks)
    text = (
        f"{done.verb}: <#{sub.channel_id}> gets a {schedule.cadence} fwtrend digest {schedule.describe()} "
        f"about {names}{done.chosen_by}. Each post has {CONTENTS.format(period=period)}. "
        f"If nothing moved, it says so in one line. First digest: {slack_date(done.first, schedule.tz)}."
    )
    return message(text, *notes, CHANGE_NOTE)


def unsubscribed(channel_id: str, removed: bool) -> dict[str, Any]:
    if removed:
        return message(f"Unsubscribed: <#{channel_id}> gets no more fwtrend digests.")
    return message(f"<#{channel_id}> has no fwtrend digest subscription, so there is nothing to stop.")


def subscriptions_message(subs: list[Subscription], now: datetime) -> dict[str, Any]:
    """The workspace's subscriptions, each with its next digest or why it is paused."""
    if not subs:
        return message("No channel in this workspace has a digest subscription yet.", f"Start one: {USAGE}")
    lines = []
    for sub in subs:
        if sub.paused:
            state = f"*paused* ({escape(sub.paused_reason or 'unknown reason')}); `/fwtrend subscribe` there resumes it"
        else:
            state = f"next {slack_date(next_slot(sub.schedule, max(now, sub.active_from)).at, sub.schedule.tz)}"
        lines.append(f"• <#{sub.channel_id}>: {describe(sub)}; {state}")
    text = f"Digest subscriptions in this workspace ({len(subs)}):\n" + "\n".join(lines)
    return message(text)
