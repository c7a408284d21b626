"""The answer model: what an answer holds, for renderers to draw (no Slack, no store).

Every figure keeps its source, date and counting method, so renderers can always say where a
number came from and when it was true.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import format as fmt
from bot.metrics import Metric
from bot.understanding.grammar import Query

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


# -- labels ------------------------------------------------------------------------------------------
def rate_label(metric: Metric) -> str:
    if metric.kind in ("cumulative", "level"):
        return f"{metric.label} gained per month"
    return metric.label


def rate_unit(metric: Metric) -> str:
    if metric.kind in ("cumulative", "level"):
        return f"{metric.unit}/month"
    return metric.unit


@dataclass(frozen=True)
class Gap:
    """Two consecutive observations with no figure between them where the series usually has one."""

    before: Point
    after: Point

    @property
    def missing_months(self) -> list[date]:
        """First days of the calendar months wholly without a figure (January 2025 in 2024-12-01 → 2025-02-01)."""
        out = []
        year, month = self.before.date.year, self.before.date.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            first = date(year, month, 1)
            if first >= self.after.date.replace(day=1):
                return out
            out.append(first)

    def phrase(self, label: str) -> str:
        """'No PyPI downloads per day figures between 2024-12-01 and 2025-02-01 (none for January 2025 in the
        source)'."""
        months = self.missing_months
        if len(months) == 1:
            why = f"none for {months[0]:%B %Y} in the source"
        elif months:
            why = f"none for {months[0]:%B %Y} to {months[-1]:%B %Y} in the source"
        else:
            why = "snapshots missing from the source"
        return f"No {label} figures between {fmt.day(self.before.date)} and {fmt.day(self.after.date)} ({why})"


@dataclass
class AtFigure:
    """One framework's figure at a point in time ("stars in january 2023") beside its latest."""

    framework: str
    name: str
    colour: str
    then: Point | None
    now: Point | None
    series: list[Point]
    """The series from `then` to `now`, for the chart."""
    retained: bool = False
    """`then` comes from the rebuilt retained-stars series because no count taken at the time was near."""
    gap: Gap | None = None
    """The date asked falls in this gap of the series: `then` is its nearest side, never a filled-in value."""

    @property
    def moved(self) -> bool:
        return self.then is not None and self.now is not None and self.now.date > self.then.date

    @property
    def change(self) -> float | None:
        return self.now.value - self.then.value if self.moved else None

    @property
    def change_pct(self) -> float | None:
        if not self.moved or not self.then.value:
            return None
        return 100 * (self.now.value - self.then.value) / abs(self.then.value)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
