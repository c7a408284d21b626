"""Names of bundled projects (thousands of PyPI packages, ML projects, GitHub repositories), read only where
a sentence puts a name: a slot of "X vs Y", or a question with no framework in it ("how is polars doing").

Both readers call `project_reading` on the words they would otherwise report as an unknown name, so
"black", "rich" or "click" are read as packages in "black vs ruff" and never from filler words elsewhere.
A reference `names.find_refs` found (`pola-rs/polars`, `pypi:polars`, `npm:react`, a URL) arrives as a
`PROJECT_TOKEN` word and is read back from the references.
"""

from __future__ import annotations

import re

from bot.catalog import Catalog, normalise_name
from bot.metrics import METRICS
from bot.understanding.names import PROJECT_TOKEN, Ref

_TOKEN = re.compile(rf"^{PROJECT_TOKEN}(\d+)$")
_GITHUB_METRICS = frozenset(m for m in METRICS if m.startswith("github_"))


def project_reading(name: str, refs: list[Ref], cat: Catalog, metric: str | None) -> tuple[str | None, str | None]:
    """(project id, note on how the name was read) for a name in a name slot; (None, None) if none.

    A bare name that is both a PyPI package and the name of a GitHub repository no source links to it
    ("fastapi": the PyPI package, and tiangolo/fastapi) is read as the repository when the question asks
    for a GitHub figure, else as the package; the note says so (unless a PyPI figure was asked for), never
    linking the two.
    """
    token = _TOKEN.match(name.strip())
    if token:
        index = int(token.group(1))
        return (refs[index].project if index < len(refs) else None), None
    key = normalise_name(name)
    names = cat.project_names()
    pid = names.get(key) or names.get(re.sub(r"[-_. ]+", "-", key))
    if pid is None:
        return None, None
    alternate = cat.project_alternates().get(key)
    if alternate is None:
        return pid, None
    package, repo = cat[pid], cat[alternate]
    if metric in _GITHUB_METRICS:
        return alternate, (
            f"I read “{name}” as the GitHub repository {repo.github}: no source I hold links it to the PyPI "
            f"package `{package.pypi_primary}`."
        )
    if metric is not None:
        return pid, None  # a PyPI figure, asked of a PyPI package: nothing to choose
    return pid, (
        f"I read “{name}” as the PyPI package `{package.pypi_primary}`; the GitHub repository {repo.github} "
        f"is another project to me (no source links the two): name it for its figures."
    )


def is_project_name(word: str, cat: Catalog) -> bool:
    """Whether a word is exactly a bundled project's name (then it is never "corrected" to a framework)."""
    return normalise_name(word) in cat.project_names() or bool(_TOKEN.match(word))


_ARTICLES = frozenset({"the", "a", "an"})


def fills_its_slot(segment_words: list[str], name: str) -> bool:
    """Whether a name is all its list slot holds, articles aside ("the flask" in "django vs the flask"),
    so that "click the chart" after a comma is read as words, not as the package `click`."""
    return [w for w in segment_words if w not in _ARTICLES] == name.split()
