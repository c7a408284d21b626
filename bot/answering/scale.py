"""The chart's y scale: one rule shared by the PNG chart, the native Slack chart and the answer's note.

The chart is linear unless the compared values (each line's latest figure) differ by more than
`LOG_SCALE_RATIO`×, when it turns logarithmic so the smaller lines stay readable. A scale typed in the
question ("log scale", "log", "linear") overrides that choice. Whichever scale the chart has, a log scale
is always said: on the chart's axis label and in the answer text (`scale_note`).
"""

from __future__ import annotations

import re

from bot.answering.model import Comparison

LOG_SCALE_RATIO = 30

_LINEAR = re.compile(r"linear", re.I)


def asked_log(typed: str | None) -> bool | None:
    """The scale typed in the question: True for a log scale, False for linear, None when none was asked."""
    if not typed:
        return None
    return not _LINEAR.search(typed)


def spread(comparison: Comparison) -> float | None:
    """How many times the largest latest value is the smallest (positive values only), or None with fewer than 2."""
    latest = [f.latest.value for f in comparison.with_data if f.latest and f.latest.value > 0]
    if len(latest) < 2:
        return None
    return max(latest) / min(latest)


def use_log_scale(comparison: Comparison, typed: str | None = None) -> bool:
    """True when the chart of `comparison` is drawn on a log scale: as asked (`typed`, e.g. "log scale" or
    "linear"), else when the compared values are more than `LOG_SCALE_RATIO`× apart."""
    asked = asked_log(typed)
    if asked is not None:
        # A log axis needs positive values: with none, the request cannot be honoured (scale_note says so).
        return asked and any(p.value > 0 for f in comparison.figures for p in f.points)
    ratio = spread(comparison)
    return ratio is not None and ratio > LOG_SCALE_RATIO


def scale_note(typed: str | None, chart: Comparison | None) -> str | None:
    """The answer's sentence on its chart's scale: what was asked and applied, or why the chart is on a log
    scale when nobody asked. None when the chart is linear and no scale was asked for."""
    if chart is None:
        return f"I didn't apply “{typed}”: this answer has no chart of figures over time." if typed else None
    ratio = spread(chart)
    apart = f"the values compared are {ratio:,.0f}× apart" if ratio is not None and ratio >= 2 else ""
    log = use_log_scale(chart, typed)
    if typed is None:
        if not log:
            return None
        return f"The chart is on a log scale: {apart} (ask with “linear” for a linear chart)."
    asked = f"“{typed}”"
    if asked_log(typed) and not log:
        return f"I didn't apply {asked}: the chart has no positive figures to draw on a log scale."
    if log:
        return f"{asked}: the chart is on a log scale, as asked" + (f" ({apart})." if apart else ".")
    if ratio is not None and ratio > LOG_SCALE_RATIO:
        return f"{asked}: the chart is linear, as asked ({apart}, so the smaller lines sit near the bottom)."
    return f"{asked}: the chart is linear, as asked."
