"""The alert commands' words: `alert …` (set one), `alerts` (the channel's list), `alert remove N`, and their
plain-English forms ("tell me when jax passes 50k stars", "what alerts are set", "delete alert 2").

Three kinds of alert are read (`AlertRule.kind`):

    threshold   jax 50k stars · when keras reaches 70,000 stars · torch 1.5m downloads
    passes      when pytorch passes tensorflow in stars · if jax overtakes tensorflow on downloads
    change      polars downloads +50% month · if jax stars grow 10% in a week · torch downloads -20% year

Names are read like any project name (`grammar.parse`): framework names and aliases, bundled projects,
`pypi:`/`npm:` packages, `owner/repo`, URLs; what is found nowhere stays in `unknown` with the grammar's
"did you mean" hints, so the reply answers it like any unknown name. What the rule itself lacks (no number,
no figure) is said in `AlertRule.problem`; the reply explains it. Never raises.
"""

from __future__ import annotations

import re
from datetime import date

from bot.catalog import Catalog
from bot.understanding.grammar import parse
from bot.understanding.normalise import normalise
from bot.understanding.query import AlertRule, Query

ALERT_INTENTS = frozenset({"alert", "alerts", "alert_remove"})

# Cues over normalised text, checked in this order: list, remove, set.
CUES: dict[str, re.Pattern[str]] = {
    "alerts": re.compile(
        r"^alerts$|^(?:list|show)(?: me| us)?(?: the| our| my| all| this channel)? alerts\b|\bwhat alerts\b"
        r"|^(?:our|my|the|channel|this channel) alerts$|\bwhich alerts\b"
    ),
    "alert_remove": re.compile(
        r"^alerts? (?:remove|delete|cancel|drop|rm|clear|stop)\b"
        r"|^(?:please )?(?:remove|delete|cancel|drop|clear|stop) (?:the |my |our |this )?alert\b"
    ),
    "alert": re.compile(
        r"^alert\b|\b(?:tell|let|ping|notify|alert|warn|message|remind|post|shout) "
        r"(?:me|us|the channel|this channel|everyone|here)(?: know)?(?: here)? (?:when|if|once|as soon as)\b"
    ),
}

_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<mult>k|m|b|thousand|million|billion)?(?!\w)",
    re.I,
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}
_UP = r"up|rises?|grows?|jumps?|gains?|increases?|climbs?|goes up"
_DOWN = r"down|drops?|falls?|declines?|decreases?|shrinks?|goes down"
_CHANGE = re.compile(
    rf"(?:\b(?P<word>{_UP}|{_DOWN})\s+(?:by\s+)?)?(?P<sign>[+\-−])?\s*(?P<num>\d+(?:\.\d+)?)\s*"
    r"(?:%|percent\b|per cent\b)"
    r"(?:\s*(?:(?:in|within|over|per|a|an|one|1|the|each|every|of|on)\s+)*(?P<unit>day|week|month|quarter|year)s?\b"
    r"|\s*(?P<ly>daily|weekly|monthly|quarterly|yearly|annually)\b)?",
    re.I,
)
_LY = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}
_LY |= {"yearly": "year", "annually": "year"}
_PASS = re.compile(
    r"\b(?:passes|pass|passed|overtakes?|overtaken|surpass(?:es)?|beats?|exceeds?|tops|crosses|cross|reaches|reach"
    r"|hits?|gets? (?:to|past|over|above)|goes? (?:over|above|past)|is (?:over|above|past)|has more \w+ than"
    r"|more than|above|over|past)\b",
    re.I,
)
# Words around an alert's names and figure that are not names (read after the cue is taken out).
_FILLER = re.compile(
    r"\b(?:when|whenever|if|once|as soon as|has|have|does|do|its|it|number of|figure|total|reached|than"
    r"|goes|gets|is|are|set|an|me|us|please|alert|alerts|tell|let|know|ping|notify|warn|in|on|by|at)\b",
    re.I,
)


def alert_intent(cleaned: str) -> str | None:
    """The alert intent a text asks for (the cleaned text, as typed), or None. A text that starts with
    "alert" is a command only when a space or its end follows ("alert(1) vs pytorch" is no command)."""
    t = normalise(cleaned)
    typed_command = re.match(r"\s*(?:/?fwtrend\s+)?alerts?(?:\s|$)", cleaned.lower()) is not None
    for intent, cue in CUES.items():
        m = cue.search(t)
        if m and (typed_command or m.start() > 0 or not t.startswith("alert")):
            return intent
    return None


