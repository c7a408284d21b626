"""Figures at a point in time ("pytorch vs tensorflow stars in january 2023") beside today's.

A point is a day or a whole month. For a month the answer is the month's first observation (so
"January 2023" reads best-of-ml's 2023-01-05 count, as the data README does); otherwise the nearest
observation on or before the day, within a tolerance. The observation's own date is always shown:
never a value interpolated to the date asked.
"""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.answering.gap_answers import gap_headline, gap_line, gap_notes, gap_rows
from bot.answering.model import (
    OVERVIEW_METRICS,
    Answer,
    AtFigure,
    Comparison,
    Figure,
    Point,
    rate_label,
    rate_unit,
)
from bot.answering.series import find_gaps, load_points, per_month, value_at
from bot.answering.series_gaps import distance, gap_at, nearest_side
from bot.answering.sources import source_credits
from bot.answering.wording import exact, with_unit
from bot.catalog import Catalog, catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.understanding.grammar import Query

MIN_TOLERANCE_DAYS = 45
RETAINED_FALLBACK = {"github_stars": "github_stars_retained"}

# Our metric id → (metric, population) as written in article_claims (the article's own wording).
CLAIM_KEYS: dict[str, tuple[str, str | None]] = {
    "survey_usage": ("survey_usage", "all respondents"),
    "survey_usage_professional": ("survey_usage", "professional developers"),
    "survey_loved": ("survey_loved", None),
    "hf_exclusive_model_share": ("hf_exclusive_model_share", None),
    "hf_exclusive_models_added": ("hf_exclusive_models_added", None),
    "pwc_paper_share": ("pwc_paper_share", None),
    "github_stars": ("github_stars", None),
}


# -- finding the figure at a date ------------------------------------------------------------------
def tolerance_days(metric: Metric) -> int:
    # A weekly count must be near the date; a yearly survey may be most of a year old and still be "the" figure.
    return max(MIN_TOLERANCE_DAYS, metric.fresh_days)


def _series(store: Store, metric: Metric, frameworks: list[str], rate: bool) -> dict[str, list[Point]]:
    raw = load_points(store, metric.id, frameworks)
    if rate and metric.kind in ("cumulative", "level"):
        return {fid: per_month(points) for fid, points in raw.items()}
    return raw


def figures_at(
    store: Store,
    frameworks: list[str],
    metric_id: str,
    at: date,
    *,
    month: bool = False,
    rate: bool = False,
    cat: Catalog | None = None,
) -> list[AtFigure]:
    """Each framework's figure at `at` and its latest, from the best series the store has."""
    cat = cat or catalog()
    metric = METRICS[metric_id]
    tolerance = tolerance_days(metric)
    series = _series(store, metric, frameworks, rate)
    fallback_id = RETAINED_FALLBACK.get(metric_id) if not rate else None
    fallback = load_points(store, fallback_id, frameworks) if fallback_id else {}
    out = []
    for fid in frameworks:
        points = series.get(fid, [])
        gap = gap_at(points, at, month=month)
        then = nearest_side(gap, at, month=month) if gap else value_at(points, at, month=month, tolerance=tolerance)
        retained = False
        if (then is None or distance(then, at, month=month) > tolerance) and fallback.get(fid):
            # A star count rebuilt for the date beats counts taken at the time but months away.
            old = value_at(fallback[fid], at, month=month, tolerance=tolerance)
            if old is not None:
                then, retained, gap = old, True, None
        now = points[-1] if points else None
        shown = [p for p in points if then is None or p.date >= then.date]
        fw = cat[fid]
        out.append(AtFigure(fid, fw.name, fw.colour, then, now, shown, retained, gap))
    return out


def quoted_in_article(store: Store, metric_id: str, frameworks: list[str], month: str) -> list[dict]:
    """The article's own figures for this metric and month (YYYY-MM), if it quoted any."""
    key = CLAIM_KEYS.get(metric_id)
    if key is None or "article_claims" not in store.db.table_names():
        return []
    sql = "SELECT * FROM article_claims WHERE metric = ? AND as_of = ?"
    args: list = [key[0], month]
    if key[1]:
        sql += " AND population = ?"
        args.append(key[1])
    rows = [r for r in store.db.query(sql, args) if r["framework"] in frameworks]
    return sorted(rows, key=lambda r: frameworks.index(r["framework"]))


# -- the answer ------------------------------------------------------------------------------------
def answered_metric(metric: Metric, rate: bool) -> Metric:
    """The metric as answered: for "new stars" its per-month form, so labels and units say so."""
    if not rate or metric.kind not in ("cumulative", "level"):
        return metric
    return metric.model_copy(
        update={"label": rate_label(metric), "unit": rate_unit(metric), "short": f"{metric.short}/mo", "kind": "flow"}
    )


def _labelled(metric: Metric, short: str) -> Metric:
    # The table's row label is the metric's short name; a copy carries "Stars, 2023-01-05".
    return metric.model_copy(update={"short": short})


