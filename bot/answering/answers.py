"""The answer engine: from a `Query` and the store to figures, verdicts, crossovers and notes.

Pure functions over the store's observations; nothing here knows about Slack or terminals.
Every figure keeps its source, date and counting method, so renderers can always say where a
number came from and when it was true.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median
from typing import Any

from bot import format as fmt
from bot.answering.series_gaps import gap_around, on_or_before, start_point
from bot.catalog import Catalog, catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.store.observations import observations, sources_by_id
from bot.understanding.grammar import Query

# A jump between two observations longer than this (and than 3× the series' usual spacing) is a gap.
GAP_MIN_DAYS = 50
DEFAULT_CHANGE_DAYS = 365
CHART_TOP = 5
# Metrics shown in a comparison when the user names none, in this order. The first with data is charted.
OVERVIEW_METRICS = (
    "pypi_downloads",
    "github_stars",
    "npm_downloads",
    "so_questions",
    "hf_models",
    "arxiv_papers",
    "github_forks",
    "github_contributors",
)


@dataclass(frozen=True)
class Point:
    date: date
    value: float
    source: str
    method: str | None


@dataclass(frozen=True)
class MethodBreak:
    framework: str
    date: date
    before: str
    after: str


@dataclass
class Figure:
    framework: str
    name: str
    colour: str
    points: list[Point]
    """The series within the period, in the form answered (per month for rates of cumulative counts)."""
    latest: Point | None = None
    start: Point | None = None
    change: float | None = None
    change_pct: float | None = None
    yearly_growth: float | None = None
    share: float | None = None
    stale: bool = False
    breaks: list[MethodBreak] = field(default_factory=list)
    gaps: list[tuple[date, date]] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.latest is not None


@dataclass(frozen=True)
class Crossover:
    leader: str
    passed: str
    after: date
    """The first common date with the new order."""
    before: date
    """The last common date with the old order."""


@dataclass
class Comparison:
    metric: Metric
    rate: bool
    figures: list[Figure]
    period_label: str
    change_label: str
    crossovers: list[Crossover] = field(default_factory=list)
    leader: str | None = None
    verdict: str = ""
    comparable_dates: bool = True

    @property
    def label(self) -> str:
        return rate_label(self.metric) if self.rate else self.metric.label

    @property
    def unit(self) -> str:
        return rate_unit(self.metric) if self.rate else self.metric.unit

    @property
    def with_data(self) -> list[Figure]:
        return [f for f in self.figures if f.has_data]

    @property
    def breaks(self) -> list[MethodBreak]:
        return [b for f in self.figures for b in f.breaks]


@dataclass
class SourceCredit:
    id: str
    name: str
    credit: str
    licence: str
    as_of: date | None


@dataclass
class Answer:
    kind: str
    """compare, profile, leaderboard, growth, crossover, point_in_time, languages, article, sources,
    help, clarify or empty (no figures for what was asked)."""
    query: Query
    title: str
    headline: str
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: list[SourceCredit] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    """Free text for answers that are not tables of figures (help, sources, clarifications)."""
    suggestions: list[Query] = field(default_factory=list)
    """Corrected queries the user may mean (rendered as buttons)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def chart(self) -> Comparison | None:
        """The comparison worth charting: the first with a drawable series (a leaderboard's top five)."""
        for comparison in self.comparisons:
            if comparison.metric.chartable and sum(len(f.points) > 1 for f in comparison.figures):
                if self.kind == "leaderboard":
                    top = [f for f in comparison.figures if f.has_data][:CHART_TOP]
                    return dataclasses.replace(comparison, figures=top)
                return comparison
        return None


# -- labels ----------------------------------------------------------------------------------------
def rate_label(metric: Metric) -> str:
    if metric.kind in ("cumulative", "level"):
        return f"{metric.label} gained per month"
    return metric.label


def rate_unit(metric: Metric) -> str:
    if metric.kind in ("cumulative", "level"):
        return f"{metric.unit}/month"
    return metric.unit


# -- series ----------------------------------------------------------------------------------------
def load_points(store: Store, metric_id: str, frameworks: list[str]) -> dict[str, list[Point]]:
    """All observations of one metric for these frameworks, oldest first (cached per data version)."""

    def compute() -> dict[str, list[Point]]:
        out: dict[str, list[Point]] = {fid: [] for fid in frameworks}
        for row in observations(store, metric_id, frameworks):
            out[row["framework"]].append(
                Point(date.fromisoformat(row["date"]), row["value"], row["source"], row["method"])
            )
        return out

    return store.cached(("points", metric_id, tuple(frameworks)), compute)


