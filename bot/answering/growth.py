"""Who grows faster: growth of each framework over one common window, per metric.

Growth is measured between stored figures at each end of the window (never averages, so the prose
and the table agree); momentum compares the monthly gains of the latest 3 months with a year earlier.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot import format as fmt
from bot.answering.compare import START_TOLERANCE_DAYS, compare
from bot.answering.gap_answers import period_in_gap
from bot.answering.model import OVERVIEW_METRICS, Answer, Point
from bot.answering.series import load_points, months_between, per_month, value_at
from bot.answering.series_gaps import start_point
from bot.answering.sources import source_credits
from bot.answering.wording import comparison_notes
from bot.catalog import Catalog, catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.understanding.grammar import Query

MOMENTUM_DAYS = 90
GAP_HINT = "Growth is measured between two real figures: try a period that reaches one of those dates."


@dataclass
class GrowthRow:
    framework: str
    name: str
    start_value: float
    end_value: float
    pct: float | None
    """Growth over the window, in percent."""
    per_year: float | None
    """The same as a compound yearly rate, for windows longer than about a year."""
    per_month: float
    """Average absolute change per month over the window."""
    momentum: float | None = None
    """Cumulative metrics: change in the monthly gain (latest 3 months vs the same months a year earlier)."""
    recent_gain: float | None = None


@dataclass
class Growth:
    metric: Metric
    start: date
    end: date
    rows: list[GrowthRow]
    left_out: list[str] = field(default_factory=list)
    late_start: bool = False
    """Some series begin after the asked start, so the window was moved to where all have figures."""

    @property
    def ranked(self) -> list[GrowthRow]:
        return sorted(self.rows, key=lambda r: r.pct if r.pct is not None else -math.inf, reverse=True)


def _common_end(series: dict[str, list[Point]]) -> date:
    """The newest date most of the series were observed near: one stale series must not drag
    everyone's window back, and one fresh series must not push the rest out."""

    def covered(day: date) -> int:
        return sum(any(day - timedelta(days=45) <= p.date <= day for p in pts) for pts in series.values())

    candidates = {pts[-1].date for pts in series.values()}
    return max(candidates, key=lambda day: (covered(day), day))


def _momentum(points: list[Point], end: date) -> tuple[float | None, float | None]:
    """Recent monthly gain of a cumulative series, and its change on the same months a year earlier."""
    gains = per_month([p for p in points if p.date <= end])
    recent = [g.value for g in gains if end - timedelta(days=MOMENTUM_DAYS) < g.date <= end]
    earlier_end = end - timedelta(days=365)
    earlier = [g.value for g in gains if earlier_end - timedelta(days=MOMENTUM_DAYS) < g.date <= earlier_end]
    if not recent:
        return None, None
    now = sum(recent) / len(recent)
    if not earlier:
        return None, now
    before = sum(earlier) / len(earlier)
    return (100 * (now - before) / abs(before) if before else None), now


def growth(
    store: Store,
    frameworks: list[str],
    metric_id: str,
    *,
    since: date | None = None,
    until: date | None = None,
    cat: Catalog | None = None,
) -> Growth | None:
    """Growth of each framework over one common window (the last 12 months unless asked otherwise).

    Every framework is measured over the same dates, so the rates compare like with like. None when
    no framework has figures at both ends.
    """
    cat = cat or catalog()
    metric = METRICS[metric_id]
    raw = load_points(store, metric_id, frameworks)
    series = {fid: [p for p in raw.get(fid, []) if until is None or p.date <= until] for fid in frameworks}
    series = {fid: pts for fid, pts in series.items() if pts}
    if not series:
        return None
    end = _common_end(series)
    left_out = [fid for fid, pts in series.items() if not any(end - timedelta(days=45) <= p.date <= end for p in pts)]
    series = {fid: pts for fid, pts in series.items() if fid not in left_out}
    asked_start = since or end - timedelta(days=365)
    start = max([asked_start, *(pts[0].date for pts in series.values())])
    if start >= end:
        return None
    rows = []
    for fid, pts in series.items():
        first = start_point(pts, start, START_TOLERANCE_DAYS)[0]  # a start in a gap reads its nearest real figure
        last = value_at(pts, end, tolerance=START_TOLERANCE_DAYS)
        if first is None or last is None:
            left_out.append(fid)
            continue
        a, b = first.value, last.value
        years = (end - start).days / 365.25
        pct = 100 * (b - a) / abs(a) if a else None
        per_year = 100 * ((b / a) ** (1 / years) - 1) if years >= 1.2 and a > 0 and b > 0 else None
        row = GrowthRow(fid, cat[fid].name, a, b, pct, per_year, (b - a) / months_between(start, end))
        if metric.kind == "cumulative":
            row.momentum, row.recent_gain = _momentum(pts, end)
        rows.append(row)
    if not rows:
        return None
    return Growth(
        metric, start, end, rows, [cat[f].name for f in left_out], late_start=start > asked_start + timedelta(days=31)
    )


def _window_phrase(g: Growth) -> str:
    return f"from {fmt.month(g.start)} to {fmt.month(g.end)}"


