"""The bundled history of projects beyond the 11 frameworks: thousands of PyPI packages (top-PyPI
snapshots), best-of-ml-python's ~1,100 ML projects (weekly GitHub counts) and repostory's 55 repositories
(monthly stars rebuilt by star date). Counted exactly as the frameworks' rows in `bot.ingest.seed`:

- PyPI: downloads per day over each snapshot's window, with its counting method; a package absent from a
  snapshot has fallen off the list, so that date has no row (unknown, never zero).
- best-of-ml-python: counts taken at the time, weekly, glitches kept as published (a project's star
  count that flips week to week is shown, never smoothed); rows that are no project are left out
  (`bot.project_index.bestof_frame`).
- repostory: a repository's rebuilt star history starts at its first month with stars (issues imported
  at a move to GitHub are older than its stars: the months before are unknown, not zero growth).

Frameworks' packages and repositories never appear here: `bot.project_index` leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from bot.catalog import Catalog
from bot.ingest.seed_frames import bestof_observations, read, repostory_observations, top_pypi_observations
from bot.project_index import BESTOF_CREDIT, REPOSTORY_FILE, TOP_PYPI_FILE, bestof_frame
from bot.store.connection import Store
from bot.store.projects import upsert_projects

_BESTOF_METRICS = {
    "star_count": "github_stars",
    "fork_count": "github_forks",
    "contributor_count": "github_contributors",
}
# Open issues are left out for projects: ~220k rows no comparison asks for (the frameworks keep theirs).

COLUMNS = ["framework", "metric", "date", "value", "source", "method", "note"]


def _tuples(frame: pd.DataFrame) -> Iterator[tuple]:
    """Rows as tuples in `COLUMNS` order, one (framework, metric, date) each (the last one kept)."""
    frame = frame[COLUMNS].drop_duplicates(["framework", "metric", "date"], keep="last")
    # In primary-key order: SQLite then appends to its B-tree instead of splitting pages all over it.
    frame = frame.sort_values(["framework", "metric", "date"])
    # Plain lists zipped: itertuples spends more time in pandas than SQLite spends writing.
    return zip(*(frame[c].tolist() for c in COLUMNS), strict=True)


def upsert_bundled_projects(store: Store, cat: Catalog) -> int:
    """The `projects` table from the bundled files' projects (ids, packages, repositories, links)."""
    index = cat.built_project_index()
    return upsert_projects(
        store,
        (
            {
                **vars(entry),
                "source": BESTOF_CREDIT
                if entry.links or entry.id in set(index.bestof_key.values())
                else "bundled history",
            }
            for entry in index.projects.values()
        ),
    )


def project_top_pypi_rows(folder: Path, cat: Catalog) -> Iterator[tuple]:
    """Each bundled PyPI project's downloads per day in every top-PyPI snapshot it ranked in."""
    history = read(folder / TOP_PYPI_FILE)
    history["framework"] = history["package"].map(cat.built_project_index().by_package)
    return _tuples(top_pypi_observations(history, folder, "download_count"))


def project_bestof_rows(folder: Path, cat: Catalog) -> Iterator[tuple]:
    """best-of-ml-python's weekly counts of every bundled ML project (empty cells skipped)."""
    keys = cat.built_project_index().bestof_key
    wide = bestof_frame(folder, ["snapshot_date", "source_file", *_BESTOF_METRICS])
    pid = pd.Series(list(zip(wide["name"], wide["github_id"].str.lower(), strict=True)), index=wide.index).map(keys)
    wide = wide.assign(framework=pid)[pid.notna()]
    return _tuples(bestof_observations(wide, _BESTOF_METRICS, name_usual_file=False))


def project_repostory_rows(folder: Path, cat: Catalog) -> Iterator[tuple]:
    """Rebuilt monthly stars from each repository's first month with stars, and its count on the fetch day."""
    frame = read(folder / REPOSTORY_FILE)
    frame["framework"] = frame["repo"].str.lower().map(cat.built_project_index().by_repo)
    return _tuples(repostory_observations(frame, from_first_star=True))


PROJECT_READERS: tuple[tuple[str, Callable[[Path, Catalog], Iterator[tuple]]], ...] = (
    ("projects_top_pypi", project_top_pypi_rows),
    ("projects_bestof", project_bestof_rows),
    ("projects_repostory", project_repostory_rows),
)
