"""Compare frameworks on one metric over a period (`compare`), and the `compare` answer.

A `Comparison` holds one `Figure` per framework: its series in the period, latest figure, change from
the start (a stored figure, never an interpolation), share, breaks, gaps and staleness.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from bot import format as fmt
from bot.answering.gap_answers import period_in_gap
from bot.answering.model import OVERVIEW_METRICS, Answer, Comparison, Figure, Point
from bot.answering.series import find_breaks, find_crossovers, find_gaps, load_points, per_month, value_at, window
from bot.answering.series_gaps import start_point
from bot.answering.sources import source_credits
from bot.answering.wording import comparison_notes, overview_headline, period_phrase, verdict
from bot.catalog import Catalog, catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.understanding.grammar import Query

DEFAULT_CHANGE_DAYS = 365
START_TOLERANCE_DAYS = 45
"""How old the figure standing at a period's start may be (else the first figure after it is used)."""


def build_figure(
    fw_id: str,
    cat: Catalog,
    metric: Metric,
    raw: list[Point],
    *,
    rate: bool,
    since: date | None,
    until: date | None,
    today: date,
) -> Figure:
    fw = cat[fw_id]
    series = per_month(raw) if rate and metric.kind in ("cumulative", "level") else raw
    points = window(series, since, until)
    figure = Figure(fw_id, fw.name, fw.colour, points)
    if not points:
        return figure
    latest = points[-1]
    figure.latest = latest
    # A past period ("in 2023") is not stale: staleness is about answers meant to be current.
    current = until is None or until >= today
    figure.stale = current and (today - latest.date).days > metric.fresh_days + (31 if rate else 0)
    if since is not None:
        # "Since X" is measured from the figure standing at X (in a gap, the nearest side), else the first after.
        start = start_point(series, since, START_TOLERANCE_DAYS)[0] or points[0]
    else:
        start = value_at(points, latest.date - timedelta(days=DEFAULT_CHANGE_DAYS), tolerance=START_TOLERANCE_DAYS)
    if start is not None and start.date < latest.date:
        figure.start = start
        figure.change = latest.value - start.value
        if start.value:
            figure.change_pct = 100 * figure.change / abs(start.value)
        years = (latest.date - start.date).days / 365.25
        if years >= 1.5 and start.value > 0 and latest.value > 0 and not rate:
            figure.yearly_growth = 100 * ((latest.value / start.value) ** (1 / years) - 1)
        span_points = [p for p in points if start.date <= p.date <= latest.date]
        figure.breaks = find_breaks(fw_id, span_points)
    figure.gaps = find_gaps(points)
    return figure


def compare(
    store: Store,
    frameworks: list[str],
    metric_id: str,
    *,
    rate: bool = False,
    since: date | None = None,
    until: date | None = None,
    period_label: str | None = None,
    today: date | None = None,
    cat: Catalog | None = None,
) -> Comparison:
    cat = cat or catalog()
    today = today or date.today()
    metric = METRICS[metric_id]
    rate = rate and metric.kind in ("cumulative", "level")
    raw = load_points(store, metric_id, frameworks)
    figures = [
        build_figure(fid, cat, metric, raw.get(fid, []), rate=rate, since=since, until=until, today=today)
        for fid in frameworks
    ]
    if since is None:
        # With no start asked for, the change is over the 12 months before the newest figure.
        change_label = f"12-month change {period_label}" if until and period_label else "12-month change"
    else:
        change_label = f"change {period_label}" if period_label else "change over the period"
    comparison = Comparison(metric, rate, figures, period_label or "all history", change_label)
    with_data = comparison.with_data
    if len(with_data) >= 2:
        dates = [f.latest.date for f in with_data if f.latest]
        comparison.comparable_dates = (max(dates) - min(dates)).days <= 45
        comparison.crossovers = find_crossovers(with_data)
        if metric.kind != "share" and comparison.comparable_dates:
            total = sum(f.latest.value for f in with_data if f.latest and f.latest.value > 0)
            for f in with_data:
                if total and f.latest and f.latest.value >= 0:
                    f.share = 100 * f.latest.value / total
        leader = max(with_data, key=lambda f: f.latest.value if f.latest else -math.inf)
        comparison.leader = leader.framework
    elif len(with_data) == 1:
        comparison.leader = with_data[0].framework
    comparison.verdict = verdict(comparison, cat)
    return comparison


