"""What a plain-English question asks for: its intent cues, and the intent a reading settles on.

The cues stay code, not data: each is a regular expression with word boundaries, inflections and
alternatives ("overt(?:ake|akes|aken|aking|ook)"), which is grammar; as data they would be the same
regexes in another file, harder to read beside the order `intent_of` checks them in.
"""

from __future__ import annotations

import re

from bot.understanding.reading import Reading

ANSWERABLE = {"compare", "profile", "leaderboard", "growth", "crossover"}
"""Intents answered with figures: only these become a thread's context for follow-ups."""

# Intent cues, checked in this order (see `intent_of`).
CUES: dict[str, re.Pattern[str]] = {
    "unsubscribe": re.compile(
        r"\bunsubscribe\b|\bstop (?:sending|posting|the digest|notifying)|\bno more (?:digests?|updates)"
        r"|\bcancel (?:the |my |our |this )?(?:subscription|digest)"
    ),
    "subscriptions": re.compile(
        r"\b(?:my|our|list|show|current|channel s|what are (?:my|our|the)) subscriptions\b"
        r"|\bwhat (?:am i|are we|is this channel) subscribed|^subscriptions$"
    ),
    "subscribe": re.compile(
        r"\bsubscribe\b|\bnotify (?:me|us)\b|\bkeep (?:me|us) (?:posted|updated)\b"
        r"|\b(?:weekly|daily|monthly) (?:digest|updates?|reports?|summary)\b|\bdigest\b"
    ),
    "sources": re.compile(
        r"\bwhere (?:does|do|did|is) .{0,40}\b(?:come|coming|get|from)\b|\bdata sources?\b|\bsources?\b"
        r"|\bwhere do you get\b|\bhow fresh\b|\bhow (?:up to date|old|current) is\b|\bcredits?\b|\blicen[cs]e"
        r"|\bwhat data\b|\bwhich data\b"
    ),
    "crossover": re.compile(
        r"\bovert(?:ake|akes|aken|aking|ook)\b|\bsurpass(?:ed|es|ing)?\b|\bpass(?:ed|es|ing)?\b"
        r"|\bcatch(?:es|ing)? up\b|\bcaught up\b|\bcross(?:ed|over|es|ing)?\b|\bflip(?:ped|s)?\b"
        r"|\bt[ao]ken? the lead\b|\btook the lead\b|\boutgr[eo]w|\boutpac|\beclipse[ds]?\b"
    ),
    "growth": re.compile(
        r"\bgr[oe]w(?:s|ing|th|n)?\b|\bmomentum\b|\bgaining\b|\brising\b|\bclimbing\b|\baccelerat"
        r"|\bslowing\b|\bdeclin|\bshrink|\bdying\b|\bfading\b|\btraction\b|\bpicking up\b|\btaking off\b"
        r"|\btrajectory\b|\bfastest\b|\bvelocity\b|\bon the rise\b|\bexploding\b"
    ),
    "leaderboard": re.compile(
        r"\bmost\b|\btop\b|\brank(?:ing|ings|ed|s)?\b|\bleaderboard\b|\bbiggest\b|\blargest\b"
        r"|\bnumber one\b|\b#1\b|\bno\.? ?1\b|\bwho(?: is| s)? (?:leading|winning|on top)\b"
        r"|\bwhich (?:framework|library|lib|one|tool)s? (?:is|are|has|have|gets?|leads?)\b"
        r"|\bwhat (?:is|s) the (?:most|best)\b|\bmost popular\b|\bbest\b|\bwinning\b"
    ),
    "help": re.compile(
        r"^help\b|\bhelp\b|\bwhat can you\b|\bhow (?:do i|to|can i) use\b|\bwhat do you (?:do|know|track)\b"
        r"|\bwhat (?:frameworks|metrics|can i ask)\b|\bcommands\b|\bwho are you\b|\bwhat are you\b"
    ),
}
PASSIVE = re.compile(r"\b(?:overtaken|passed|surpassed|caught up|eclipsed|beaten|beat) by\b")


def cues_in(t: str) -> set[str]:
    """The intents whose cues appear in normalised text."""
    return {name for name, cue in CUES.items() if cue.search(t)}


def intent_of(reading: Reading, frameworks: list[str]) -> str:
    """The intent of a reading with these frameworks (in the order the answer takes them)."""
    cues = reading.cues
    for command in ("unsubscribe", "subscriptions", "subscribe"):
        if command in cues:
            return command
    if "sources" in cues and not (len(frameworks) >= 2 and "crossover" in cues):
        return "sources"
    if "crossover" in cues and len(frameworks) >= 2:
        return "crossover"
    if "growth" in cues and (frameworks or "leaderboard" in cues or "crossover" not in cues):
        return "growth"
    if "leaderboard" in cues and len(frameworks) < 2:
        return "leaderboard"
    if len(frameworks) >= 2 or (frameworks and reading.unknown):
        return "compare"
    if frameworks:
        return "compare" if reading.metric else "profile"
    if "help" in cues and not reading.metric:
        return "help"
    if reading.unknown:
        return "unknown"
    if reading.metric:
        return "leaderboard"
    return "unknown"
