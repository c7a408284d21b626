"""What alerts say, as plain text (the Slack layer escapes and lays it out; the terminal prints it): an
alert's rule in a list, the message when it fires, and a milestone. Every figure is a stored one with its
own date and counting method; the figure just before a crossing is named, so a gap between them shows.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.alerts.conditions import Crossing
from bot.answering.model import Point
from bot.catalog import catalog
from bot.format import human
from bot.metrics import METRICS
from bot.store.alerts import Alert

_WINDOW = {"day": "a day", "week": "a week", "month": "a month", "quarter": "a quarter", "year": "a year"}


def name(project: str) -> str:
    """A project's name as the catalog spells it (its id when the catalog no longer has it)."""
    cat = catalog()
    return cat[project].name if project in cat else project


def figure(value: float, metric_id: str) -> str:
    """A figure as read in a message: running totals exactly (50,412 stars), rates rounded (1.54M downloads/day)."""
    metric = METRICS[metric_id]
    if metric.kind == "cumulative":
        return f"{value:,.0f} {metric.unit}"
    return f"{human(value, metric.unit)} {metric.unit}"


def mark_text(value: float) -> str:
    """A round number written out: 40000 → '40,000', 2000000 → '2,000,000'; a fraction keeps its digits."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def dated(point: Point, metric_id: str) -> str:
    """ "50,412 stars on 2026-11-30" """
    return f"{figure(point.value, metric_id)} on {point.date.isoformat()}"


AT_THE_TIME = "counted at the time"


def counted(point: Point, metric_id: str) -> str:
    """How the figure was counted: ", counted at the time (GitHub /repos snapshot)" for stars (never the
    retained count rebuilt later), else ", <its counting method>", or "" when the store has none."""
    if metric_id == "github_stars":
        how = f" ({point.method})" if point.method and point.method != AT_THE_TIME else ""
        return f", {AT_THE_TIME}{how}"
    return f", {point.method}" if point.method else ""


def describe_rule(alert: Alert) -> str:
    """One line for a list: "JAX reaches 50,000 GitHub stars"."""
    label = METRICS[alert.metric].label if alert.metric in METRICS else alert.metric
    if alert.kind == "threshold":
        return f"{name(alert.framework)} reaches {mark_text(alert.threshold)} {label}"
    if alert.kind == "passes":
        return f"{name(alert.framework)} passes {name(alert.other)} on {label}"
    way = "rises" if alert.change_pct >= 0 else "falls"
    span = _WINDOW.get(alert.window, alert.window)
    return f"{name(alert.framework)} {label} {way} {abs(alert.change_pct):g}% in {span}"


def fired_text(alert: Alert, crossing: Crossing, mention: Callable[[str], str] = str) -> str:
    """The message an alert posts when its condition is met: what happened, then who set the alert, when
    and as typed (`mention` shows who: a Slack mention in Slack)."""
    metric = alert.metric
    label = METRICS[metric].label if metric in METRICS else metric
    who, first = name(alert.framework), crossing.first
    if alert.kind == "threshold":
        line = f"{who} passed {mark_text(alert.threshold)} {label}: {dated(first, metric)}{counted(first, metric)}."
        if crossing.before:
            line += f" The figure before was {dated(crossing.before, metric)}."
    elif alert.kind == "passes":
        other = name(alert.other)
        assert crossing.other_first is not None  # a passes crossing always has B's figure
        line = (
            f"{who} passed {other} on {label}: {figure(first.value, metric)} against "
            f"{figure(crossing.other_first.value, metric)} on {first.date.isoformat()}{counted(first, metric)}."
        )
        if crossing.before and crossing.other_before:
            line += (
                f" On {crossing.before.date.isoformat()}, the date both were counted before, {who} had "
                f"{figure(crossing.before.value, metric)} and {other} {figure(crossing.other_before.value, metric)}."
            )
    else:
        base, latest = crossing.base, crossing.latest
        way = "rose" if (crossing.change_pct or 0) >= 0 else "fell"
        line = f"{who} {label} {way} {abs(crossing.change_pct or 0):.0f}% in {_WINDOW.get(alert.window, alert.window)}"
        if base is not None:
            line += f": {dated(latest, metric)}, from {dated(base, metric)}{counted(latest, metric)}."
        else:
            line += f": {dated(latest, metric)}{counted(latest, metric)}."
    by = f" by {mention(alert.created_by)}" if alert.created_by else ""
    return f"{line}\nAlert set{by} on {alert.created_at[:10]}: `{alert.text}`."


def milestone_text(project: str, metric_id: str, crossing: Crossing) -> str:
    """ "JAX passed 40,000 GitHub stars on 2026-11-30, counted at the time: …" """
    label = METRICS[metric_id].label if metric_id in METRICS else metric_id
    first = crossing.first
    line = (
        f"{name(project)} passed {mark_text(float(crossing.key))} {label} on {first.date.isoformat()}"
        f"{counted(first, metric_id)}: {figure(first.value, metric_id)} that day"
    )
    if crossing.before:
        line += f"; the figure before was {dated(crossing.before, metric_id)}"
    return line + "."
