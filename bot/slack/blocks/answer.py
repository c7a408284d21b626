"""An answer as a Slack message: Block Kit blocks built with slack_sdk's models, plus the fallback text.

Within Slack's limits (50 blocks, 3000 characters a section, 150 a header, 10 context elements,
75 a button label, 2000 a button value), and every text the user typed is escaped so it cannot
ping anyone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    ImageBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot import format as fmt
from bot.answering.model import Answer
from bot.catalog import catalog
from bot.metrics import BUTTON_METRICS, METRICS
from bot.render.table import answer_rows, legend, monospace
from bot.slack.blocks.layout import body_sections, code_sections, pack, split_text
from bot.slack.blocks.native_chart import answer_chart
from bot.slack.blocks.table import answer_table
from bot.understanding.periods import add_months
from bot.understanding.query import MAX_ENCODED, Query, encode_query

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FALLBACK = 3000
MAX_BUTTON_VALUE = MAX_ENCODED  # encode_query keeps every value within it
# Sections for an answer's lines: with header, figures, chart, notes, sources and buttons, well under 50 blocks.
MAX_BODY_SECTIONS = 20

ACTION_METRIC = "fwtrend.metric"
ACTION_PERIOD = "fwtrend.period"
ACTION_SUGGEST = "fwtrend.suggest"
ACTION_SHARE = "fwtrend.share"
ACTION_CSV = "fwtrend.csv"

PERIODS: list[tuple[str, str]] = [("1y", "Last 12 months"), ("3y", "Last 3 years"), ("all", "All history")]


def escape(text: str) -> str:
    """Escape mrkdwn control characters so user text cannot become a mention, link or @channel."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def period_query(query: Query, key: str, today: date) -> Query:
    if key == "all":
        return query.model_copy(update={"since": None, "until": None, "period_label": None})
    months = 12 if key == "1y" else 36
    label = "last 12 months" if key == "1y" else "last 3 years"
    return query.model_copy(update={"since": add_months(today, -months), "until": None, "period_label": label})


def _buttons(answer: Answer, *, private: bool, today: date) -> list[ActionsBlock]:
    query = answer.query
    blocks: list[ActionsBlock] = []
    if answer.suggestions:
        elements = [
            ButtonElement(
                text=clip(" vs ".join(catalog()[f].name for f in s.frameworks) or "help", 75),
                action_id=f"{ACTION_SUGGEST}.{i}",
                value=encode_query(s),
                style="primary" if i == 0 else None,
            )
            for i, s in enumerate(answer.suggestions[:5])
        ]
        blocks.append(ActionsBlock(block_id="suggest", elements=elements))
    if answer.kind in ("compare", "profile", "leaderboard", "growth", "crossover", "point_in_time", "empty"):
        current = query.metric
        metric_buttons = []
        available = answer.extra.get("metrics_with_data")
        for metric_id in BUTTON_METRICS:
            if metric_id == current and not query.rate:
                continue
            if available is not None and metric_id not in available:
                continue
            metric = METRICS[metric_id]
            variant = query.model_copy(update={"metric": metric_id, "rate": False, "intent": _intent_for(query)})
            metric_buttons.append(
                ButtonElement(text=metric.short, action_id=f"{ACTION_METRIC}.{metric_id}", value=encode_query(variant))
            )
        if query.metric in ("github_stars", "github_forks") and not query.rate:
            variant = query.model_copy(update={"rate": True, "intent": _intent_for(query)})
            metric_buttons.insert(
                0,
                ButtonElement(text="New per month", action_id=f"{ACTION_METRIC}.rate", value=encode_query(variant)),
            )
        period_buttons = [
            ButtonElement(
                text=label, action_id=f"{ACTION_PERIOD}.{key}", value=encode_query(period_query(query, key, today))
            )
            for key, label in PERIODS
        ]
        if any(f.points for c in answer.comparisons for f in c.figures):  # the figures behind it, as a file
            period_buttons.append(ButtonElement(text="Figures as CSV", action_id=ACTION_CSV, value=encode_query(query)))
        if private:
            period_buttons.append(
                ButtonElement(
                    text="Share in channel", action_id=ACTION_SHARE, value=encode_query(query), style="primary"
                )
            )
        # Slack refuses an actions block without elements, and with it the whole message.
        if metric_buttons:
            blocks.append(ActionsBlock(block_id="metric", elements=metric_buttons[:6]))
        blocks.append(ActionsBlock(block_id="period", elements=period_buttons))
    return blocks


def _intent_for(query: Query) -> str:
    if query.intent == "leaderboard" or not query.frameworks:
        return "leaderboard"
    return "compare"


