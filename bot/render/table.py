"""The side-by-side table of an answer, as rows of strings, shared by the terminal and Slack renderers."""

from __future__ import annotations

from bot import format as fmt
from bot.answering.aligned import common_ages, figure_at_age
from bot.answering.model import Answer, Comparison, Figure

STALE_MARK = "*"


def _value(f: Figure, unit: str) -> str:
    if not f.latest:
        return "–"
    return fmt.human(f.latest.value, unit) + (STALE_MARK if f.stale else "")


def _change(f: Figure) -> str:
    if f.change_pct is None:
        return "–"
    return fmt.pct(f.change_pct) + ("!" if f.breaks else "")


def comparison_rows(c: Comparison) -> list[list[str]]:
    """One metric, frameworks side by side: latest, as of, change, yearly growth, share."""
    figs = c.figures
    rows = [["", *[f.name for f in figs]]]
    rows.append([c.unit, *[_value(f, c.unit) for f in figs]])
    rows.append(["as of", *[fmt.day(f.latest.date) if f.latest else "–" for f in figs]])
    if any(f.change is not None for f in figs):
        rows.append([c.change_label, *[_change(f) for f in figs]])
    if any(f.yearly_growth is not None for f in figs):
        rows.append(["per year", *[fmt.pct(f.yearly_growth) if f.yearly_growth is not None else "–" for f in figs]])
    if any(f.share is not None for f in figs) and len(figs) > 1:
        rows.append(["share", *[f"{f.share:.0f}%" if f.share is not None else "–" for f in figs]])
    return rows


def overview_rows(comparisons: list[Comparison]) -> list[list[str]]:
    """Several metrics, frameworks side by side: latest value and 12-month change in each cell."""
    figs = comparisons[0].figures
    rows = [["", *[f.name for f in figs]]]
    for c in comparisons:
        cells = []
        # Each comparison may list its frameworks in its own order (a growth answer ranks them):
        # cells are looked up by framework, never by position.
        by_framework = {f.framework: f for f in c.figures}
        for column in figs:
            f = by_framework.get(column.framework)
            if f is None or not f.latest:
                cells.append("–")
                continue
            cell = _value(f, c.unit)
            if f.change_pct is not None:
                cell += f" ({_change(f)})"
            cells.append(cell)
        rows.append([c.metric.short if not c.rate else f"{c.metric.short}/mo", *cells])
    return rows


def leaderboard_rows(c: Comparison) -> list[list[str]]:
    rows = [["#", "framework", c.unit, "as of", c.change_label]]
    for rank, f in enumerate([f for f in c.figures if f.latest], start=1):
        rows.append([str(rank), f.name, _value(f, c.unit), fmt.day(f.latest.date), _change(f)])
    return rows


def aligned_rows(c: Comparison) -> list[list[str]]:
    """Aligned timelines: each framework's figure at equal ages (months since its own first figure), with the
    month each figure is from; "–" where a line has no figure in that month (a gap stays a gap)."""
    figs = [f for f in c.figures if f.points]
    rows = [["", *[f.name for f in figs]], ["first figure", *[f"{f.points[0].date:%Y-%m}" for f in figs]]]
    for age in common_ages(c):
        cells = []
        for f in figs:
            p = figure_at_age(f, age)
            cells.append(f"{fmt.human(p.value, c.unit)} ({p.date:%Y-%m})" if p else "–")
        rows.append([f"{c.unit}, month {age}" if age == 0 else f"after {age} months", *cells])
    return rows


def answer_rows(answer: Answer) -> list[list[str]]:
    if not answer.comparisons:
        return []
    if answer.query.aligned and answer.kind in ("compare", "growth", "crossover") and len(answer.comparisons) == 1:
        return aligned_rows(answer.comparisons[0])
    if answer.kind == "leaderboard":
        return leaderboard_rows(answer.comparisons[0])
    if answer.kind == "profile":
        rows = [["metric", "latest", "as of", answer.comparisons[0].change_label]]
        for c in answer.comparisons:
            f = c.figures[0]
            rows.append([c.label, _value(f, c.unit), fmt.day(f.latest.date) if f.latest else "–", _change(f)])
        return rows
    if len(answer.comparisons) == 1:
        return comparison_rows(answer.comparisons[0])
    return overview_rows(answer.comparisons)


def legend(answer: Answer) -> list[str]:
    """What the marks in the table mean, only for marks that appear."""
    rows = answer_rows(answer)
    cells = [cell for row in rows[1:] for cell in row[1:]]
    out = []
    if any(cell.endswith(STALE_MARK) or f"{STALE_MARK} (" in cell for cell in cells):
        out.append(f"{STALE_MARK} older than the source's usual freshness")
    if any("!" in cell for cell in cells):
        out.append("! the change spans a change of counting method")
    if answer.kind not in ("profile", "leaderboard") and len(answer.comparisons) > 1:
        out.append(f"(…) {answer.comparisons[0].change_label}")
    return out


def monospace(rows: list[list[str]], max_width: int = 0) -> str:
    """Rows as an aligned text table; first column left-aligned, the rest right-aligned."""
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        line = "  ".join(cells).rstrip()
        lines.append(line[:max_width] if max_width else line)
    return "\n".join(lines)
