"""A reading picked from a "which “react”?" question, looked up when it is clicked.

The question's buttons name each reading by registry (`npm:react`, `pypi:react`) where a project id goes
(`Query.frameworks`): nothing of either reading is stored before a click (see `bot.ingest.live.lookup`).
`picked_candidates` turns the ids no store holds yet into look-ups of that one registry; `with_found`
puts the stored project ids in their place once looked up (`pypi:react` → `react`, `npm:react` stays).
"""

from __future__ import annotations

from bot.catalog import Catalog
from bot.ingest.live.candidates import Candidate
from bot.ingest.live.names import npm_name, pypi_name
from bot.understanding.query import Query


def _stored_id(reading: str) -> str | None:
    """The id a look-up stores a reading under ("pypi:react" → "react"), or None when it is no reading."""
    registry, _, name = reading.partition(":")
    if registry == "pypi" and pypi_name(name):
        return pypi_name(name)
    if registry == "npm" and npm_name(name):
        return f"npm:{npm_name(name)}"
    return None


def picked_candidates(query: Query, cat: Catalog) -> list[Candidate]:
    """One look-up per reading the query names that no store holds yet (typed as the reading's id)."""
    out = []
    for fid in query.frameworks:
        stored = _stored_id(fid)
        if fid in cat or stored is None or stored in cat:
            continue
        registry, _, name = fid.partition(":")
        checked = pypi_name(name) if registry == "pypi" else npm_name(name)
        assert checked is not None  # _stored_id checked it
        out.append(Candidate(fid, registry, checked, (fid,)))
    return out


def with_found(query: Query, cat: Catalog, found: dict[str, str]) -> Query:
    """The query naming stored project ids: each reading found (`found`, typed → id) or already stored."""
    frameworks: list[str] = []
    for fid in query.frameworks:
        stored = _stored_id(fid)
        now = found.get(fid) or (stored if fid not in cat and stored in cat else fid)
        if now not in frameworks:
            frameworks.append(now)
    return query.model_copy(update={"frameworks": frameworks})


def is_reading(fid: str, cat: Catalog) -> bool:
    """Whether a project id in a query is a reading not stored as itself (`pypi:react`, or `npm:react` before its
    look-up)."""
    return fid not in cat and _stored_id(fid) is not None
