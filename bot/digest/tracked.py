"""The workspace's tracked projects in a digest (its watch list, `/fwtrend track NAME`): each with its
headline figures as stored, dated, and nothing else.

Pure over the store: `tracked_projects(store, projects, end)` reads figures dated up to `end` (the
digest's last day) and never fetches, fills in or estimates. A figure's date is always shown (bundled
history may be months old); a 12-month change that spans a change of counting method says so; a
project with no stored figure says that, rather than being left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot import format as fmt
from bot.answering.compare import compare
from bot.catalog import catalog
from bot.metrics import METRICS
from bot.store.connection import Store

TRACKED_METRICS = ("github_stars", "pypi_downloads", "npm_downloads")
"""The headline figures of a tracked project: what the daily refresh reads for one."""
MAX_TRACKED = 10
"""Tracked projects shown in one digest; the rest are counted and pointed to `/fwtrend tracking`."""


@dataclass(frozen=True)
class TrackedFigure:
    metric: str
    value: float
    as_of: date
    change_pct: float | None
    """The change over the 12 months before `as_of`, where both ends are stored."""
    across_break: bool
    """The change spans a change of counting method."""
    stale: bool
    """Older than its source's usual freshness on the digest's last day."""


@dataclass
class TrackedProject:
    project: str
    name: str
    figures: list[TrackedFigure] = field(default_factory=list)


def tracked_projects(store: Store, projects: list[str], end: date) -> list[TrackedProject]:
    """Each tracked project (catalog ids, in list order) with its stored headline figures dated up to `end`.
    Ids the catalog no longer knows are left out (a bundle without them)."""
    cat = catalog()
    known = [p for p in dict.fromkeys(projects) if p in cat]
    out = {p: TrackedProject(p, cat[p].name) for p in known}
    if not known:
        return []
    for metric_id in TRACKED_METRICS:
        comparison = compare(store, known, metric_id, until=end, today=end)
        for figure in comparison.figures:
            if figure.latest is None:
                continue
            out[figure.framework].figures.append(
                TrackedFigure(
                    metric_id,
                    figure.latest.value,
                    figure.latest.date,
                    figure.change_pct,
                    bool(figure.breaks) and figure.change_pct is not None,
                    figure.stale,
                )
            )
    return list(out.values())


def figure_text(figure: TrackedFigure) -> str:
    """ "35.2k stars (+28% 12-month change) on 2026-08-22"."""
    metric = METRICS[figure.metric]
    unit = "stars" if metric.unit == "stars" else f"{metric.short} a day"
    text = f"{fmt.human(figure.value, metric.unit)} {unit}"
    if figure.change_pct is not None:
        across = ", across a change of counting method" if figure.across_break else ""
        text += f" ({fmt.pct(figure.change_pct)} 12-month change{across})"
    text += f" on {fmt.day(figure.as_of)}"
    return text + (" (stale)" if figure.stale else "")


def tracked_lines(tracked: list[TrackedProject]) -> list[str]:
    """One line per tracked project (at most MAX_TRACKED), then how many more and where to see them."""
    lines = []
    for project in tracked[:MAX_TRACKED]:
        figures = "; ".join(figure_text(f) for f in project.figures)
        lines.append(f"{project.name}: {figures or 'no figures stored yet (the daily refresh fetches them)'}")
    if len(tracked) > MAX_TRACKED:
        lines.append(f"…and {len(tracked) - MAX_TRACKED} more: `/fwtrend tracking` lists them")
    return lines