def terminal_hint(query: Query) -> str:
    """Where to see what a Slack message had no room for: the same question in a terminal."""
    asked = " ".join(query.text.split())
    if asked and len(asked) <= 80 and "`" not in asked:
        return f"`fwtrend ask {escape(asked)}` in a terminal shows them all"
    return "the same question with `fwtrend ask` in a terminal shows them all"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def render_blocks(
    answer: Answer,
    *,
    chart_file_id: str | None = None,
    private: bool = False,
    today: date | None = None,
    native: bool = True,
) -> dict[str, Any]:
    """The message payload: {"text": fallback, "blocks": [...]}. `chart_file_id` embeds an uploaded chart.

    `native`: the figures in a `table` block and the chart in a `data_visualization` block where they fit;
    False gives the classic message (monospace table, chart only as an uploaded PNG) for workspaces that
    refuse the newer blocks."""
    from bot.slack.blocks.clarify import is_question, question_blocks  # it builds on this module

    if is_question(answer):  # "which one?": one button per reading, labelled so readings differ
        return question_blocks(answer)
    today = today or date.today()
    blocks: list[Block | dict[str, Any]] = [
        HeaderBlock(text=PlainTextObject(text=clip(answer.title or "fwtrend", MAX_HEADER)))
    ]
    blocks += [_section(text) for text in split_text(escape(answer.headline))]
    rows = answer_rows(answer)
    table = answer_table(answer) if native else None
    if table is not None:
        blocks.append(table)
    elif rows:
        blocks += [_section(text) for text in code_sections(monospace(rows))]
    if rows:
        marks = legend(answer)
        if marks:
            blocks.append(ContextBlock(elements=[PlainTextObject(text=clip(" · ".join(marks), MAX_SECTION))]))
    body = body_sections(
        [escape(line) for line in answer.lines], max_sections=MAX_BODY_SECTIONS, more=terminal_hint(answer.query)
    )
    blocks += [_section(text) for text in body]
    native_chart = answer_chart(answer) if native else None
    if native_chart is not None:
        blocks.append(native_chart)
    elif chart_file_id:
        chart = answer.chart
        alt = f"Chart of {chart.label} for {answer.title}" if chart else answer.title
        blocks.append(ImageBlock(slack_file={"id": chart_file_id}, alt_text=clip(alt, 2000)))
    if answer.notes:
        notes = [f"• {escape(n)}" for n in answer.notes[:8]]
        if len(answer.notes) > 8:
            notes.append(f"• …and {len(answer.notes) - 8} more (`fwtrend ask` in a terminal shows all)")
        # One context element holds 3000 characters and a context block 10 elements.
        texts = pack([piece for note in notes for piece in split_text(note)])[:10]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t) for t in texts]))
    if answer.sources:
        credits = [f"*{s.name}* to {fmt.day(s.as_of)} · {s.licence}" for s in answer.sources]
        if len(credits) > 9:  # "Sources:" and 9 credits fill a context block's 10 elements
            credits = [*credits[:8], f"and {len(credits) - 8} more: `fwtrend sources`"]
        elements = [MarkdownTextObject(text=clip(c, 300)) for c in credits]
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text="Sources:"), *elements]))
    actions = _buttons(answer, private=private, today=today)
    if actions:
        blocks.append(DividerBlock())
        blocks.extend(actions)
    payload = [b if isinstance(b, dict) else b.to_dict() for b in blocks[:MAX_BLOCKS]]
    return {"text": fallback_text(answer), "blocks": payload}


def fallback_text(answer: Answer) -> str:
    """The notification and screen-reader text: the direct answer in one line."""
    text = answer.headline if answer.headline.startswith(answer.title) else f"{answer.title}: {answer.headline}"
    return clip(escape(text), MAX_FALLBACK)


def with_chart(payload: dict[str, Any], file_id: str, title: str) -> dict[str, Any]:
    """The message with its uploaded chart as an image block, after the figures and before notes and sources."""
    image = ImageBlock(slack_file={"id": file_id}, alt_text=clip(f"Chart: {title}", 2000)).to_dict()
    blocks = [b for b in payload["blocks"] if b.get("type") != "image"]
    sections = [i for i, b in enumerate(blocks) if b.get("type") in ("section", "header")]
    at = sections[-1] + 1 if sections else len(blocks)
    # The table's legend (a plain-text context right after the figures) belongs with them.
    legend = at < len(blocks) and blocks[at].get("type") == "context"
    if legend and all(e.get("type") == "plain_text" for e in blocks[at].get("elements", [])):
        at += 1
    blocks.insert(at, image)
    return {**payload, "blocks": blocks[:MAX_BLOCKS]}