def compare_query(
    store: Store, frameworks: list[str], metric_id: str, query: Query, *, today: date | None, cat: Catalog
) -> Comparison:
    """`compare` over the query's period and per-period form."""
    return compare(
        store,
        frameworks,
        metric_id,
        rate=query.rate,
        since=query.since,
        until=query.until,
        period_label=query.period_label,
        today=today,
        cat=cat,
    )


def no_figures(store: Store, query: Query, frameworks: list[str], metric_ids: list[str], label: str) -> Answer:
    """Nothing to show: say whether figures exist outside the asked period, or none at all yet."""
    names = [catalog()[f].name for f in frameworks]
    who = f" for {' or '.join(names)}" if len(names) <= 3 else ""
    what = f"{label} figures" if label else "figures"
    dates = [
        (pts[0].date, pts[-1].date)
        for metric_id in metric_ids
        for pts in load_points(store, metric_id, frameworks).values()
        if pts
    ]
    title = " vs ".join(names) if who else f"Top by {label}"
    if not dates and metric_ids == ["npm_downloads"] and not any(catalog()[f].npm for f in frameworks):
        # No refresh will ever bring them: say why rather than "yet".
        verb = "has" if len(names) == 1 else "have"
        them = "it" if len(names) == 1 else "them"
        headline = f"{' and '.join(names)} {verb} no npm package tracked, so I have no npm download figures for {them}."
        return Answer("empty", query, title, headline, lines=["Try another metric, such as `downloads` (PyPI)."])
    if not dates:
        headline = f"I have no {what}{who} yet."
        return Answer("empty", query, title, headline, lines=_how_to_fetch(frameworks, metric_ids))
    inside = period_in_gap(store, query, frameworks, metric_ids, label)
    if inside:
        return Answer("empty", query, title, inside, lines=["Try a period that reaches one of those dates."])
    oldest, newest = min(d[0] for d in dates), max(d[1] for d in dates)
    headline = (
        f"I have no {what}{who} {period_phrase(query.period_label)}: "
        f"they run from {fmt.day(oldest)} to {fmt.day(newest)}."
    )
    return Answer("empty", query, title, headline, lines=["Try another period, or `all history`."])


def _how_to_fetch(frameworks: list[str], metric_ids: list[str]) -> list[str]:
    """How to get figures no one has fetched yet: the one source's refresh command, and for npm which
    frameworks have no npm package at all (no refresh will ever bring their figures)."""
    sources = {source for metric_id in metric_ids for source in METRICS[metric_id].sources}
    command = f"`fwtrend refresh --source {sources.pop()}`" if len(sources) == 1 else "`fwtrend refresh`"
    lines = [f"{command} fetches them; or try another metric."]
    if metric_ids == ["npm_downloads"]:
        cat = catalog()
        without = [cat[f].name for f in frameworks if not cat[f].npm]
        if without:
            lines.append(f"{' and '.join(without)} {'has' if len(without) == 1 else 'have'} no npm package tracked.")
    return lines


def answer_compare(store: Store, query: Query, *, today: date | None = None) -> Answer:
    cat = catalog()
    today = today or date.today()
    names = [cat[f].name for f in query.frameworks]
    metric_ids = [query.metric] if query.metric else list(OVERVIEW_METRICS)
    comparisons = [compare_query(store, query.frameworks, m, query, today=today, cat=cat) for m in metric_ids]
    if not query.metric:
        comparisons = [c for c in comparisons if c.with_data]
    title = " vs ".join(names)
    if not comparisons or not any(c.with_data for c in comparisons):
        return no_figures(store, query, query.frameworks, metric_ids, comparisons[0].label if query.metric else "")
    headline = comparisons[0].verdict if query.metric else overview_headline(comparisons, cat)
    answer = Answer("compare", query, title, headline, comparisons=comparisons)
    answer.notes = comparison_notes(comparisons, cat, detail_first_only=not query.metric)
    answer.sources = source_credits(store, comparisons)
    return answer
