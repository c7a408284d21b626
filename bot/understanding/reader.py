"""Plain-English questions → `Query`, on top of the strict slash grammar in `bot.understanding.grammar`.

No language model: a fixed vocabulary, regular expressions and fuzzy matching, so the same text
always gets the same reading, offline, in a few milliseconds. Where a name could mean two things
the Query says so (intent "clarify" with `alternatives`) rather than guessing; typos read as a
framework are listed in `corrections` so the answer can say how it read them.

`understand` is the one entry point for slash-command text and mentions alike. Text the strict
grammar reads completely is returned exactly as `parse` reads it; everything else goes through the
English reader below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from pydantic import ValidationError
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.catalog import Catalog, catalog, normalise_name
from bot.understanding.grammar import (
    COMMANDS,
    MAX_TEXT,
    Query,
    add_unknown,
    clean_text,
    cut_words,
    parse,
    parse_at,
    parse_period,
    suggest,
)
from bot.understanding.names import find_refs, name_notes, untracked_names
from bot.understanding.periods import english_period, read_dates
from bot.understanding.qualifiers import asked_scale, qualifier_notes, take_qualifiers, unused_words_note, words_matched

# -- vocabulary ------------------------------------------------------------------------------------
# Names people use that the catalog does not list (the catalog is shared with other features, so
# colloquial spellings live here).
EXTRA_ALIASES: dict[str, str] = {
    "lightning": "lightning",
    "torch lightning": "lightning",
    "lightning.pytorch": "lightning",
    "pytorch-lightening": "lightning",
    "py-torch": "pytorch",
    "pytorch.org": "pytorch",
    "sci kit learn": "scikit-learn",
    "sk learn": "scikit-learn",
    "scikit-learn.org": "scikit-learn",
    "tf.js": "tensorflow",
    "tf js": "tensorflow",
    "tensorflow js": "tensorflow",
    "hf-transformers": "transformers",
    "transformers library": "transformers",
    "keras core": "keras",
    "keras-core": "keras",
    "onnx-runtime": "onnx",
    "paddle-paddle": "paddlepaddle",
    "tensorflow 2": "tensorflow",
}

# JavaScript ports: naming one means its npm package.
NPM_NAMES = {"tfjs", "tf.js", "tf js", "tensorflow.js", "tensorflow js", "transformers.js"}

# Names that could be two different things; the reader asks instead of picking one.
HF_NAMES = {"hugging face", "huggingface", "hf", "hugging-face"}
TF_KERAS_NAMES = {"tf.keras", "tf keras", "tensorflow keras", "tensorflow.keras"}

# Ordinary English that must never be read as a (misspelt) framework name.
STOPWORDS = frozenset(  # a word list reads best as text
    """
    a about above after again against all almost also am an and any anyone anything are around as ask at
    be been before being best better between both bro but by can cause could currently data day days
    dead did do does doing done dont down during each either else even ever every everyone exactly few
    for from get gets getting give go going gone good got great guys had has have having he hello help her
    here hey hi him his how however i if im in into is it its just keep kind know last latest lately least
    let like likely look looking lot lots many may me mean might more most much must my need new news no
    nor not now number numbers of off ok okay on once one only or other our out over overall own people
    per please pls plz quick quickly rather real really right same say see seem seems she should show since
    so some someone something still stuff such sure tell than thank thanks that the their them then there
    these they thing things think this those though through to today too total u up us use using very vs
    want was way we well were what whats when where whether which while who whos why will with win wins
    winning without wonder wondering would yeah yes yet you your yours folks team everybody actually
    framework frameworks library libraries lib libs package packages tool tools ml ai deep learning
    machine python stack compare comparison compared versus chart graph plot stats statistics figures track tracked
    trend trends trending doing going looks looking seeing much many bigger smaller larger higher lower
    ahead behind popular popularity hype mindshare status state health healthy update updates currently
    now days weeks months years year month week today recent recently these past time times over
    between from since until till before after during ytd quarter half ago far so lead leads leader
    leading rank ranking ranked ranks top first second place versus vs faster slower fast slow
    flat flag flaw flex flux touch porch tears keys jar jam light lite
    fastest slowest dying declining growing grows grew growth gaining rising momentum overtake overtaken
    overtook overtaking passed pass surpass surpassed catch caught yet already anymore still again
    which whose whom anybody anyone etc eg ie lol haha thx ty hmm uh um oh wow omg btw fyi imo imho
    end start beginning middle mid early late
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905
)

