"""Which registry's downloads a question asks for, when it names a package of one registry.

Naming an npm package (`@tensorflow/tfjs`, `npm:…`, an npmjs.com or npmtrends.com address, a
JavaScript port such as "tfjs") and saying "downloads" asks for that package's npm downloads, never
the PyPI downloads of the Python project it belongs to. The reverse (a PyPI package named with "npm
downloads") keeps the registry the user asked for and says whose npm package is shown. Both readers
(`grammar.parse`, `english.read`) call `registry_metric` once they have the metric and the references.
"""

from __future__ import annotations

import re

from bot.catalog import Catalog
from bot.understanding.names import Ref

_PYPI_WORD = re.compile(r"(?<![\w:.-])(?:pypi|pip|pypistats)(?![\w:-])", re.I)
_GENERIC_DOWNLOADS = ("pypi_downloads", "pypi_downloads_daily")
"""The metrics plain "downloads" is read as; with an npm package named they mean npm downloads."""


def registry_metric(
    metric: str | None,
    refs: list[Ref],
    text: str,
    *,
    npm_word: str | None,
    cat: Catalog,
    frameworks: list[str] | tuple[str, ...] = (),
) -> tuple[str | None, list[str]]:
    """(the metric to answer, notes on how a package's registry decided it).

    `refs` are the references `names.find_refs` found; `text` is the question with them taken out (so
    "pypi:torch" no longer reads as the word "pypi"); `npm_word` is a JavaScript port's name as typed
    ("tfjs"), or None. A metric the user did not name is npm downloads when an npm package is named.
    `frameworks`: the ids read; when every one is a project with only an npm package (`left-pad`, read by its
    bare name), "downloads" means its npm downloads too.
    """
    # A framework's npm package, or a project's (a bundled or looked-up npm package: `npm:left-pad`).
    npm_named = [
        (r.typed, r.framework or r.project) for r in refs if r.registry == "npm" and (r.framework or r.project)
    ]
    if npm_word:
        npm_named.append((npm_word, cat.resolve(npm_word)))
    notes: list[str] = []
    if npm_named and (metric is None or metric in _GENERIC_DOWNLOADS):
        shown = "“" + "”, “".join(typed for typed, _ in npm_named) + "”"
        if metric is not None and _PYPI_WORD.search(text):
            owners = [cat[fid] for fid in dict.fromkeys(fid for _, fid in npm_named if fid)]
            whose = " and ".join(f"{fw.name}'s PyPI package `{fw.pypi_primary}`" for fw in owners if fw.pypi_primary)
            notes.append(
                f"{shown} names an npm package, but you asked for PyPI downloads: I show {whose or 'PyPI figures'}."
            )
            return metric, notes
        if metric is not None:
            notes.append(f"{shown} names an npm package, so I read “downloads” as npm downloads.")
        return "npm_downloads", notes
    npm_only = [cat[f] for f in frameworks if f in cat and cat[f].npm and not cat[f].pypi]
    if metric in _GENERIC_DOWNLOADS and npm_only and len(npm_only) == len(frameworks) and not _PYPI_WORD.search(text):
        names = " and ".join(f"“{fw.name}”" for fw in npm_only)
        return "npm_downloads", [f"{names} {'has' if len(npm_only) == 1 else 'have'} only an npm package, so I "
                                 "read “downloads” as npm downloads."]  # fmt: skip
    if metric == "npm_downloads":
        for ref in refs:
            if ref.registry == "pypi" and ref.framework:
                fw = cat[ref.framework]
                whose = f"{fw.name}'s npm package `{fw.npm[0]}`" if fw.npm else f"none: {fw.name} has no npm package"
                notes.append(f"“{ref.typed}” is a PyPI package; you asked for npm downloads, so I show {whose}.")
    return metric, notes
