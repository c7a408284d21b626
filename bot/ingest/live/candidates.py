"""Which names of a question a live look-up should ask about, and where.

A name the question reads as nothing known is a candidate when it passes at least one registry's naming
rules: `pypi:x` or a PyPI address → PyPI only; `npm:x`, `@scope/x` or an npmjs.com address → npm only; a
GitHub `owner/repo` or address → GitHub only; a bare name → PyPI and npm (a repository is then reached only
through the package's own metadata, never guessed from the name). Names the catalog knows are another
project ("onnxruntime" beside ONNX), near misses of a built-in framework ("jaxx": "did you mean JAX?") and
names the reader cut short are not looked up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.catalog import catalog
from bot.ingest.live.names import npm_name, pypi_name, split_slug
from bot.understanding.names import find_refs, short_name
from bot.understanding.query import Query

LOOKUP_INTENTS = frozenset({"compare", "profile", "growth", "crossover", "unknown", "clarify"})
_BARE_SLUG = re.compile(r"(?<![\w./@:-])([A-Za-z0-9-]{1,39})/([A-Za-z0-9._-]{1,100})(?![\w/-])", re.ASCII)


@dataclass(frozen=True)
class Candidate:
    typed: str
    """As the question's `unknown` lists it (what the answer names)."""
    where: str
    """"pypi", "npm", "github" or "any" (PyPI and npm)."""
    name: str
    """The checked name to ask for: PEP 503 for PyPI, lower-case for npm, "owner/repo" for GitHub."""
    covers: tuple[str, ...] = ()
    """Every `unknown` entry this candidate accounts for ("owner" and "repo" of a bare slug)."""
    metric: str | None = None
    """The metric the question asks for: where a bare name is two unlinked packages, it may settle which."""

    @property
    def registries(self) -> tuple[str, ...]:
        """The sources asked first, in order ("PyPI", "npm", "GitHub")."""
        return {"pypi": ("PyPI",), "npm": ("npm",), "github": ("GitHub",), "any": ("PyPI", "npm")}[self.where]


def lookup_candidates(query: Query) -> list[Candidate]:
    """The look-ups a question asks for, in the order its names appear; [] when it asks for none."""
    if query.intent not in LOOKUP_INTENTS or not query.unknown:
        return []
    frameworks = catalog().frameworks
    unknown = [
        n
        for n in query.unknown
        if n not in query.not_tracked
        and not n.endswith("…")
        # A near miss of a built-in framework ("jaxx") gets "did you mean JAX?", never a look-alike package.
        and not any(fid in frameworks for fid in query.suggestions.get(n, ()))
    ]
    if not unknown:
        return []
    _, refs = find_refs(query.text)
    hinted: dict[str, tuple[str, str]] = {}
    for ref in refs:
        if ref.untracked and not ref.why:
            shown = short_name(ref.untracked)
            if ref.registry in ("pypi", "npm") and ref.package:
                hinted[shown] = (ref.registry, ref.package)
            elif "/" in ref.untracked:
                hinted[shown] = ("github", ref.untracked)
    out: list[Candidate] = []
    taken: set[str] = set()
    for m in _BARE_SLUG.finditer(query.text):  # "owner/repo" typed bare is read as two unknown words
        owner, repo = m.group(1), m.group(2)
        slug = split_slug(f"{owner}/{repo}")
        if slug and owner in unknown and repo in unknown:
            out.append(Candidate(f"{owner}/{repo}", "github", slug, (owner, repo)))
            taken |= {owner, repo}
    for name in unknown:
        if name in taken:
            continue
        where, asked = hinted.get(name, ("any", name))
        candidate = _checked(name, where, asked)
        if candidate:
            out.append(replace(candidate, metric=query.metric) if candidate.where == "any" else candidate)
    return out


def _checked(typed: str, where: str, asked: str) -> Candidate | None:
    if where == "github":
        slug = split_slug(asked)
        return Candidate(typed, "github", slug, (typed,)) if slug else None
    if where == "pypi":
        name = pypi_name(asked)
        return Candidate(typed, "pypi", name, (typed,)) if name else None
    if where == "npm":
        name = npm_name(asked)
        return Candidate(typed, "npm", name, (typed,)) if name else None
    pypi, npm = pypi_name(asked), npm_name(asked)
    if pypi and npm:
        return Candidate(typed, "any", asked, (typed,))
    if pypi:
        return Candidate(typed, "pypi", pypi, (typed,))
    if npm:
        return Candidate(typed, "npm", npm, (typed,))
    return None