# Words the English reader understands (metric, intent and period words). A word that is a typo of one
# of these is corrected before anything else reads the text.
KEY_WORDS = sorted(
    set(  # a word list reads best as text
        """
        stars forks contributors downloads installs questions models papers survey stackoverflow
        popular popularity growing growth overtake overtaken overtook overtaking surpass surpassed passed
        leaderboard ranking momentum compare subscribe subscribed unsubscribe subscriptions sources between since
        months years weeks faster research arxiv github pypi contributors popularity trending usage
        """.split()  # noqa: SIM905
    )
)

# English metric phrases, most specific first; each is a regex over the normalised text.
METRIC_PHRASES: list[tuple[str, str, bool]] = [
    # The 2023 article's own measures come first: their words contain "models", "papers", "share".
    (r"(?:framework[- ]exclusive |exclusive )?(?:hf |hugging ?face )?models added", "hf_exclusive_models_added", False),
    (
        r"(?:hf|hugging ?face) share|(?:framework[- ])?exclusive (?:hf |hugging ?face )?models?(?: share)?",
        "hf_exclusive_model_share",
        False,
    ),
    (r"papers with code(?: share)?|pwc(?: share)?|implementations?(?: share)?", "pwc_paper_share", False),
    (r"daily downloads|downloads (?:per|a) day|pypistats", "pypi_downloads_daily", False),
    (r"stars? by star date|retained stars", "github_stars_retained", False),
    (
        r"new (?:github )?stars|(?:monthly|weekly) stars|stars? (?:per|a|each) (?:month|week)"
        r"|stars? gained|gaining stars|star (?:growth|velocity)",
        "github_stars",
        True,
    ),
    (r"new forks|forks? (?:per|a) month", "github_forks", True),
    (r"github stars?|stargazers|stars?|starred|star count", "github_stars", False),
    (r"github forks|forks?|forked", "github_forks", False),
    (r"contributors?|contributions|committers|maintainers|commit(?:s|ters)?", "github_contributors", False),
    (r"open issues|issues|bug reports|bugs", "github_open_issues", False),
    (r"npm(?: downloads| installs)?|javascript|js downloads", "npm_downloads", False),
    (
        r"survey usage professional|survey professional|survey pros|professional developers",
        "survey_usage_professional",
        False,
    ),
    (r"survey loved|most loved|loved", "survey_loved", False),
    (r"(?:developer |dev |stack ?overflow )?survey", "survey_usage", False),
    (
        r"pypi(?: downloads)?|pip installs?|downloads?|downloaded|installs?|installed|install base"
        r"|usage|used|adoption|users",
        "pypi_downloads",
        False,
    ),
    (
        r"stack ?overflow(?: questions)?|so questions|on so|questions?|asked about|q ?& ?a",
        "so_questions",
        False,
    ),
    (
        r"(?:hugging ?face|hf)(?: hub)? models|models? on (?:the )?(?:hugging ?face|hf)(?: hub)?"
        r"|on (?:the )?(?:hugging ?face|hf)(?: hub)?(?! transformers)|(?:the )?hf hub|hugging ?face hub"
        r"|(?:the )?hub|models?|checkpoints|model repos",
        "hf_models",
        False,
    ),
    (r"arxiv(?: papers)?|papers?|research|academi[ac]|publications?|citations?|researchers", "arxiv_papers", False),
]
_METRIC_RES = [(re.compile(rf"(?<![\w.-])(?:{pattern})(?![\w-])"), mid, rate) for pattern, mid, rate in METRIC_PHRASES]

# Intent cues, checked in this order (see `_intent`).
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

