"""One framework on every metric with its trend: "jax"."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.answering.compare import compare_query, no_figures
from bot.answering.model import Answer
from bot.answering.sources import source_credits
from bot.answering.wording import comparison_notes
from bot.catalog import catalog
from bot.metrics import METRICS
from bot.store.connection import Store
from bot.understanding.grammar import Query


def answer_profile(store: Store, query: Query, *, today: date | None = None) -> Answer:
    cat = catalog()
    fid = query.frameworks[0]
    comparisons = [compare_query(store, [fid], m.id, query, today=today, cat=cat) for m in METRICS.values()]
    comparisons = [c for c in comparisons if c.with_data]
    # Chart the metric with the longest history first: it tells the story best.
    comparisons.sort(key=lambda c: (not c.metric.chartable, -len(c.figures[0].points) if c.metric.chartable else 0))
    name = cat[fid].name
    if not comparisons:
        return no_figures(store, query, [fid], list(METRICS), "")
    growing = [c for c in comparisons if c.figures[0].change_pct is not None and c.metric.kind != "share"]
    parts = [f"{c.label} {fmt.pct(c.figures[0].change_pct)}" for c in growing[:3]]
    headline = f"{name}: " + ("; ".join(parts) + " (12-month change)." if parts else "latest figures below.")
    if query.period_label and parts:
        headline = headline.replace("(12-month change)", f"(change {query.period_label})")
    answer = Answer("profile", query, name, headline, comparisons=comparisons)
    answer.notes = comparison_notes(comparisons, cat, detail_first_only=True)
    answer.sources = source_credits(store, comparisons)
    return answer
