"""What the App Home shows, gathered from the answer engine and the store (in a render process, see
`bot.slack.worker.build_home`); `bot.slack.blocks.home` lays it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import format as fmt
from bot.answering.engine import answer_query
from bot.answering.model import Comparison
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.store.refresh_runs import last_good_refresh
from bot.understanding.grammar import Query

HEADLINE_METRICS = ("github_stars", "pypi_downloads")


@dataclass(frozen=True)
class Headline:
    """One metric's figures for the Home tab: its `label` and, per framework id, a text such as
    '85.1k stars (+12% 12-month change)'."""

    label: str
    figures: dict[str, str]
    comparison: Comparison | None = None
    """The leaderboard the texts come from (the Home tab draws it as a native bar chart where it fits)."""


def headline(store: Store, metric: str, today: date) -> Headline:
    """The leaderboard of `metric` as one short text per framework with data."""
    answer = answer_query(store, Query(intent="leaderboard", metric=metric), today=today)
    out: dict[str, str] = {}
    if not answer.comparisons:
        return Headline(metric, out)
    comparison = answer.comparisons[0]
    for figure in comparison.with_data:
        text = fmt.quantity(figure.latest.value, comparison.unit)
        if figure.change_pct is not None:
            across = ", across a change of counting method" if figure.breaks else ""
            text += f" ({fmt.pct(figure.change_pct)} {comparison.change_label}{across})"
        if figure.stale:
            text += f", as of {fmt.day(figure.latest.date)}"
        out[figure.framework] = text
    return Headline(comparison.label, out, comparison)


def freshness(store: Store) -> list[str]:
    """One mrkdwn line per source: its newest figures and when it was last refreshed (newest first)."""
    names = {sid: info.get("name") or sid for sid, info in sources_by_id(store).items()}
    # A scan of every figure, bundled projects' included: once per data version, not per Home tab opened.
    sql = "SELECT source, MAX(date) AS newest FROM observations GROUP BY source ORDER BY newest DESC"
    rows = store.cached(("freshness",), lambda: list(store.db.query(sql)))
    lines = []
    for row in rows:
        refreshed = last_good_refresh(store, row["source"])
        how = f"refreshed {refreshed[:10]}" if refreshed else "bundled snapshot"
        lines.append(f"*{names.get(row['source'], row['source'])}*: figures to {row['newest']} ({how})")
    return lines


def headlines(store: Store, today: date) -> list[Headline]:
    return [headline(store, metric, today) for metric in HEADLINE_METRICS]