SEPARATORS = re.compile(
    r"\s*(?:\bvs\.?\b|\bv\b|\bversus\b|\bagainst\b|\bcompared? (?:to|with)\b|\brelative to\b|\bthan\b|,|;|&|\+|/"
    r"|\band\b|\bor\b|\bnor\b|\bover\b)\s*"
)

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty four": 24, "a couple of": 2,
    "a couple": 2, "couple of": 2, "a few": 3, "few": 3, "several": 3, "a": 1,
}  # fmt: skip
UNIT_ABBREVIATIONS = {
    r"yrs?": "years", r"mos|mths?|mnths?": "months", r"wks?": "weeks", r"dys": "days",
}  # fmt: skip

ANSWERABLE = {"compare", "profile", "leaderboard", "growth", "crossover"}


# -- results of reading -----------------------------------------------------------------------------
@dataclass
class Mention:
    """A framework (or an ambiguous name) found in the text, at its position."""

    position: int
    framework: str | None
    typed: str
    corrected: bool = False
    options: tuple[str, ...] = ()
    """Two or more frameworks this name could be."""
    hf: bool = False
    """A bare "Hugging Face": the Transformers library or the Hub's models metric."""


@dataclass
class Reading:
    """What the English reader found, before it becomes a Query (follow-ups reuse it)."""

    text: str
    mentions: list[Mention] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    suggestions: dict[str, list[str]] = field(default_factory=dict)
    metric: str | None = None
    rate: bool = False
    since: date | None = None
    until: date | None = None
    period_label: str | None = None
    period_cleared: bool = False
    at: date | None = None
    """A point in time asked about ("in march 2022", "at the end of 2021"), as `grammar.parse_at` reads it."""
    at_month: bool = False
    at_label: str | None = None
    notes: list[str] = field(default_factory=list)
    """What could not be read as typed ("since 2021-13", a date in the future, "without mirrors"): the
    answer says so."""
    scale: str | None = None
    """A chart scale asked for, as typed ("log scale")."""
    unused: list[str] = field(default_factory=list)
    """Words beside a framework name that no part of the reader used."""
    cues: set[str] = field(default_factory=set)
    passive: bool = False
    npm: bool = False
    segments_with_names: int = 0
    name_notes: list[str] = field(default_factory=list)
    """How names were read (a second package, two names of one project): the answer says so."""
    not_tracked: dict[str, str] = field(default_factory=dict)
    """Names of projects that are not the framework they resemble → how they differ."""

    @property
    def frameworks(self) -> list[str]:
        out: list[str] = []
        for m in self.mentions:
            if m.framework and m.framework not in out:
                out.append(m.framework)
        return out

    @property
    def corrections(self) -> dict[str, str]:
        return {m.typed: m.framework for m in self.mentions if m.corrected and m.framework}

    @property
    def has_period(self) -> bool:
        return self.since is not None or self.until is not None or self.period_cleared

    @property
    def has_date(self) -> bool:
        """A period, a point in time, or a note about one the reader left out."""
        return self.has_period or self.at is not None or bool(self.notes)


# -- the entry point -----------------------------------------------------------------------------
def understand(
    text: str, *, today: date | None = None, context: Query | None = None, cat: Catalog | None = None
) -> Query:
    """Read slash text or a mention as a Query. Never raises; the text is capped at MAX_TEXT characters.

    With `context` (the previous question in the thread), follow-ups such as "what about jax?" or
    "since 2020?" modify that question.
    """
    cat = cat or catalog()
    today = today or date.today()
    cleaned, truncated = clean_text(text)
    if context is not None and context.intent in ANSWERABLE and not _is_command(cleaned):
        from bot.understanding.followup import apply_followup  # followup builds on this module

        followed = apply_followup(cleaned, context, today, cat=cat)
        if followed is not None:
            return followed.model_copy(update={"truncated": truncated})
    strict = parse(cleaned, today=today, cat=cat)
    if _strict_reads_all(strict, cleaned, cat):
        return _enrich_strict(strict, cleaned).model_copy(update={"truncated": truncated})
    reading = read(cleaned, today, cat)
    return to_query(reading, cleaned, cat).model_copy(update={"truncated": truncated})


def _is_command(cleaned: str) -> bool:
    """Text that starts with a slash-grammar command word ("top downloads", "sources") is a command,
    in a thread too: never a change to the thread's question."""
    first = re.sub(r"^/?fwtrend\s+", "", cleaned.strip(), flags=re.I).partition(" ")[0]
    return COMMANDS.get(first.lower().rstrip(":")) is not None


