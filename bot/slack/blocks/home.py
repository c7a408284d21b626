"""The App Home tab as Block Kit (slack_sdk's models): tracked frameworks with their headline figures,
and how fresh each source is. Pure: the figures come in (`bot.slack.home`), the view goes out."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.catalog import catalog
from bot.slack.blocks.layout import pack, split_text
from bot.slack.blocks.native_chart import ranking_chart
from bot.slack.home import Headline

ACTION_ASK = "fwtrend.home.ask"
MAX_HOME_BLOCKS = 100
NO_FIGURES = "No figures in the store yet: run `fwtrend refresh`."


def _section(text: str, **kwargs: Any) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text), **kwargs)


def _header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=text))


def home_view(headlines: list[Headline], freshness: list[str], *, today: date) -> dict[str, Any]:
    """The `views.publish` view: {"type": "home", "blocks": [...]} within the tab's 100 blocks."""
    ask = ButtonElement(action_id=ACTION_ASK, text=PlainTextObject(text="Ask a question"), style="primary")
    blocks: list[Block | dict[str, Any]] = [
        _header("fwtrend: how ML frameworks are trending"),
        _section(
            "Ask with `/fwtrend pytorch vs jax` in any channel, mention `@fwtrend` in a thread, "
            "or write to me in *Messages*. `/fwtrend help` shows everything I can answer.",
            accessory=ask,
        ),
        DividerBlock(),
        _header("Tracked frameworks"),
    ]
    cards = []
    for fw in catalog():
        parts = [f"{h.label}: {h.figures[fw.id]}" for h in headlines if fw.id in h.figures]
        cards += split_text(f"*{fw.name}*\n" + ("\n".join(parts) if parts else "_no figures yet_"))
    fresh_parts = pack([piece for line in (freshness or [NO_FIGURES]) for piece in split_text(line)])
    # Slack draws the leaderboards itself (no PNG can go in a view); at most two charts, as a message allows.
    # Linear: bars stand for the figures themselves, and the figures differ by 100× and more.
    drawn = (ranking_chart(h.comparison, typed_scale="linear") for h in headlines if h.comparison)
    charts = [{**chart, "block_id": f"chart-{i}"} for i, chart in enumerate(c for c in drawn if c)][:2]
    # Every framework keeps its own section while the tab's 100 blocks allow; past that they share sections.
    room = MAX_HOME_BLOCKS - len(blocks) - 3 - len(fresh_parts) - len(charts)
    if len(cards) > room:
        cards = pack(cards, sep="\n\n")
    blocks += [_section(card) for card in cards]
    blocks += charts  # dicts: slack_sdk has no model for data_visualization
    blocks += [DividerBlock(), _header("Data freshness")]
    blocks += [_section(part) for part in fresh_parts]
    updated = MarkdownTextObject(text=f"Updated {today.isoformat()} when you opened this tab.")
    blocks.append(ContextBlock(elements=[updated]))
    # Not slack_sdk's View: it drops blocks it has no model for (data_visualization).
    return {"type": "home", "blocks": [b.to_dict() if isinstance(b, Block) else b for b in blocks]}
