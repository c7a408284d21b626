"""Every way people name a project besides its plain name: GitHub slugs (today's and former ones),
GitHub / PyPI / npm URLs, a project's web site, `pypi:` / `npm:` packages, and the names of projects
that are close to a framework's but are NOT it (onnxruntime beside ONNX).

Both readers (`grammar.parse` and `english.read`) call `find_refs` first: each tracked
project named this way is replaced in the text by its framework id, which both read as a plain name;
anything else that names a project is taken out of the text and returned as untracked, with a
sentence saying why when the catalog knows it is a different project. `name_notes` then says how
names were read where two packages or two names could be confused. Data lives in
`data/frameworks.toml` (github, github_former, homepage, pypi, npm, separate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from bot.catalog import Catalog, Framework, Separate, catalog, normalise_name
from bot.understanding.site_urls import CODE_HOSTS, STATS_HOSTS, other_code_host, stats_site_names


@dataclass(frozen=True)
class Ref:
    """A project named by URL, slug, package or a separate project's name, as found in the text."""

    typed: str
    """As the user wrote it ("jax-ml/jax", "https://pypi.org/project/torch/", "onnxruntime")."""
    framework: str | None = None
    """The tracked framework it names; None for a project fwtrend does not track."""
    package: str | None = None
    """The package it names, when it names one ("jaxlib", "@tensorflow/tfjs")."""
    registry: str | None = None
    """"pypi" or "npm" when `package` is set."""
    untracked: str | None = None
    """For a project not tracked: the name to show ("microsoft/onnxruntime", "xgboost")."""
    why: str | None = None
    """For a project the catalog knows is not the framework its name is close to: how it differs."""
    project: str | None = None
    """A bundled project (`polars`, `npm:react`, `tiangolo/fastapi`) it names, when no framework."""
    note: str | None = None
    """What the answer must say about how this reference was read: a GitHub organisation read as its one
    tracked repository, or a link that names no project (then `framework` and `untracked` are None)."""


@dataclass(frozen=True)
class _Lookups:
    slugs: dict[str, str]
    """lower-case owner/repo (today's and former) → framework id."""
    sites: tuple[tuple[str, str, str], ...]
    """(host, path prefix, framework id), longest first."""
    packages: dict[tuple[str, str], str]
    """(registry, normalised package) → framework id."""
    separates: dict[str, tuple[Separate, str]]
    """normalised name, package or lower-case slug of a separate project → (it, the framework it is near)."""


_URL = re.compile(r"(?<![\w@/.-])(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:[/#?][^\s<>|,;]*)?", re.I)
_SCHEME = re.compile(r"^https?://", re.I)
_PREFIXED = re.compile(r"(?<![\w.-])(pypi|pip|npm):(@?[\w.-]+(?:/[\w.-]+)?)", re.I)
_SCOPED = re.compile(r"(?<![\w.@/-])@[\w.-]+/[\w.-]+")
_SLUG = re.compile(r"(?<![\w./@-])[\w.-]+/[\w.-]+(?![\w/-])")


def pypi_name(name: str) -> str:
    """A PyPI name as PEP 503 normalises it ("Scikit_Learn" → "scikit-learn")."""
    return re.sub(r"[-_.]+", "-", name.strip().lower())


@cache
def _lookups(cat: Catalog) -> _Lookups:
    slugs: dict[str, str] = {}
    sites: list[tuple[str, str, str]] = []
    packages: dict[tuple[str, str], str] = {}
    separates: dict[str, tuple[Separate, str]] = {}
    for fw in cat:
        for slug in (fw.github, *fw.github_former):
            if slug:
                slugs[slug.lower()] = fw.id
        for site in fw.homepage:
            host, _, path = site.lower().partition("/")
            sites.append((host, path.strip("/"), fw.id))
        packages.update({("pypi", pypi_name(p)): fw.id for p in fw.pypi})
        packages.update({("npm", n.lower()): fw.id for n in fw.npm})
        for sep in fw.separate:
            for name in (sep.name, *sep.aliases):
                separates[normalise_name(name)] = (sep, fw.id)
            separates.update({pypi_name(p): (sep, fw.id) for p in sep.pypi})
            separates.update({n.lower(): (sep, fw.id) for n in sep.npm})
            if sep.github:
                separates[sep.github.lower()] = (sep, fw.id)
    sites.sort(key=lambda s: -len(s[0]) - len(s[1]))
    return _Lookups(slugs, tuple(sites), packages, separates)


@cache
def _separate_name_re(cat: Catalog) -> re.Pattern[str] | None:
    names = [n for n in _lookups(cat).separates if "/" not in n]
    if not names:
        return None
    words = sorted(names, key=len, reverse=True)
    alternatives = "|".join(r"[\s_]+".join(re.escape(w) for w in name.split()) for name in words)
    return re.compile(rf"(?<![\w.@/-])(?:{alternatives})(?![\w/-])", re.I)


