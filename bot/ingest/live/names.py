"""Each registry's naming rules, checked before any URL is built: hostile or odd text never reaches a URL.

- PyPI: the PEP 508 / PEP 426 name `^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$` (case-insensitive, ASCII
  only), normalised per PEP 503 (`Scikit_Learn` → `scikit-learn`).
- npm: validate-npm-package-name's rules for new packages: at most 214 characters, lower case, no leading
  `.` or `_`, only URL-safe characters (no `~'!()*`, no spaces, no `%`), an optional `@scope/` prefix;
  `node_modules` and `favicon.ico` are refused.
- GitHub: an owner of at most 39 letters, digits or single inner hyphens; a repository of 1–100 of
  `[A-Za-z0-9._-]`, not `.` or `..`.

Every check returns the name to use (normalised) or None; every path builder takes only a checked name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PYPI = re.compile(r"[A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9]", re.IGNORECASE | re.ASCII)
_NPM_PART = re.compile(r"[a-z0-9-][a-z0-9._-]*", re.ASCII)
_NPM_MAX = 214
_NPM_RESERVED = frozenset({"node_modules", "favicon.ico"})
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}", re.ASCII)
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}", re.ASCII)


def pypi_name(name: str) -> str | None:
    """The PEP 503 name of a valid PyPI project name, else None ("llama_index" → "llama-index")."""
    if not isinstance(name, str) or not _PYPI.fullmatch(name):
        return None
    return re.sub(r"[-_.]+", "-", name.lower())


def npm_name(name: str) -> str | None:
    """A valid npm package name (lower case; "@scope/name" kept whole), else None."""
    if not isinstance(name, str):
        return None
    name = name.lower()
    if not name or len(name) > _NPM_MAX or name in _NPM_RESERVED:
        return None
    scope, slash, bare = name.partition("/")
    if slash:
        if not scope.startswith("@") or not _NPM_PART.fullmatch(scope[1:]) or not _NPM_PART.fullmatch(bare):
            return None
        return name
    if not _NPM_PART.fullmatch(name):
        return None
    return name


def github_slug(owner: str, repo: str) -> str | None:
    """ "owner/repo" when both parts follow GitHub's rules, else None."""
    if not (isinstance(owner, str) and isinstance(repo, str)):
        return None
    if not _OWNER.fullmatch(owner) or not _REPO.fullmatch(repo) or repo in (".", ".."):
        return None
    return f"{owner}/{repo}"


def split_slug(text: str) -> str | None:
    """A checked slug from "owner/repo" text, else None."""
    owner, slash, repo = text.partition("/")
    return github_slug(owner, repo) if slash else None


# -- paths: only ever built from checked names ------------------------------------------------------------


def pypi_path(name: str) -> str:
    """`/pypi/{name}/json` for a name `pypi_name` accepted."""
    checked = pypi_name(name)
    if checked is None:
        raise ValueError(f"not a PyPI project name: {name!r}")
    return f"/pypi/{checked}/json"


def npm_path(name: str) -> str:
    """`/{name}`, or `/@scope%2fname` for a scoped package (the registry's own form), for a checked name."""
    checked = npm_name(name)
    if checked is None:
        raise ValueError(f"not an npm package name: {name!r}")
    return "/" + checked.replace("/", "%2f")


def github_path(slug: str) -> str:
    """`/repos/{owner}/{repo}` for a checked slug."""
    checked = split_slug(slug)
    if checked is None:
        raise ValueError(f"not a GitHub owner/repo: {slug!r}")
    return f"/repos/{checked}"


# -- repository links in a registry's metadata --------------------------------------------------------------

_SHORTHAND = re.compile(r"(?:github:)?([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)", re.ASCII)
_SCP = re.compile(r"(?:git\+ssh://)?git@github\.com[:/]([^/]+)/([^/#?]+)", re.ASCII)
_NOT_OWNERS = frozenset({"sponsors", "orgs", "topics", "marketplace", "apps", "features", "about", "settings"})


def github_link(url: object, *, shorthand: bool = False) -> str | None:
    """The GitHub "owner/repo" a metadata URL points at ("git+https://github.com/a/b.git",
    "https://github.com/a/b/issues", "git@github.com:a/b.git"; with `shorthand`, npm's "a/b" and
    "github:a/b"), checked against GitHub's rules; None for any other host or shape."""
    if not isinstance(url, str) or len(url) > 500:
        return None
    text = url.strip()
    scp = _SCP.fullmatch(text.split("#")[0].removesuffix("/"))
    if scp:
        owner, repo = scp.group(1), scp.group(2)
    elif shorthand and _SHORTHAND.fullmatch(text) and "://" not in text:
        m = _SHORTHAND.fullmatch(text)
        owner, repo = m.group(1), m.group(2)
    else:
        parts = urlsplit(text.removeprefix("git+"))
        if parts.scheme not in ("http", "https", "git", "ssh") or (parts.hostname or "").lower() not in (
            "github.com",
            "www.github.com",
        ):
            return None
        path = [p for p in parts.path.split("/") if p]
        if len(path) < 2:
            return None
        owner, repo = path[0], path[1]
    repo = repo.removesuffix(".git")
    if owner.lower() in _NOT_OWNERS:
        return None
    return github_slug(owner, repo)
