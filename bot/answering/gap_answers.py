"""What an answer says when the date asked falls in a gap of the data.

Every way of asking for a point or a period boundary inside a gap gets the same answer: the gap named
(its two dates and the months the source lacks), the nearest real figure on either side with its date,
and which of them a change was measured from. Nothing is filled in between.
"""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.answering.model import Answer, AtFigure, Comparison, Figure, Gap, Point
from bot.answering.series import load_points, per_month
from bot.answering.series_gaps import gap_around, gap_at, nearest_side
from bot.answering.wording import exact, period_phrase
from bot.catalog import catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.understanding.grammar import Query


def _num(value: float, metric: Metric) -> str:
    return exact(value, metric.unit)


def _value(point: Point, metric: Metric) -> str:
    return _num(point.value, metric)


def nearest_figures(metric: Metric, figs: list[AtFigure]) -> str:
    """'2024-12-01 PyTorch 1,124,421, TensorFlow 665,538; 2025-02-01 PyTorch 1,153,127, …', by date."""
    by_date: dict[date, list[str]] = {}
    for f in figs:
        sides = [f.gap.before, f.gap.after] if f.gap else [f.then] if f.then else []
        for p in sides:
            by_date.setdefault(p.date, []).append(f"{f.name} {_value(p, metric)}")
    return "; ".join(f"{fmt.day(day)} {', '.join(parts)}" for day, parts in sorted(by_date.items()))


def gap_headline(metric: Metric, figs: list[AtFigure], label: str) -> str:
    """The gap named, then the nearest figures on either side, then today's and who grew most since."""
    gaps = {(f.gap.before.date, f.gap.after.date): f.gap for f in figs if f.gap}  # one phrase per stretch
    text = "; ".join(g.phrase(metric.label) for g in gaps.values()) + f": {label} falls in a gap in the data."
    text += f" Nearest: {nearest_figures(metric, figs)}."
    moved = [f for f in figs if f.moved]
    if moved:
        text += " Latest: " + ", ".join(f"{f.name} {_value(f.now, metric)} ({fmt.day(f.now.date)})" for f in moved)
        ranked = [f for f in moved if f.change_pct is not None]
        if len(ranked) >= 2 and metric.kind != "share":
            best = max(ranked, key=lambda f: f.change_pct)
            how = "grew most" if best.change_pct >= 0 else "fell least"
            text += f"; {best.name} {how} since {fmt.day(best.then.date)} ({fmt.pct(best.change_pct)})"
        text += "."
    return text


def gap_line(f: AtFigure, metric: Metric, label: str, with_unit, source) -> str:
    """One framework in a gap: both sides with dates and sources, and which side the change starts from."""
    gap = f.gap
    before, after = gap.before, gap.after
    text = (
        f"{f.name}: no figure for {label}; nearest {with_unit(before.value, metric.unit)} on {fmt.day(before.date)} "
        f"({source(before)}) and {_value(after, metric)} on {fmt.day(after.date)} ({source(after)})"
    )
    if not f.moved:
        return text + "; no newer figure in our data."
    if metric.kind == "share":
        change = f"{f.change:+.1f} points"
    else:
        change = f"{'+' if f.change >= 0 else ''}{_num(f.change, metric)}, {fmt.pct(f.change_pct)}"
    return (
        f"{text}. From {fmt.day(f.then.date)} (nearest) to {_value(f.now, metric)} on {fmt.day(f.now.date)}: {change}."
    )


def gap_rows(figs: list[AtFigure]) -> tuple[list[Point | None], list[Point | None]]:
    """The table's two rows around a gap: each framework's figure before it and after it (or its own figure)."""
    before = [f.gap.before if f.gap else f.then for f in figs]
    after = [f.gap.after if f.gap else None for f in figs]
    return before, after


def gap_notes(metric: Metric, figs: list[AtFigure], label: str) -> list[str]:
    starts = sorted({f.then.date for f in figs if f.gap and f.moved})
    if not starts:
        return []
    used = ", ".join(fmt.day(d) for d in starts)
    return [
        f"{metric.label}: {label} falls in a gap in the data, so the change to the latest figure is measured from "
        f"{used}, the nearest real figure; nothing is filled in."
    ]


# -- periods that start or end in a gap ------------------------------------------------------------
def _series(store, comparison: Comparison, figure: Figure) -> list[Point]:
    raw = load_points(store, comparison.metric.id, [figure.framework]).get(figure.framework, [])
    return per_month(raw) if comparison.rate else raw


def boundary_notes(store, answer: Answer, since: date | None, until: date | None) -> list[str]:
    """A note per gap the asked period starts or ends in: the gap named and the real figures used.

    The start is measured from the nearest side of the gap (`series_gaps.start_point`); the end is the
    last figure inside the period, the next one after the gap is named beside it.
    """
    if since is None and until is None:
        return []
    notes: dict[str, None] = {}
    comparisons = answer.comparisons if answer.query.metric else answer.comparisons[:1]
    for c in comparisons:
        for f in c.with_data:
            series = _series(store, c, f)
            for day, edge in ((since, "starts"), (until, "ends")):
                gap = gap_at(series, day) if day else None
                if gap is None:
                    continue
                used = nearest_side(gap, day) if edge == "starts" else gap.before
                other = gap.after if used is gap.before else gap.before
                note = (
                    f"{gap.phrase(c.label)}: the period {edge} in that gap, so it is measured "
                    f"{'from' if edge == 'starts' else 'to'} {fmt.day(used.date)}, the nearest real figure "
                    f"(the other side is {fmt.day(other.date)})."
                )
                notes.setdefault(note, None)
    return list(notes)


def period_in_gap(store: Store, query: Query, frameworks: list[str], metric_ids: list[str], label: str = "") -> str:
    """The headline for a period that holds no figure but lies between two that exist, else "".

    Shared by every answer that finds nothing in the asked period (compare, growth, crossover), so each
    gives the same reason: the gap named ("No GitHub stars figures between 2024-06-06 and 2024-09-05 …"),
    then the nearest stored figure on each side with its date. The first of `metric_ids` on which every
    framework with figures has such a gap is used; `label` names the metric (default: its own label).
    """
    cat = catalog()
    for metric_id in metric_ids:
        unit = METRICS[metric_id].unit
        series = {f: pts for f, pts in load_points(store, metric_id, frameworks).items() if pts}
        gaps = {f: gap_around(pts, query.since, query.until) for f, pts in series.items()}
        if not series or not all(gaps.values()):
            continue
        sides: dict[date, list[str]] = {}
        for f, gap in gaps.items():
            for p in (gap.before, gap.after):
                sides.setdefault(p.date, []).append(f"{cat[f].name} {fmt.quantity(p.value, unit)}")
        stretches = {(g.before.date, g.after.date): g for g in gaps.values()}
        named = "; ".join(g.phrase(label or METRICS[metric_id].label) for g in stretches.values())
        nearest = "; ".join(f"{fmt.day(d)} {', '.join(v)}" for d, v in sorted(sides.items()))
        return f"{named}: {period_phrase(query.period_label)} falls in a gap in the data. Nearest: {nearest}."
    return ""


__all__ = [
    "Gap",
    "boundary_notes",
    "gap_headline",
    "gap_line",
    "gap_notes",
    "gap_rows",
    "nearest_figures",
    "period_in_gap",
]
