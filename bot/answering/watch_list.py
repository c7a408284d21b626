"""The watch list's replies: `track`, `untrack`, `tracking` for one workspace (or the terminal), as plain
text that the Slack layer lays out as Block Kit and the terminal prints.

The 11 built-in frameworks are always refreshed: tracking one says so and changes nothing. A name found
nowhere is answered as any unknown name is (a "not tracked" reason, or "did you mean"), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.catalog import Catalog, Framework, catalog
from bot.store.connection import Store
from bot.store.watch_list import Watched, add_watched, remove_watched, watched
from bot.understanding.query import Query


@dataclass(frozen=True)
class WatchReply:
    """What to say: a headline and further lines (plain text; names as the catalog spells them)."""

    headline: str
    lines: list[str] = field(default_factory=list)
    changed: bool = False
    """Whether the list changed."""
    failed: bool = False
    """Some name could not be read (the terminal exits 1 then)."""


def describe(entry: Framework) -> str:
    """ "polars (PyPI polars · GitHub pola-rs/polars)": a project with what the refresh reads for it."""
    ids = [f"PyPI {entry.pypi_primary}" if entry.pypi else "", f"npm {entry.npm[0]}" if entry.npm else ""]
    ids.append(f"GitHub {entry.github}" if entry.github else "")
    shown = " · ".join(i for i in ids if i)
    return f"{entry.name} ({shown})" if shown else entry.name


def unknown_lines(query: Query, cat: Catalog) -> list[str]:
    """One line per name found nowhere: the catalog's "not tracked" reason, "did you mean", or plainly."""
    lines = []
    for name in query.unknown:
        if name in query.not_tracked:
            lines.append(query.not_tracked[name])
        elif options := query.suggestions.get(name):
            lines.append(f"I don't know “{name}”. Did you mean {' or '.join(cat[o].name for o in options)}?")
        else:
            lines.append(
                f"I don't know “{name}”: it is no built-in framework and in no bundled file, so I can't track it."
            )
    return lines


def watch_reply(
    store: Store,
    query: Query,
    *,
    team_id: str,
    user_id: str = "",
    usage: str = "/fwtrend track polars",
    where: str = "this workspace",
    mention: Callable[[str], str] = str,
) -> WatchReply:
    """Do what a `track` / `untrack` / `tracking` Query asks for `team_id` and say what was done.

    `usage` is the example shown when no name was given; `where` names whose list it is; `mention`
    shows who added a project (a Slack mention in Slack). Raises ValueError for another intent."""
    cat = catalog()
    if query.intent == "tracking":
        return _listing(watched(store, team_id), cat, where, usage, mention)
    if query.intent not in ("track", "untrack"):
        raise ValueError(f"not a watch-list command: {query.intent!r}")
    if not query.frameworks and not query.unknown:
        verb = "track" if query.intent == "track" else "stop tracking"
        example = usage if query.intent == "track" else usage.replace("track", "untrack", 1)
        return WatchReply(
            f"Name a project to {verb}, e.g. `{example}`: a package name, `pypi:`/`npm:` package, "
            "GitHub owner/repo or a URL of any of these.",
            failed=True,
        )
    lines: list[str] = []
    changed = False
    for fid in query.frameworks:
        entry = cat[fid]
        if fid in cat.frameworks:
            lines.append(
                f"{entry.name} is one of the {len(cat)} built-in frameworks: the daily refresh always covers it"
                + (", so there is nothing to add." if query.intent == "track" else ", so it can't be untracked.")
            )
        elif query.intent == "track":
            added = add_watched(store, team_id, fid, user_id)
            changed |= added
            lines.append(
                f"Now tracking {describe(entry)}: the daily refresh covers it."
                if added
                else f"{describe(entry)} was already tracked."
            )
        else:
            removed = remove_watched(store, team_id, fid)
            changed |= removed
            lines.append(
                f"Stopped tracking {entry.name}." if removed else f"{entry.name} was not on {where}'s watch list."
            )
    lines += unknown_lines(query, cat)
    return WatchReply(lines[0], lines[1:], changed=changed, failed=bool(query.unknown))


def _listing(rows: list[Watched], cat: Catalog, where: str, usage: str, mention: Callable[[str], str]) -> WatchReply:
    builtin = f"The {len(cat)} built-in frameworks are always covered ({', '.join(fw.name for fw in cat)})."
    if not rows:
        return WatchReply(f"Nothing on {where}'s watch list yet. Add a project with `{usage}`.", [builtin])
    lines = []
    for row in rows:
        entry = cat.projects().get(row.project)
        name = describe(entry) if entry else f"{row.project} (no longer in the bundled projects)"
        by = f" by {mention(row.added_by)}" if row.added_by else ""
        lines.append(f"• {name}, added{by} on {row.added_at[:10]}")
    count = f"{len(rows)} project{'s' if len(rows) != 1 else ''}"
    return WatchReply(
        f"{where[0].upper()}{where[1:]} tracks {count} besides the built-in frameworks:", [*lines, builtin]
    )
