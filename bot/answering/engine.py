"""From what a user typed to an `Answer`: the one entry point handlers and the CLI call."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.answering.answers import (
    Answer,
    answer_compare,
    answer_crossover,
    answer_growth,
    answer_leaderboard,
    answer_profile,
)
from bot.answering.article import answer_article, article_source_notes
from bot.answering.gap_answers import boundary_notes
from bot.answering.languages import answer_languages
from bot.answering.point_in_time import answer_at, month_end
from bot.answering.scale import scale_note
from bot.catalog import catalog
from bot.metrics import METRICS
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.store.refresh_runs import sources_status
from bot.understanding.grammar import MAX_TEXT, Query, parse, query_text
from bot.understanding.periods import end_notes
from bot.understanding.reader import understand

HELP_LINES = [
    "*Compare*: `/fwtrend pytorch vs tensorflow` · `/fwtrend jax, flax and pytorch stars since 2020`",
    "*One framework*: `/fwtrend jax` shows every metric with its trend",
    "*Rank*: `/fwtrend top downloads` · `/fwtrend top new stars since 2024`",
    "*Ask*: `is jax growing faster than pytorch?` · `when did pytorch overtake tensorflow?` · "
    "`which has more stackoverflow questions, keras or tensorflow`",
    "*In a thread*: follow up with `what about jax?`, `and downloads?`, `since 2020?`, `add keras`",
    "*Metrics*: stars, new stars, forks, contributors, downloads, npm, questions, models, papers, survey",
    "*Periods*: `since 2020`, `last 6 months`, `in 2023`, `2019-2021`, `this year`, "
    "`from march 2023 to june 2024`, `until 2024-08`",
    "*Data*: `/fwtrend sources` says where every figure comes from and how fresh it is",
]


def answer_query(store: Store, query: Query, *, today: date | None = None) -> Answer:
    """Answer a parsed query (cached per query and data version, so repeated questions cost nothing)."""
    # Today is part of the key: staleness marks and relative periods change with the date.
    key = ("answer", query.cache_key(), today or date.today())
    answer = store.cached(key, lambda: _answer(store, query, today=today))
    return _with_reading_notes(answer, query, today or date.today())


def answer_text(store: Store, text: str, *, today: date | None = None, context: Query | None = None) -> Answer:
    """Answer what a user typed: slash grammar or plain English; `context` is the thread's last question."""
    return answer_query(store, understand(text, today=today, context=context), today=today)


def strict_answer_text(store: Store, text: str, *, today: date | None = None) -> Answer:
    """The slash grammar alone, without the English reader (for comparisons and debugging)."""
    return answer_query(store, parse(text, today=today), today=today)


def _with_reading_notes(answer: Answer, query: Query, today: date) -> Answer:
    """Say how the text was read (typos, truncation, follow-ups, periods left out) so no reading passes as
    fact unseen.

    Added per call, outside the cache: the cached answer is shared by every wording of the same query.
    """
    notes = []
    cat = catalog()
    for typed, fid in query.corrections.items():
        if fid in cat.frameworks:
            notes.append(f"I read “{typed}” as {cat[fid].name}.")
    if query.followup:
        notes.append(f"Following up on the earlier question in this thread: `{query_text(query)}`.")
    if query.truncated:
        notes.append(f"Your message was long: I read only its first {MAX_TEXT} characters.")
    notes.extend(query.notes)
    kind = query.intent if answer.kind == "empty" else answer.kind  # no figures: the period still wasn't applied
    notes.extend(end_notes(kind, query.since, query.until, query.period_label, today))
    if query.scale:
        notes.append(scale_note(query.scale, answer.chart))
    if not notes and answer.query == query:
        return answer
    # Otherwise this asker's query: the cached answer was built for whichever wording came first, and its
    # query (notes included) goes into this message's buttons.
    return replace(answer, query=query, notes=[*notes, *answer.notes])


def _answer(store: Store, query: Query, *, today: date | None) -> Answer:
    answer = _dispatch(store, query, today=today)
    if answer.kind in ("compare", "profile", "leaderboard", "growth", "crossover"):
        # A period that starts or ends in a gap of the data says so, and which real figures it used.
        since, until = query.since, query.until
        if query.at and until is None:
            until = month_end(query.at) if query.at_month else query.at
        answer.notes = [*boundary_notes(store, answer, since, until), *answer.notes]
    if answer.kind in ("compare", "profile", "leaderboard", "growth", "crossover", "point_in_time", "empty"):
        # Buttons offer only metrics that have figures for these frameworks.
        answer.extra.setdefault("metrics_with_data", metrics_with_data(store, query.frameworks))
    return answer


def metrics_with_data(store: Store, frameworks: list[str]) -> list[str]:
    def compute() -> list[str]:
        sql = "SELECT DISTINCT metric FROM observations"
        args: list[str] = []
        if frameworks:
            sql += f" WHERE framework IN ({', '.join('?' for _ in frameworks)})"
            args = list(frameworks)
        return sorted(row[0] for row in store.db.execute(sql, args).fetchall())

    return store.cached(("metrics_with_data", tuple(frameworks)), compute)


