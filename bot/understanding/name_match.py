"""Words → framework ids: exact lookups, clear typos, two-way names and "did you mean".

Every lookup is a dict or a precomputed index built once per catalog (`functools.cache`), never a scan
over every framework per word, so the catalog can grow to thousands of projects. Fuzzy matching
(rapidfuzz, in C) runs only on words no exact lookup found, and each word's result is cached.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.catalog import Catalog, normalise_name
from bot.understanding.reading import Mention
from bot.understanding.vocabulary import vocabulary

MAX_NAME_WORDS = 4
"""The most words a name has ("pytorch lightning" has two); longer runs are not looked up."""


# -- lookups, built once per catalog ----------------------------------------------------------------
@cache
def names(cat: Catalog) -> dict[str, str]:
    """Every name the readers accept → framework id: the catalog's names, then the vocabulary's aliases."""
    out = dict(cat.names)
    for alias, fid in vocabulary().aliases.items():
        if fid in cat.frameworks:
            out.setdefault(alias, fid)
    return out


@cache
def _name_words(cat: Catalog) -> frozenset[str]:
    return frozenset(w for name in names(cat) for w in name.split())


@cache
def _fuzzy_keys(cat: Catalog) -> tuple[str, ...]:
    # Very short aliases (tf, pt, hf, jax) only ever match exactly: one typo away is another word.
    return tuple(k for k in names(cat) if len(k) >= 4)


@cache
def _longer_names(cat: Catalog) -> dict[str, tuple[str, ...]]:
    """Name → the longer names that start with it and a space ("pytorch" → "pytorch lightning", …)."""
    index: dict[str, list[str]] = {}
    known = names(cat)
    for name in known:
        words = name.split()
        for size in range(1, len(words)):
            prefix = " ".join(words[:size])
            if prefix in known:
                index.setdefault(prefix, []).append(name)
    return {prefix: tuple(longer) for prefix, longer in index.items()}


@cache
def _catalog_names(cat: Catalog) -> tuple[str, ...]:
    return tuple(cat.names)


# -- the slash grammar --------------------------------------------------------------------------------
def names_in(segment: str, cat: Catalog, typed: list[tuple[str, str]] | None = None) -> tuple[list[str], list[str]]:
    """Frameworks named in a segment (longest names first) and the words left over; each name as typed
    is added to `typed` (when given) as (text, framework id). Exact names only (the slash grammar)."""
    words = segment.split()
    found: list[tuple[int, str]] = []
    leftover: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_NAME_WORDS, len(words) - i), 0, -1):
            fid = cat.resolve(" ".join(words[i : i + size]))
            if fid:
                found.append((i, fid))
                if typed is not None:
                    typed.append((" ".join(words[i : i + size]), fid))
                i += size
                break
        else:
            leftover.append(words[i])
            i += 1
    return [fid for _, fid in found], leftover


def suggest(name: str, cat: Catalog, limit: int = 2) -> list[str]:
    """Framework ids whose names look like `name` (for "did you mean …")."""
    if len(name) < 2:
        return []
    matches = process.extract(name.lower(), _catalog_names(cat), scorer=fuzz.ratio, limit=6, score_cutoff=70)
    out: list[str] = []
    for candidate, _score, _ in matches:
        fid = cat.names[candidate]
        if fid not in out:
            out.append(fid)
    return out[:limit]


# -- the English reader -------------------------------------------------------------------------------
def fix_typos(t: str, cat: Catalog) -> str:
    """Normalised text with each clear typo of a key word fixed ("dowloads" → "downloads")."""
    name_words = _name_words(cat)
    return " ".join(_fix_word(w, name_words) for w in t.split())


@cache
def _fix_word_cached(word: str) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    match = process.extractOne(word, vocabulary().key_words, scorer=fuzz.ratio, score_cutoff=84)
    if match and OSA.distance(word, match[0]) <= 2:
        return match[0]
    return word


def _fix_word(word: str, name_words: frozenset[str]) -> str:
    vocab = vocabulary()
    if word in vocab.stop_words or word in name_words or word in vocab.key_words:
        return word
    return _fix_word_cached(word)


def scan(tokens: list[str], cat: Catalog, offset: int) -> tuple[list[Mention], list[str]]:
    """Framework names in one segment's tokens, longest name first; typos fixed when the fix is clear.
    Returns the mentions (positions from `offset`) and the words that named nothing."""
    known = names(cat)
    vocab = vocabulary()
    mentions: list[Mention] = []
    leftover: list[str] = []
    i = 0
    while i < len(tokens):
        hit = _exact_at(tokens, i, known)
        if hit:
            key, size = hit
            mention, size = _extend(tokens, i, key, size, cat)
            mention.position = offset + i
            mentions.append(mention)
            i += size
            continue
        word = tokens[i]
        if word in vocab.stop_words or word.isdigit() or word in vocab.key_words or not word.strip("_-."):
            i += 1
            continue
        if len(word) < 2:  # a one-letter name ("x") is no typo of a framework, but it is named, not dropped
            leftover.append(word)
            i += 1
            continue
        # A bundled project's exact name is no typo of a framework's ("flask" is not Flax).
        fixed = None if normalise_name(word) in cat.project_names() else _fuzzy_name(word, cat)
        if fixed:
            mentions.append(Mention(offset + i, fixed, word, corrected=True))
        else:
            leftover.append(word)
        i += 1
    return mentions, leftover


def _exact_at(tokens: list[str], i: int, known: dict[str, str]) -> tuple[str, int] | None:
    for size in range(min(MAX_NAME_WORDS, len(tokens) - i), 0, -1):
        key = normalise_name(" ".join(tokens[i : i + size]))
        if key in known:
            return key, size
    return None


def _extend(tokens: list[str], i: int, key: str, size: int, cat: Catalog) -> tuple[Mention, int]:
    """A name followed by a near-miss of a longer name ("pytorch lightnig", "pytorch lite")."""
    known = names(cat)
    fid = known[key]
    typed = " ".join(tokens[i : i + size])
    base = _mention_for(key, fid, typed)
    nxt = i + size
    stop = vocabulary().stop_words - {"lite", "light", "lighting"}
    if nxt >= len(tokens) or tokens[nxt] in stop or _exact_at(tokens, nxt, known):
        return base, size
    candidate = f"{key} {tokens[nxt]}"
    longer = [k for k in _longer_names(cat).get(key, ()) if known[k] != fid]
    if not longer:
        return base, size
    best, score, _ = process.extractOne(candidate, longer, scorer=fuzz.ratio)
    other = known[best]
    if score >= 84 or OSA.distance(candidate, best) <= 2:
        return Mention(0, other, f"{typed} {tokens[nxt]}", corrected=True), size + 1
    if score >= 65:
        return Mention(0, None, f"{typed} {tokens[nxt]}", options=(fid, other)), size + 1
    return base, size


def _mention_for(key: str, fid: str, typed: str) -> Mention:
    special = vocabulary().names
    if key in special.hugging_face:
        return Mention(0, fid, typed, hf=True)
    if key in special.tf_keras or typed in special.tf_keras:
        return Mention(0, None, typed, options=("keras", "tensorflow"))
    return Mention(0, fid, typed)


@cache
def _fuzzy_name(word: str, cat: Catalog) -> str | None:
    """A clear typo of one framework's name: one edit (or a swap) away, or very close overall."""
    if len(word) < 4 or not re.search(r"[a-z]", word):
        return None
    known = names(cat)
    matches = process.extract(word, _fuzzy_keys(cat), scorer=fuzz.ratio, limit=3, score_cutoff=70)
    if not matches:
        return None
    best_key, best_score, _ = matches[0]
    distance = OSA.distance(word, best_key)
    rivals = {known[k] for k, s, _ in matches if s >= best_score - 5}
    if len(rivals) > 1:
        return None
    if (len(word) >= 5 and (distance <= 1 or best_score >= 88)) or (
        len(word) == 4 and distance == 1 and len(best_key) == 4
    ):
        return known[best_key]
    return None


# -- names that mean something more than a framework -------------------------------------------------
def _any_of(words: frozenset[str], normalised: str, tail: str) -> bool:
    return any(re.search(rf"(?<![\w.-]){re.escape(w)}(?!{tail})", normalised) for w in words)


def mentions_npm_name(normalised: str) -> bool:
    """A JavaScript port is named ("tfjs"): the question is about npm downloads."""
    return npm_name_in(normalised) is not None


def npm_name_in(normalised: str) -> str | None:
    """The first JavaScript port's name in the text ("tfjs", "transformers.js"), or None."""
    for word in sorted(vocabulary().names.npm, key=len, reverse=True):
        if re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", normalised):
            return word
    return None


def has_ambiguous_name(normalised: str) -> bool:
    """ "Hugging Face" and "tf.keras" each name two things; only the English reader weighs the context."""
    special = vocabulary().names
    return _any_of(special.hugging_face | special.tf_keras, normalised, r"[\w.-]")
