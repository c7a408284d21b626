"""The language make-up of a framework's repository: "tensorflow languages".

Figures come from GitHub's `GET /repos/{owner}/{repo}/languages` (bytes of code per language, as
GitHub's Linguist classifies the files), stored by the refresh job in `github_languages`. Nothing is
bundled: with no stored rows the answer says so and how to fetch them, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.answering.model import Answer, SourceCredit
from bot.catalog import catalog
from bot.store.connection import Store
from bot.store.observations import sources_by_id
from bot.understanding.grammar import Query

TOP_LANGUAGES = 5
OTHER = "other"

Share = tuple[str, int, float]
"""(language, bytes, share of the repository's bytes in percent)."""


@dataclass
class Make:
    """One framework's language make-up on one day."""

    framework: str
    name: str
    colour: str
    date: date
    source: str
    shares: list[Share]

    @property
    def total(self) -> int:
        return sum(b for _, b, _ in self.shares)


# -- pure helpers ----------------------------------------------------------------------------------
def language_shares(rows: Iterable[Mapping[str, Any] | tuple[str, int]], top: int = TOP_LANGUAGES) -> list[Share]:
    """The `top` languages by bytes, then one "other" row for the rest, each with its share in percent.

    Rows are `github_languages` rows (mappings with language and bytes) or (language, bytes) pairs.
    An "other" row holding a single language is shown as that language instead.
    """
    pairs = [(r["language"], int(r["bytes"])) if isinstance(r, Mapping) else (r[0], int(r[1])) for r in rows]
    pairs = sorted((p for p in pairs if p[1] > 0), key=lambda p: (-p[1], p[0]))
    total = sum(b for _, b in pairs)
    if not total:
        return []
    shown = pairs if len(pairs) <= top + 1 else pairs[:top]
    out = [(lang, size, 100 * size / total) for lang, size in shown]
    rest = sum(b for _, b in pairs[len(shown) :])
    if rest:
        out.append((OTHER, rest, 100 * rest / total))
    return out


def human_bytes(size: int) -> str:
    for threshold, suffix in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if size >= threshold:
            return f"{size / threshold:.1f} {suffix}"
    return f"{size} B"


def describe(shares: list[Share], top: int = 2) -> str:
    """'63.4% C++, 26.2% Python and 10.4% other languages': the headline keeps to the main few."""
    main = [s for s in shares if s[0] != OTHER][:top]
    rest = 100 - sum(share for _, _, share in main)
    parts = [f"{share:.1f}% {lang}" for lang, _, share in main]
    if rest >= 0.05:
        parts.append(f"{rest:.1f}% other languages")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# -- store -----------------------------------------------------------------------------------------
def latest_make(store: Store, framework: str, top: int = TOP_LANGUAGES) -> Make | None:
    """The newest stored make-up of one framework's repository."""
    if "github_languages" not in store.db.table_names():
        return None
    rows = list(
        store.db.query(
            """SELECT language, bytes, date, source FROM github_languages
               WHERE framework = ? AND date = (SELECT MAX(date) FROM github_languages WHERE framework = ?)""",
            [framework, framework],
        )
    )
    shares = language_shares(rows, top)
    if not shares:
        return None
    fw = catalog()[framework]
    return Make(framework, fw.name, fw.colour, date.fromisoformat(rows[0]["date"]), rows[0]["source"], shares)


def stored_frameworks(store: Store) -> list[str]:
    if "github_languages" not in store.db.table_names():
        return []
    found = {r["framework"] for r in store.db.query("SELECT DISTINCT framework FROM github_languages")}
    return [fid for fid in catalog().ids() if fid in found]


# -- the answer ------------------------------------------------------------------------------------
def _missing_line(framework: str) -> str:
    fw = catalog()[framework]
    if not fw.github:
        return f"{fw.name}: no GitHub repository is listed for it, so there is no language make-up to fetch."
    return (
        f"{fw.name}: no language figures are stored yet. `fwtrend refresh --source github` fetches them "
        f"from GitHub's /repos/{fw.github}/languages."
    )


def _lines(make: Make, several: bool) -> list[str]:
    prefix = f"{make.name} · " if several else ""
    return [f"{prefix}{lang}: {share:.1f}% ({human_bytes(size)})" for lang, size, share in make.shares]


def answer_languages(store: Store, query: Query) -> Answer:
    """Which languages each framework's repository is written in, by bytes of code."""
    cat = catalog()
    frameworks = query.frameworks or stored_frameworks(store)
    title = " vs ".join(cat[f].name for f in query.frameworks) + " languages" if query.frameworks else "Languages"
    if not frameworks:
        return Answer(
            "empty",
            query,
            title,
            "No language figures are stored yet.",
            lines=["`fwtrend refresh --source github` fetches them from GitHub's /repos/{owner}/{repo}/languages."],
        )
    makes = {fid: latest_make(store, fid) for fid in frameworks}
    found = [m for m in makes.values() if m]
    missing = [fid for fid, m in makes.items() if m is None]
    if not found:
        headline = "No language figures are stored yet for " + " or ".join(cat[f].name for f in missing) + "."
        return Answer("empty", query, title, headline, lines=[_missing_line(f) for f in missing])
    headline = "; ".join(f"{m.name}'s repository is {describe(m.shares)} (by bytes of code)" for m in found) + "."
    answer = Answer("languages", query, title, headline)
    answer.lines = [line for m in found for line in _lines(m, len(frameworks) > 1)]
    answer.lines += [_missing_line(f) for f in missing]
    dates = ", ".join(f"{m.name} {m.date.isoformat()}" for m in found)
    answer.notes = [
        f"Bytes per language as GitHub's Linguist counts them in the default branch ({dates}); "
        "vendored, generated and documentation files are left out, so this is code, not activity."
    ]
    known = sources_by_id(store)
    for source in sorted({m.source for m in found}):
        meta = known.get(source, {})
        as_of = max(m.date for m in found if m.source == source)
        answer.sources.append(
            SourceCredit(
                source, meta.get("name") or source, meta.get("credit") or source, meta.get("licence", ""), as_of
            )
        )
    answer.extra["languages"] = found
    return answer
