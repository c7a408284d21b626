"""Every framework ranked on one metric: "top downloads", "where does jax rank?"."""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.answering.compare import compare_query, no_figures
from bot.answering.model import Answer
from bot.answering.sources import source_credits
from bot.answering.wording import comparison_notes
from bot.catalog import catalog
from bot.store.connection import Store
from bot.understanding.grammar import Query


def answer_leaderboard(store: Store, query: Query, *, today: date | None = None) -> Answer:
    cat = catalog()
    metric_id = query.metric or "github_stars"
    comparison = compare_query(store, cat.ids(), metric_id, query, today=today, cat=cat)
    ranked = sorted(comparison.with_data, key=lambda f: f.latest.value, reverse=True)
    missing = [f for f in comparison.figures if not f.has_data]
    comparison.figures = ranked + missing
    if not ranked:
        return no_figures(store, query, cat.ids(), [metric_id], comparison.label)
    top = ranked[0]
    headline = (
        f"{top.name} leads on {comparison.label} with {fmt.human(top.latest.value, comparison.unit)} "
        f"({fmt.day(top.latest.date)})"
    )
    if len(ranked) > 1:
        headline += f", ahead of {ranked[1].name} ({fmt.human(ranked[1].latest.value, comparison.unit)})"
    headline += "."
    asked = [f for f in ranked if f.framework in query.frameworks]
    if asked:
        # "where does jax rank?": answer for the framework asked about first.
        f = asked[0]
        place = ranked.index(f) + 1
        headline = (
            f"{f.name} ranks #{place} of {len(ranked)} on {comparison.label} with "
            f"{fmt.human(f.latest.value, comparison.unit)} ({fmt.day(f.latest.date)})"
            + (f"; {top.name} leads with {fmt.human(top.latest.value, comparison.unit)}." if place > 1 else ".")
        )
    answer = Answer("leaderboard", query, f"Top frameworks by {comparison.label}", headline, comparisons=[comparison])
    answer.notes = comparison_notes([comparison], cat)
    if missing:
        answer.notes.append(f"No figures for {', '.join(f.name for f in missing)}.")
    answer.sources = source_credits(store, [comparison])
    return answer
