"""`/fwtrend article`: the 2023 article that started fwtrend, claim by claim, against our store.

Each claim (one measure the article quoted, for several frameworks) is shown with the article's
figure and its source, our own figure at the article's date, our figure today, and a one-line
verdict: still true, no longer true, or cannot check (and why). Our figure at the time must come
from a source other than the article itself, or the check would be circular; where none exists
the answer says so. Star counts are checked against counts taken at the time (best-of-ml-python's
weekly snapshots), never against GitHub's rebuilt history without saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from bot import format as fmt
from bot.answering.model import Answer, Point, SourceCredit
from bot.answering.point_in_time import CLAIM_KEYS, MIN_TOLERANCE_DAYS, source_of
from bot.answering.series import load_points, value_at
from bot.answering.wording import exact
from bot.catalog import catalog
from bot.metrics import METRICS, Metric
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.understanding.grammar import Query

ARTICLE = "'PyTorch's Glow: Can it Beat TensorFlow's Flow?' (AIM, 2023)"
# The article rounded its star counts to the thousand; within this much its figure agrees with ours.
AGREE_PCT = 3.0

Verdict = Literal["still true", "no longer true", "cannot check"]


@dataclass(frozen=True)
class ClaimSpec:
    family: str
    """What the figure comes from, for the headline's summary of what cannot be checked."""
    no_current: str
    """Why we have no figure today for this measure."""
    related: str | None = None
    """A metric whose figures today give context (a different measure: never the verdict)."""


SURVEY = "the Stack Overflow survey"
SURVEY_GONE = "the survey's ML-framework figures after 2022 are not in our data"
HF = "Hugging Face exclusive-model counts"
HF_GONE = "no count of framework-exclusive Hugging Face models is stored after 2022"
PWC = "Papers with Code"
SPECS: dict[str, ClaimSpec] = {
    "survey_usage": ClaimSpec(SURVEY, SURVEY_GONE, related="pypi_downloads"),
    "survey_usage_professional": ClaimSpec(SURVEY, SURVEY_GONE),
    "survey_loved": ClaimSpec(SURVEY, SURVEY_GONE),
    "hf_exclusive_models_added": ClaimSpec(HF, HF_GONE),
    "hf_exclusive_model_share": ClaimSpec(HF, HF_GONE, related="hf_models"),
    "pwc_paper_share": ClaimSpec(
        PWC,
        "Papers with Code shut down in July 2025; its figures are frozen at what the article quoted",
        "arxiv_papers",
    ),
    "github_stars": ClaimSpec("GitHub", "no star count is stored after the article"),
}


@dataclass(frozen=True)
class Quote:
    framework: str
    month: date
    """The first day of the month the article's figure is for."""
    value: float
    source: str


@dataclass(frozen=True)
class Ours:
    framework: str
    point: Point
    source: str
    """Named as a reader would cite it."""


@dataclass
class ClaimCheck:
    metric: Metric
    quotes: list[Quote]
    then: list[Ours] = field(default_factory=list)
    now: list[Ours] = field(default_factory=list)
    related: list[Ours] = field(default_factory=list)
    related_metric: Metric | None = None
    verdict: Verdict = "cannot check"
    why: str = ""
    agreement: str = ""
    """How the article's figure compares with ours at the time."""

    @property
    def frameworks(self) -> list[str]:
        """Highest first at the article's latest date, then any quoted only earlier."""
        ranked = sorted(self.latest_quotes, key=lambda q: -q.value)
        return list(dict.fromkeys([*(q.framework for q in ranked), *(q.framework for q in self.quotes)]))

    @property
    def latest_quotes(self) -> list[Quote]:
        """The article's figures at its latest date for this measure: what the claim's ranking rests on."""
        newest = max(q.month for q in self.quotes)
        return [q for q in self.quotes if q.month == newest]


