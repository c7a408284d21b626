"""What a user asked for, as a `Query`, and the ONE codec that carries a Query in a button's value.

Every reader (`grammar.parse`, `reader.understand`, `followup.apply_followup`) returns a Query; every
answer is built from one. `encode_query` / `decode_query` are the only way a Query is written into a
button and read back (Slack answers, clarifying questions, suggestions alike).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from bot.catalog import catalog

MAX_ENCODED = 2000
"""The longest value `encode_query` writes (a Slack button's value holds at most 2000 characters)."""

Intent = Literal[
    "compare",
    "profile",
    "leaderboard",
    "growth",
    "crossover",
    "help",
    "sources",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "track",
    "untrack",
    "tracking",
    "alert",
    "alerts",
    "alert_remove",
    "article",
    "languages",
    "clarify",
    "unknown",
]


AlertKind = Literal["threshold", "passes", "change"]


class AlertRule(BaseModel):
    """What an alert command asks (`alert jax 50k stars`, `alert when pytorch passes tensorflow in stars`,
    `alert polars downloads +50% month`, `alert remove 2`), beside the Query's frameworks and metric.

    `problem` says what could not be read (no figure to wait for, a number that is not one), for the reply."""

    kind: AlertKind | None = None
    threshold: float | None = None
    """For "threshold": the figure to reach, in the metric's unit (50k stars → 50000)."""
    change_pct: float | None = None
    """For "change": the change asked for, in percent (+50 or -20)."""
    window: Literal["day", "week", "month", "quarter", "year"] | None = None
    """For "change": over how long the change is measured."""
    number: int | None = None
    """For `alert remove N`: the alert's number in the channel's list (1-based)."""
    problem: str | None = None


class Query(BaseModel):
    """One reading of a question: what to answer (intent, frameworks, metric, period or point in time)
    and what the answer must say about how the text was read (unknown names, corrections, notes)."""

    intent: Intent
    frameworks: list[str] = Field(default_factory=list)
    metric: str | None = None
    since: date | None = None
    until: date | None = None
    rate: bool = False
    """The per-period form of a cumulative metric (new stars per month rather than total stars)."""
    at: date | None = None
    """A point in time the user asked about ("stars in january 2023")."""
    at_month: bool = False
    """`at` names a whole month (its first day): the answer takes that month's first observation."""
    period_label: str | None = None
    unknown: list[str] = Field(default_factory=list)
    suggestions: dict[str, list[str]] = Field(default_factory=dict)
    args: str = ""
    """The rest of the text for commands that take their own arguments (subscribe, track, untrack)."""
    text: str = ""
    truncated: bool = False
    corrections: dict[str, str] = Field(default_factory=dict)
    """Typos read as a framework ("pytroch" → "pytorch"); answers say so rather than guess silently."""
    question: str | None = None
    """For intent "clarify": the one-line question to ask ("PyTorch or PyTorch Lightning?")."""
    alternatives: list[Query] = Field(default_factory=list)
    """For intent "clarify": the readings to offer as buttons."""
    followup: bool = False
    """Built from the previous question in a thread plus this text."""
    notes: list[str] = Field(default_factory=list)
    """What the reader could not take as typed ("since 2021-13", a period in the future); answers show them."""
    not_tracked: dict[str, str] = Field(default_factory=dict)
    """Unknown names the catalog knows are another project than the framework they resemble → how they differ."""
    scale: str | None = None
    """A chart scale asked for, as typed ("log scale", "linear"): it overrides the automatic choice."""
    alert: AlertRule | None = None
    """For intents "alert" and "alert_remove": the rule or the number (see `AlertRule`)."""
    aligned: bool = False
    """Timelines aligned on each project's first stored figure ("since launch"): x = months since it."""

    def contract_dict(self) -> dict:
        """The shape `fwtrend parse` prints (contract keys first)."""
        out = {
            "intent": self.intent,
            "frameworks": self.frameworks,
            "metric": self.metric,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        extra = self.model_dump(mode="json", exclude={"intent", "frameworks", "metric", "since", "until", "text"})
        out.update({k: v for k, v in extra.items() if v not in (None, False, [], {}, "")})
        if self.frameworks:
            out["projects"] = [project_dict(fid) for fid in self.frameworks]
        if self.alert:
            out["alert"] = self.alert.model_dump(mode="json", exclude_none=True)
        if self.alternatives:
            out["alternatives"] = [a.contract_dict() for a in self.alternatives]
        return out

    def cache_key(self) -> str:
        """What decides the figures of an answer (the same for every wording of the question)."""
        return self.model_dump_json(exclude={"text", "truncated", "followup", "notes"})

    def render_key(self) -> str:
        """What decides the whole message: the figures plus the notes on how this text was read."""
        return self.model_dump_json(exclude={"text"})


def project_dict(project_id: str) -> dict:
    """One project named, as `fwtrend parse` lists it: id, name and, where known, pypi, npm, github (its
    main package and repository) and the links between them with their source."""
    entry = catalog()[project_id]
    out: dict = {"id": entry.id, "name": entry.name}
    for key, value in (
        ("pypi", entry.pypi_primary),
        ("npm", entry.npm[0] if entry.npm else None),
        ("github", entry.github),
        ("links", list(entry.links)),
    ):
        if value:
            out[key] = value
    return out


def encode_query(query: Query) -> str:
    """A button's value: the query itself as compact JSON (at most `MAX_ENCODED` characters), so a click
    answers exactly the variant shown. The text as typed, suggestions and truncation are left out."""
    data = query.model_dump(mode="json", exclude={"text", "suggestions", "truncated"}, exclude_defaults=True)
    return json.dumps(data, separators=(",", ":"))[:MAX_ENCODED]


def decode_query(value: str) -> Query | None:
    """The Query a button's value carries, or None when the value is not one (plain text from an older
    button, a value cut at `MAX_ENCODED`, another version's shape): the caller decides what to do then.

    Older compact values (only intent, frameworks, metric, rate, since, until, period_label) still read.
    """
    try:
        return Query.model_validate_json(value)
    except ValueError:  # pydantic's ValidationError is a ValueError; so is malformed JSON
        return None
