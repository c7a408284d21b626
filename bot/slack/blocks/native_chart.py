"""An answer's chart as Slack's native `data_visualization` block, when it fits the block's limits.

Slack draws the chart itself, so it shows in ephemeral replies, App Home and unfurls, where no PNG can go.
Limits (docs.slack.dev/reference/block-kit/blocks/data-visualization-block): title ≤ 50 characters;
`line`/`bar`/`area`: 1–6 series, each named in ≤ 20 characters with one point per axis category, ≤ 20
categories (labels ≤ 20 characters), axis labels ≤ 50; `pie`: 1–6 segments. slack_sdk has no model
class for it, so it is a dict.

Only real figures go in: each category holds each line's last stored figure dated within it, and a
chart that would need a figure a line does not have there (a gap, a line that starts later) is not
drawn natively. Long histories and charts that span a change of counting method (drawn dotted on the
PNG) keep the PNG. A log scale cannot be set on the block, so a log-scale chart plots log10 of each
figure and says so in its title and axis label.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from bot.answering.aligned import months_between
from bot.answering.model import Answer, Comparison, Figure
from bot.answering.scale import use_log_scale
from bot.answering.series import find_breaks

MAX_TITLE = 50
MAX_SERIES = 6
MAX_CATEGORIES = 20
MAX_LABEL = 20
MAX_AXIS_LABEL = 50
# Months per category, finest first: a longer span takes the first step that fits MAX_CATEGORIES.
STEPS = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float, log: bool) -> float | int:
    if log:
        return round(math.log10(value), 3)
    return int(value) if float(value).is_integer() else round(value, 4)


def _title(label: str, log: bool) -> str:
    suffix = " (log scale)" if log else ""
    return _clip(label, MAX_TITLE - len(suffix)) + suffix


def _y_label(unit: str, log: bool) -> str:
    return _clip(f"log10 of {unit} (log scale)" if log else unit, MAX_AXIS_LABEL)


def _bucket(day: date, start: date, step: int) -> int:
    return months_between(start, day) // step


def _bucket_label(start: date, index: int, step: int) -> str:
    months = start.year * 12 + start.month - 1 + index * step
    year, month = divmod(months, 12)
    if step == 1:
        return f"{year}-{month + 1:02d}"
    last_year, last_month = divmod(months + step - 1, 12)
    if step == 12 and month == 0:
        return str(year)
    return f"{year}-{month + 1:02d} to {last_year}-{last_month + 1:02d}"  # 18 characters


def _categories(figures: list[Figure], aligned: bool) -> tuple[list[str], list[list[float]], str] | None:
    """(category labels, one value list per figure, x-axis label), each value a stored figure, or None
    when no step gives ≤ 20 categories in which every line has a figure."""
    lines = [f for f in figures if f.points]
    starts = {f.framework: f.points[0].date.replace(day=1) for f in lines}
    common_start = min(starts.values())
    end = max(f.points[-1].date for f in lines)
    for step, name in STEPS.items():
        spans = [
            months_between(starts[f.framework] if aligned else common_start, f.points[-1].date) // step + 1
            for f in lines
        ]
        count = min(spans) if aligned else months_between(common_start, end) // step + 1
        if count > MAX_CATEGORIES:
            continue
        if count < 2:
            return None  # one category is not a line
        values: list[list[float]] = []
        for f in lines:
            start = starts[f.framework] if aligned else common_start
            last: dict[int, float] = {}
            for p in f.points:  # oldest first: the last figure in each category wins
                last[_bucket(p.date, start, step)] = p.value
            if any(i not in last for i in range(count)):
                return None  # a gap or a later start: drawing it natively would fill it in
            values.append([last[i] for i in range(count)])
        if aligned:
            unit = "month" if step == 1 else f"{step} months"
            labels = [f"+{i * step} mo" if i else "first" for i in range(count)]
            return labels, values, _clip(f"months since each one's first figure (per {unit})", MAX_AXIS_LABEL)
        labels = [_bucket_label(common_start, i, step) for i in range(count)]
        return labels, values, _clip(f"{name} (last figure in each)", MAX_AXIS_LABEL)
    return None


def comparison_chart(comparison: Comparison, *, log: bool, aligned: bool = False) -> dict[str, Any] | None:
    """A line chart of the comparison's lines, or None when it doesn't fit (see the module doc)."""
    lines = [f for f in comparison.figures if f.points]
    names = [_clip(f.name, MAX_LABEL) for f in lines]
    if not 1 <= len(lines) <= MAX_SERIES or len(set(names)) != len(names):
        return None
    if any(find_breaks(f.framework, f.points) for f in lines):
        return None  # the PNG draws the change of counting method as a dotted line
    shaped = _categories(lines, aligned)
    if shaped is None:
        return None
    labels, values, x_label = shaped
    if log and any(v <= 0 for row in values for v in row):
        return None
    series = [
        {"name": name, "data": [{"label": c, "value": _number(v, log)} for c, v in zip(labels, row, strict=True)]}
        for name, row in zip(names, values, strict=True)
    ]
    axis = {"categories": labels, "x_label": x_label, "y_label": _y_label(comparison.unit, log)}
    return {
        "type": "data_visualization",
        "block_id": "chart",
        "title": _title(comparison.label, log),
        "chart": {"type": "line", "series": series, "axis_config": axis},
    }


def ranking_chart(comparison: Comparison, *, typed_scale: str | None) -> dict[str, Any] | None:
    """A leaderboard's latest figures as one bar series (≤ 20 bars), or None when names clash or none."""
    ranked = [f for f in comparison.figures if f.latest][:MAX_CATEGORIES]
    labels = [_clip(f.name, MAX_LABEL) for f in ranked]
    if not ranked or len(set(labels)) != len(labels):
        return None
    log = use_log_scale(comparison, typed_scale)
    if log:
        return None  # a bar's length is its figure: log10 bars would mislead; the PNG draws a real log axis
    data = [{"label": c, "value": _number(f.latest.value, log)} for c, f in zip(labels, ranked, strict=True)]
    axis = {"categories": labels, "x_label": "latest figure of each", "y_label": _y_label(comparison.unit, log)}
    return {
        "type": "data_visualization",
        "block_id": "chart",
        "title": _title(comparison.label, log),
        "chart": {
            "type": "bar",
            "series": [{"name": _clip(comparison.unit, MAX_LABEL), "data": data}],
            "axis_config": axis,
        },
    }


def answer_chart(answer: Answer) -> dict[str, Any] | None:
    """The answer's chart as a data_visualization block, or None when it has none or it doesn't fit."""
    if answer.kind == "leaderboard" and answer.comparisons:
        return ranking_chart(answer.comparisons[0], typed_scale=answer.query.scale)
    comparison = answer.chart
    if comparison is None:
        return None
    log = use_log_scale(comparison, answer.query.scale)
    return comparison_chart(comparison, log=log, aligned=answer.query.aligned)


def has_native_chart(payload: dict[str, Any]) -> bool:
    """Whether a message payload carries a data_visualization block (then no PNG needs uploading)."""
    return any(b.get("type") == "data_visualization" for b in payload.get("blocks", []))