# -- reading the claims ----------------------------------------------------------------------------
def _metric_of(row: dict) -> str | None:
    for metric_id, (name, population) in CLAIM_KEYS.items():
        if row["metric"] == name and (population is None or row["population"] == population):
            return metric_id
    return None


def claims(store: Store) -> dict[str, list[Quote]]:
    """The article's figures by our metric id, in the order the article's table gives them."""
    out: dict[str, list[Quote]] = {}
    cat = catalog()
    for row in store.db.query("SELECT * FROM article_claims ORDER BY rowid"):
        metric_id = _metric_of(row)
        if metric_id is None or row["framework"] not in cat.frameworks:
            continue
        month = date.fromisoformat(f"{row['as_of']}-01")
        out.setdefault(metric_id, []).append(Quote(row["framework"], month, float(row["value"]), row["source"]))
    return out


# -- checking one claim ----------------------------------------------------------------------------
def _independent(points: list[Point]) -> list[Point]:
    # Checking the article against its own quote would prove nothing.
    return [p for p in points if p.source != "article"]


def _ours(store: Store, metric_id: str, fid: str, point: Point | None) -> Ours | None:
    return Ours(fid, point, source_of(store, fid, metric_id, point)) if point else None


def _leader(values: dict[str, float]) -> str | None:
    if len(values) < 2:
        return None
    ranked = sorted(values, key=values.get, reverse=True)
    return ranked[0] if values[ranked[0]] > values[ranked[1]] else None


def _ratio(values: dict[str, float], leader: str) -> str:
    rest = [v for f, v in values.items() if f != leader]
    runner_up = max(rest)
    return f"{values[leader] / runner_up:.1f}×" if runner_up > 0 else ""


def _agreement(check: ClaimCheck) -> str:
    ours = {o.framework: o.point.value for o in check.then}
    gaps = []
    for q in check.latest_quotes:
        if ours.get(q.framework):
            gaps.append(100 * (q.value - ours[q.framework]) / ours[q.framework])
    if not gaps:
        return ""
    worst = max(gaps, key=abs)
    if abs(worst) <= AGREE_PCT:
        return "the article's figures match these within rounding"
    return f"the article's figures differ from these by up to {worst:+.0f}%"


def _judge(check: ClaimCheck, spec: ClaimSpec) -> None:
    cat = catalog()
    then = {q.framework: q.value for q in check.latest_quotes}
    if check.then:
        then = {o.framework: o.point.value for o in check.then}
    now = {o.framework: o.point.value for o in check.now}
    before, after = _leader(then), _leader(now)
    if not check.now:
        check.verdict, check.why = "cannot check", f"{spec.no_current}"
        return
    if before is None or after is None or set(now) != set(then):
        check.verdict, check.why = "cannot check", "we don't have today's figure for every framework the article named"
        return
    label = check.metric.label.split(" (")[0]
    runner_up = max((f for f in now if f != after), key=now.get)
    if before == after:
        check.verdict = "still true"
        check.why = (
            f"{cat[after].name} still leads on {label}, {_ratio(now, after)} {cat[runner_up].name} now "
            f"against {_ratio(then, before)} then"
        )
    else:
        check.verdict = "no longer true"
        check.why = f"{cat[after].name} now leads on {label}, {_ratio(now, after)} {cat[before].name}"
    growth = [
        (cat[o.framework].name, 100 * (now[o.framework] - then[o.framework]) / then[o.framework])
        for o in check.now
        if then.get(o.framework)
    ]
    if growth and check.metric.kind != "share":
        check.why += "; since then " + ", ".join(f"{name} {fmt.pct(pct)}" for name, pct in growth)