def alert_query(intent: str, text: str, *, today: date, cat: Catalog) -> Query:
    """The Query for `alerts` (nothing more), `alert_remove` (the number) or `alert` (the rule, with the
    names in `frameworks` in the order of the text and the metric). `text` is the whole cleaned text."""
    if intent == "alerts":
        return Query(intent="alerts", text=text)
    body = _without_cue(text)
    if intent == "alert_remove":
        m = re.search(r"#?\s*(\d+)\b", body)
        number = int(m.group(1)) if m else None
        problem = None if m else "Say which alert to remove by its number in `/fwtrend alerts`, e.g. `alert remove 2`."
        return Query(intent="alert_remove", alert=AlertRule(number=number, problem=problem), args=body, text=text)
    return _rule_query(body, text, today, cat)


def _without_cue(text: str) -> str:
    t = re.sub(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>|^\s*/?fwtrend\b", " ", text, flags=re.I).strip()
    t = re.sub(
        r"^(?:please\s+)?(?:alerts?\s+(?:remove|delete|cancel|drop|rm|clear|stop)|(?:remove|delete|cancel|drop|clear"
        r"|stop)\s+(?:the\s+|my\s+|our\s+|this\s+)?alert|alert)\b\s*",
        "",
        t,
        flags=re.I,
    )
    t = re.sub(
        r"^.*?\b(?:tell|let|ping|notify|alert|warn|message|remind|post|shout)\s+(?:me|us|the channel|this channel"
        r"|everyone|here)(?:\s+know)?(?:\s+here)?\s+(?=when|if|once|as soon as)",
        "",
        t,
        flags=re.I,
    )
    return re.sub(r"\s+", " ", t).strip(" ?!.:")


def _rule_query(body: str, text: str, today: date, cat: Catalog) -> Query:
    rule = AlertRule()
    notes: list[str] = []
    names = body
    change = _CHANGE.search(body)
    passing = _PASS.search(body)
    if change:
        pct = float(change.group("num"))
        word = (change.group("word") or "").lower()
        if change.group("sign") in ("-", "−") or re.fullmatch(_DOWN, word):
            pct = -pct
        window = change.group("unit") or _LY.get((change.group("ly") or "").lower())
        if window is None:
            window = "month"
            notes.append("I read the change as over a month: say `week`, `quarter` or `year` for another span.")
        rule = AlertRule(kind="change", change_pct=pct, window=window.lower())  # type: ignore[arg-type]
        names = body[: change.start()] + " " + body[change.end() :]
    elif passing and not _NUMBER.search(body[passing.end() :]):
        rule = AlertRule(kind="passes")
        names = body[: passing.start()] + " , " + body[passing.end() :]
    else:
        numbers = list(_NUMBER.finditer(body))
        if numbers:
            m = numbers[0]
            rule = AlertRule(kind="threshold", threshold=_number(m))
            names = body[: m.start()] + " " + body[m.end() :]
            if passing:
                names = names.replace(passing.group(0), " ", 1)
        else:
            rule = AlertRule(
                problem="Say what to wait for: a figure (`jax 50k stars`), another project to pass (`when pytorch "
                "passes tensorflow in stars`) or a change (`polars downloads +50% month`)."
            )
    names = re.sub(r"\s+", " ", _FILLER.sub(" ", names)).strip(" ,")
    reading = parse(names, today=today, cat=cat) if names else None
    if reading is None:
        return Query(intent="alert", alert=rule, args=body, text=text, notes=notes)
    if rule.kind == "passes" and len(reading.frameworks) != 2 and rule.problem is None:
        rule = rule.model_copy(
            update={"problem": "Name two projects, the one to pass first: `when pytorch passes tensorflow in stars`."}
        )
    return Query(
        intent="alert",
        frameworks=reading.frameworks,
        metric=reading.metric,
        unknown=reading.unknown,
        suggestions=reading.suggestions,
        not_tracked=reading.not_tracked,
        notes=[*notes, *reading.notes],
        alert=rule,
        args=body,
        text=text,
    )


def _number(m: re.Match[str]) -> float:
    value = float(m.group("num").replace(",", ""))
    return value * _MULTIPLIERS.get((m.group("mult") or "").lower(), 1)
