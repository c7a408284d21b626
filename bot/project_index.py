"""The projects of the bundled history beyond the built-in frameworks, read from `data/seed/`.

One entry per project, linked across registries ONLY through the sources' own metadata: best-of-ml-python
gives each project's github_id, pypi_id and npm_id together, and every link keeps where it came from.
Nothing is linked by a look-alike name: the PyPI package `fastapi` and the repository `tiangolo/fastapi`
stay two projects unless a source says they are one.

Ids: the PEP 503 name for a project with a PyPI package (`polars`), `npm:<name>` for an npm-only one,
the lower-case `owner/repo` for a GitHub-only one.

Two ways to the same index: `build_index` reads the CSVs with pandas (~0.6 s of CPU plus ~0.4 s importing
pandas), which only building the bundle needs (`bot.ingest.bundle`: its `projects` table is written from
it, with `bestof_key` for the rows); `read_index` reads that table back from the bundle file with plain
sqlite3 (~15 ms), which is what every process does on the first name it does not know (`bot.catalog`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

BESTOF_FILE = "bestof_ml_all_projects_weekly.csv.gz"
TOP_PYPI_FILE = "pypi_top_history.csv.gz"
REPOSTORY_FILE = "github_monthly_activity_all.csv"
BESTOF_CREDIT = "best-of-ml-python ids"


@dataclass
class ProjectEntry:
    """A project and every name it has at the sources; `links` says which source tied them together."""

    id: str
    name: str
    pypi: tuple[str, ...] = ()
    npm: tuple[str, ...] = ()
    github: str | None = None
    github_former: tuple[str, ...] = ()
    links: list[str] = field(default_factory=list)
    """"github.com/dmlc/xgboost ↔ pypi:xgboost (best-of-ml-python ids)", one per link."""


@dataclass
class ProjectIndex:
    projects: dict[str, ProjectEntry]
    bestof_key: dict[tuple[str, str], str]
    """(best-of-ml-python name, lower-case github_id) → project id, for its rows."""
    by_package: dict[str, str]
    """PEP 503 PyPI name → project id."""
    by_repo: dict[str, str]
    """lower-case owner/repo (today's and former) → project id."""


def pep503(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def bestof_frame(folder: Path, columns: list[str] | None = None):
    """best-of-ml-python's rows (all columns, or `columns` plus name and github_id) without the rows that
    are no project: "best-of-python - …" rows link to sister lists, and early rows name "Cartopy" with
    mapbox/rasterio's id (which of the two their figures count is unknown, so they are left out)."""
    import pandas as pd

    usecols = None if columns is None else list(dict.fromkeys(["name", "github_id", *columns]))
    frame = pd.read_csv(folder / BESTOF_FILE, dtype=str, keep_default_na=False, usecols=usecols)
    frame = frame[~frame["name"].str.startswith("best-of-python - ")]
    mislabelled = (frame["github_id"].str.lower() == "mapbox/rasterio") & (frame["name"] == "Cartopy")
    return frame[~mislabelled]


def _bestof_projects(folder: Path, taken: set[str], index: ProjectIndex) -> None:
    frame = bestof_frame(folder, ["snapshot_date", "pypi_id", "npm_id"])
    frame = frame.drop_duplicates(["name", "github_id", "pypi_id", "npm_id"], keep="last")
    # Renames change the key: a name that changed its github_id, or a github_id that changed its name, is
    # one project. Union the two keys.
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    rows = frame.sort_values("snapshot_date").to_dict("records")
    for row in rows:
        a, b = find("n:" + row["name"]), find("g:" + row["github_id"].lower())
        parent[a] = b
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(find("g:" + row["github_id"].lower()), []).append(row)
    for members in groups.values():
        latest = members[-1]
        slugs = list(dict.fromkeys(m["github_id"] for m in reversed(members) if m["github_id"]))
        pypi = next((pep503(m["pypi_id"]) for m in reversed(members) if m["pypi_id"]), None)
        npm = next((m["npm_id"].lower() for m in reversed(members) if m["npm_id"]), None)
        keys = {s.lower() for s in slugs} | ({pypi} if pypi else set()) | ({"npm:" + npm} if npm else set())
        if keys & taken:
            continue  # a built-in framework (or a project the catalog says is separate from one)
        pid = pypi or (f"npm:{npm}" if npm else slugs[0].lower())
        if pid in index.projects:
            continue
        entry = ProjectEntry(pid, latest["name"], (pypi,) if pypi else (), (npm,) if npm else ())
        entry.github, entry.github_former = (slugs[0], tuple(slugs[1:])) if slugs else (None, ())
        for other in (f"pypi:{pypi}" if pypi else None, f"npm:{npm}" if npm else None):
            if other and entry.github:
                entry.links.append(f"github.com/{entry.github} ↔ {other} ({BESTOF_CREDIT})")
        index.projects[pid] = entry
        for m in members:
            index.bestof_key[(m["name"], m["github_id"].lower())] = pid
        if pypi:
            index.by_package[pypi] = pid
        for slug in slugs:
            index.by_repo[slug.lower()] = pid


def build_index(folder: Path, taken: set[str]) -> ProjectIndex:
    """Every bundled project not in `taken` (lower-case slugs, PEP 503 names and `npm:` names of the
    built-in frameworks and their separate projects)."""
    import pandas as pd

    index = ProjectIndex({}, {}, {}, {})
    _bestof_projects(folder, taken, index)
    packages = pd.read_csv(folder / TOP_PYPI_FILE, usecols=["package"], dtype=str)["package"].unique()
    for package in sorted(packages):
        key = pep503(package)
        if key in taken or key in index.by_package:
            continue
        index.projects[key] = ProjectEntry(key, key, (key,))
        index.by_package[key] = key
    repos = pd.read_csv(folder / REPOSTORY_FILE, usecols=["repo"], dtype=str)["repo"].unique()
    for repo in sorted(repos):
        key = repo.lower()
        if key in taken or key in index.by_repo:
            continue
        index.projects[key] = ProjectEntry(key, repo, github=repo)
        index.by_repo[key] = key
    return index


def read_index(bundle: Path, taken: set[str]) -> ProjectIndex:
    """The index `build_index` gave when `bundle` was built, read from its `projects` table in the order
    it was written (the order decides which project a name shared by two reads as). Projects that now
    clash with `taken` are left out, as `build_index` would. `bestof_key` stays empty: only building the
    bundle's rows needs it. Raises sqlite3.Error when the file cannot be read."""
    index = ProjectIndex({}, {}, {}, {})
    conn = sqlite3.connect(f"file:{bundle}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT id, name, pypi, npm, github, github_former, links FROM projects ORDER BY rowid"
        ).fetchall()
    finally:
        conn.close()
    for pid, name, pypi, npm, github, former, links in rows:
        entry = ProjectEntry(pid, name, tuple(json.loads(pypi)), tuple(json.loads(npm)), github)
        entry.github_former, entry.links = tuple(json.loads(former)), json.loads(links)
        slugs = [s.lower() for s in (entry.github, *entry.github_former) if s]
        keys = {*slugs, *entry.pypi, *(f"npm:{n}" for n in entry.npm)}
        if keys & taken or pid in index.projects:
            continue
        index.projects[pid] = entry
        if entry.pypi:
            index.by_package[entry.pypi[0]] = pid
        for slug in slugs:
            index.by_repo[slug] = pid
    return index
