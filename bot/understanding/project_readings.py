"""Names that read as two or more bundled projects, and how to tell them apart.

A bare name can belong to several projects that no source links: the PyPI package `acme` (an ACME
client, top-PyPI list) and DeepMind's Acme (best-of-ml-python, package `dm-acme`); the PyPI package
`datasets` and the repository tensorflow/datasets; the PyPI package `fastapi` and the repository
tiangolo/fastapi (GitHub-only in repostory). Each project's claim on the name is a `ProjectReading`:
its PyPI package, its npm package, its display name, or its repository's name (a repository's name
counts only where it is already a project's name, so "text" stays a word).

`readings_of(name, cat, metric)` keeps the readings that have the metric asked for; one left is read
(with a note), several are asked about (`reader.to_query` → intent "clarify", one button per reading).
`pick_text` is what to type to name one reading unambiguously (`pypi:acme`, `deepmind/acme`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.catalog import Catalog, Framework, normalise_name
from bot.metrics import METRICS

_GITHUB_METRICS = frozenset(m for m in METRICS if m.startswith("github_"))


@dataclass(frozen=True)
class ProjectReading:
    """One project a name can mean, and by which of its names ("pypi", "npm", "name" or "repo")."""

    project: str
    how: str


@cache
def _readings(cat: Catalog) -> dict[str, tuple[ProjectReading, ...]]:
    """Normalised name → its readings, for names with two or more projects (the default reading first)."""
    claims: dict[str, list[ProjectReading]] = {}

    def claim(name: str, project: str, how: str) -> None:
        key = normalise_name(name)
        if key in cat.names:
            return  # a built-in framework's name is read as the framework, always
        found = claims.setdefault(key, [])
        if all(r.project != project for r in found):
            found.append(ProjectReading(project, how))

    entries = cat.project_index().projects.values()
    for entry in entries:
        for package in entry.pypi:
            claim(package, entry.id, "pypi")
        for package in entry.npm:
            claim(package, entry.id, "npm")
        if entry.pypi or entry.npm:
            claim(entry.name, entry.id, "name")
    names = cat.project_names()
    for entry in entries:
        if entry.github:
            repo = normalise_name(entry.github.split("/")[1])
            if repo in names or repo in claims:
                claim(repo, entry.id, "repo")
    out: dict[str, tuple[ProjectReading, ...]] = {}
    for key, found in claims.items():
        if len(found) >= 2:
            first = names.get(key)
            out[key] = tuple(sorted(found, key=lambda r: r.project != first))
    return out


def all_readings(name: str, cat: Catalog) -> tuple[ProjectReading, ...]:
    """Every reading of a bare name with two or more; () when the name means one project or none."""
    key = normalise_name(name)
    table = _readings(cat)
    return table.get(key) or table.get(re.sub(r"[-_. ]+", "-", key)) or ()


def readings_of(name: str, cat: Catalog, metric: str | None) -> tuple[tuple[ProjectReading, ...], str | None]:
    """The readings of `name` that fit the metric asked for, and a note when the metric settled it.

    A GitHub metric keeps the readings with a repository, PyPI downloads those with a PyPI package, npm
    downloads those with an npm package. With no metric, a name that only one reading has as a package
    is read as that package (with a note). Otherwise every reading stays: the caller asks. () when the
    name is not ambiguous.
    """
    every = all_readings(name, cat)
    if not every:
        return (), None
    fitting = tuple(r for r in every if _has(cat[r.project], metric))
    if len(fitting) != 1 and metric is None:
        # A package and repositories with no package of their own (PyPI `django`, GitHub-only
        # django/django): no source links them, but asking "which?" before every `django vs flask` helps
        # no one. The package is read, and the note names the repository for its figures.
        fitting = tuple(r for r in every if cat[r.project].pypi or cat[r.project].npm)
    if len(fitting) != 1:
        return every, None
    chosen = fitting[0]
    others = [describe(r, cat) for r in every if r != chosen]
    label = METRICS[metric].label if metric in METRICS else "a package"
    note = (
        f"I read “{name}” as {describe(chosen, cat)}, the one project of that name with {label}; "
        f"{' and '.join(others)} {'is' if len(others) == 1 else 'are'} another project to me "
        f"(no source links the two): name it (`{pick_text(every[1] if chosen == every[0] else every[0], cat)}`) "
        "for its figures."
    )
    return (chosen,), note


def _has(entry: Framework, metric: str | None) -> bool:
    if metric in _GITHUB_METRICS:
        return bool(entry.github)
    if metric == "pypi_downloads":
        return bool(entry.pypi)
    if metric == "npm_downloads":
        return bool(entry.npm)
    return True


def describe(reading: ProjectReading, cat: Catalog) -> str:
    """How a reading is shown: "the PyPI package `acme`", "Acme (deepmind/acme, PyPI `dm-acme`)",
    "the GitHub repository tensorflow/datasets (TensorFlow Datasets)"."""
    entry = cat[reading.project]
    extra = [entry.github] if entry.github and reading.how != "repo" else []
    if reading.how == "pypi":
        head = f"the PyPI package `{entry.pypi_primary}`"
    elif reading.how == "npm":
        head = f"the npm package `{entry.npm[0]}`"
    elif reading.how == "repo":
        head = f"the GitHub repository {entry.github}"
        extra = [entry.name] if entry.pypi and normalise_name(entry.name) != normalise_name(entry.pypi[0]) else []
        extra += [f"PyPI `{entry.pypi_primary}`"] if entry.pypi else []
    else:
        head = entry.name
        extra += [f"PyPI `{entry.pypi_primary}`"] if entry.pypi else [f"npm `{entry.npm[0]}`"] if entry.npm else []
    return f"{head} ({', '.join(extra)})" if extra else head


def pick_text(reading: ProjectReading, cat: Catalog) -> str:
    """What to type to name this reading and no other: `pypi:acme`, `npm:bqplot`, `deepmind/acme`."""
    entry = cat[reading.project]
    if reading.how == "pypi" and entry.pypi:
        return f"pypi:{entry.pypi_primary}"
    if reading.how == "npm" and entry.npm:
        return f"npm:{entry.npm[0]}"
    if entry.github:
        return entry.github
    return f"pypi:{entry.pypi_primary}" if entry.pypi else f"npm:{entry.npm[0]}"


def typed_name(project: str, cat: Catalog) -> str:
    """A framework or project id as text that reads back as it alone (for hints and buttons): the id,
    or `pypi:<id>` where the bare id is a name with several readings."""
    if project in cat.frameworks or "/" in project or project.startswith("npm:"):
        return project
    return f"pypi:{project}" if all_readings(project, cat) else project


def describe_project(project: str, cat: Catalog) -> str:
    """A project as a reading shows it, whichever name led to it: a framework's name, "the PyPI package
    `acme`", "the GitHub repository tiangolo/fastapi", "Acme (deepmind/acme, PyPI `dm-acme`)"."""
    entry = cat[project]
    if project in cat.frameworks:
        return entry.name
    if entry.github and (entry.pypi or entry.npm):
        package = f"PyPI `{entry.pypi_primary}`" if entry.pypi else f"npm `{entry.npm[0]}`"
        return f"{entry.name} ({entry.github}, {package})"
    if entry.github:
        return f"the GitHub repository {entry.github}"
    return f"the PyPI package `{entry.pypi_primary}`" if entry.pypi else f"the npm package `{entry.npm[0]}`"


def ambiguity_note(name: str, readings: tuple[ProjectReading, ...], cat: Catalog) -> str:
    """Why a name is not read on its own: "“acme” names two projects: … Name one."""
    listed = " or ".join(f"`{pick_text(r, cat)}` ({describe(r, cat)})" for r in readings)
    count = "two" if len(readings) == 2 else str(len(readings))
    return f"“{name}” names {count} projects: {listed}. Name one."
