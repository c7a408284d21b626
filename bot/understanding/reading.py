"""What the English reader found in a text, before it becomes a `Query` (follow-ups reuse it).

Plain data: `english.read` fills a `Reading`; `reader.to_query`, `intent`, `clarify` and `followup`
read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


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
    aligned: bool = False
    """Timelines asked aligned on each project's first figure ("since launch")."""
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
