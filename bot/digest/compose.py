"""What a digest says: the period's movers, milestones, new leaders and crossovers, freshness.

Pure over the store: `compose(store, frameworks, cadence, end)` reads figures dated up to `end`
and nothing else, so a digest can be rebuilt for any past period and tested with hand-made series.

Each metric's history is cut into periods ending on `end` (the digest's own weeks or days).
For running totals (stars) a period's figure is what was gained in it; for rates and flows
(downloads a day, questions a month) it is the mean of the figures dated in it. A metric with
no figure dated in the current period has nothing new to say and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.answering.compare import compare
from bot.answering.model import Comparison, Point
from bot.answering.series import load_points
from bot.catalog import catalog
from bot.digest.tracked import TrackedProject, tracked_projects
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.store.refresh_runs import last_run

DIGEST_METRICS = ("github_stars", "pypi_downloads", "npm_downloads", "hf_models", "so_questions", "arxiv_papers")
HISTORY = 4
"""Periods averaged for 'vs the 4-period average'."""
NOTABLE_PCT = 25.0
"""A period that differs from the usual by less than this is not a move worth a line."""
MIN_CHANGE = 10.0
"""…nor is one whose absolute difference is this small (3 stars instead of 2 is +50%)."""
MAX_METRIC_LINES = 4
MILESTONE_STEPS = (1.0, 2.0, 2.5, 5.0)
CHART_SPAN = {"weekly": timedelta(weeks=26), "daily": timedelta(days=90)}
CHART_SPAN_LABEL = {"weekly": "last 6 months", "daily": "last 3 months"}


@dataclass
class Move:
    framework: str
    name: str
    current: float
    """This period's gain (running totals) or mean level (rates, flows)."""
    previous: float | None
    average: float | None
    vs_previous_pct: float | None
    vs_average_pct: float | None
    notable: bool


@dataclass
class MetricMoves:
    metric: Metric
    gains: bool
    """True when figures are gains in the period (stars gained), False for levels (downloads a day)."""
    moves: list[Move]

    @property
    def movers(self) -> list[Move]:
        return sorted(
            (m for m in self.moves if m.notable),
            key=lambda m: -abs(m.vs_average_pct if m.vs_average_pct is not None else m.vs_previous_pct or 0),
        )

    @property
    def strength(self) -> float:
        return max((abs(m.vs_average_pct or m.vs_previous_pct or 0) for m in self.movers), default=0.0)


@dataclass
class SourceFreshness:
    source: str
    name: str
    newest: date
    stale: bool
    last_refresh_failed: bool = False


@dataclass
class Digest:
    frameworks: list[str]
    names: list[str]
    cadence: str
    start: date
    end: date
    metrics: list[MetricMoves] = field(default_factory=list)
    milestones: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    crossovers: list[str] = field(default_factory=list)
    freshness: list[SourceFreshness] = field(default_factory=list)
    chart: Comparison | None = None
    tracked: list[TrackedProject] = field(default_factory=list)
    """The workspace's tracked projects with their stored headline figures (`bot.digest.tracked`)."""

    @property
    def period_word(self) -> str:
        return "week" if self.cadence == "weekly" else "day"

    @property
    def movers(self) -> list[MetricMoves]:
        return [m for m in self.metrics if m.movers]

    @property
    def quiet(self) -> bool:
        """Nothing worth more than one line."""
        return not (self.movers or self.milestones or self.leaders or self.crossovers)

    @property
    def stale(self) -> list[SourceFreshness]:
        return [s for s in self.freshness if s.stale or s.last_refresh_failed]


# -- periods --------------------------------------------------------------------------------------------
def _bucket(points: list[Point], end: date, period: timedelta, k: int) -> list[Point]:
    hi = end - k * period
    lo = hi - period
    return [p for p in points if lo < p.date <= hi]


def _pct(value: float, base: float | None) -> float | None:
    if base is None or base == 0:
        return None
    return 100 * (value - base) / abs(base)


def period_values(points: list[Point], metric: Metric, end: date, period: timedelta) -> list[float | None]:
    """The figure of each period, newest first (index 0 = the current period), HISTORY + 1 of them."""
    buckets = [_bucket(points, end, period, k) for k in range(HISTORY + 2)]
    if metric.kind in ("cumulative", "level"):
        out: list[float | None] = []
        for k in range(HISTORY + 1):
            now, before = buckets[k], buckets[k + 1]
            if not now or not before:
                out.append(None)
                continue
            a, b = before[-1], now[-1]
            # Scale to a whole period so snapshots a few days off still compare fairly.
            out.append((b.value - a.value) * period.days / max(1, (b.date - a.date).days))
        return out
    return [sum(p.value for p in b) / len(b) if b else None for b in buckets[: HISTORY + 1]]


def measure(framework: str, name: str, values: list[float | None]) -> Move | None:
    current = values[0]
    if current is None:
        return None
    history = [v for v in values[1:] if v is not None]
    previous = values[1]
    average = sum(history) / len(history) if len(history) >= 2 else None
    vs_prev, vs_avg = _pct(current, previous), _pct(current, average)
    base, pct = (average, vs_avg) if average is not None else (previous, vs_prev)
    notable = pct is not None and base is not None and abs(pct) >= NOTABLE_PCT and abs(current - base) >= MIN_CHANGE
    return Move(framework, name, current, previous, average, vs_prev, vs_avg, notable)


