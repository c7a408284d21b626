"""Where a name could mean two things, ask: a Query with intent "clarify", a one-line question and
each reading as an alternative Query (the answer offers them as buttons). Also `settle`, which makes
an intent fit the frameworks a Query ends up with.
"""

from __future__ import annotations

from itertools import product

from bot.catalog import Catalog
from bot.understanding.project_readings import ProjectReading, all_readings, describe
from bot.understanding.query import Query
from bot.understanding.reading import Mention, Reading


def ask_when_ambiguous(query: Query, reading: Reading, cat: Catalog) -> Query:
    """Turn a reading with a two-way name into a clarifying question with both readings as buttons."""
    several = [m for m in reading.mentions if m.options and not set(m.options) <= set(cat.frameworks)]
    if several:  # bundled projects that share a name ("acme", "datasets", "fastapi")
        return _clarify(query, project_question(several, cat), _project_alternatives(query, reading, several))
    for mention in reading.mentions:
        if mention.options:
            alternatives = [_with_framework(query, mention, fid) for fid in mention.options]
            names = " or ".join(cat[fid].name for fid in mention.options)
            question = f"{names}?"
            if set(mention.options) == {"keras", "tensorflow"}:
                question = f"Keras or TensorFlow? (“{mention.typed}” is Keras as shipped inside TensorFlow.)"
            return _clarify(query, question, alternatives)
        if mention.hf and query.metric == "hf_models" and reading.segments_with_names < 2:
            # "how many models does hf have": the Hub itself, not the Transformers library.
            others = [f for f in query.frameworks if f != "transformers"]
            return settle(
                query.model_copy(update={"frameworks": others, "intent": "profile" if others else "leaderboard"})
            )
        if mention.hf and query.metric is None and reading.segments_with_names < 2:
            return _clarify(query, "The Transformers library, or models on the Hugging Face Hub?", _hf_readings(query))
    return query


MAX_READINGS = 5
"""The most readings offered as buttons (Slack shows five side by side)."""


def project_question(several: list[Mention], cat: Catalog) -> str:
    """ "Which “acme”? Acme (deepmind/acme, PyPI `dm-acme`), or the PyPI package `acme`?" """
    if len(several) == 1:
        m = several[0]
        listed = ", or ".join(describe(ProjectReading(p, _how(m, p, cat)), cat) for p in m.options)
        return f"Which “{m.typed}”? {listed[0].upper()}{listed[1:]}?"
    names = " and ".join(f"“{m.typed}”" for m in several)
    return f"{names} each name more than one project: which did you mean?"


def _how(mention: Mention, project: str, cat: Catalog) -> str:
    return next(r.how for r in all_readings(mention.typed, cat) if r.project == project)


def _project_alternatives(query: Query, reading: Reading, several: list[Mention]) -> list[Query]:
    """One Query per combination of readings (the same kind of reading for every name first: all PyPI
    packages, all repositories), at most MAX_READINGS; beyond that only the first name varies and the
    others take their first reading."""
    combos = sorted(product(*(range(len(m.options)) for m in several)), key=lambda c: (len(set(c)) > 1, c))
    if len(combos) > MAX_READINGS:
        combos = [(i, *[0] * (len(several) - 1)) for i in range(len(several[0].options))][:MAX_READINGS]
    out = []
    for combo in combos:
        chosen = {id(m): m.options[i] for m, i in zip(several, combo, strict=True)}
        frameworks: list[str] = []
        for m in reading.mentions:
            fid = m.framework or chosen.get(id(m))
            if fid and fid not in frameworks:
                frameworks.append(fid)
        if reading.passive and len(frameworks) >= 2:
            frameworks = [frameworks[1], frameworks[0], *frameworks[2:]]
        intent = "profile" if query.intent in {"leaderboard", "unknown", "help"} else query.intent
        update = {"frameworks": frameworks, "intent": intent, "alternatives": [], "question": None}
        out.append(settle(query.model_copy(update=update)))
    return out


def _with_framework(query: Query, mention: Mention, fid: str) -> Query:
    frameworks = list(query.frameworks)
    if fid not in frameworks:
        frameworks.append(fid)
    # Without the name the reader saw no framework and may have settled on a leaderboard.
    intent = "profile" if query.intent in {"leaderboard", "unknown", "help"} else query.intent
    update = {"frameworks": frameworks, "intent": intent, "alternatives": [], "question": None}
    return settle(query.model_copy(update=update))


def _hf_readings(query: Query) -> list[Query]:
    library = settle(query.model_copy(update={"alternatives": [], "question": None}))
    others = [f for f in query.frameworks if f != "transformers"]
    if others:
        hub = query.model_copy(update={"frameworks": others, "metric": "hf_models"})
    else:
        hub = query.model_copy(update={"frameworks": [], "metric": "hf_models", "intent": "leaderboard"})
    return [library, settle(hub)]


def _clarify(query: Query, question: str, alternatives: list[Query]) -> Query:
    return query.model_copy(update={"intent": "clarify", "question": question, "alternatives": alternatives})


def settle(query: Query) -> Query:
    """Make the intent fit the frameworks it now has (after a follow-up or a chosen reading)."""
    n = len(query.frameworks)
    intent = query.intent
    if intent in {"compare", "profile"}:
        if n >= 2 or (n == 1 and query.metric):
            intent = "compare"
        elif n == 1:
            intent = "profile"
        else:
            intent = "leaderboard" if query.metric else "help"
    elif intent == "crossover" and n < 2:
        intent = "growth" if n else "leaderboard"
    elif intent in {"clarify", "unknown"} and n:
        intent = "compare" if n >= 2 or query.metric else "profile"
    return query.model_copy(update={"intent": intent})