def _strict_reads_all(strict: Query, cleaned: str, cat: Catalog) -> bool:
    """True when the slash grammar understood every word, so its reading stands as it always has."""
    if strict.intent in {"subscribe", "unsubscribe", "subscriptions"}:
        return True
    if strict.intent in {"help", "sources", "article"}:
        # "help me compare pytorch and tf" starts with a command word but is a question.
        rest = cleaned.partition(" ")[2]
        return not rest or not read(rest, date.today(), cat).mentions
    if strict.unknown or strict.intent == "unknown" or any(ch in cleaned for ch in "⭐🌟🤗"):
        return False
    # A name that could mean two things is asked about, even in grammar the parser accepts.
    return not _has_ambiguous_name(_normalise(find_refs(cleaned, cat)[0]))


def _enrich_strict(query: Query, cleaned: str) -> Query:
    """ "tfjs" means TensorFlow's npm package: the parser maps the name, this adds the metric."""
    if query.metric is None and query.frameworks and _mentions_npm_name(_normalise(find_refs(cleaned)[0])):
        intent = "compare" if query.intent == "profile" else query.intent
        return query.model_copy(update={"metric": "npm_downloads", "intent": intent})
    return query


def _mentions_npm_name(normalised: str) -> bool:
    return any(re.search(rf"(?<![\w.-]){re.escape(n)}(?![\w-])", normalised) for n in NPM_NAMES)


def _has_ambiguous_name(normalised: str) -> bool:
    """ "Hugging Face" and "tf.keras" each name two things; only the English reader weighs the context."""
    return any(re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])", normalised) for name in HF_NAMES | TF_KERAS_NAMES)


# -- normalising ------------------------------------------------------------------------------------
def _normalise(text: str) -> str:
    """Lower-case words, digits and the few marks names use (tf.keras, scikit-learn, c++)."""
    t = text.lower().replace("’", "'").replace("‘", "'").replace("“", " ").replace("”", " ")
    t = t.replace("⭐", " stars ").replace("🌟", " stars ").replace("🤗", " hugging face ")
    t = re.sub(r"@\w+|^/?fwtrend\b", " ", t)
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"n't\b", " not", t)
    t = re.sub(r"\bv\.?s\.?(?=\s|$)", " vs ", t)
    t = re.sub(r"[^\w\s.,&/+#'-]", " ", t)
    t = t.replace("'", " ")
    t = re.sub(r"(?<!\w)[.-]+|[.-]+(?!\w)", " ", t)  # sentence dots and dashes, not tf.keras
    t = t.replace("_", " ")
    return re.sub(r"\s+", " ", t).strip()


def _normalise_period_words(t: str) -> str:
    for pattern, unit in UNIT_ABBREVIATIONS.items():
        t = re.sub(rf"(?<=\d)\s*(?:{pattern})\b|\b(?<=\s)(?:{pattern})\b(?=\s|$)", f" {unit}", t)
    t = re.sub(r"\bhalf (?:a )?year\b|\b6 month period\b", "6 months", t)
    t = re.sub(r"\b(?:the )?(?:last|past) quarter\b", "last 3 months", t)
    for word, n in sorted(NUMBER_WORDS.items(), key=lambda kv: -len(kv[0])):
        t = re.sub(rf"\b(last|past|previous|recent)\s+{word}\s+(day|week|month|year)s?\b", rf"\1 {n} \2s", t)
    t = re.sub(r"\b(?:previous|recent)\s+(\d+)\s+(day|week|month|year)", r"last \1 \2", t)
    t = re.sub(
        r"\b(since|in|from|after|before|until|till|til|through|thru) '?(\d{2})\b(?!\d)", lambda m: f"{m[1]} 20{m[2]}", t
    )
    t = re.sub(r"\b(?:during|for|throughout|across)\s+(\d{4})\b", r"in \1", t)
    t = re.sub(r"\b(\d{4})\s+(?:onwards?|and later|or later|and after)\b", r"since \1", t)
    t = re.sub(r"\bfrom (\d{4}) (?:through|thru|till|until|up to) (\d{4})\b", r"from \1 to \2", t)
    return re.sub(r"\bso far this year\b|\bthis year so far\b|\byear to date\b", "ytd", t)


