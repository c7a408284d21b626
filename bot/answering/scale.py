"""The chart's y scale: one rule shared by the chart and by the answer's note when a scale was asked for.

The chart is linear unless the lines' latest values differ by more than `LOG_SCALE_RATIO`×, when it
turns logarithmic so the smaller lines stay readable. A scale typed in the question ("log scale",
"linear") cannot choose it yet: `scale_note` says whether the chart has it anyway.
"""

from __future__ import annotations

import re

from bot.answering.model import Comparison

LOG_SCALE_RATIO = 50


def use_log_scale(comparison: Comparison) -> bool:
    """True when the chart of `comparison` is drawn on a log scale (latest values more than 50× apart)."""
    values = [p.value for f in comparison.figures for p in f.points if p.value > 0]
    latest = [f.latest.value for f in comparison.with_data if f.latest and f.latest.value > 0]
    if len(latest) < 2 or not values:
        return False
    return max(latest) / min(latest) > LOG_SCALE_RATIO


def scale_note(typed: str, chart: Comparison | None) -> str:
    """Whether the chart has the scale typed ("log scale", "linear"): applied, or not and why."""
    asked = f"“{typed}”"
    wants_log = not re.search(r"linear", typed, re.I)
    if chart is None:
        return f"I didn't apply {asked}: this answer has no chart."
    log = use_log_scale(chart)
    if wants_log and log:
        return (
            f"{asked}: the chart is on a log scale (it uses one when the lines differ by more than {LOG_SCALE_RATIO}×)."
        )
    if wants_log:
        return (
            f"I didn't apply {asked}: choosing the chart's scale isn't available yet, and this chart is linear "
            f"(it turns logarithmic only when the lines differ by more than {LOG_SCALE_RATIO}×)."
        )
    if log:
        return (
            f"I didn't apply {asked}: choosing the chart's scale isn't available yet, and this chart is on a log "
            f"scale because the lines differ by more than {LOG_SCALE_RATIO}×."
        )
    return f"{asked}: the chart is linear."