def per_month(points: list[Point]) -> list[Point]:
    """The monthly gain of a cumulative series: last value of each month minus the previous month's.

    Only consecutive months both observed give a gain: a gap stays a gap, never an average.
    The current (incomplete) month is left out.
    """
    last_in_month: dict[tuple[int, int], Point] = {}
    for p in points:
        last_in_month[(p.date.year, p.date.month)] = p
    months = sorted(last_in_month)
    out: list[Point] = []
    for prev, cur in itertools.pairwise(months):
        if (cur[0] * 12 + cur[1]) - (prev[0] * 12 + prev[1]) != 1:
            continue
        a, b = last_in_month[prev], last_in_month[cur]
        if (b.date - a.date).days < 20:
            continue  # a month observed only at its very start says little about its gain
        method = b.method if a.method == b.method else f"{a.method} → {b.method}"
        # Scale to a whole month so weekly snapshots that fall on different days stay comparable.
        gain = (b.value - a.value) * 30.44 / (b.date - a.date).days
        out.append(Point(b.date.replace(day=1), gain, b.source, method))
    return out


def find_gaps(points: list[Point]) -> list[tuple[date, date]]:
    if len(points) < 3:
        return []
    spacing = [(b.date - a.date).days for a, b in itertools.pairwise(points)]
    usual = median(spacing)
    limit = max(GAP_MIN_DAYS, 3 * usual)
    return [(a.date, b.date) for a, b, d in zip(points, points[1:], spacing, strict=False) if d > limit]


def find_breaks(framework: str, points: list[Point]) -> list[MethodBreak]:
    out = []
    for a, b in itertools.pairwise(points):
        if a.method and b.method and a.method != b.method and "→" not in b.method:
            out.append(MethodBreak(framework, b.date, a.method, b.method))
    return out


def _nearest_on_or_before(points: list[Point], day: date, tolerance: int = 45) -> Point | None:
    return on_or_before(points, day, tolerance)


def _window(points: list[Point], since: date | None, until: date | None) -> list[Point]:
    return [p for p in points if (since is None or p.date >= since) and (until is None or p.date <= until)]


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
    points = _window(series, since, until)
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
        start = start_point(series, since, 45)[0] or points[0]
    else:
        start = _nearest_on_or_before(points, latest.date - timedelta(days=DEFAULT_CHANGE_DAYS))
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


def find_crossovers(figures: list[Figure]) -> list[Crossover]:
    """Where one series passed another, compared only on dates both were observed."""
    out: list[Crossover] = []
    for i, a in enumerate(figures):
        for b in figures[i + 1 :]:
            b_by_date = {p.date: p.value for p in b.points}
            common = [(p.date, p.value, b_by_date[p.date]) for p in a.points if p.date in b_by_date]
            previous = None
            for day, va, vb in common:
                if va == vb:
                    continue
                order = va > vb
                if previous is not None and order != previous[1]:
                    leader, passed = (a, b) if order else (b, a)
                    out.append(Crossover(leader.framework, passed.framework, day, previous[0]))
                previous = (day, order)
    return sorted(out, key=lambda c: c.after)


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


def verdict(c: Comparison, cat: Catalog) -> str:
    """One sentence: who leads, by how much, and who is growing faster."""
    figs = c.with_data
    unit = c.unit
    if not figs:
        return f"No {c.label} figures yet for {', '.join(f.name for f in c.figures)}."
    if len(figs) == 1:
        f = figs[0]
        text = f"{f.name}, {c.label}: {fmt.quantity(f.latest.value, unit)} ({fmt.day(f.latest.date)})"
        if f.change_pct is not None:
            text += f", {fmt.pct(f.change_pct)} {c.change_label}"
        missing = [x.name for x in c.figures if not x.has_data]
        if missing:
            text += f"; no figures for {', '.join(missing)}"
        return text + "."
    ranked = sorted(figs, key=lambda f: f.latest.value, reverse=True)
    first, second = ranked[0], ranked[1]
    if c.metric.kind == "share":
        best, runner_up = fmt.human(first.latest.value, unit), fmt.human(second.latest.value, unit)
        lead = f"{first.name} leads with {best} vs {second.name}'s {runner_up}"
    elif second.latest.value > 0:
        ratio = first.latest.value / second.latest.value
        times = f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"
        lead = f"{first.name} leads on {c.label}, {times} {second.name}"
    else:
        lead = f"{first.name} leads on {c.label}"
    if not c.comparable_dates:
        lead += " (latest figures from different dates)"
    growth = [f for f in figs if f.change_pct is not None]
    if len(growth) >= 2:
        fastest = max(growth, key=lambda f: f.change_pct)
        verb = "grew fastest" if fastest.change_pct >= 0 else "fell least"
        lead += f"; {fastest.name} {verb} ({fmt.pct(fastest.change_pct)}, {c.change_label}"
        lead += ", across a change of counting method)" if fastest.breaks else ")"
    if c.crossovers:
        last = c.crossovers[-1]
        lead += f". {cat[last.leader].name} passed {cat[last.passed].name} {fmt.span(last.before, last.after)}"
    return lead + "."


