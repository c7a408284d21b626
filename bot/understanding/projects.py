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
from bot.understanding.names import PROJECT_TOKEN, Ref
from bot.understanding.project_readings import readings_of

_TOKEN = re.compile(rf"^{PROJECT_TOKEN}(\d+)$")


def project_reading(
    name: str, refs: list[Ref], cat: Catalog, metric: str | None
) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(project id, note on how the name was read, readings to ask about) for a name in a name slot;
    (None, None, ()) if it names no project.

    A name several projects answer to (`project_readings`: "acme" is the PyPI package and DeepMind's
    Acme; "fastapi" the PyPI package and the repository tiangolo/fastapi, which no source links) is read
    as the one that has the metric asked for, with a note saying so; when the metric does not settle it
    the readings come back (and no id), so the reader asks, never guessing.
    """
    token = _TOKEN.match(name.strip())
    if token:
        index = int(token.group(1))
        return (refs[index].project if index < len(refs) else None), None, ()
    readings, note = readings_of(name, cat, metric)
    if len(readings) > 1:
        return None, None, tuple(r.project for r in readings)
    if readings:
        return readings[0].project, note, ()
    key = normalise_name(name)
    names = cat.project_names()
    return names.get(key) or names.get(re.sub(r"[-_. ]+", "-", key)), None, ()


def is_project_name(word: str, cat: Catalog) -> bool:
    """Whether a word is exactly a bundled project's name (then it is never "corrected" to a framework)."""
    return normalise_name(word) in cat.project_names() or bool(_TOKEN.match(word))


_ARTICLES = frozenset({"the", "a", "an"})


def fills_its_slot(segment_words: list[str], name: str) -> bool:
    """Whether a name is all its list slot holds, articles aside ("the flask" in "django vs the flask"),
    so that "click the chart" after a comma is read as words, not as the package `click`."""
    return [w for w in segment_words if w not in _ARTICLES] == name.split()