def check_claim(store: Store, metric_id: str, quotes: list[Quote]) -> ClaimCheck:
    metric = METRICS[metric_id]
    spec = SPECS[metric_id]
    check = ClaimCheck(metric, quotes)
    frameworks = check.frameworks
    points = {fid: _independent(pts) for fid, pts in load_points(store, metric_id, frameworks).items()}
    newest = max(q.month for q in quotes)
    for q in check.latest_quotes:
        then = value_at(points.get(q.framework, []), q.month, month=True, tolerance=MIN_TOLERANCE_DAYS)
        if ours := _ours(store, metric_id, q.framework, then):
            check.then.append(ours)
    for fid in frameworks:
        later = [p for p in points.get(fid, []) if p.date > newest]
        if ours := _ours(store, metric_id, fid, later[-1] if later else None):
            check.now.append(ours)
    if spec.related:
        related = load_points(store, spec.related, frameworks)
        check.related_metric = METRICS[spec.related]
        check.related = [
            o for fid in frameworks if (o := _ours(store, spec.related, fid, (related[fid] or [None])[-1]))
        ]
    check.agreement = _agreement(check)
    _judge(check, spec)
    return check


def check_article(store: Store) -> list[ClaimCheck]:
    return [check_claim(store, metric_id, quotes) for metric_id, quotes in claims(store).items()]


# -- text ------------------------------------------------------------------------------------------
def _quote_value(value: float, metric: Metric) -> str:
    if metric.unit.startswith("%"):
        return f"{value:g}%"  # as the article gave it: 12.95%, not 12.9%
    if metric.id == "github_stars":
        return f"~{value / 1000:g}k"  # the article rounded to the thousand
    return f"{value:,.0f}"


def _quotes_text(check: ClaimCheck) -> str:
    cat = catalog()
    months = sorted({q.month for q in check.quotes})
    parts = []
    for fid in check.frameworks:
        mine = sorted((q for q in check.quotes if q.framework == fid), key=lambda q: q.month)
        values = " → ".join(
            _quote_value(q.value, check.metric) + (f" ({q.month:%b %Y})" if len(months) > 1 else "") for q in mine
        )
        parts.append(f"{cat[fid].name} {values}")
    when = f", {months[0]:%B %Y}" if len(months) == 1 else ""
    # Rows of one claim cite the same source, some at more length: the shortest names it plainly.
    source = min({q.source for q in check.latest_quotes}, key=len)
    return f"{check.metric.label}{when}: {', '.join(parts)} ({source})"


def _ours_text(ours: list[Ours], metric: Metric, *, short: bool = False) -> str:
    cat = catalog()
    number = (lambda v: fmt.human(v, metric.unit)) if short else (lambda v: exact(v, metric.unit))
    values = ", ".join(f"{cat[o.framework].name} {number(o.point.value)}" for o in ours)
    dates = sorted({o.point.date for o in ours})
    when = fmt.day(dates[0]) if len(dates) == 1 else f"{fmt.day(dates[0])} to {fmt.day(dates[-1])}"
    sources = "; ".join(sorted({o.source for o in ours}))
    return f"{values} ({when}, {sources})"


def claim_lines(check: ClaimCheck, number: int) -> list[str]:
    """The claim, then our figures at the time and today where we have them, then the verdict.

    A claim we cannot check gets two lines: repeating "no figure then, no figure now" says nothing
    the verdict does not.
    """
    metric = check.metric
    lines = [f"*{number}. {_quotes_text(check)}.*"]
    if check.then:
        agreement = f": {check.agreement}" if check.agreement else ""
        lines.append(f"  Then, in our store: {_ours_text(check.then, metric)}{agreement}.")
    if check.now:
        lines.append(f"  Today: {_ours_text(check.now, metric)}.")
    elif check.then:
        lines.append("  Today: no newer figure.")
    lines.append(f"  → *{check.verdict.capitalize()}*: {check.why}.")
    if not check.now and check.related and check.related_metric:
        related = _ours_text(check.related, check.related_metric, short=True)
        lines.append(f"  Related, not a check: {check.related_metric.label}, {related}.")
    return lines


