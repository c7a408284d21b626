"""Who passed whom: "when did pytorch overtake tensorflow?", "has jax passed keras yet?".

Crossovers are read only on dates both series were observed; whether a gap is closing is the change of
the gap between two stored figures a year apart, and any catch-up date is labelled a straight-line
projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot import format as fmt
from bot.answering.compare import START_TOLERANCE_DAYS, compare_query
from bot.answering.gap_answers import period_in_gap
from bot.answering.model import OVERVIEW_METRICS, Answer, Crossover, Figure, Point
from bot.answering.series import DAYS_PER_MONTH, months_between, value_at
from bot.answering.sources import source_credits
from bot.answering.wording import comparison_notes
from bot.catalog import Catalog, catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.understanding.grammar import Query

GAP_HINT = "Who leads is read on real figures: try a period that reaches one of those dates."


@dataclass
class Race:
    """Where two frameworks stand on one metric: who passed whom, and whether the gap is closing."""

    metric: Metric
    challenger: Figure
    other: Figure
    crossovers: list[Crossover]
    gap_now: float | None = None
    gap_change_per_month: float | None = None
    """Change of (other - challenger) per month over the last year; negative means closing."""
    catch_up: date | None = None


def _gap_trend(a: list[Point], b: list[Point]) -> tuple[float | None, float | None, date | None]:
    """The gap b - a now, its change per month over the last year, and where a straight line meets zero."""
    if not a or not b:
        return None, None, None
    end = min(a[-1].date, b[-1].date)
    va, vb = value_at(a, end, tolerance=START_TOLERANCE_DAYS), value_at(b, end, tolerance=START_TOLERANCE_DAYS)
    if va is None or vb is None:
        return None, None, None
    gap = vb.value - va.value
    start = end - timedelta(days=365)
    sa, sb = value_at(a, start, tolerance=START_TOLERANCE_DAYS), value_at(b, start, tolerance=START_TOLERANCE_DAYS)
    if sa is None or sb is None:
        return gap, None, None
    change = (gap - (sb.value - sa.value)) / months_between(start, end)
    catch_up = None
    if gap > 0 and change < 0:
        months = gap / -change
        if months <= 120:
            catch_up = end + timedelta(days=round(months * DAYS_PER_MONTH))
    return gap, change, catch_up


def race(
    store: Store, challenger: str, other: str, metric_id: str, query: Query, today: date, cat: Catalog
) -> Race | None:
    c = compare_query(store, [challenger, other], metric_id, query, today=today, cat=cat)
    a, b = c.figures
    if not (a.has_data and b.has_data):
        return None
    result = Race(c.metric, a, b, c.crossovers)
    result.gap_now, result.gap_change_per_month, result.catch_up = _gap_trend(a.points, b.points)
    return result


def race_sentence(r: Race) -> str:
    """The direct answer to "when did X pass Y" / "has X passed Y yet" on one metric."""
    x, y, label, unit = r.challenger, r.other, r.metric.label, r.metric.unit
    passes = [c for c in r.crossovers if c.leader == x.framework]
    backs = [c for c in r.crossovers if c.leader == y.framework]
    x_leads = x.latest.value > y.latest.value
    if x_leads:
        if passes:
            last = passes[-1]
            return f"{x.name} passed {y.name} on {label} {fmt.span(last.before, last.after)}, and still leads."
        first = min(p.date for p in x.points + y.points)
        return f"{x.name} has been ahead of {y.name} on {label} in all my figures (since {fmt.month(first)})."
    values = f"{fmt.human(y.latest.value, unit)} vs {fmt.human(x.latest.value, unit)}"
    head = f"Not yet: {y.name} leads {x.name} on {label}, {values}"
    if passes:
        last, back = passes[-1], backs[-1] if backs else None
        head = f"Not now: {x.name} passed {y.name} on {label} {fmt.span(last.before, last.after)}"
        if back:
            head += f", but {y.name} took the lead back {fmt.span(back.before, back.after)}"
    if r.gap_change_per_month is None:
        return head + "; too little history to tell whether the gap is closing."
    per_month = fmt.human(abs(r.gap_change_per_month), unit)
    if r.gap_change_per_month < 0:
        text = head + f"; the gap is closing at {per_month} {unit} per month"
        if r.catch_up:
            text += f" (at that pace {x.name} would pass around {fmt.month(r.catch_up)}, a straight-line projection)"
        return text + "."
    if r.gap_change_per_month > 0:
        return head + f"; the gap is widening at {per_month} {unit} per month."
    return head + "; the gap is steady."


def _all_crossovers(
    store: Store, frameworks: list[str], metric_id: str, query: Query, today: date, cat: Catalog
) -> Answer:
    """Crossovers involving these frameworks (or any) on one metric, newest first."""
    c = compare_query(store, cat.ids(), metric_id, query, today=today, cat=cat)
    found = [x for x in reversed(c.crossovers) if not frameworks or {x.leader, x.passed} & set(frameworks)]
    title = f"Crossovers on {c.label}"
    inside = "" if c.with_data else period_in_gap(store, query, frameworks or cat.ids(), [metric_id], c.label)
    if inside:
        return Answer("empty", query, title, inside, lines=[GAP_HINT])
    if not found:
        who = " or ".join(cat[f].name for f in frameworks) or "any framework"
        return Answer(
            "crossover", query, title, f"No crossovers on {c.label} for {who} in my figures.", comparisons=[c]
        )
    lines = [f"{cat[x.leader].name} passed {cat[x.passed].name} {fmt.span(x.before, x.after)}." for x in found[:8]]
    newest = found[0]
    when = fmt.span(newest.before, newest.after)
    headline = f"Most recently, {cat[newest.leader].name} passed {cat[newest.passed].name} on {c.label} {when}."
    return Answer("crossover", query, title, headline, comparisons=[c], lines=lines[1:])


def answer_crossover(store: Store, query: Query, *, today: date | None = None) -> Answer:
    """When X passed Y (or "not yet", with whether the gap is closing), per metric; the first line answers."""
    cat = catalog()
    today = today or date.today()
    if len(query.frameworks) != 2:
        return _all_crossovers(store, query.frameworks, query.metric or "github_stars", query, today, cat)
    x, y = query.frameworks
    metric_ids = [query.metric] if query.metric else list(OVERVIEW_METRICS)
    races = [r for m in metric_ids if (r := race(store, x, y, m, query, today, cat))]
    title = f"{cat[x].name} vs {cat[y].name}: who passed whom"
    if not races:
        # A period inside a gap has figures on both sides: name the gap and them, not "no figures".
        inside = period_in_gap(store, query, [x, y], metric_ids)
        if inside:
            return Answer("empty", query, title, inside, lines=[GAP_HINT])
        label = METRICS[query.metric].label if query.metric else "any metric"
        return Answer("empty", query, title, f"I have no {label} figures for both {cat[x].name} and {cat[y].name}.")
    if not query.metric:
        # Lead with a metric where the challenger did pass: that is what "when did X overtake Y" asks.
        races.sort(key=lambda r: not any(c.leader == x for c in r.crossovers))
        races = races[:4]
    lines = [race_sentence(r) for r in races[1:]]
    comparisons = [compare_query(store, [x, y], r.metric.id, query, today=today, cat=cat) for r in races]
    answer = Answer("crossover", query, title, race_sentence(races[0]), comparisons=comparisons, lines=lines)
    answer.notes = comparison_notes(comparisons, cat, detail_first_only=True)
    answer.sources = source_credits(store, comparisons)
    answer.extra["races"] = races
    return answer
