"""The English reader: cleaned text → `Reading` (period, point in time, metric, names, intent cues).

No language model: the vocabulary, regular expressions and fuzzy matching, so the same text always
gets the same reading, offline, in a few milliseconds. Pure: no I/O beyond the cached vocabulary and
catalog.
"""

from __future__ import annotations

import re
from datetime import date

from bot.catalog import Catalog
from bot.understanding.grammar import parse_at, parse_period
from bot.understanding.intent import CUES, PASSIVE, cues_in
from bot.understanding.metric_words import english_metric
from bot.understanding.name_match import fix_typos, npm_name_in, scan, suggest
from bot.understanding.names import PROJECT_TOKEN, Ref, find_refs, name_notes, short_name, untracked_names
from bot.understanding.normalise import cut, normalise, normalise_period_words
from bot.understanding.period_words import rewrite_periods
from bot.understanding.periods import english_period, read_dates
from bot.understanding.projects import fills_its_slot, is_project_name, project_reading
from bot.understanding.qualifiers import (
    asked_aligned,
    asked_scale,
    grain_notes,
    qualifier_notes,
    take_grain,
    take_qualifiers,
    words_matched,
)
from bot.understanding.reading import Mention, Reading
from bot.understanding.registries import registry_metric
from bot.understanding.text import MAX_TEXT, add_unknown, cut_words

_ANSWER_WORDS = frozenset(["profile", "overview"])
SEPARATORS = re.compile(
    r"\s*(?:\bvs\.?\b|\bv\b|\bversus\b|\bagainst\b|\bcompared? (?:to|with)\b|\brelative to\b|\bthan\b|,|;|&|\+|/"
    r"|\band\b|\bor\b|\bnor\b|\bover\b)\s*"
)


def read(text: str, today: date, cat: Catalog) -> Reading:
    """Read cleaned text: period, metric, names, intent cues. Pure and fast (no I/O)."""
    notes: list[str] = []
    text = rewrite_periods(text, today, notes)  # "03/2022", "Q1 2023", "until last year" … as the readers read them
    text, refs = find_refs(text, cat)  # URLs, slugs and packages, before normalising mangles them
    t = cut_words(normalise(text), MAX_TEXT)
    t = fix_typos(t, cat)
    reading = Reading(text=t, notes=notes)
    qualifiers, t = take_qualifiers(normalise_period_words(t))
    d = read_dates(t, today, reading.notes, point=parse_at, periods=(english_period, parse_period))
    reading.at, reading.at_month, reading.at_label, t = d.at, d.at_month, d.at_label, d.rest
    reading.since, reading.until, reading.period_label = d.since, d.until, d.label
    reading.period_cleared = d.label == "all history"
    npm_word = npm_name_in(t)
    reading.cues = cues_in(t)
    reading.passive = bool(PASSIVE.search(t))
    asked = t  # the metric's words are taken out next; `registry_metric` reads "pypi" in them
    t = _take_metric(reading, t)
    grains, t = take_grain(t)
    _take_names(reading, t, cat, refs)
    reading.not_tracked = untracked_names(refs, reading.unknown)
    reading.suggestions = {n: s for n, s in reading.suggestions.items() if n not in reading.not_tracked}
    reading.name_notes = name_notes([(m.typed, m.framework) for m in reading.mentions if m.framework], refs, cat)
    reading.metric, registry_notes = registry_metric(
        reading.metric, refs, asked, npm_word=npm_word, cat=cat, frameworks=reading.frameworks
    )
    reading.npm = npm_word is not None or any(r.registry == "npm" and r.framework for r in refs)
    reading.name_notes += registry_notes
    reading.notes += qualifier_notes(qualifiers, reading.metric) + grain_notes(grains, reading.metric)
    reading.scale = asked_scale(qualifiers)
    reading.aligned = asked_aligned(qualifiers)
    cues = words_matched(t, (*CUES.values(), PASSIVE))
    # "pytorch profile": the word names the answer a single framework gets, so it is used.
    reading.unused = [w for w in reading.unused if w not in cues and not w.isdigit() and w not in _ANSWER_WORDS]
    return reading


def _take_metric(reading: Reading, t: str) -> str:
    found = english_metric(t)
    if found is None:
        return t
    reading.metric, reading.rate, m = found
    return cut(t, m)


def _take_names(reading: Reading, t: str, cat: Catalog, refs: list[Ref]) -> None:
    position = 0
    segments = [s for s in SEPARATORS.split(t) if s and s.strip()]
    leftovers_by_segment: list[tuple[int, list[str], list[str]]] = []
    wordy: list[bool] = []  # per segment: a name among other words ("white chart of pytorch")
    for segment in segments:
        tokens = [w for w in re.split(r"[\s,]+", segment) if w]
        for i, token in enumerate(tokens):
            # A project named by its slug, package or URL is read wherever it stands.
            project = project_reading(token, refs, cat, reading.metric)[0] if token.startswith(PROJECT_TOKEN) else None
            if project:
                ref = refs[int(token.removeprefix(PROJECT_TOKEN))]
                reading.mentions.append(Mention(position + i, project, ref.typed))
                tokens[i] = "-"
        mentions, leftover = scan(tokens, cat, position)
        reading.mentions.extend(mentions)
        if mentions or "-" in tokens:
            reading.segments_with_names += 1
        leftovers_by_segment.append((position, [] if mentions else leftover, tokens))
        wordy.append(bool(mentions) and bool(leftover))
        reading.unused += leftover if mentions else []
        position += len(tokens) + 1
    _collect_unknown(reading, leftovers_by_segment, cat, refs, list_shaped=len(segments) >= 2, wordy=wordy)
    reading.mentions.sort(key=lambda m: m.position)


def _collect_unknown(
    reading: Reading,
    leftovers: list[tuple[int, list[str], list[str]]],
    cat: Catalog,
    refs: list[Ref],
    *,
    list_shaped: bool,
    wordy: list[bool],
) -> None:
    """Unrecognised words count as unknown names only where a name belongs: a slot in a list, or
    anywhere when no framework was found at all. Elsewhere they are just words. There a bundled
    project's name ("polars", "black") is read as that project."""
    if reading.mentions and not list_shaped:
        return
    named_elsewhere = bool(reading.mentions)
    for k, (position, words, tokens) in enumerate(leftovers):
        if not words:
            continue
        name = " ".join(words)
        slot = fills_its_slot(tokens, name) or not named_elsewhere
        if slot and named_elsewhere and _beside_a_phrase(k, wordy) and is_project_name(name, cat):
            # "black and white chart of pytorch": "and" joins two words, not two names.
            reading.unused += words
            continue
        project, note, options = project_reading(name, refs, cat, reading.metric) if slot else (None, None, ())
        if project:
            reading.mentions.append(Mention(position, project, name))
            reading.notes += [note] if note else []
        elif options:  # a name several projects answer to: `clarify` asks which
            reading.mentions.append(Mention(position, None, name, options=options))
        elif not slot and any(is_project_name(w, cat) for w in words):
            reading.unused += words  # "pytorch stars, rich please": words, not an unknown project
        else:
            add_unknown(reading.unknown, short_name(name))
    reading.suggestions = {name: options for name in reading.unknown if (options := suggest(name, cat))}


def _beside_a_phrase(k: int, wordy: list[bool]) -> bool:
    """Whether a segment next to segment k holds a name among other words: then k is part of a phrase
    ("black and white chart of pytorch"), not a list of names ("black and ruff vs pytorch")."""
    return any(0 <= j < len(wordy) and wordy[j] for j in (k - 1, k + 1))
