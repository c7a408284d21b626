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


_URL = re.compile(r"(?<![\w@/.-])(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s<>|,;]*)?", re.I)
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
    return separate or Ref(typed, untracked=name, package=name, registry=registry)


def _slug_ref(typed: str, slug: str, cat: Catalog, *, known_only: bool) -> Ref | None:
    key = slug.lower().removesuffix(".git")
    fid = _lookups(cat).slugs.get(key)
    if fid:
        return Ref(typed, framework=fid)
    separate = _separate_ref(typed, key, cat, shown=slug.removesuffix(".git"))
    if separate or known_only:
        return separate
    return Ref(typed, untracked=slug.removesuffix(".git"))


def _url_ref(typed: str, cat: Catalog) -> Ref | None:
    """The project a URL names, or None when it names none (a blog post, a GitHub organisation)."""
    url = typed if _SCHEME.match(typed) else "https://" + typed
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = [p for p in parts.path.split("/") if p]
    if host == "github.com":
        if len(path) >= 2:
            return _slug_ref(typed, f"{path[0]}/{path[1]}", cat, known_only=False)
        return None
    if host in ("pypi.org", "pypi.python.org") and len(path) >= 2 and path[0] in ("project", "pypi"):
        return _package_ref(typed, "pypi", path[1], cat)
    if host == "npmjs.com" and len(path) >= 2 and path[0] == "package":
        name = f"{path[1]}/{path[2]}" if path[1].startswith("@") and len(path) >= 3 else path[1]
        return _package_ref(typed, "npm", name, cat)
    joined = "/".join(path).lower()
    for site_host, prefix, fid in _lookups(cat).sites:
        if host == site_host and (not prefix or joined == prefix or joined.startswith(prefix + "/")):
            return Ref(typed, framework=fid)
    return None


_HOSTS = ("github.com", "pypi.org", "pypi.python.org", "npmjs.com")


def _known_host(typed: str, cat: Catalog) -> bool:
    host = urlsplit("https://" + _SCHEME.sub("", typed)).hostname or ""
    host = host.lower().removeprefix("www.")
    return host in _HOSTS or any(host == site_host for site_host, _, _ in _lookups(cat).sites)


def is_project_url(url: str, cat: Catalog | None = None) -> bool:
    """True when a link (from Slack's `<url|label>`) names a project: it is then read, not dropped."""
    return _url_ref(url.strip(), cat or catalog()) is not None


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
        ref = _url_ref(typed, cat)
        if ref is None:
            return " " + tail  # a link that names no project names no framework
        return keep(ref, typed) + tail

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
    order = [found[int(n)] for n in re.findall(r"\x00(\d+)\x00", out)]
    out = re.sub(r"\x00(\d+)\x00", lambda m: f" {found[int(m.group(1))].framework or ''} ", out)
    return re.sub(r"\s+", " ", out).strip(), order


def untracked_names(refs: list[Ref], unknown: list[str]) -> dict[str, str]:
    """Add each project named that is not tracked to `unknown` (in place, once, at most 60 characters like
    other unknown names); return those the catalog knows are another project, with how they differ."""
    why: dict[str, str] = {}
    for ref in refs:
        if ref.untracked:
            name = ref.untracked[:60]
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
    return notes
