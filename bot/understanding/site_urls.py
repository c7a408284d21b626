"""Addresses of sites that name projects without being their registry: download-stats and star-chart
sites (pepy.tech, pypistats.org, piptrends.com, npmtrends.com, star-history.com, libraries.io) and code
hosts other than GitHub (GitLab, Bitbucket, Codeberg, SourceForge).

`names.find_refs` asks `stats_site_names` which packages or repositories such an address names, so
`https://pepy.tech/project/torch` is read as the PyPI package `torch`; `other_code_host` says when an
address is a repository on a host fwtrend does not read, so the answer names it instead of dropping it.
Pure functions over a URL already split into host, path parts, query and fragment.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote

Named = tuple[str, str]
"""(kind, name): kind is "pypi" or "npm" (a package) or "github" (an owner/repo slug)."""

STATS_HOSTS = frozenset(
    {"pepy.tech", "pypistats.org", "piptrends.com", "npmtrends.com", "star-history.com", "libraries.io"}
)
CODE_HOSTS = {
    "gitlab.com": "GitLab",
    "bitbucket.org": "Bitbucket",
    "codeberg.org": "Codeberg",
    "sourceforge.net": "SourceForge",
}

_VS = re.compile(r"-vs-", re.I)
_SLUG = re.compile(r"^[\w.-]+/[\w.-]+$")


def stats_site_names(host: str, path: list[str], query: str, fragment: str) -> list[Named] | None:
    """What a stats site's address names, in order; [] for a page of such a site that names nothing
    (its home page); None when `host` is not a stats site.

    `path` is the address's path split at "/" without empty parts, still percent-encoded
    ("@tensorflow%2Ftfjs" on libraries.io). Examples:
    pepy.tech/project/torch → [("pypi", "torch")]; npmtrends.com/react-vs-vue → two npm packages;
    star-history.com/#pytorch/pytorch&jax-ml/jax&Date → two GitHub slugs.
    """
    if host not in STATS_HOSTS:
        return None
    parts = [unquote(p) for p in path]
    if host == "pepy.tech":
        return [("pypi", parts[1])] if len(parts) >= 2 and parts[0] in ("project", "projects") else []
    if host == "pypistats.org":
        return [("pypi", parts[1])] if len(parts) >= 2 and parts[0] == "packages" else []
    if host == "piptrends.com":
        if len(parts) >= 2 and parts[0] in ("package", "compare"):
            return [("pypi", name) for name in _VS.split(parts[1]) if name]
        return []
    if host == "npmtrends.com":
        return [("npm", name) for name in _VS.split("/".join(parts)) if name]
    if host == "star-history.com":
        return _star_history(query, fragment)
    return _libraries_io(parts)


def _star_history(query: str, fragment: str) -> list[Named]:
    """star-history.com lists repositories in its fragment ("#a/b&c/d&Date", the chart type last) or in
    a `repos=a/b,c/d` parameter; words such as Date, Timeline or LogScale name no repository."""
    items = [unquote(p) for p in re.split(r"&(?:amp;)?", fragment)]
    for values in parse_qs(query.replace("&amp;", "&")).get("repos", []):
        items += values.split(",")
    return [("github", item.strip()) for item in items if _SLUG.match(item.strip())]


def _libraries_io(parts: list[str]) -> list[Named]:
    """libraries.io/pypi/torch, libraries.io/npm/@tensorflow%2Ftfjs, libraries.io/github/owner/repo."""
    if len(parts) < 2:
        return []
    platform = parts[0].lower()
    if platform == "pypi":
        return [("pypi", parts[1])]
    if platform == "npm":
        scoped = parts[1].startswith("@") and "/" not in parts[1] and len(parts) >= 3
        return [("npm", f"{parts[1]}/{parts[2]}" if scoped else parts[1])]
    if platform == "github" and len(parts) >= 3:
        return [("github", f"{parts[1]}/{parts[2]}")]
    return []


def other_code_host(host: str, path: list[str]) -> tuple[str, str] | None:
    """(host's name, "owner/repo") for a repository on a code host that is not GitHub, else None."""
    name = CODE_HOSTS.get(host)
    if name is None or len(path) < 2:
        return None
    start = 1 if host == "sourceforge.net" and path[0] == "projects" else 0
    if host == "sourceforge.net":
        return (name, path[start]) if len(path) > start else None
    return name, f"{path[0]}/{path[1].removesuffix('.git')}"
