"""From what a user typed to an `Answer`: the one entry point handlers and the CLI call."""

from __future__ import annotations

from datetime import date

from bot.answers import Answer, answer_compare, answer_leaderboard, answer_profile
from bot.article import answer_article, article_source_notes
from bot.catalog import catalog
from bot.languages import answer_languages
from bot.pointintime import answer_at
from bot.query import Query, parse
from bot.store import Store

HELP_LINES = [
    "*Compare*: `/fwtrend pytorch vs tensorflow` · `/fwtrend jax, flax and pytorch stars since 2020`",
    "*One framework*: `/fwtrend jax` shows every metric with its trend",
    "*Rank*: `/fwtrend top downloads` · `/fwtrend top new stars last 6 months`",
    "*Metrics*: stars, new stars, forks, contributors, downloads, npm, questions, models, papers, survey",
    "*Periods*: `since 2020`, `last 6 months`, `in 2023`, `2019-2021`, `this year`",
    "*Data*: `/fwtrend sources` says where every figure comes from and how fresh it is",
]


def answer_query(store: Store, query: Query, *, today: date | None = None) -> Answer:
    """Answer a parsed query (cached per query and data version, so repeated questions cost nothing)."""
    # Today is part of the key: staleness marks and relative periods change with the date.
    key = ("answer", query.cache_key(), today or date.today())
    return store.cached(key, lambda: _answer(store, query, today=today))


def answer_text(store: Store, text: str, *, today: date | None = None) -> Answer:
    return answer_query(store, parse(text, today=today), today=today)


def _answer(store: Store, query: Query, *, today: date | None) -> Answer:
    if query.unknown:
        clarification = clarify(query)
        if clarification:
            return clarification
    if query.at and query.intent in ("compare", "profile"):
        return answer_at(store, query, today=today)
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
    if query.intent == "sources":
        return sources_answer(store, query)
    if query.intent == "help":
        return help_answer(query)
    return help_answer(query, unknown=True)


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
        if options:
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
    return Answer("clarify", query, "Did you mean…?", headline, lines=lines[1:], suggestions=suggestions[:5])


def sources_answer(store: Store, query: Query) -> Answer:
    """Where each figure comes from, its licence, and how fresh each source is."""
    from bot.refresh import sources_status

    held = {
        row["source"]: row
        for row in store.db.query(
            "SELECT source, COUNT(*) AS n, MIN(date) AS oldest, MAX(date) AS newest FROM observations GROUP BY source"
        )
    }
    meta = store.sources()
    lines = []
    for status in sources_status(store):
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
    for sid, row in held.items():
        if any(s["source"] == sid for s in sources_status(store)):
            continue
        info = meta.get(sid, {})
        lines.append(
            f"*{info.get('name', sid)}* (bundled snapshot): {row['n']:,} figures, {row['oldest']} → {row['newest']}. "
            f"{info.get('credit', '')}; {info.get('licence', '')}"
        )
    title = "Where fwtrend's figures come from"
    return Answer("sources", query, title, "Sources, licences and freshness:", lines=lines)


def understand_text(text: str, *, today: date | None = None) -> Query:
    """How a text is understood (what `fwtrend parse` prints)."""
    return parse(text, today=today)
