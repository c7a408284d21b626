"""A digest as a Slack message: Block Kit blocks (slack_sdk's models) and the fallback text.

The wording (title, movers, milestones, freshness) is `bot.digest.render`'s; here it is escaped for
mrkdwn and laid out in Slack's boxes. The chart is added once uploaded, as for answers
(`bot.slack.delivery.show_chart_inline`).
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, PlainTextObject, SectionBlock

from bot.digest.compose import MAX_METRIC_LINES, Digest
from bot.digest.render import (
    TRACKED_HEADING,
    capital,
    event_lines,
    freshness_line,
    metric_line,
    more_metrics,
    period_text,
    quiet_line,
    title,
)
from bot.digest.tracked import tracked_lines
from bot.slack.blocks.answer import MAX_FALLBACK, MAX_HEADER, MAX_SECTION, clip, escape
from bot.slack.blocks.layout import pack

FOOTER = "Change this digest: `/fwtrend subscribe …` here · stop it: `/fwtrend unsubscribe`"


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, MAX_SECTION))


def fallback_text(digest: Digest) -> str:
    """The notification text: the quiet line, or the title, period, first mover and first event."""
    if digest.quiet:
        return clip(escape(quiet_line(digest)), MAX_FALLBACK)
    firsts = [metric_line(m, digest.period_word) for m in digest.movers[:1]] + event_lines(digest)[:1]
    return clip(escape(f"{title(digest)} ({period_text(digest)}): " + "; ".join(firsts)), MAX_FALLBACK)


def render_blocks(digest: Digest) -> dict[str, Any]:
    """{"text": fallback, "blocks": [...]}: one section when the period was quiet, else a header, the
    period, movers, milestones and a context line with freshness and how to change the digest."""
    tracked = _tracked_blocks(digest)
    if digest.quiet:
        quiet = SectionBlock(text=_mrkdwn(escape(quiet_line(digest))))
        return {"text": fallback_text(digest), "blocks": [b.to_dict() for b in [quiet, *tracked]]}
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=clip(title(digest), MAX_HEADER))),
        ContextBlock(elements=[_mrkdwn(escape(capital(period_text(digest))))]),
    ]
    lines = [f"• {escape(metric_line(m, digest.period_word))}" for m in digest.movers[:MAX_METRIC_LINES]]
    if len(digest.movers) > MAX_METRIC_LINES:
        lines.append(f"• …and {more_metrics(digest)}")
    if lines:
        blocks.append(SectionBlock(text=_mrkdwn("*Movers*\n" + "\n".join(lines))))
    events = event_lines(digest)
    if events:
        text = "*Milestones and crossovers*\n" + "\n".join(f"• {escape(e)}" for e in events)
        blocks.append(SectionBlock(text=_mrkdwn(text)))
    blocks += tracked
    blocks.append(ContextBlock(elements=[_mrkdwn(escape(freshness_line(digest))), _mrkdwn(FOOTER)]))
    return {"text": fallback_text(digest), "blocks": [b.to_dict() for b in blocks]}


def _tracked_blocks(digest: Digest) -> list[Block]:
    """The workspace's tracked projects, one line each, cut into sections at line breaks."""
    if not digest.tracked:
        return []
    lines = [f"• {escape(line)}" for line in tracked_lines(digest.tracked)]
    return [SectionBlock(text=_mrkdwn(t)) for t in pack([f"*{TRACKED_HEADING}*", *lines])]