# -- one reference -----------------------------------------------------------------------------------
def _separate_ref(typed: str, key: str, cat: Catalog, registry: str | None = None, shown: str = "") -> Ref | None:
    """`shown` is the name to answer with: the slug or package a URL names, else what was typed."""
    hit = _lookups(cat).separates.get(key)
    if hit is None:
        return None
    sep, fid = hit
    shown = shown or typed
    return Ref(typed, untracked=shown, why=_why(shown, key, sep, cat[fid], registry))


def _why(typed: str, key: str, sep: Separate, fw: Framework, registry: str | None) -> str:
    """ "I don't track “onnxruntime”: it is …, a separate project from ONNX; `onnxruntime` is a separate
    PyPI package from ONNX's `onnx`." """
    text = f"I don't track “{typed}”: it is {sep.what}, a separate project from {fw.name}"
    npm_name = next((n for n in sep.npm if n.lower() == key), None)
    if npm_name and registry != "pypi":
        own = f"{fw.name}'s `{fw.npm[0]}`" if fw.npm else f"{fw.name}, which has no npm package tracked"
        return f"{text}; `{npm_name}` is a separate npm package from {own}."
    if sep.pypi and fw.pypi_primary:
        package = next((p for p in sep.pypi if pypi_name(p) == key), sep.pypi[0])
        return f"{text}; `{package}` is a separate PyPI package from {fw.name}'s `{fw.pypi_primary}`."
    return text + "."


def _package_ref(typed: str, registry: str, name: str, cat: Catalog) -> Ref:
    key = pypi_name(name) if registry == "pypi" else name.lower()
    fid = _lookups(cat).packages.get((registry, key))
    if fid:
        return Ref(typed, framework=fid, package=name, registry=registry)
    separate = _separate_ref(typed, key, cat, registry, shown=name)
    # By registry: "acme" as a name is DeepMind's Acme too, `pypi:acme` only ever the PyPI package.
    project = cat.project_index().by_package.get(key) if registry == "pypi" else cat.project_names().get(f"npm:{key}")
    if registry == "pypi" and project is None:  # a live look-up's PyPI package (the bundled index lacks it)
        live = (key, cat.project_names().get(key))  # stored under its PEP 503 name, or another id naming it
        project = next((p for p in live if p and p in cat and key in map(pypi_name, cat[p].pypi)), None)
    if separate is None and project:
        return Ref(typed, package=name, registry=registry, project=project)
    return separate or Ref(typed, untracked=name, package=name, registry=registry)


def _slug_ref(typed: str, slug: str, cat: Catalog, *, known_only: bool) -> Ref | None:
    key = slug.lower().removesuffix(".git")
    fid = _lookups(cat).slugs.get(key)
    if fid:
        return Ref(typed, framework=fid)
    separate = _separate_ref(typed, key, cat, shown=slug.removesuffix(".git"))
    project = cat.project_names().get(key) if "/" in key else None
    if separate is None and project:
        return Ref(typed, project=project)
    if separate or known_only:
        return separate
    return Ref(typed, untracked=slug.removesuffix(".git"))


def _url_refs(typed: str, cat: Catalog) -> list[Ref]:
    """The projects a URL names, in order: one for a repository, registry or site page, several for a
    comparison page (npmtrends.com/a-vs-b, star-history.com/#a/b&c/d); [] when it names none."""
    url = typed if _SCHEME.match(typed) else "https://" + typed
    parts = urlsplit(url.replace("&amp;", "&"))
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host == "github.com":
        if len(path) >= 2 and path[0].lower() not in _GITHUB_PAGES:
            return [r for r in [_slug_ref(typed, f"{path[0]}/{path[1]}", cat, known_only=False)] if r]
        owner = path[1] if len(path) >= 2 and path[0].lower() == "orgs" else path[0] if len(path) == 1 else ""
        return [_org_ref(typed, owner, cat)] if owner and owner.lower() not in _GITHUB_PAGES else []
    if host in ("pypi.org", "pypi.python.org") and len(path) >= 2 and path[0] in ("project", "pypi"):
        return [_package_ref(typed, "pypi", path[1], cat)]
    if host == "npmjs.com" and len(path) >= 2 and path[0] == "package":
        name = f"{path[1]}/{path[2]}" if path[1].startswith("@") and len(path) >= 3 else path[1]
        return [_package_ref(typed, "npm", name, cat)]
    named = stats_site_names(host, path, parts.query, parts.fragment)
    if named is not None:
        return [_named_ref(typed, kind, name, cat) for kind, name in named]
    elsewhere = other_code_host(host, path)
    if elsewhere:
        return [_elsewhere_ref(typed, *elsewhere, cat)]
    joined = "/".join(path).lower()
    for site_host, prefix, fid in _lookups(cat).sites:
        if host == site_host and (not prefix or joined == prefix or joined.startswith(prefix + "/")):
            return [Ref(typed, framework=fid)]
    return []


