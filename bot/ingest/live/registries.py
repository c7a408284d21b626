"""What PyPI's JSON API, npm's registry and GitHub's `/repos` say a name is, and which repository the
package's own metadata names. A 404 is "no such package" (None); anything else that goes wrong raises
`SourceError` with a one-line reason, so "could not reach" never reads as "does not exist".

Shapes (see docs/sources.md): PyPI `GET /pypi/{name}/json` → {"info": {"name", "summary", "home_page",
"project_urls": {label: url} | null, …}, "releases", "urls"}; npm `GET /{name}` (scoped: `/@scope%2fname`)
→ {"name", "description", "repository": {"type": "git", "url": "git+https://github.com/a/b.git"} | "a/b",
…}; GitHub `GET /repos/{owner}/{repo}` → {"full_name", "stargazers_count", …} (a moved repository
redirects, so `full_name` is today's slug).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.ingest.live.names import github_link, github_path, npm_name, npm_path, pypi_name, pypi_path, split_slug
from bot.ingest.sources.base import Fetcher, SourceError, expect, parse

GITHUB_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
# project_urls labels that name the code, most telling first (labels are free text: matched loosely).
_CODE_LABELS = re.compile(r"source|repo|code|github|git\b", re.I)
_HOME_LABELS = re.compile(r"home", re.I)


@dataclass(frozen=True)
class Package:
    """A package a registry says exists: its own spelling, a one-line summary, and the GitHub repository
    its metadata names with where (e.g. ("pola-rs/polars", "PyPI project_urls “Repository”"))."""

    registry: str  # "pypi" | "npm"
    name: str
    """The registry's key: PEP 503 for PyPI, the package name for npm."""
    display: str
    summary: str
    repo: str | None = None
    repo_from: str | None = None


class _PyPIInfo(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    summary: str | None = None
    home_page: str | None = None
    project_urls: dict[str, Any] | None = None


class _PyPIProject(BaseModel):
    model_config = ConfigDict(extra="ignore")
    info: _PyPIInfo


class _NpmPackage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    description: str | None = None
    repository: dict[str, Any] | str | None = None


class _GitHubRepo(BaseModel):
    model_config = ConfigDict(extra="ignore")
    full_name: str


async def pypi_package(fetcher: Fetcher, base: str, name: str) -> Package | None:
    """The PyPI project `name` (checked first), or None when PyPI has none."""
    if pypi_name(name) is None:
        return None
    path = pypi_path(name)
    resp = await fetcher.get(base.rstrip("/") + path, source="pypi")
    if resp.status_code == 404:
        return None
    what = f"GET {path}"
    expect(resp, what)
    info = parse(_PyPIProject, resp, what).info
    key = pypi_name(info.name)
    if key is None:
        raise SourceError(f"{what}: PyPI named the project {info.name[:60]!r}, which is not a valid name")
    repo, where = _pypi_repo(info)
    return Package("pypi", key, info.name, (info.summary or "").strip(), repo, where)


def _pypi_repo(info: _PyPIInfo) -> tuple[str | None, str | None]:
    urls = [(str(k), v) for k, v in (info.project_urls or {}).items() if isinstance(v, str)]
    ranked = [u for u in urls if _CODE_LABELS.search(u[0])] + [u for u in urls if _HOME_LABELS.search(u[0])]
    if info.home_page:
        ranked.append(("home_page", info.home_page))
    for label, url in ranked:
        slug = github_link(url)
        if slug:
            where = "PyPI home_page" if label == "home_page" else f"PyPI project_urls “{label[:40]}”"
            return slug, where
    return None, None


async def npm_package(fetcher: Fetcher, base: str, name: str) -> Package | None:
    """The npm package `name` (checked first), or None when the registry has none."""
    checked = npm_name(name)
    if checked is None:
        return None
    path = npm_path(checked)
    resp = await fetcher.get(base.rstrip("/") + path, source="npm-registry")
    if resp.status_code == 404:
        return None
    what = f"GET {path}"
    expect(resp, what)
    package = parse(_NpmPackage, resp, what)
    if npm_name(package.name) != checked:
        raise SourceError(f"{what}: the registry answered for another package ({package.name[:60]!r})")
    repository = package.repository
    url = repository.get("url") if isinstance(repository, dict) else repository
    slug = github_link(url, shorthand=True)
    return Package(
        "npm", checked, package.name, (package.description or "").strip(), slug, "npm registry repository.url"
    )


async def github_repo(fetcher: Fetcher, base: str, slug: str, headers: dict[str, str]) -> str | None:
    """Today's "owner/repo" of a repository (moves are followed), or None when GitHub has none."""
    if split_slug(slug) is None:
        return None
    path = github_path(slug)
    resp = await fetcher.get(base.rstrip("/") + path, source="github", headers=headers)
    if resp.status_code == 404:
        return None
    what = f"GET {path}"
    expect(resp, what)
    full = split_slug(parse(_GitHubRepo, resp, what).full_name)
    if full is None:
        raise SourceError(f"{what}: GitHub named the repository oddly")
    return full
