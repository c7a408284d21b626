"""Where figures come from: the credits under an answer, and the `sources` answer.

Refresh status is read through the store (`bot.store.refresh_runs`), never from the ingest job.
"""

from __future__ import annotations

from datetime import date

from bot.answering.model import Answer, Comparison, SourceCredit
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.store.refresh_runs import sources_status
from bot.understanding.grammar import Query


def source_credits(store: Store, comparisons: list[Comparison]) -> list[SourceCredit]:
    """Who to credit for the figures shown, newest source first, each with the date of its newest figure."""
    known = store.cached(("sources",), lambda: sources_by_id(store))
    latest: dict[str, date] = {}
    for c in comparisons:
        for f in c.figures:
            for p in f.points:
                if p.date > latest.get(p.source, date.min):
                    latest[p.source] = p.date
    out = []
    for sid, as_of in sorted(latest.items(), key=lambda kv: kv[1], reverse=True):
        meta = known.get(sid, {})
        out.append(
            SourceCredit(sid, meta.get("name") or sid, meta.get("credit") or sid, meta.get("licence") or "", as_of)
        )
    return out


def sources_answer(store: Store, query: Query) -> Answer:
    """Where each figure comes from, its licence, and how fresh each source is."""
    held = {
        row["source"]: row
        for row in store.db.query(
            "SELECT source, COUNT(*) AS n, MIN(date) AS oldest, MAX(date) AS newest FROM observations GROUP BY source"
        )
    }
    meta = sources_by_id(store)
    statuses = sources_status(store)
    lines = []
    for status in statuses:
        sid = status["source"]
        info, row = meta.get(sid, {}), held.get(sid)
        figures = f"{row['n']:,} figures to {row['newest']}" if row else "no figures yet"
        if status["last_good_refresh"]:
            state = f"last refreshed {status['last_good_refresh'][:10]}, {'stale' if status['stale'] else 'fresh'}"
        else:
            state = "never refreshed (`fwtrend refresh` fetches it)"
        if status["last_error"]:
            state += f"; last run failed: {status['last_error'][:120]}"
        lines.append(f"*{status['name']}*: {figures}; {state}. {info.get('licence', '')}")
    refreshed = {status["source"] for status in statuses}
    for sid, row in held.items():
        if sid in refreshed:
            continue
        info = meta.get(sid, {})
        lines.append(
            f"*{info.get('name', sid)}* (bundled snapshot): {row['n']:,} figures, {row['oldest']} → {row['newest']}. "
            f"{info.get('credit', '')}; {info.get('licence', '')}"
        )
    title = "Where fwtrend's figures come from"
    return Answer("sources", query, title, "Sources, licences and freshness:", lines=lines)