# First parts of github.com paths that are GitHub's own pages, not an owner.
_GITHUB_PAGES = frozenset(
    {"orgs", "topics", "collections", "sponsors", "marketplace", "features", "explore", "trending"}
)


def _named_ref(typed: str, kind: str, name: str, cat: Catalog) -> Ref:
    if kind == "github":
        return _slug_ref(typed, name, cat, known_only=False) or Ref(typed, untracked=name)
    return _package_ref(typed, kind, name, cat)


def _org_ref(typed: str, owner: str, cat: Catalog) -> Ref:
    """A GitHub organisation (github.com/pytorch). Read as its project only when it owns exactly one
    tracked repository and its own name names that project; otherwise named as an organisation."""
    owned = sorted({(slug, fid) for slug, fid in _lookups(cat).slugs.items() if slug.split("/")[0] == owner.lower()})
    fids = {fid for _, fid in owned}
    shown = f"github.com/{owner}"
    if len(fids) == 1 and cat.resolve(owner) in fids:
        fid = fids.pop()
        note = (
            f"“{shown}” is a GitHub organisation, not a repository: I read it as {cat[fid].name}, "
            f"the one tracked project it owns (github.com/{cat[fid].github})."
        )
        return Ref(typed, framework=fid, note=note)
    why = f"I don't track “{shown}”: it is a GitHub organisation, not a repository"
    if owned:
        listed = ", ".join(sorted({f"{cat[fid].name} ({cat[fid].github})" for fid in fids}))
        why += f"; the tracked projects it owns or owned are {listed}: name one"
    return Ref(typed, untracked=shown, why=why + ".")


def _elsewhere_ref(typed: str, host_name: str, slug: str, cat: Catalog) -> Ref:
    """A repository on GitLab, Bitbucket…: named as not read, with the tracked GitHub one if it matches."""
    shown = _SCHEME.sub("", typed).removeprefix("www.").rstrip("/")
    why = f"I don't read “{shown}”: it is on {host_name}, and I read GitHub repositories, PyPI and npm packages"
    fid = _lookups(cat).slugs.get(slug.lower()) or cat.resolve(slug.split("/")[-1])
    if fid:
        why += f". {cat[fid].name} is tracked as github.com/{cat[fid].github}: name that or “{cat[fid].id}”"
    return Ref(typed, untracked=shown, why=why + ".")


def _unread_ref(typed: str) -> Ref:
    return Ref(
        typed,
        note=f"I didn't read the link “{typed}”: it is not the page of a project (I read GitHub, PyPI and "
        "npm project addresses, pepy.tech, pypistats.org, npmtrends.com, star-history.com, libraries.io and "
        "the projects' sites).",
    )


_HOSTS = frozenset({"github.com", "pypi.org", "pypi.python.org", "npmjs.com", *STATS_HOSTS, *CODE_HOSTS})


def _known_host(typed: str, cat: Catalog) -> bool:
    host = urlsplit("https://" + _SCHEME.sub("", typed)).hostname or ""
    host = host.lower().removeprefix("www.")
    return host in _HOSTS or any(host == site_host for site_host, _, _ in _lookups(cat).sites)


def is_project_url(url: str, cat: Catalog | None = None) -> bool:
    """True when a link (from Slack's `<url|label>`) names a project, tracked or not, or a page fwtrend
    names as not read (a GitHub organisation, a GitLab repository): it is then read, not its label."""
    return bool(_url_refs(url.strip(), cat or catalog()))


