"""A name that means two things, as a Slack question: the question, one line per reading, and one
button per reading whose value is that reading's Query (`encode_query`), so a click answers it.

The buttons carry the `fwtrend.reading.N` action ids (handlers/actions registers them beside the
suggestion buttons): the message is redrawn in place as the answer to the reading clicked. Labels tell
readings apart even where two projects share a display name ("acme" and "Acme"): a bundled project is
labelled as it is typed to name it alone (`pypi:acme`, `dm-acme`), a framework by its name.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.answering.model import Answer
from bot.catalog import catalog
from bot.metrics import METRICS
from bot.slack.blocks.layout import split_text
from bot.understanding.grammar import query_text
from bot.understanding.query import Query, encode_query

ACTION_READING = "fwtrend.reading"
"""Action id prefix of the reading buttons (`fwtrend.reading.0` …): handled like a suggestion, the
message redrawn in place as the answer to the reading clicked."""
MAX_BUTTONS = 5
MAX_LABEL = 75
MAX_HEADER = 150
MAX_FALLBACK = 3000


def _escape(text: str) -> str:
    # The question quotes what the user typed: it must not become a mention, link or @channel.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_question(answer: Answer) -> bool:
    """A "which one?" answer with readings to offer (not a "did you mean" for an unknown name)."""
    return answer.kind == "clarify" and answer.query.intent == "clarify" and bool(answer.suggestions)


def reading_label(query: Query) -> str:
    """A button's text for one reading (at most 75 characters, Slack's limit)."""
    cat = catalog()
    if any(f not in cat.frameworks for f in query.frameworks):
        return _clip(query_text(query), MAX_LABEL)
    if query.frameworks:
        return _clip(" vs ".join(cat[f].name for f in query.frameworks), MAX_LABEL)
    metric = METRICS[query.metric].label if query.metric in METRICS else "GitHub stars"
    return _clip(f"Top by {metric}", MAX_LABEL)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def question_blocks(answer: Answer) -> dict[str, Any]:
    """{"text", "blocks"}: header, the question, the readings listed, and one button per reading."""
    blocks: list[Block] = [HeaderBlock(text=PlainTextObject(text=_clip(answer.title or "Which one?", MAX_HEADER)))]
    blocks += [_section(text) for text in split_text(_escape(answer.headline))]
    if answer.lines:
        blocks += [_section(text) for text in split_text(_escape("\n".join(answer.lines)))]
    buttons = [
        ButtonElement(
            text=reading_label(reading),
            action_id=f"{ACTION_READING}.{i}",
            value=encode_query(reading),
            style="primary" if i == 0 else None,
        )
        for i, reading in enumerate(answer.suggestions[:MAX_BUTTONS])
    ]
    blocks += [DividerBlock(), ActionsBlock(block_id="suggest", elements=buttons)]
    fallback = f"{answer.title}: {answer.headline}"
    return {"text": _clip(_escape(fallback), MAX_FALLBACK), "blocks": [b.to_dict() for b in blocks]}
