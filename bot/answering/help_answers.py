"""Answers that are not figures: help, "did you mean…?" for unknown names, and "which one?" for a name
that means two things. Never a silent guess."""

from __future__ import annotations

from bot.answering.model import Answer
from bot.catalog import catalog
from bot.metrics import METRICS
from bot.understanding.grammar import Query, query_text
from bot.understanding.project_readings import describe_project

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
    "*Alerts*: `/fwtrend alert jax 50k stars` · `/fwtrend alert when pytorch passes tensorflow in stars` · "
    "`/fwtrend alert polars downloads +50% month` · `/fwtrend alerts` · `/fwtrend alert remove N`",
]


def clarify_reading(query: Query) -> Answer:
    """A name that means two things: ask, with one button per reading. Never pick one silently."""
    question = query.question or "Which did you mean?"
    lines = [f"• {_describe(alt)}" for alt in query.alternatives]
    return Answer("clarify", query, "Which one?", question, lines=lines, suggestions=list(query.alternatives))


def _describe(query: Query) -> str:
    cat = catalog()
    if any(f not in cat.frameworks for f in query.frameworks):
        # Bundled projects that share a name: say which each is and what to type to ask for it.
        return f"`{query_text(query)}`: " + " vs ".join(describe_project(f, cat) for f in query.frameworks)
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
        # A long name was cut by the reader (it ends in "…"): say so rather than pass the cut off as typed.
        shown = f"“{name}” (shortened)" if name.endswith("…") else f"“{name}”"
        if name in query.not_tracked:
            lines.append(query.not_tracked[name])  # another project than the one its name resembles
        elif options:
            names = " or ".join(f"*{cat[o].name}*" for o in options)
            lines.append(f"I don't know {shown}. Did you mean {names}?")
            for option in options:
                fixed = [*query.frameworks, option] if option not in query.frameworks else query.frameworks
                intent = "compare" if len(fixed) >= 2 or query.metric else "profile"
                suggestions.append(query.model_copy(update={"frameworks": fixed, "intent": intent, "unknown": []}))
        else:
            lines.append(f"I don't track {shown}.")
    lines.append("I track: " + ", ".join(fw.name for fw in cat) + ".")
    headline = lines[0]
    # "Did you mean…?" only heads an answer that suggests something.
    title = "Did you mean…?" if suggestions else "Not tracked"
    return Answer("clarify", query, title, headline, lines=lines[1:], suggestions=suggestions[:5])


def watch_hint(query: Query) -> Answer:
    """`fwtrend ask "track polars"`: the watch list has its own commands (an answer changes no list)."""
    return Answer(
        "help",
        query,
        "The watch list",
        "The watch list has its own commands: `fwtrend track NAME…`, `fwtrend untrack NAME…` and "
        "`fwtrend tracking` in a terminal, `/fwtrend track NAME` in Slack.",
    )


def alert_hint(query: Query) -> Answer:
    """`fwtrend ask "alert jax 50k stars"`: alerts belong to a Slack channel (an answer sets none)."""
    return Answer(
        "help",
        query,
        "Alerts",
        "Alerts are set in a Slack channel, which gets their posts: `/fwtrend alert jax 50k stars`, "
        "`/fwtrend alert when pytorch passes tensorflow in stars`, `/fwtrend alert polars downloads +50% month`, "
        "`/fwtrend alerts` and `/fwtrend alert remove N`. `fwtrend alerts --dry-run` prints what is due to post.",
    )