def _retained_note(store: Store, checks: list[ClaimCheck]) -> str | None:
    """What GitHub's rebuilt history says for the star claim, so nobody mistakes it for the check."""
    stars = next((c for c in checks if c.metric.id == "github_stars"), None)
    if stars is None:
        return None
    cat = catalog()
    month = max(q.month for q in stars.quotes)
    retained = load_points(store, "github_stars_retained", stars.frameworks)
    found = [(fid, value_at(pts, month, month=True, tolerance=MIN_TOLERANCE_DAYS)) for fid, pts in retained.items()]
    found = [(fid, p) for fid, p in found if p]
    if not found:
        return None
    values = ", ".join(f"{cat[fid].name} {exact(p.value, 'stars')} ({fmt.day(p.date)})" for fid, p in found)
    return (
        f"Stars are checked against best-of-ml-python's counts taken at the time. GitHub's rebuilt history "
        f"(retained stars by star date) reads lower for {month:%B %Y}: {values}, because unstars and deleted "
        "accounts vanish from it."
    )


def _sources(store: Store, checks: list[ClaimCheck]) -> list[SourceCredit]:
    known = sources_by_id(store)
    newest: dict[str, date] = {}
    for check in checks:
        points = [o.point for o in (*check.then, *check.now, *check.related)]
        points += [Point(q.month, q.value, "article", None) for q in check.quotes]
        for p in points:
            newest[p.source] = max(newest.get(p.source, date.min), p.date)
    out = []
    for sid, as_of in sorted(newest.items(), key=lambda kv: kv[1], reverse=True):
        meta = known.get(sid, {})
        out.append(
            SourceCredit(sid, meta.get("name") or sid, meta.get("credit") or sid, meta.get("licence", ""), as_of)
        )
    return out


def _headline(checks: list[ClaimCheck]) -> str:
    counts = {v: sum(c.verdict == v for c in checks) for v in ("still true", "no longer true", "cannot check")}
    text = (
        f"The 2023 article {ARTICLE} quoted {len(checks)} measures: {counts['still true']} still true, "
        f"{counts['no longer true']} no longer true, {counts['cannot check']} cannot be checked"
    )
    families = list(dict.fromkeys(SPECS[c.metric.id].family for c in checks if c.verdict == "cannot check"))
    if families:
        text += " (no later figures from " + ", ".join(families[:-1])
        text += (" or " if len(families) > 1 else "") + families[-1] + " here)"
    return text + "."


def answer_article(store: Store, query: Query) -> Answer:
    """Each claim of the 2023 article beside our figure at its date and today, with a verdict."""
    checks = check_article(store)
    title = "Was the 2023 article right?"
    if not checks:
        return Answer("empty", query, title, "The article's figures are not in this store (its seed was not loaded).")
    answer = Answer("article", query, title, _headline(checks))
    for number, check in enumerate(checks, start=1):
        answer.lines += [*claim_lines(check, number), ""]
    answer.lines = answer.lines[:-1]
    retained = _retained_note(store, checks)
    answer.notes = [n for n in (retained,) if n]
    answer.notes.append(
        "Survey usage is given for two populations (all respondents; professional developers), never mixed."
    )
    answer.sources = _sources(store, checks)
    answer.extra["claims"] = checks
    return answer


# -- source notes for ordinary answers -------------------------------------------------------------
def article_source_notes(store: Store, answer: Answer) -> Answer:
    """Name the survey or site, population and date behind article-sourced figures: one note per metric."""
    for c in answer.comparisons:
        spec = SPECS.get(c.metric.id)
        quoted = [f for f in c.figures if f.latest and f.latest.source == "article"]
        if spec is None or not quoted:
            continue
        # Rows of one measure cite the same source, some at more length: the shortest names it plainly.
        source = min((source_of(store, f.framework, c.metric.id, f.latest) for f in quoted), key=len)
        months = sorted({f"{f.latest.date:%B %Y}" for f in quoted})
        answer.notes.append(f"{c.label}, {' and '.join(months)}: {source}. No newer figure: {spec.no_current}.")
    return answer