def _cut(t: str, m: re.Match[str]) -> str:
    return (t[: m.start()] + " " + t[m.end() :]).strip()


# -- reading ----------------------------------------------------------------------------------------
@cache
def _names(cat: Catalog) -> dict[str, str]:
    names = dict(cat.names)
    for alias, fid in EXTRA_ALIASES.items():
        if fid in cat.frameworks:
            names.setdefault(normalise_name(alias), fid)
    return names


@cache
def _name_words(cat: Catalog) -> frozenset[str]:
    return frozenset(w for name in _names(cat) for w in name.split())


@cache
def _fuzzy_keys(cat: Catalog) -> tuple[str, ...]:
    # Very short aliases (tf, pt, hf, jax) only ever match exactly: one typo away is another word.
    return tuple(k for k in _names(cat) if len(k) >= 4)


def read(text: str, today: date, cat: Catalog) -> Reading:
    """Read cleaned text: period, metric, names, intent cues. Pure and fast (no I/O)."""
    text, refs = find_refs(text, cat)  # URLs, slugs and packages, before normalising mangles them
    t = cut_words(_normalise(text), MAX_TEXT)
    t = _fix_typos(t, cat)
    reading = Reading(text=t)
    qualifiers, t = take_qualifiers(_normalise_period_words(t))
    d = read_dates(t, today, reading.notes, point=parse_at, periods=(english_period, parse_period))
    reading.at, reading.at_month, reading.at_label, t = d.at, d.at_month, d.at_label, d.rest
    reading.since, reading.until, reading.period_label = d.since, d.until, d.label
    reading.period_cleared = d.label == "all history"
    reading.npm = _mentions_npm_name(t)
    reading.cues = {name for name, cue in CUES.items() if cue.search(t)}
    reading.passive = bool(PASSIVE.search(t))
    t = _take_metric(reading, t)
    _take_names(reading, t, cat)
    reading.not_tracked = untracked_names(refs, reading.unknown)
    reading.suggestions = {n: s for n, s in reading.suggestions.items() if n not in reading.not_tracked}
    reading.name_notes = name_notes([(m.typed, m.framework) for m in reading.mentions if m.framework], refs, cat)
    reading.npm = reading.npm or any(r.registry == "npm" and r.framework for r in refs)
    if reading.npm and reading.metric is None:
        reading.metric = "npm_downloads"
    reading.notes += qualifier_notes(qualifiers, reading.metric)
    reading.scale = asked_scale(qualifiers)
    cues = words_matched(t, (*CUES.values(), PASSIVE))
    reading.unused = [w for w in reading.unused if w not in cues and not w.isdigit()]
    return reading


def _fix_typos(t: str, cat: Catalog) -> str:
    words = t.split()
    return " ".join(_fix_word(w, _name_words(cat)) for w in words)


