"""Follow-ups in threads: how a reply changes the thread's previous question.

A pure function of (the reply, the thread's last Query, today) → Query | None: no store, no engine.
Remembering a thread's question is `bot.store.threads`; answering a message in a thread (recall →
follow-up → answer → remember) is `bot.answering.conversation`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.catalog import Catalog, catalog
from bot.understanding.clarify import MAX_READINGS, project_question, settle
from bot.understanding.english import read
from bot.understanding.intent import ANSWERABLE
from bot.understanding.project_readings import readings_of
from bot.understanding.projects import project_reading
from bot.understanding.query import Query
from bot.understanding.reading import Mention, Reading

LEAD_IN = re.compile(
    r"^(?:(?:ok(?:ay)?|cool|nice|thanks|great|hmm|right|and|but|also|so|now|then)\b[\s,]*)*"
    r"(?:what|how) about\b|^(?:and|also|plus|now|then|but|ok(?:ay)?)\b|^same (?:for|with|but|on|thing)\b"
    r"|^(?:add|include|with|without|drop|remove|exclude|minus|except|instead|only|just|vs|versus|compared? to)\b"
    r"|^(?:do|show|try) (?:the same|it|that)\b|^(?:and )?(?:for|in|on|over|since|between|from|during)\b"
)
REMOVE = re.compile(r"\b(?:without|drop|remove|exclude|minus|except|not|no|leave out|take out)\b")
ADD = re.compile(r"\b(?:add|include|plus|also|with|and|vs|versus|compared? to|against)\b")
INSTEAD = re.compile(r"\binstead of\b|\breplace\b|\bswap\b|\brather than\b")
PRONOUN = re.compile(r"\b(?:it|its|them|they|those|these|both|either|each|that one|this one)\b")
TOGETHER = re.compile(r"\b(?:compare them|side by side|head to head|them all|all of them|together)\b")
SHORT = 4


def apply_followup(text: str, previous: Query, today: date, *, cat: Catalog | None = None) -> Query | None:
    """The previous question changed by a thread reply, or None when the reply is a new question.

    "what about jax?" swaps the subject of a growth, crossover or profile question and joins a
    comparison; "add keras" / "without tensorflow" edit the list; "and downloads?", "since 2020?"
    swap the metric or period; "is it growing?" or "when did it overtake?" change the intent.
    """
    cat = cat or catalog()
    if previous.intent not in ANSWERABLE:
        return None
    reading = read(text, today, cat)
    if LEAD_IN.search(reading.text) or INSTEAD.search(reading.text):
        reading = _edit_names(reading, cat, reading.metric or previous.metric)
    shared = [m for m in reading.mentions if m.options and not set(m.options) <= set(cat.frameworks)]
    if not shared:
        return _followup(reading, text, previous, today, cat)
    # "what about acme?" where two bundled projects answer to "acme": the follow-up for each reading,
    # offered as a question (a reply that is no follow-up under some reading is read as a new question).
    first = shared[0]
    settled, note = readings_of(first.typed, cat, reading.metric or previous.metric)
    if len(settled) == 1:  # "what about acme?" after a question about stars: only one "acme" has stars
        mentions = [Mention(m.position, settled[0].project, m.typed) if m is first else m for m in reading.mentions]
        reading = replace(reading, mentions=mentions, notes=[*reading.notes, *([note] if note else [])])
        return _followup(reading, text, previous, today, cat)
    readings = [
        _followup(replace(reading, mentions=[Mention(m.position, o, m.typed) if m is first else m
                                              for m in reading.mentions]), text, previous, today, cat)
        for o in first.options[:MAX_READINGS]
    ]  # fmt: skip
    if any(r is None for r in readings):
        return None
    update = {"intent": "clarify", "question": project_question([first], cat), "alternatives": readings}
    return previous.model_copy(update={**update, "followup": True, "text": text})


def _followup(reading: Reading, text: str, previous: Query, today: date, cat: Catalog) -> Query | None:
    t = reading.text
    if not t or reading.cues & {"help", "sources", "subscribe", "unsubscribe", "subscriptions"}:
        return None
    edits = bool(LEAD_IN.search(t) or INSTEAD.search(t) or TOGETHER.search(t))
    lead_in = edits or bool(PRONOUN.search(t))
    mentions = [m for m in reading.mentions if m.framework]
    words = len(t.split())
    if not lead_in and not _is_fragment(reading, mentions, words):
        return None
    if len(reading.frameworks) >= 2 and not edits:
        return None  # "is it true that keras passed onnx?" asks its own question

    frameworks = _edit_frameworks(previous, mentions, t, today, cat)
    update: dict = {"frameworks": frameworks, "followup": True, "text": text, "unknown": reading.unknown,
                    "suggestions": reading.suggestions, "corrections": reading.corrections,
                    "alternatives": [], "question": None}  # fmt: skip
    if reading.metric:
        update["metric"], update["rate"] = reading.metric, reading.rate
    update["notes"] = [*reading.notes, *reading.name_notes]
    update["not_tracked"] = reading.not_tracked
    if reading.scale:
        update["scale"] = reading.scale
    if reading.aligned:
        update["aligned"] = True
    if reading.at:
        update.update(at=reading.at, at_month=reading.at_month, period_label=reading.at_label, since=None, until=None)
    elif reading.has_period:
        update.update(since=reading.since, until=reading.until, period_label=reading.period_label)
        if reading.since is None and reading.until and previous.since and previous.since <= reading.until:
            # "until 2023?" after "since 2020" ends that period; it does not drop its start.
            update.update(since=previous.since, period_label=f"{previous.period_label}, {reading.period_label}")
        update.update(at=None, at_month=False)
    intent = _new_intent(reading, previous, frameworks, t)
    update["intent"] = intent
    return settle(previous.model_copy(update=update))


EDIT_WORDS = frozenset({"add", "include", "plus", "with", "and", "also", "replace", "swap", "instead", "of", "about"})


def _edit_names(reading: Reading, cat: Catalog, metric: str | None) -> Reading:
    """In an edit of the list ("add polars", "replace jax with polars", "polars instead of jax") a word
    that names a bundled project between edit words (or the ends of the reply) is read as it; elsewhere
    a project's name beside other words is no name slot ("what about rich detail?" stays words).
    Mentions are ordered by where their words stand in the reply."""
    words = [w.strip("?!.;:") for w in re.split(r"[\s,]+", reading.text)]
    typed = {m.typed for m in reading.mentions}
    found: list[Mention] = []
    for i, word in enumerate(words):
        before, after = words[i - 1] if i else None, words[i + 1] if i + 1 < len(words) else None
        if not word or word in typed or word in EDIT_WORDS:
            continue
        if (before is not None and before not in EDIT_WORDS) or (after is not None and after not in EDIT_WORDS):
            continue
        project, note, options = project_reading(word, [], cat, metric)
        if project or options:
            found.append(Mention(i, project, word, options=options))
            reading.notes += [note] if note else []
    if not found:
        return reading
    where = {w: i for i, w in reversed(list(enumerate(words)))}
    for m in reading.mentions:  # the reader counts positions per segment: recount them in the reply's words
        m.position = where.get(m.typed.split()[0], m.position)
    used = {m.typed for m in found} | EDIT_WORDS
    unknown = [u for u in reading.unknown if not set(u.split()) <= used]
    unused = [w for w in reading.unused if w not in used]
    mentions = sorted([*reading.mentions, *found], key=lambda m: m.position)
    return replace(reading, mentions=mentions, unknown=unknown, unused=unused)


def _is_fragment(reading: Reading, mentions: list[Mention], words: int) -> bool:
    """A reply that cannot stand alone: no names but a metric, period or intent word; or a bare name."""
    if not mentions:
        return bool(reading.metric or reading.has_date or reading.cues & {"growth", "crossover", "leaderboard"})
    return words <= SHORT and not reading.cues and len(mentions) == 1


def _edit_frameworks(previous: Query, mentions: list[Mention], t: str, today: date, cat: Catalog) -> list[str]:
    current = list(previous.frameworks)
    named = [m.framework for m in mentions if m.framework]
    if not named:
        return current
    if INSTEAD.search(t) and len(named) >= 2:
        new, old = _instead_pair(t, named)
        # "jax instead of pytorch" when jax is already there: the list keeps each framework once.
        return list(dict.fromkeys(new if f == old else f for f in current)) if old in current else [*current, new]
    if REMOVE.search(t):
        return _remove(current, named, t, today, cat)
    if ADD.search(t.split(" ", 1)[0]) or re.match(r"^(?:add|include|plus|also|with|and)\b", t):
        return current + [f for f in named if f not in current]
    # "what about jax?" / "jax?": a new subject for a question about one framework's standing, a new
    # member for a comparison or ranking.
    if previous.intent in {"growth", "crossover", "profile"} and current:
        rest = [f for f in current[1:] if f not in named]
        return [*named, *rest] if previous.intent != "profile" else named
    if previous.intent == "leaderboard":
        return named
    return current + [f for f in named if f not in current]


def _instead_pair(t: str, named: list[str]) -> tuple[str, str]:
    # "jax instead of tf" names the new one first; "replace tf with jax" / "instead of tf, jax" the old one.
    if re.search(r"\b(?:replace|swap)\b|^instead of\b", t):
        return named[1], named[0]
    return named[0], named[1]


def _remove(current: list[str], named: list[str], t: str, today: date, cat: Catalog) -> list[str]:
    """ "without tf" drops what follows the word; anything named before it ("jax without tf") joins."""
    cut = REMOVE.search(t)
    after = re.split(r"\b(?:add|plus|include|but)\b", t[cut.end() :])[0] if cut else ""
    dropped = set(read(after, today, cat).frameworks)
    kept = [f for f in current if f not in dropped]
    return kept + [f for f in named if f not in dropped and f not in kept]


def _new_intent(reading: Reading, previous: Query, frameworks: list[str], t: str) -> str:
    cues = reading.cues
    if "crossover" in cues and len(frameworks) >= 2:
        return "crossover"
    if "growth" in cues:
        return "growth"
    if "leaderboard" in cues and not frameworks:
        return "leaderboard"
    if TOGETHER.search(t):
        return "compare"
    if previous.intent == "leaderboard" and frameworks:
        return "leaderboard"
    if previous.intent == "profile" and len(frameworks) >= 2:
        return "compare"
    return previous.intent
