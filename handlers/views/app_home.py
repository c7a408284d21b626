"""The App Home view: tracked frameworks with their headline figures, and how fresh each source is.

A pure builder over the store (it runs in a render process, see `bot.slack.worker.build_home`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import format as fmt
from bot.answering.engine import answer_query
from bot.catalog import catalog
from bot.render.layout import pack, split_text
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.store.refresh_runs import last_good_refresh
from bot.understanding.grammar import Query

ACTION_ASK = "fwtrend.home.ask"
HEADLINE_METRICS = ("github_stars", "pypi_downloads")
MAX_HOME_BLOCKS = 100


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _figures(store: Store, metric: str, today: date) -> tuple[str, dict[str, str]]:
    """Per framework: '85.1k stars (+12% 12-month change)'; plus the metric's label."""
    answer = answer_query(store, Query(intent="leaderboard", metric=metric), today=today)
    out: dict[str, str] = {}
    if not answer.comparisons:
        return metric, out
    comparison = answer.comparisons[0]
    for figure in comparison.with_data:
        text = fmt.quantity(figure.latest.value, comparison.unit)
        if figure.change_pct is not None:
            across = ", across a change of counting method" if figure.breaks else ""
            text += f" ({fmt.pct(figure.change_pct)} {comparison.change_label}{across})"
        if figure.stale:
            text += f", as of {fmt.day(figure.latest.date)}"
        out[figure.framework] = text
    return comparison.label, out


def _freshness(store: Store) -> list[str]:
    names = {sid: info.get("name") or sid for sid, info in sources_by_id(store).items()}
    rows = store.db.query("SELECT source, MAX(date) AS newest FROM observations GROUP BY source ORDER BY newest DESC")
    lines = []
    for row in rows:
        refreshed = last_good_refresh(store, row["source"])
        how = f"refreshed {refreshed[:10]}" if refreshed else "bundled snapshot"
        lines.append(f"*{names.get(row['source'], row['source'])}*: figures to {row['newest']} ({how})")
    return lines


def home_view(store: Store, *, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "fwtrend: how ML frameworks are trending"}},
        {
            "type": "section",
            "text": _mrkdwn(
                "Ask with `/fwtrend pytorch vs jax` in any channel, mention `@fwtrend` in a thread, "
                "or write to me in *Messages*. `/fwtrend help` shows everything I can answer."
            ),
            "accessory": {
                "type": "button",
                "action_id": ACTION_ASK,
                "text": {"type": "plain_text", "text": "Ask a question"},
                "style": "primary",
            },
        },
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Tracked frameworks"}},
    ]
    headline = [_figures(store, metric, today) for metric in HEADLINE_METRICS]
    cards = []
    for fw in catalog():
        parts = [f"{label}: {figures[fw.id]}" for label, figures in headline if fw.id in figures]
        cards += split_text(f"*{fw.name}*\n" + ("\n".join(parts) if parts else "_no figures yet_"))
    fresh = _freshness(store) or ["No figures in the store yet: run `fwtrend refresh`."]
    fresh_parts = pack([piece for line in fresh for piece in split_text(line)])
    # Every framework keeps its own section while the tab's 100 blocks allow; past that they share sections.
    room = MAX_HOME_BLOCKS - len(blocks) - 3 - len(fresh_parts)
    if len(cards) > room:
        cards = pack(cards, sep="\n\n")
    blocks += [{"type": "section", "text": _mrkdwn(card)} for card in cards]
    blocks.append({"type": "divider"})
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Data freshness"}})
    blocks += [{"type": "section", "text": _mrkdwn(part)} for part in fresh_parts]
    blocks.append({"type": "context", "elements": [_mrkdwn(f"Updated {today.isoformat()} when you opened this tab.")]})
    return {"type": "home", "blocks": blocks}