# -- whole answers ---------------------------------------------------------------------------------
def source_credits(store: Store, comparisons: list[Comparison]) -> list[SourceCredit]:
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


def _notes(comparisons: list[Comparison], cat: Catalog, *, detail_first_only: bool = False) -> list[str]:
    """Method changes, stale figures and gaps, one line per metric and kind, so nothing is hidden.

    In an overview of many metrics only the charted (first) one gets stale and gap lines; the table
    marks stale figures itself.
    """
    notes: list[str] = []
    for index, c in enumerate(comparisons):
        breaks: dict[tuple[date, str, str], None] = {}
        for b in c.breaks:
            breaks[(b.date, b.before, b.after)] = None
        for when, before, after in breaks:
            notes.append(f"{c.label}: counting changed on {fmt.day(when)} ({before} → {after}).")
        if detail_first_only and index > 0:
            continue
        stale = [f for f in c.with_data if f.stale]
        if stale:
            by_date: dict[date, list[str]] = {}
            for f in stale:
                by_date.setdefault(f.latest.date, []).append(f.name)
            parts = [
                f"{', '.join(names)} {fmt.day(day)}" if len(by_date) > 1 or len(stale) < len(c.with_data) else
                fmt.day(day)
                for day, names in sorted(by_date.items(), reverse=True)
            ]  # fmt: skip
            notes.append(f"{c.label}: newest figures are from {'; '.join(parts)}, older than usual.")
        gaps: dict[tuple[date, date], None] = {}
        for f in c.with_data:
            for gap in f.gaps:
                gaps[gap] = None
        if gaps:
            shown = ", ".join(f"{fmt.day(a)} → {fmt.day(b)}" for a, b in list(gaps)[-3:])
            more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
            notes.append(f"{c.label}: no figures {shown}{more} (gaps left open on the chart).")
        if c.metric.note and c.metric.id in ("github_stars_retained", "pwc_paper_share"):
            notes.append(f"{c.label}: {c.metric.note}.")
    return notes


def overview_headline(comparisons: list[Comparison], cat: Catalog) -> str:
    """Who leads on each of the first few metrics, in one sentence."""
    parts = []
    for c in comparisons[:3]:
        figs = sorted(c.with_data, key=lambda f: f.latest.value, reverse=True)
        if len(figs) < 2:
            continue
        first, second = figs[0], figs[1]
        ratio = f" ({first.latest.value / second.latest.value:.1f}× {second.name})" if second.latest.value > 0 else ""
        parts.append(f"{first.name} leads on {c.label}{ratio}")
    if not parts:
        return comparisons[0].verdict
    crossovers = [x for c in comparisons for x in c.crossovers if x.after.year >= 2015]
    text = "; ".join(parts) + "."
    if crossovers and comparisons[0].crossovers:
        last = comparisons[0].crossovers[-1]
        text += f" {cat[last.leader].name} passed {cat[last.passed].name} on {comparisons[0].label} "
        text += f"{fmt.span(last.before, last.after)}."
    return text


def _period_phrase(label: str | None) -> str:
    if not label:
        return "in that period"
    if label.startswith("last"):
        return f"in the {label}"
    if label[0].isdigit():
        return f"in {label}"
    return label


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
    if not dates:
        headline = f"I have no {what}{who} yet."
        return Answer("empty", query, title, headline, lines=["`fwtrend refresh` fetches them; or try another metric."])
    inside = _period_in_gap(store, query, frameworks, metric_ids, label)
    if inside:
        return Answer("empty", query, title, inside, lines=["Try a period that reaches one of those dates."])
    oldest, newest = min(d[0] for d in dates), max(d[1] for d in dates)
    headline = (
        f"I have no {what}{who} {_period_phrase(query.period_label)}: "
        f"they run from {fmt.day(oldest)} to {fmt.day(newest)}."
    )
    return Answer("empty", query, title, headline, lines=["Try another period, or `all history`."])