@cache
def _fix_word_cached(word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    match = process.extractOne(word, KEY_WORDS, scorer=fuzz.ratio, score_cutoff=84)
    if match and OSA.distance(word, match[0]) <= 2:
        return match[0]
    return word


def _fix_word(word: str, name_words: frozenset[str]) -> str:
    if word in STOPWORDS or word in name_words or word in KEY_WORDS:
        return word
    return _fix_word_cached(word)


def _take_metric(reading: Reading, t: str) -> str:
    best: tuple[int, re.Match[str], str, bool] | None = None
    for index, (regex, metric_id, rate) in enumerate(_METRIC_RES):
        m = regex.search(t)
        if m and _metric_word_applies(t, m, metric_id):
            best = (index, m, metric_id, rate)
            break
    if best is None:
        return t
    _, m, metric_id, rate = best
    reading.metric, reading.rate = metric_id, rate
    return _cut(t, m)


def _metric_word_applies(t: str, m: re.Match[str], metric_id: str) -> bool:
    """ "used" in "which should I use" or "questions" in "a few questions" are not metrics."""
    word = m.group(0)
    if metric_id == "pypi_downloads" and word in {"used", "users"}:
        return bool(
            re.search(r"\b(?:most|more|less|least|widely|commonly) used\b|\bused (?:more|most|less)\b|\busers\b", t)
        )
    if metric_id == "hf_models" and word in {"hub", "the hub"}:
        return True
    return True


def _take_names(reading: Reading, t: str, cat: Catalog) -> None:
    names = _names(cat)
    position = 0
    segments = [s for s in SEPARATORS.split(t) if s and s.strip()]
    leftovers_by_segment: list[list[str]] = []
    for segment in segments:
        tokens = [w for w in re.split(r"[\s,]+", segment) if w]
        mentions, leftover = _scan(tokens, names, cat, position)
        position += len(tokens) + 1
        reading.mentions.extend(mentions)
        if mentions:
            reading.segments_with_names += 1
        leftovers_by_segment.append([] if mentions else leftover)
        reading.unused += leftover if mentions else []
    _collect_unknown(reading, leftovers_by_segment, cat, list_shaped=len(segments) >= 2)


def _collect_unknown(reading: Reading, leftovers: list[list[str]], cat: Catalog, *, list_shaped: bool) -> None:
    """Unrecognised words count as unknown names only where a name belongs: a slot in a list, or
    anywhere when no framework was found at all. Elsewhere they are just words."""
    if reading.mentions and not list_shaped:
        return
    for words in leftovers:
        if words:
            add_unknown(reading.unknown, " ".join(words)[:60])
    reading.suggestions = {name: options for name in reading.unknown if (options := suggest(name, cat))}


def _exact_at(tokens: list[str], i: int, names: dict[str, str]) -> tuple[str, int] | None:
    for size in range(min(4, len(tokens) - i), 0, -1):
        key = normalise_name(" ".join(tokens[i : i + size]))
        if key in names:
            return key, size
    return None


def _scan(tokens: list[str], names: dict[str, str], cat: Catalog, offset: int) -> tuple[list[Mention], list[str]]:
    """Framework names in one segment, longest name first; typos fixed when the fix is clear."""
    mentions: list[Mention] = []
    leftover: list[str] = []
    i = 0
    while i < len(tokens):
        hit = _exact_at(tokens, i, names)
        if hit:
            key, size = hit
            mention, size = _extend(tokens, i, key, size, names, cat)
            mention.position = offset + i
            mentions.append(mention)
            i += size
            continue
        word = tokens[i]
        if word in STOPWORDS or word.isdigit() or len(word) < 2 or word in KEY_WORDS:
            i += 1
            continue
        fixed = _fuzzy_name(word, cat)
        if fixed:
            mentions.append(Mention(offset + i, fixed, word, corrected=True))
        else:
            leftover.append(word)
        i += 1
    return mentions, leftover


def _extend(tokens: list[str], i: int, key: str, size: int, names: dict[str, str], cat: Catalog) -> tuple[Mention, int]:
    """A name followed by a near-miss of a longer name ("pytorch lightnig", "pytorch lite")."""
    fid = names[key]
    typed = " ".join(tokens[i : i + size])
    base = _mention_for(key, fid, typed)
    nxt = i + size
    if nxt >= len(tokens) or tokens[nxt] in STOPWORDS - {"lite", "light", "lighting"} or _exact_at(tokens, nxt, names):
        return base, size
    candidate = f"{key} {tokens[nxt]}"
    longer = [k for k in names if k.startswith(key + " ") and names[k] != fid]
    if not longer:
        return base, size
    best, score, _ = process.extractOne(candidate, longer, scorer=fuzz.ratio)
    other = names[best]
    if score >= 84 or OSA.distance(candidate, best) <= 2:
        return Mention(0, other, f"{typed} {tokens[nxt]}", corrected=True), size + 1
    if score >= 65:
        return Mention(0, None, f"{typed} {tokens[nxt]}", options=(fid, other)), size + 1
    return base, size


def _mention_for(key: str, fid: str, typed: str) -> Mention:
    if key in HF_NAMES:
        return Mention(0, fid, typed, hf=True)
    if key in TF_KERAS_NAMES or typed in TF_KERAS_NAMES:
        return Mention(0, None, typed, options=("keras", "tensorflow"))
    return Mention(0, fid, typed)


@cache
def _fuzzy_name(word: str, cat: Catalog) -> str | None:
    """A clear typo of one framework's name: one edit (or a swap) away, or very close overall."""
    if len(word) < 4 or not re.search(r"[a-z]", word):
        return None
    names = _names(cat)
    matches = process.extract(word, _fuzzy_keys(cat), scorer=fuzz.ratio, limit=3, score_cutoff=70)
    if not matches:
        return None
    best_key, best_score, _ = matches[0]
    distance = OSA.distance(word, best_key)
    rivals = {names[k] for k, s, _ in matches if s >= best_score - 5}
    if len(rivals) > 1:
        return None
    if (len(word) >= 5 and (distance <= 1 or best_score >= 88)) or (
        len(word) == 4 and distance == 1 and len(best_key) == 4
    ):
        return names[best_key]
    return None


# -- from a reading to a Query ----------------------------------------------------------------------
def _intent(reading: Reading, frameworks: list[str]) -> str:
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


def to_query(reading: Reading, cleaned: str, cat: Catalog) -> Query:
    frameworks = reading.frameworks
    if not cleaned:
        return Query(intent="help")
    if reading.passive and len(frameworks) >= 2:
        frameworks = [frameworks[1], frameworks[0], *frameworks[2:]]
    intent = _intent(reading, frameworks)
    query = Query(
        intent=intent,
        frameworks=frameworks if intent not in {"help", "sources", "unknown"} else [],
        metric=reading.metric if intent not in {"help", "sources", "subscribe", "unsubscribe"} else None,
        rate=reading.rate,
        since=reading.since,
        until=reading.until,
        at=reading.at,
        at_month=reading.at_month,
        period_label=reading.at_label or reading.period_label,
        notes=[*reading.notes, *reading.name_notes, *_unused_note(reading, intent)],
        not_tracked=reading.not_tracked if intent not in {"help", "sources", "leaderboard"} else {},
        scale=reading.scale,
        unknown=reading.unknown if intent not in {"help", "sources", "leaderboard"} else [],
        suggestions=reading.suggestions if intent not in {"help", "sources", "leaderboard"} else {},
        corrections=reading.corrections,
        args=_subscription_args(cleaned) if intent in {"subscribe", "unsubscribe"} else "",
        text=cleaned,
    )
    if intent in {"subscribe", "unsubscribe", "subscriptions", "help", "sources"}:
        return query
    return _ask_when_ambiguous(query, reading, cat)


def _unused_note(reading: Reading, intent: str) -> list[str]:
    """Words a figures answer did not use, named; commands (subscribe …) read their own arguments."""
    note = unused_words_note(reading.unused) if intent in ANSWERABLE else None
    return [note] if note else []


def _subscription_args(cleaned: str) -> str:
    return re.sub(r"^\W*(?:please\s+)?(?:un)?subscribe\b\s*", "", cleaned, flags=re.I).strip()


def _ask_when_ambiguous(query: Query, reading: Reading, cat: Catalog) -> Query:
    """Turn a reading with a two-way name into a clarifying question with both readings as buttons."""
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


# -- buttons ----------------------------------------------------------------------------------------
BUTTON_FIELDS = ("intent", "frameworks", "metric", "rate", "since", "until", "period_label")


def button_value(query: Query) -> str:
    """A compact value for a Slack button (≤ 2000 characters) that `query_from_button` reads back."""
    data = query.model_dump(mode="json", include=set(BUTTON_FIELDS))
    return json.dumps({k: v for k, v in data.items() if v not in (None, False, [])}, separators=(",", ":"))


def query_from_button(value: str, *, today: date | None = None) -> Query:
    """The Query a clicked button carries; plain text (an older button) is understood as typed."""
    try:
        data = json.loads(value)
        if isinstance(data, dict):
            return Query.model_validate({k: v for k, v in data.items() if k in BUTTON_FIELDS})
    except (ValueError, ValidationError):
        pass
    return understand(value[:MAX_TEXT], today=today)