def _when(day: date, metric: Metric) -> str:
    # A per-month figure is dated the 1st of its month but counts the whole month.
    return f"{day:%b %Y}" if metric.kind == "flow" and day.day == 1 else fmt.day(day)


def _at(day: date, metric: Metric) -> str:
    return f"in {day:%b %Y}" if metric.kind == "flow" and day.day == 1 else f"on {fmt.day(day)}"


def _one_date(points: list[Point | None]) -> date | None:
    dates = {p.date for p in points if p is not None}
    return dates.pop() if len(dates) == 1 else None


def _comparisons(metric: Metric, figs: list[AtFigure], label: str, today: date) -> list[Comparison]:
    """Two rows for the table: the figures at the date, then today's with the change since (if any is newer)."""
    then_day = _one_date([f.then for f in figs])
    now_day = _one_date([f.now for f in figs])
    then_rows = [Figure(f.framework, f.name, f.colour, [f.then] if f.then else [], latest=f.then) for f in figs]
    if any(f.gap for f in figs):
        # In a gap: the figures on either side, each row dated, instead of one row "at" the date.
        sides = [
            (points, _one_date(points), side) for points, side in zip(gap_rows(figs), ("before", "after"), strict=True)
        ]
        rows = [
            Comparison(
                _labelled(metric, f"{metric.short}, {_when(day, metric) if day else 'nearest ' + side}"),
                False,
                [
                    Figure(f.framework, f.name, f.colour, [p] if p else [], latest=p)
                    for f, p in zip(figs, points, strict=True)
                ],
                label,
                f"change since {label}",
            )
            for points, day, side in sides
        ]
    else:
        rows = []
    now_rows = []
    for f in figs:
        row = Figure(f.framework, f.name, f.colour, f.series, latest=f.now, gaps=find_gaps(f.series))
        if f.moved and metric.kind != "share":  # a change of a percentage is in points, said in the lines
            row.start, row.change, row.change_pct = f.then, f.change, f.change_pct
        row.stale = f.now is not None and (today - f.now.date).days > metric.fresh_days + 31
        now_rows.append(row)
    then_label = f"{metric.short}, {_when(then_day, metric) if then_day else label}"
    now_label = f"{metric.short}, {_when(now_day, metric) if now_day else 'latest'} (change)"
    change_label = f"change since {label}"
    out = rows or [Comparison(_labelled(metric, then_label), False, then_rows, label, change_label)]
    if any(f.moved for f in figs):
        out.append(Comparison(_labelled(metric, now_label), False, now_rows, label, change_label))
    return out


def source_of(store: Store, framework: str, metric_id: str, point: Point) -> str:
    """Where one figure comes from, named as a reader would cite it.

    The article's figures carry their own source (a survey, a site) in the observation's note.
    """
    if point.source == "article":
        row = store.db.execute(
            "SELECT note, method FROM observations WHERE framework = ? AND metric = ? AND date = ?",
            [framework, metric_id, point.date.isoformat()],
        ).fetchone()
        if row and row[0]:
            # Survey figures name their population so the two are never read as one.
            return f"{row[0]}; {row[1]}" if row[1] and metric_id.startswith("survey") else row[0]
    return store.cached(("sources",), lambda: sources_by_id(store)).get(point.source, {}).get("name") or point.source


def _figure_line(store: Store, f: AtFigure, metric: Metric, label: str) -> str:
    unit = metric.unit
    if f.gap is not None:
        return gap_line(f, metric, label, with_unit, lambda p: source_of(store, f.framework, metric.id, p))
    if f.then is None:
        return f"{f.name}: no {metric.label} figure for {label} (none within {tolerance_days(metric)} days before)."
    metric_id = "github_stars_retained" if f.retained else metric.id
    then_source = source_of(store, f.framework, metric_id, f.then)
    then = f"{with_unit(f.then.value, unit)} {_at(f.then.date, metric)} ({then_source})"
    if f.retained:
        then += " [rebuilt from today's stargazers: reads low]"
    if not f.moved:
        return f"{f.name}: {then}; no newer figure in our data."
    now_source = source_of(store, f.framework, metric.id, f.now)
    now = f"{exact(f.now.value, unit)} {_at(f.now.date, metric)} ({now_source})"
    if metric.kind == "share":
        change = f"{f.change:+.1f} points"
    else:
        change = f"{'+' if f.change >= 0 else ''}{exact(f.change, unit)}, {fmt.pct(f.change_pct)}"
    return f"{f.name}: {then} → {now}: {change}."


