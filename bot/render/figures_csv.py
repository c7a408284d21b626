"""The figures behind an answer as CSV: one row per figure, with its date, source and counting method.

Exactly the figures the answer was worked out from (each comparison's series within its period, in the
form answered: per month for "new stars"), nothing interpolated or filled in. A gap in the data is no row
(a row without a value would read as zero or break a sum in a spreadsheet); instead the first figure after
a gap says so in its `note`, as does the first figure counted a new way and a latest figure older than its
source's usual freshness. Used by `fwtrend ask --csv PATH` and the Slack answers' **CSV** button.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot import format as fmt
from bot.answering.model import Answer, Comparison, Figure, Gap, Point
from bot.answering.series import find_breaks
from bot.answering.series_gaps import usual_spacing

COLUMNS = (
    "project",
    "project_id",
    "metric",
    "metric_label",
    "date",
    "value",
    "unit",
    "source",
    "source_url",
    "counting_method",
    "note",
)


def figure_rows(answer: Answer, sources: Mapping[str, Mapping[str, Any]]) -> list[dict[str, str]]:
    """One dict per figure (keys: `COLUMNS`), in the answer's order: comparison, project, date.

    `sources` is the store's `sources` table by id (`bot.store.observations.sources_by_id`), for each
    source's name and address. An answer without figures (help, sources, an unknown name) gives [].
    A figure shown by two comparisons of one answer (a point-in-time answer's "then" and "now") is one row.
    """
    rows: list[dict[str, str]] = []
    seen: set[tuple] = set()
    for comparison in answer.comparisons:
        for figure in comparison.figures:
            for point, note in _points_with_notes(figure):
                key = (figure.framework, comparison.metric.id, comparison.rate, point.date, point.source, point.value)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(_row(comparison, figure, point, note, sources.get(point.source) or {}))
    return rows


def figures_csv(answer: Answer, sources: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The CSV text (header and one line per figure, `\\r\\n` line ends as RFC 4180 says), or None when
    the answer rests on no figures."""
    rows = figure_rows(answer, sources)
    if not rows:
        return None
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv(answer: Answer, sources: Mapping[str, Mapping[str, Any]], path: str, *, prog: str = "fwtrend") -> bool:
    """Write the figures for `--csv PATH` (UTF-8); with none behind the answer, write nothing and say so on
    stderr (as `--chart` does)."""
    text = figures_csv(answer, sources)
    if text is None:
        print(f"{prog}: no figures behind this answer; {path} not written", file=sys.stderr)
        return False
    Path(path).write_text(text, encoding="utf-8", newline="")
    print(f"{prog}: {text.count(chr(10)) - 1} figures written to {path}", file=sys.stderr)
    return True


def csv_filename(answer: Answer) -> str:
    """`fwtrend-pytorch-vs-tensorflow.csv`: the answer's title as a file name."""
    slug = re.sub(r"[^a-z0-9]+", "-", answer.title.lower()).strip("-")[:60].strip("-")
    return f"fwtrend-{slug or 'figures'}.csv"


def _points_with_notes(figure: Figure) -> list[tuple[Point, str]]:
    """The figure's points, each with what a reader must know about it (gap before it, counting change)."""
    points = list(figure.points)
    if figure.latest is not None and figure.latest not in points:
        points.append(figure.latest)  # the headline figure is part of what the answer rests on
        points.sort(key=lambda p: p.date)
    after_gap = {after: before for before, after in figure.gaps}  # the gaps the chart leaves open
    after_gap.update({b.date: a.date for a, b in _stretches_without_figures(points)})
    changed = {brk.date: brk for brk in find_breaks(figure.framework, points)}
    out = []
    for point in points:
        notes = []
        if point.date in after_gap:
            notes.append(f"no figures between {fmt.day(after_gap[point.date])} and {fmt.day(point.date)} (gap)")
        if point.date in changed:
            brk = changed[point.date]
            notes.append(f"counting changed: {brk.before} → {brk.after}")
        if figure.stale and point == figure.latest:
            notes.append("older than the source's usual freshness")
        out.append((point, "; ".join(notes)))
    return out


def _stretches_without_figures(points: list[Point]) -> list[tuple[Point, Point]]:
    """Consecutive figures with whole calendar months between them without a figure, in a series usually
    observed at least monthly (the missing top-PyPI months 2020-02 and 2025-01), as the answers' notes name
    them. Longer silences are already in the figure's `gaps` (the ones the chart leaves open)."""
    out = []
    for i, (a, b) in enumerate(itertools.pairwise(points)):
        usual = usual_spacing(points, i)
        if usual is not None and usual <= 31 and Gap(a, b).missing_months:
            out.append((a, b))
    return out


def _row(comparison: Comparison, figure: Figure, point: Point, note: str, source: Mapping[str, Any]) -> dict[str, str]:
    return {
        "project": figure.name,
        "project_id": figure.framework,
        "metric": comparison.metric.id,
        "metric_label": comparison.label,
        "date": point.date.isoformat(),
        "value": _number(point.value),
        "unit": comparison.unit,
        "source": str(source.get("name") or point.source),
        "source_url": str(source.get("url") or ""),
        "counting_method": point.method or "",
        "note": note,
    }


def _number(value: float) -> str:
    """The stored value as written: whole numbers without ".0", others in full (never rounded)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
