"""From what a user typed to an `Answer`: the one entry point handlers and the CLI call.

Dispatch only: each intent's answer lives in its own module; the notes on how the text was read are added
here, per call, outside the answer cache.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.answering.aligned import aligned_note
from bot.answering.article import answer_article, article_source_notes
from bot.answering.compare import answer_compare
from bot.answering.crossover import answer_crossover
from bot.answering.gap_answers import boundary_notes
from bot.answering.growth import answer_growth
from bot.answering.help_answers import alert_hint, clarify, clarify_reading, help_answer, watch_hint
from bot.answering.languages import answer_languages
from bot.answering.leaderboard import answer_leaderboard
from bot.answering.model import Answer, month_end
from bot.answering.point_in_time import answer_at
from bot.answering.profile import answer_profile
from bot.answering.scale import scale_note
from bot.answering.sources import sources_answer
from bot.catalog import catalog
from bot.store.connection import Store
from bot.store.projects import live_projects
from bot.understanding.grammar import MAX_TEXT, Query, parse, query_text
from bot.understanding.periods import end_notes
from bot.understanding.reader import understand


def answer_query(store: Store, query: Query, *, today: date | None = None) -> Answer:
    """Answer a parsed query (cached per query and data version, so repeated questions cost nothing)."""
    catalog().know_projects(live_projects(store), exactly=True)  # projects a live look-up stored, in any process
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
    scale = scale_note(query.scale, answer.chart)
    if scale:
        notes.append(scale)
    if query.aligned:
        notes.append(aligned_note(answer, in_period=query.since is not None))
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
    # None named (a leaderboard): the built-in frameworks it ranks, never a scan of every bundled project.
    named = frameworks or catalog().ids()

    def compute() -> list[str]:
        sql = f"SELECT DISTINCT metric FROM observations WHERE framework IN ({', '.join('?' for _ in named)})"
        return sorted(row[0] for row in store.db.execute(sql, named).fetchall())

    return store.cached(("metrics_with_data", tuple(frameworks)), compute)


def _dispatch(store: Store, query: Query, *, today: date | None) -> Answer:
    if query.intent == "clarify" and query.alternatives:
        return clarify_reading(query)
    if query.unknown:
        known = _known_part(query)
        if known is not None:
            answer = _dispatch(store, known, today=today)
            return replace(answer, notes=[*answer.notes, _no_figures_note(query.unknown)])
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
    if query.intent in ("track", "untrack", "tracking"):  # they change a workspace's list: not an answer
        return watch_hint(query)
    if query.intent in ("alert", "alerts", "alert_remove"):  # they change a channel's alerts: not an answer
        return alert_hint(query)
    return help_answer(query, unknown=True)


def _known_part(query: Query) -> Query | None:
    """A question naming a bundled project beside names found nowhere ("langchain vs llama-index"): the
    question about the projects it knows, or None when the names are typos or not all are plain unknowns
    (those get "did you mean" or "not tracked" as before)."""
    cat = catalog()
    if not any(fid not in cat.frameworks for fid in query.frameworks):
        return None
    if any(query.suggestions.get(name) or name in query.not_tracked for name in query.unknown):
        return None
    intent = query.intent if len(query.frameworks) >= 2 or query.metric or query.intent != "compare" else "profile"
    return query.model_copy(update={"unknown": [], "suggestions": {}, "intent": intent})


def _no_figures_note(names: list[str]) -> str:
    shown = " and ".join(f"“{n}”" for n in names)
    return (
        f"I have no figures for {shown} offline: no bundled file holds {'them' if len(names) > 1 else 'it'} "
        "(the top PyPI packages, best-of-ml-python's projects, repostory's repositories), so I answer for the rest."
    )


def understand_text(text: str, *, today: date | None = None) -> Query:
    """How a text is understood (what `fwtrend parse` prints): the grammar, then plain English."""
    return understand(text, today=today)