def _period_in_gap(store: Store, query: Query, frameworks: list[str], metric_ids: list[str], label: str) -> str:
    """A period with no figures between two that exist: the gap named, with the nearest figure on each side."""
    for metric_id in metric_ids:
        unit = METRICS[metric_id].unit
        series = {f: pts for f, pts in load_points(store, metric_id, frameworks).items() if pts}
        gaps = {f: gap_around(pts, query.since, query.until) for f, pts in series.items()}
        if not series or not all(gaps.values()):
            continue
        sides: dict[date, list[str]] = {}
        for f, gap in gaps.items():
            for p in (gap.before, gap.after):
                sides.setdefault(p.date, []).append(f"{catalog()[f].name} {fmt.quantity(p.value, unit)}")
        stretches = {(g.before.date, g.after.date): g for g in gaps.values()}
        named = "; ".join(g.phrase(label or METRICS[metric_id].label) for g in stretches.values())
        nearest = "; ".join(f"{fmt.day(d)} {', '.join(v)}" for d, v in sorted(sides.items()))
        return f"{named}: {_period_phrase(query.period_label)} falls in a gap in the data. Nearest: {nearest}."
    return ""


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
    answer.notes = _notes(comparisons, cat, detail_first_only=not query.metric)
    answer.sources = source_credits(store, comparisons)
    return answer


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
    answer.notes = _notes(comparisons, cat, detail_first_only=True)
    answer.sources = source_credits(store, comparisons)
    return answer


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
    answer.notes = _notes([comparison], cat)
    if missing:
        answer.notes.append(f"No figures for {', '.join(f.name for f in missing)}.")
    answer.sources = source_credits(store, [comparison])
    return answer


# -- growth ----------------------------------------------------------------------------------------
# Growth is measured between stored figures at each end of the window (never averages, so the prose
# and the table agree); momentum compares the monthly gains of the latest 3 months with a year earlier.
MOMENTUM_DAYS = 90


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


def _value_at(points: list[Point], day: date) -> float | None:
    """The stored figure on or nearest before `day` (within 45 days), never an interpolation."""
    point = _nearest_on_or_before(points, day)
    return point.value if point else None


def _months(a: date, b: date) -> float:
    return max((b - a).days / 30.44, 1e-9)


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
        first = start_point(pts, start, 45)[0]  # a start in a gap reads its nearest real figure
        a, b = (first.value if first else None), _value_at(pts, end)
        if a is None or b is None:
            left_out.append(fid)
            continue
        years = (end - start).days / 365.25
        pct = 100 * (b - a) / abs(a) if a else None
        per_year = 100 * ((b / a) ** (1 / years) - 1) if years >= 1.2 and a > 0 and b > 0 else None
        row = GrowthRow(fid, cat[fid].name, a, b, pct, per_year, (b - a) / _months(start, end))
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
    answer.notes = [n for g in results for n in growth_notes(g)] + _notes(comparisons, cat, detail_first_only=True)
    answer.sources = source_credits(store, comparisons)
    answer.extra["growth"] = results
    return answer


# -- crossover -------------------------------------------------------------------------------------
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
    va, vb = _nearest_on_or_before(a, end), _nearest_on_or_before(b, end)
    if va is None or vb is None:
        return None, None, None
    gap = vb.value - va.value
    start = end - timedelta(days=365)
    sa, sb = _nearest_on_or_before(a, start), _nearest_on_or_before(b, start)
    if sa is None or sb is None:
        return gap, None, None
    change = (gap - (sb.value - sa.value)) / _months(start, end)
    catch_up = None
    if gap > 0 and change < 0:
        months = gap / -change
        if months <= 120:
            catch_up = end + timedelta(days=round(months * 30.44))
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
        label = METRICS[query.metric].label if query.metric else "any metric"
        return Answer("empty", query, title, f"I have no {label} figures for both {cat[x].name} and {cat[y].name}.")
    if not query.metric:
        # Lead with a metric where the challenger did pass: that is what "when did X overtake Y" asks.
        races.sort(key=lambda r: not any(c.leader == x for c in r.crossovers))
        races = races[:4]
    lines = [race_sentence(r) for r in races[1:]]
    comparisons = [compare_query(store, [x, y], r.metric.id, query, today=today, cat=cat) for r in races]
    answer = Answer("crossover", query, title, race_sentence(races[0]), comparisons=comparisons, lines=lines)
    answer.notes = _notes(comparisons, cat, detail_first_only=True)
    answer.sources = source_credits(store, comparisons)
    answer.extra["races"] = races
    return answer