def _rate_phrase(row: GrowthRow) -> str:
    text = fmt.pct(row.pct)
    return text + (f" ({fmt.pct(row.per_year)}/year)" if row.per_year is not None else "")


def growth_sentence(g: Growth) -> str:
    """Who grows faster on one metric, over which window: the direct answer to a growth question."""
    ranked = [r for r in g.ranked if r.pct is not None]
    label, window = g.metric.label, _window_phrase(g)
    if not ranked:
        return f"I can't compute growth rates on {label} {window} (a series starts at zero)."
    first = ranked[0]
    if len(ranked) == 1:
        verb = "grew" if first.pct >= 0 else "fell"
        return f"{first.name}'s {label} {verb} {fmt.pct(first.pct)} {window}."
    second = ranked[1]
    if abs(first.pct - second.pct) < 0.05:
        return f"{first.name} and {second.name} grew at the same pace on {label} ({fmt.pct(first.pct)}) {window}."
    if len(ranked) > 2:
        return (
            f"{first.name} is growing fastest on {label}: {_rate_phrase(first)} {window}, "
            f"ahead of {second.name} ({_rate_phrase(second)})."
        )
    if second.pct >= 0:
        verb = "is growing faster than"
    elif first.pct >= 0:
        return (
            f"{first.name} is growing while {second.name} shrinks on {label}: "
            f"{_rate_phrase(first)} vs {_rate_phrase(second)} {window}."
        )
    else:
        verb = "is shrinking more slowly than"
    return f"{first.name} {verb} {second.name} on {label}: {_rate_phrase(first)} vs {_rate_phrase(second)} {window}."


def growth_lines(g: Growth) -> list[str]:
    lines = []
    unit = g.metric.unit
    for row in g.ranked:
        text = (
            f"*{row.name}*: {fmt.human(row.start_value, unit)} → {fmt.human(row.end_value, unit)} {unit}, "
            f"{_rate_phrase(row)}"
        )
        if g.metric.kind == "cumulative":
            text += f", {fmt.signed(row.per_month, unit)} a month on average"
            if row.recent_gain is not None:
                text += f"; lately {fmt.human(row.recent_gain, unit)}/month"
                if row.momentum is not None:
                    text += f" ({fmt.pct(row.momentum)} on a year earlier)"
        lines.append(text + ".")
    return lines


def growth_notes(g: Growth) -> list[str]:
    notes = []
    if g.late_start:
        start = fmt.month(g.start)
        notes.append(
            f"{g.metric.label}: figures for all of them start only in {start}, so growth is measured from there."
        )
    if g.left_out:
        notes.append(f"{g.metric.label}: no recent or comparable figures for {', '.join(g.left_out)}, left out.")
    return notes


def answer_growth(store: Store, query: Query, *, today: date | None = None) -> Answer:
    """Growth rates over one window per metric, and which grows faster: the first line says so."""
    cat = catalog()
    today = today or date.today()
    frameworks = query.frameworks or cat.ids()
    metric_ids = [query.metric] if query.metric else [m for m in OVERVIEW_METRICS if METRICS[m].chartable]
    results: list[Growth] = []
    for metric_id in metric_ids:
        g = growth(store, frameworks, metric_id, since=query.since, until=query.until, cat=cat)
        if g and (len(g.rows) >= min(2, len(frameworks))):
            results.append(g)
        if not query.metric and len(results) >= 3:
            break
    names = [cat[f].name for f in query.frameworks]
    title = ("Growth: " + " vs ".join(names)) if names else "Fastest-growing frameworks"
    if not results:
        # A period inside a gap has figures on both sides: name the gap and them, not "not enough history".
        inside = period_in_gap(store, query, frameworks, metric_ids)
        if inside:
            return Answer("empty", query, title, inside, lines=[GAP_HINT])
        label = METRICS[query.metric].label if query.metric else "any metric"
        who = " or ".join(names) or "any framework"
        return Answer("empty", query, title, f"I don't have enough {label} history for {who} to measure growth.")
    headline = growth_sentence(results[0])
    if len(results) > 1 and len(results[0].rows) >= 2:
        other = results[1]
        if other.ranked[0].framework != results[0].ranked[0].framework and other.ranked[0].pct is not None:
            headline = headline[:-1] + (
                f"; on {other.metric.label} {other.ranked[0].name} grows faster ({fmt.pct(other.ranked[0].pct)} "
                f"{_window_phrase(other)})."
            )
    lines: list[str] = []
    for g in results:
        lines.append(f"*{g.metric.label}*, {_window_phrase(g)}:")
        lines += growth_lines(g)
    comparisons = [
        compare(store, [r.framework for r in g.ranked], g.metric.id, since=g.start, until=g.end,
                period_label=_window_phrase(g), today=today, cat=cat)
        for g in results
    ]  # fmt: skip
    answer = Answer("growth", query, title, headline, comparisons=comparisons, lines=lines)
    notes = comparison_notes(comparisons, cat, detail_first_only=True)
    answer.notes = [n for g in results for n in growth_notes(g)] + notes
    answer.sources = source_credits(store, comparisons)
    answer.extra["growth"] = results
    return answer