def _dispatch(store: Store, query: Query, *, today: date | None) -> Answer:
    if query.intent == "clarify" and query.alternatives:
        return clarify_reading(query)
    if query.unknown:
        clarification = clarify(query)
        if clarification:
            return clarification
    if query.at and query.intent in ("compare", "profile"):
        return answer_at(store, query, today=today)
    if query.at and query.intent in ("leaderboard", "growth", "crossover"):
        # A ranking, growth or race "in march 2022" is read as of that date: nothing after it counts.
        until = month_end(query.at) if query.at_month else query.at
        label = f"to {until:%B %Y}" if query.at_month else f"to {until.isoformat()}"
        query = query.model_copy(update={"until": until, "at": None, "period_label": label})
    if query.intent == "compare":
        return article_source_notes(store, answer_compare(store, query, today=today))
    if query.intent == "profile":
        return article_source_notes(store, answer_profile(store, query, today=today))
    if query.intent == "article":
        return answer_article(store, query)
    if query.intent == "leaderboard":
        return answer_leaderboard(store, query, today=today)
    if query.intent == "languages":
        return answer_languages(store, query)
    if query.intent == "growth":
        return answer_growth(store, query, today=today)
    if query.intent == "crossover":
        return answer_crossover(store, query, today=today)
    if query.intent == "sources":
        return sources_answer(store, query)
    if query.intent == "help":
        return help_answer(query)
    return help_answer(query, unknown=True)


def clarify_reading(query: Query) -> Answer:
    """A name that means two things: ask, with one button per reading. Never pick one silently."""
    question = query.question or "Which did you mean?"
    lines = [f"• {_describe(alt)}" for alt in query.alternatives]
    return Answer("clarify", query, "Which one?", question, lines=lines, suggestions=list(query.alternatives))


def _describe(query: Query) -> str:
    cat = catalog()
    names = " vs ".join(cat[f].name for f in query.frameworks if f in cat.frameworks)
    metric = METRICS[query.metric].label if query.metric in METRICS else ""
    if query.intent == "leaderboard":
        return f"top frameworks by {metric or 'GitHub stars'}"
    return ", ".join(p for p in (names, metric) if p) or query_text(query)


def help_answer(query: Query, *, unknown: bool = False) -> Answer:
    cat = catalog()
    tracked = ", ".join(f"{fw.name}" for fw in cat)
    headline = (
        "I didn't catch a framework in that. Here is what I can answer."
        if unknown and query.text
        else "fwtrend answers how ML frameworks are trending, with real figures and charts."
    )
    lines = [*HELP_LINES, f"*Tracked*: {tracked}"]
    return Answer("help", query, "fwtrend help", headline, lines=lines)


def clarify(query: Query) -> Answer | None:
    """Unknown names: suggest what the user may mean, or list what is tracked. Never guess silently."""
    cat = catalog()
    lines = []
    suggestions: list[Query] = []
    for name in query.unknown:
        options = query.suggestions.get(name, [])
        if name in query.not_tracked:
            lines.append(query.not_tracked[name])  # another project than the one its name resembles
        elif options:
            names = " or ".join(f"*{cat[o].name}*" for o in options)
            lines.append(f"I don't know “{name}”. Did you mean {names}?")
            for option in options:
                fixed = [*query.frameworks, option] if option not in query.frameworks else query.frameworks
                intent = "compare" if len(fixed) >= 2 or query.metric else "profile"
                suggestions.append(query.model_copy(update={"frameworks": fixed, "intent": intent, "unknown": []}))
        else:
            lines.append(f"I don't track “{name}”.")
    lines.append("I track: " + ", ".join(fw.name for fw in cat) + ".")
    headline = lines[0]
    title = "Not tracked" if set(query.unknown) <= set(query.not_tracked) else "Did you mean…?"
    return Answer("clarify", query, title, headline, lines=lines[1:], suggestions=suggestions[:5])


def sources_answer(store: Store, query: Query) -> Answer:
    """Where each figure comes from, its licence, and how fresh each source is."""
    held = {
        row["source"]: row
        for row in store.db.query(
            "SELECT source, COUNT(*) AS n, MIN(date) AS oldest, MAX(date) AS newest FROM observations GROUP BY source"
        )
    }
    meta = sources_by_id(store)
    statuses = sources_status(store)
    lines = []
    for status in statuses:
        sid = status["source"]
        info, row = meta.get(sid, {}), held.get(sid)
        figures = f"{row['n']:,} figures to {row['newest']}" if row else "no figures yet"
        if status["last_good_refresh"]:
            state = f"last refreshed {status['last_good_refresh'][:10]}, {'stale' if status['stale'] else 'fresh'}"
        else:
            state = "never refreshed (`fwtrend refresh` fetches it)"
        if status["last_error"]:
            state += f"; last run failed: {status['last_error'][:120]}"
        lines.append(f"*{status['name']}*: {figures}; {state}. {info.get('licence', '')}")
    refreshed = {status["source"] for status in statuses}
    for sid, row in held.items():
        if sid in refreshed:
            continue
        info = meta.get(sid, {})
        lines.append(
            f"*{info.get('name', sid)}* (bundled snapshot): {row['n']:,} figures, {row['oldest']} → {row['newest']}. "
            f"{info.get('credit', '')}; {info.get('licence', '')}"
        )
    title = "Where fwtrend's figures come from"
    return Answer("sources", query, title, "Sources, licences and freshness:", lines=lines)


def understand_text(text: str, *, today: date | None = None) -> Query:
    """How a text is understood (what `fwtrend parse` prints): the grammar, then plain English."""
    return understand(text, today=today)
