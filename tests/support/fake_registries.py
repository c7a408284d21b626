"""One local HTTP server shaped like the APIs a live look-up asks (status, headers, body as the real ones send):

- PyPI JSON API   `GET {pypi}/pypi/{name}/json` → {"info": {...}, "releases": {}, "urls": []};
  404 {"message": "Not Found"}
- npm registry    `GET {registry}/{name}` (scoped `/@scope%2fname`) → the packument; 404 {"error": "Not found"}
- npm downloads   `GET {npm}/downloads/range/{start}:{end}/{name}` → {"start", "end", "package", "downloads": [...]}
- ClickHouse HTTP `POST {clickhouse}/?user=demo&default_format=JSON` with the SQL →
  {"meta", "data", "rows", "statistics"}
- GitHub REST     `GET {github}/repos/{o}/{r}` (a moved repository answers 301), `/contributors`, `/languages`,
  `/stargazers/history` (weeks newest first, `Link: rel="next"`)

Faults per source answer a status, a malformed body or nothing in time. `latency` delays every answer.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from bot.settings import Settings

PREFIXES = ("pypi-org", "npm-registry", "npm-api", "clickhouse", "github")


@dataclass
class Repo:
    full_name: str
    stars: int
    weeks: list[int]
    """Stars gained per week, newest week first (the week before today's first)."""
    contributors: int = 12
    languages: dict[str, int] = field(default_factory=lambda: {"Python": 120_000, "Rust": 40_000})


@dataclass
class Fault:
    status: int = 500
    malformed: bool = False
    hang: float = 0.0


class FakeRegistries:
    def __init__(self, latency: float = 0.0, today: date | None = None):
        self.latency = latency
        self.today = today or datetime.now(UTC).date()
        self.pypi: dict[str, dict[str, Any]] = {}
        self.npm: dict[str, dict[str, Any]] = {}
        self.repos: dict[str, Repo] = {}
        self.moved: dict[str, str] = {}
        self.monthly: dict[str, list[tuple[str, int]]] = {}
        self.npm_daily: dict[str, tuple[date, int]] = {}
        self.faults: dict[str, Fault] = {}
        self.requests: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- what exists
    def add_pypi(self, name: str, *, summary: str = "", urls: dict[str, str] | None = None, home: str = "") -> None:
        key = re.sub(r"[-_.]+", "-", name.lower())
        self.pypi[key] = {"name": name, "summary": summary, "home_page": home, "project_urls": urls, "version": "1.0"}

    def add_npm(self, name: str, *, repository: Any = None, since: date | None = None, per_day: int = 0) -> None:
        self.npm[name] = {"_id": name, "name": name, "description": f"{name} package", "repository": repository}
        if since is not None:
            self.npm_daily[name] = (since, per_day)

    def add_repo(self, slug: str, stars: int, weeks: list[int]) -> None:
        self.repos[slug.lower()] = Repo(slug, stars, weeks)

    def add_months(self, package: str, months: list[tuple[str, int]]) -> None:
        self.monthly[package] = months

    def fault(self, prefix: str, **kwargs: Any) -> None:
        self.faults[prefix] = Fault(**kwargs)

    def asked(self, prefix: str) -> list[str]:
        return [path for p, _, path in self.requests if p == prefix]

    # -- server
    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def settings(self, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "_env_file": None,
            "fwtrend_pypi_url": f"{self.base}/pypi-org",
            "fwtrend_npm_registry_url": f"{self.base}/npm-registry",
            "fwtrend_npm_url": f"{self.base}/npm-api",
            "fwtrend_clickhouse_url": f"{self.base}/clickhouse",
            "github_api_url": f"{self.base}/github",
            "fwtrend_pypistats_url": f"{self.base}/pypistats",
            "fwtrend_lookups_per_hour": 100,
            "fwtrend_lookups_per_hour_per_workspace": 50,
        }
        values.update(overrides)
        return Settings(**values)

    def env(self) -> dict[str, str]:
        s = self.settings()
        return {
            "FWTREND_PYPI_URL": s.fwtrend_pypi_url,
            "FWTREND_NPM_REGISTRY_URL": s.fwtrend_npm_registry_url,
            "FWTREND_NPM_URL": s.fwtrend_npm_url,
            "FWTREND_CLICKHOUSE_URL": s.fwtrend_clickhouse_url,
            "GITHUB_API_URL": s.github_api_url,
            "FWTREND_LOOKUPS_PER_HOUR": "100",
            "FWTREND_LOOKUPS_PER_HOUR_PER_WORKSPACE": "50",
        }

    def __enter__(self) -> FakeRegistries:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._serve("GET", b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._serve("POST", self.rfile.read(length))

            def _serve(self, method: str, body: bytes) -> None:
                parts = urlsplit(self.path)
                prefix, _, rest = parts.path.lstrip("/").partition("/")
                with fake._lock:
                    fake.requests.append((prefix, method, "/" + rest + (f"?{parts.query}" if parts.query else "")))
                if fake.latency:
                    time.sleep(fake.latency)
                fault = fake.faults.get(prefix)
                if fault and fault.hang:
                    time.sleep(fault.hang)  # the client has given up by now: its connection is gone
                    with contextlib.suppress(OSError):
                        self._send(504, {"message": "late"})
                    return None
                if fault and fault.malformed:
                    return self._raw(200, b'{"info": {"name": "trunc', "application/json")
                if fault:
                    return self._send(fault.status, {"message": "Internal Server Error"})
                status, payload, headers = fake._answer(prefix, method, "/" + rest, parse_qs(parts.query), body)
                self._send(status, payload, headers)

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                self._raw(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers)

            def _raw(self, status: int, data: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    # -- the APIs
    def _answer(self, prefix: str, method: str, path: str, query: dict[str, list[str]], body: bytes):
        if prefix == "pypi-org":
            m = re.fullmatch(r"/pypi/([^/]+)/json", path)
            info = self.pypi.get(m.group(1)) if m else None
            if info is None:
                return 404, {"message": "Not Found"}, {}
            return 200, {"info": info, "last_serial": 1, "releases": {}, "urls": [], "vulnerabilities": []}, {}
        if prefix == "npm-registry":
            doc = self.npm.get(unquote(path[1:]))
            if doc is None or "/" in path[1:]:  # a scoped name must come as @scope%2fname
                return 404, {"error": "Not found"}, {}
            return 200, {**doc, "dist-tags": {"latest": "1.0.0"}, "versions": {}}, {}
        if prefix == "npm-api":
            m = re.fullmatch(r"/downloads/range/(\d{4}-\d\d-\d\d):(\d{4}-\d\d-\d\d)/(.+)", path)
            if not m or m.group(3) not in self.npm_daily:
                return 404, {"error": f"package {m.group(3) if m else ''} not found"}, {}
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            since, per_day = self.npm_daily[m.group(3)]
            days = [
                {
                    "day": (start + timedelta(d)).isoformat(),
                    "downloads": per_day if start + timedelta(d) >= since else 0,
                }
                for d in range((end - start).days + 1)
            ]
            return 200, {"start": m.group(1), "end": m.group(2), "package": m.group(3), "downloads": days}, {}
        if prefix == "clickhouse":
            sql = body.decode()
            m = re.search(r"project = '([^']+)' AND month >= '([\d-]+)' AND month <= '([\d-]+)'", sql)
            rows = []
            if m:
                rows = [
                    {"month": month, "downloads": str(count)}
                    for month, count in self.monthly.get(m.group(1), [])
                    if m.group(2) <= month <= m.group(3)
                ]
            meta = [{"name": "month", "type": "String"}, {"name": "downloads", "type": "UInt64"}]
            return 200, {"meta": meta, "data": rows, "rows": len(rows), "statistics": {"elapsed": 0.01}}, {}
        if prefix == "github":
            return self._github(path, query)
        return 404, {"message": "Not Found"}, {}

    def _github(self, path: str, query: dict[str, list[str]]):
        m = re.fullmatch(r"/repos/([^/]+)/([^/]+)(/.*)?", path)
        if not m:
            return 404, {"message": "Not Found"}, {}
        slug = f"{m.group(1)}/{m.group(2)}".lower()
        if slug in self.moved:
            return (
                301,
                {"message": "Moved Permanently"},
                {"Location": f"{self.base}/github/repos/{self.moved[slug]}{m.group(3) or ''}"},
            )
        repo = self.repos.get(slug)
        if repo is None:
            return (
                404,
                {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"},
                {},
            )
        tail = m.group(3) or ""
        if tail == "":
            return (
                200,
                {
                    "full_name": repo.full_name,
                    "stargazers_count": repo.stars,
                    "forks_count": repo.stars // 10,
                    "open_issues_count": 7,
                    "subscribers_count": 40,
                },
                {},
            )
        if tail == "/contributors":
            last = f"{self.base}/github/repos/{repo.full_name}/contributors?per_page=1&anon=1&page={repo.contributors}"
            link = f'<{last}>; rel="last"'
            return 200, [{"login": "someone", "contributions": 10}], {"Link": link}
        if tail == "/languages":
            return 200, repo.languages, {}
        if tail == "/stargazers/history":
            page, size = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
            monday = self.today - timedelta(days=self.today.weekday() + 7)
            weeks = [
                {
                    "week": int(datetime.combine(monday - timedelta(weeks=i), datetime.min.time(), UTC).timestamp()),
                    "total": total,
                    "days": [total, 0, 0, 0, 0, 0, 0],
                }
                for i, total in enumerate(repo.weeks)
            ]
            chunk = weeks[(page - 1) * size : page * size]
            headers = {}
            if page * size < len(weeks):
                following = (
                    f"{self.base}/github/repos/{repo.full_name}/stargazers/history?per_page={size}&page={page + 1}"
                )
                headers["Link"] = f'<{following}>; rel="next"'
            return 200, chunk, headers
        return 404, {"message": "Not Found"}, {}