# -- the text --------------------------------------------------------------------------------------
def find_refs(text: str, cat: Catalog | None = None) -> tuple[str, list[Ref]]:
    """The text with each project reference replaced by its framework id (or taken out when the
    project is not tracked), and the references in the order they appear.

    A URL with a scheme that names no project ("https://example.com/post") is taken out too: it
    names no framework. Text without any reference comes back unchanged.
    """
    cat = cat or catalog()
    # Each reference becomes a numbered placeholder, so later patterns do not read it again and the
    # references can be listed in the order of the text.
    found: list[Ref] = []

    def keep(ref: Ref | None, original: str) -> str:
        if ref is None:
            return original
        found.append(ref)
        return f"\x00{len(found) - 1}\x00"

    def url(m: re.Match[str]) -> str:
        typed = m.group(0).rstrip(".)!?'\"")
        tail = m.group(0)[len(typed) :]
        has_scheme = bool(_SCHEME.match(typed))
        if not has_scheme and not _known_host(typed, cat):
            return m.group(0)  # "tf.keras", "transformers.js": names, not addresses
        refs = _url_refs(typed, cat) or [_unread_ref(typed)]  # a link that names no project is named
        # A comparison page names several projects: each becomes its own item of a list.
        return " , ".join(keep(ref, typed) for ref in refs) + tail

    def prefixed(m: re.Match[str]) -> str:
        registry = "npm" if m.group(1).lower() == "npm" else "pypi"
        return keep(_package_ref(m.group(0), registry, m.group(2), cat), m.group(0))

    def scoped(m: re.Match[str]) -> str:
        return keep(_package_ref(m.group(0), "npm", m.group(0), cat), m.group(0))

    def slug(m: re.Match[str]) -> str:
        return keep(_slug_ref(m.group(0), m.group(0), cat, known_only=True), m.group(0))

    def separate(m: re.Match[str]) -> str:
        key = normalise_name(m.group(0))
        return keep(_separate_ref(m.group(0), key, cat), m.group(0))

    out = _URL.sub(url, text.replace("\x00", " "))  # \x00 marks placeholders below
    out = _PREFIXED.sub(prefixed, out)
    out = _SCOPED.sub(scoped, out)
    out = _SLUG.sub(slug, out)
    names = _separate_name_re(cat)
    if names is not None:
        out = names.sub(separate, out)
    if out == text:
        return text, []
    indices = [int(n) for n in re.findall(r"\x00(\d+)\x00", out)]
    order = [found[i] for i in indices]
    position = {i: n for n, i in reversed(list(enumerate(indices)))}  # found index → place in `order`
    out = re.sub(r"\x00(\d+)\x00", lambda m: f" {_stand_in(found[int(m.group(1))], position[int(m.group(1))])} ", out)
    return re.sub(r"\s+", " ", out).strip(), order


def _stand_in(ref: Ref, i: int) -> str:
    """What replaces a reference in the text: its framework's id, a bundled project's token with the
    reference's place in the returned list (read back by `bot.understanding.projects`), or nothing."""
    return ref.framework or (f"{PROJECT_TOKEN}{i}" if ref.project else "")


PROJECT_TOKEN = "fwtrendproject"
"""A reference to a bundled project becomes this word and its index in `find_refs`' list: one word each
reader keeps where the name was, whatever characters the slug or package holds."""

MAX_NAME = 60
"""The longest unknown name an answer repeats, in characters; a longer one is cut and says so."""


def short_name(name: str) -> str:
    """`name` as an answer repeats it: at most `MAX_NAME` characters, a cut one ending in "…" (the
    answer then says it was shortened)."""
    return name if len(name) <= MAX_NAME else name[:MAX_NAME].rstrip() + "…"


def untracked_names(refs: list[Ref], unknown: list[str]) -> dict[str, str]:
    """Add each project named that is not tracked to `unknown` (in place, once, shortened like other
    unknown names); return those the catalog knows are another project, with how they differ."""
    why: dict[str, str] = {}
    for ref in refs:
        if ref.untracked:
            name = short_name(ref.untracked)
            if name not in unknown:
                unknown.append(name)
            if ref.why:
                why[name] = ref.why
    return why


def name_notes(typed: list[tuple[str, str]], refs: list[Ref], cat: Catalog) -> list[str]:
    """What the answer must say about names: a second package read as its project, and two names of one
    project in one question.

    `typed` is what the reader found, (text as typed, framework id) per mention, in order; a reference
    replaced by its framework id shows up there as the id and is taken back to its typed form here.
    """
    pending = [r for r in refs if r.framework]
    names: list[tuple[str, str, Ref | None]] = []
    for text, fid in typed:
        ref = next((r for r in pending if r.framework == fid and normalise_name(text) == fid), None)
        if ref is not None:
            pending.remove(ref)
            names.append((ref.typed, fid, ref))
        else:
            names.append((text, fid, None))
    notes: list[str] = []
    for text, fid, ref in names:
        fw = cat[fid]
        package = ref.package if ref else (text if normalise_name(text) != fid else None)
        registry = ref.registry if ref else "pypi"
        if package and registry == "pypi" and fw.pypi_primary and pypi_name(package) in map(pypi_name, fw.pypi[1:]):
            notes.append(
                f"“{text}” is a second package of {fw.name}: I read it as {fw.name}, and download figures "
                f"are for `{fw.pypi_primary}`, not `{package}`."
            )
    by_framework: dict[str, list[str]] = {}
    for text, fid, _ in names:
        forms = by_framework.setdefault(fid, [])
        if all(normalise_name(text) != normalise_name(f) for f in forms):
            forms.append(text)
    for fid, forms in by_framework.items():
        if len(forms) >= 2:
            listed = ", ".join(f"“{f}”" for f in forms[:-1]) + f" and “{forms[-1]}”"
            notes.append(f"{listed} are one project, {cat[fid].name}: I show it once.")
    return notes + [ref.note for ref in refs if ref.note]