# -- milestones, leaders, crossovers --------------------------------------------------------------------
def round_numbers_crossed(before: float, after: float) -> list[float]:
    """Round numbers (1, 2, 2.5, 5 × 10^k, from 1,000) passed going up from `before` to `after`."""
    out = []
    for exponent in range(3, 13):
        for step in MILESTONE_STEPS:
            mark = step * 10**exponent
            if before < mark <= after:
                out.append(mark)
    return out


def round_label(mark: float) -> str:
    """100000 → '100k', 2500000 → '2.5M' (fmt.human would say '1.00k')."""
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if mark >= threshold:
            return f"{mark / threshold:g}{suffix}"
    return f"{mark:g}"


def _level_before(points: list[Point], start: date, period: timedelta) -> Point | None:
    older = [p for p in points if start - 3 * period < p.date <= start]
    return older[-1] if older else None


def _level_now(points: list[Point], start: date, end: date) -> Point | None:
    within = [p for p in points if start < p.date <= end]
    return within[-1] if within else None


# -- freshness ------------------------------------------------------------------------------------------
def freshness(store: Store, latest: dict[tuple[str, str], Point], today: date) -> list[SourceFreshness]:
    """For each source that gave a digest metric its newest figure: how new, and whether stale."""
    by_source: dict[str, tuple[date, int]] = {}
    for (metric_id, _fw), point in latest.items():
        allowed = METRICS[metric_id].fresh_days
        newest, limit = by_source.get(point.source, (date.min, allowed))
        by_source[point.source] = (max(newest, point.date), min(limit, allowed))
    names = store.cached(("sources",), lambda: sources_by_id(store))
    out = []
    for source, (newest, limit) in sorted(by_source.items(), key=lambda kv: kv[1][0], reverse=True):
        run = last_run(store, source)
        out.append(
            SourceFreshness(
                source,
                (names.get(source) or {}).get("name") or source,
                newest,
                (today - newest).days > limit,
                bool(run and run["status"] not in ("ok", "running")),
            )
        )
    return out


# -- the digest -----------------------------------------------------------------------------------------
def compose(
    store: Store,
    frameworks: list[str],
    cadence: str,
    end: date,
    *,
    chart: bool = True,
    tracked: list[str] | None = None,
) -> Digest:
    """The digest of the period that ends on `end` (a local date), for these frameworks, naming the
    `tracked` projects (the workspace's watch list, catalog ids) with their headline figures."""
    cat = catalog()
    period = timedelta(days=7 if cadence == "weekly" else 1)
    start = end - period
    digest = Digest(list(frameworks), [cat[f].name for f in frameworks], cadence, start, end)
    latest: dict[tuple[str, str], Point] = {}
    for metric_id in DIGEST_METRICS:
        metric = METRICS[metric_id]
        series = {
            fw: [p for p in pts if p.date <= end] for fw, pts in load_points(store, metric_id, frameworks).items()
        }
        gains = metric.kind in ("cumulative", "level")
        moves = []
        before: dict[str, float] = {}
        after: dict[str, float] = {}
        for fw in frameworks:
            points = series.get(fw, [])
            if points:
                latest[(metric_id, fw)] = points[-1]
            move = measure(fw, cat[fw].name, period_values(points, metric, end, period))
            if move:
                moves.append(move)
            old, new = _level_before(points, start, period), _level_now(points, start, end)
            if old and new:
                before[fw], after[fw] = old.value, new.value
                if metric.kind != "flow":
                    marks = round_numbers_crossed(old.value, new.value)
                    if marks:
                        digest.milestones.append(f"{cat[fw].name} passed {round_label(marks[-1])} {metric.label}")
        if moves:
            digest.metrics.append(MetricMoves(metric, gains, moves))
        _order_changes(digest, metric, before, after)
    digest.metrics.sort(key=lambda m: -m.strength)
    digest.freshness = freshness(store, latest, end)
    digest.tracked = tracked_projects(store, [p for p in tracked or [] if p not in frameworks], end)
    if chart and not digest.quiet:
        digest.chart = _chart(store, digest)
    return digest


def _order_changes(digest: Digest, metric: Metric, before: dict[str, float], after: dict[str, float]) -> None:
    """New leaders and crossovers among the subscribed frameworks, from the order at each end of the period."""
    cat = catalog()
    both = [fw for fw in digest.frameworks if fw in before and fw in after]
    if len(both) < 2:
        return
    old_leader = max(both, key=lambda fw: before[fw])
    new_leader = max(both, key=lambda fw: after[fw])
    if new_leader != old_leader:
        digest.leaders.append(
            f"{cat[new_leader].name} is the new leader on {metric.label}, passing {cat[old_leader].name}"
        )
    for a in both:
        for b in both:
            if a == b or (a, b) == (new_leader, old_leader):
                continue
            if before[a] < before[b] and after[a] > after[b]:
                digest.crossovers.append(f"{cat[a].name} passed {cat[b].name} on {metric.label}")


def _chart(store: Store, digest: Digest) -> Comparison | None:
    """The metric that moved most, over the last months; else the first digest metric with a drawable series."""
    ordered = [m.metric.id for m in digest.movers] + list(DIGEST_METRICS)
    for metric_id in dict.fromkeys(ordered):
        if not METRICS[metric_id].chartable:
            continue
        comparison = compare(
            store,
            digest.frameworks,
            metric_id,
            since=digest.end - CHART_SPAN[digest.cadence],
            until=digest.end,
            period_label=CHART_SPAN_LABEL[digest.cadence],
            today=digest.end,
        )
        if sum(len(f.points) > 1 for f in comparison.figures):
            return comparison
    return None