def _headline(metric: Metric, figs: list[AtFigure], label: str) -> str:
    have = [f for f in figs if f.then is not None]
    if not have:
        return f"I have no {metric.label} figures for {label}."
    if any(f.gap for f in figs):
        return gap_headline(metric, figs, label)
    then = ", ".join(f"{f.name} {exact(f.then.value, metric.unit)}" for f in have)
    dates = sorted({f.then.date for f in have})
    # Say which day the figure is from: the nearest observation may fall outside the asked month.
    when = fmt.day(dates[0]) if len(dates) == 1 else f"{fmt.day(dates[0])} to {fmt.day(dates[-1])}"
    text = f"{metric.label}, {label} (figure of {when}): {then}"
    moved = [f for f in have if f.moved]
    if moved:
        now = ", ".join(f"{f.name} {exact(f.now.value, metric.unit)}" for f in moved)
        text += f". Latest: {now}"
        if len(moved) >= 2 and metric.kind != "share":
            best = max(moved, key=lambda f: f.change_pct if f.change_pct is not None else float("-inf"))
            if best.change_pct is not None:
                how = "grew most" if best.change_pct >= 0 else "fell least"
                text += f"; {best.name} {how} since ({fmt.pct(best.change_pct)})"
    return text + "."


def _notes(store: Store, metric: Metric, figs: list[AtFigure], query: Query) -> list[str]:
    notes = gap_notes(metric, figs, query.period_label or fmt.day(query.at))
    if any(f.retained for f in figs):
        retained = METRICS["github_stars_retained"]
        notes.append(
            f"No star count taken at the time is near that date; the figure marked is {retained.note}, "
            "so the change since overstates growth."
        )
    for f in figs:
        if f.moved and f.then.method and f.now.method and f.then.method != f.now.method and not f.retained:
            notes.append(f"{f.name}: counting changed between the two figures ({f.then.method} → {f.now.method}).")
    if metric.note and metric.id == "pwc_paper_share":
        notes.append(f"{metric.label}: {metric.note}.")
    at = query.at
    quoted = [] if query.rate else quoted_in_article(store, metric.id, query.frameworks, f"{at:%Y-%m}")
    if quoted:
        parts = ", ".join(
            f"{catalog()[r['framework']].name} {fmt.human(float(r['value']), metric.unit)}" for r in quoted
        )
        source = quoted[0]["source"]
        notes.append(f"The 2023 article quoted {parts} for {at:%B %Y} ({source}); ask `article` for the check.")
    return notes


def _empty(store: Store, query: Query, title: str, names: str, label: str, metric_ids: list[str]) -> Answer:
    """Nothing near that date: say where the history we have starts instead."""
    what = METRICS[query.metric].label if query.metric else "figures"
    ids = metric_ids + [RETAINED_FALLBACK[m] for m in metric_ids if m in RETAINED_FALLBACK]
    marks = ", ".join("?" for _ in ids)
    lines = []
    for fid in query.frameworks:
        sql = f"SELECT MIN(date), MAX(date) FROM observations WHERE framework = ? AND metric IN ({marks})"
        first, last = store.db.execute(sql, [fid, *ids]).fetchone()
        if last and query.at > date.fromisoformat(last):
            # After the newest figure is not a gap: the history simply stops there (so far).
            lines.append(f"{catalog()[fid].name}: the newest {what} I have are from {last}, before {label}.")
            continue
        start = f"start on {first}" if first else "are none yet"
        lines.append(f"{catalog()[fid].name}: the {what} I have {start}.")
    return Answer("empty", query, title, f"I have no {what} for {names} at {label}.", lines=lines)


def answer_at(store: Store, query: Query, *, today: date | None = None) -> Answer:
    """The figures at `query.at` for the frameworks asked, beside the latest and the change since."""
    cat = catalog()
    today = today or date.today()
    frameworks = query.frameworks
    label = query.period_label or fmt.day(query.at)
    if query.metric:
        metric_ids = [query.metric]
    elif len(frameworks) == 1:
        metric_ids = list(METRICS)
    else:
        metric_ids = list(OVERVIEW_METRICS)
    per_metric = [
        (
            answered_metric(METRICS[m], query.rate),
            figures_at(store, frameworks, m, query.at, month=query.at_month, rate=query.rate, cat=cat),
        )
        for m in metric_ids
    ]
    if not query.metric:  # an overview lists only metrics with a figure at that date
        per_metric = [(m, figs) for m, figs in per_metric if any(f.then for f in figs)]
    names = " vs ".join(cat[f].name for f in frameworks)
    title = f"{names}, {label}"
    if not per_metric or not any(f.then for f in per_metric[0][1]):
        return _empty(store, query, title, names, label, metric_ids)
    comparisons = [c for m, figs in per_metric for c in _comparisons(m, figs, label, today)]
    metric, figs = per_metric[0]
    answer = Answer("point_in_time", query, title, _headline(metric, figs, label), comparisons=comparisons)
    answer.lines = [
        (f"{m.short} · " if len(per_metric) > 1 else "") + _figure_line(store, f, m, label)
        for m, fs in per_metric
        for f in fs
    ]
    answer.notes = _notes(store, metric, figs, query)
    answer.sources = source_credits(store, comparisons)
    answer.extra["at"] = query.at.isoformat()
    return answer
