"""Serve recorded HTTP exchanges: to httpx through respx (unit tests), or from a local server (subprocess tests, bench).

An exchange is one request (method, path under the source's base URL, query, body) and the response to
give (status, headers, body). Bodies are stored decompressed; a `Content-Encoding: gzip` header makes the
replay gzip the body on the way out, so the client sees exactly what Stack Exchange sends.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from bot.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "http"
IGNORED_PARAMS = {"key"}  # credentials never go into fixtures or keys


def _key(source: str, method: str, path: str, query: dict[str, str], body: str | None) -> tuple:
    query = {k: v for k, v in query.items() if k not in IGNORED_PARAMS}
    return (source, method.upper(), path, tuple(sorted(query.items())), body or None)


@dataclass
class Served:
    source: str
    method: str
    path: str
    query: dict[str, str]
    body: str | None
    status: int


@dataclass
class Fault:
    """Answer matching requests with this response instead of the recording (the first `times`, or always)."""

    source: str
    path_contains: str
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    times: int | None = None
    timeout: bool = False
    used: int = 0

    def matches(self, source: str, path: str) -> bool:
        return source == self.source and self.path_contains in path and (self.times is None or self.used < self.times)


def settings_for(base_urls: dict[str, str], **overrides: object) -> Settings:
    """Settings whose every data source points at these base URLs (a replay, never the live APIs)."""
    return Settings(
        _env_file=None,
        github_api_url=base_urls["github"],
        fwtrend_pypistats_url=base_urls["pypistats"],
        fwtrend_clickhouse_url=base_urls["clickhouse"],
        fwtrend_npm_url=base_urls["npm"],
        fwtrend_stackexchange_url=base_urls["stackexchange"],
        fwtrend_huggingface_url=base_urls["huggingface"],
        fwtrend_arxiv_url=base_urls["arxiv"],
        **overrides,
    )


class Replay:
    def __init__(self, base_urls: dict[str, str], exchanges: Iterable[dict[str, Any]] = ()):
        self.base_urls = {s: u.rstrip("/") for s, u in base_urls.items()}
        self.table: dict[tuple, dict[str, Any]] = {}
        self.served: list[Served] = []
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        self.add(exchanges)

    # -- loading -------------------------------------------------------------------------------
    def add(self, exchanges: Iterable[dict[str, Any]]) -> None:
        """Later exchanges for the same request replace earlier ones (day 2 over day 1)."""
        for ex in exchanges:
            key = _key(ex["source"], ex["method"], ex["path"], ex.get("query", {}), ex.get("body_match"))
            self.table[key] = ex

    def load_dir(self, directory: Path) -> Replay:
        for file in sorted(directory.rglob("*.json")):
            self.add(json.loads(file.read_text()))
        return self

    @classmethod
    def from_days(cls, base_urls: dict[str, str], *days: str) -> Replay:
        replay = cls(base_urls)
        for day in days:
            replay.load_dir(FIXTURES / day)
        return replay

    def fault(self, source: str, path_contains: str = "", **kwargs: Any) -> Fault:
        fault = Fault(source, path_contains, **kwargs)
        self.faults.append(fault)
        return fault

    # -- answering -----------------------------------------------------------------------------
    def locate(self, url: str) -> tuple[str, str]:
        for source, base in self.base_urls.items():
            if url.startswith(base + "/") or url == base:
                return source, urlsplit(url).path[len(urlsplit(base).path) :] or "/"
        raise LookupError(f"no source serves {url}")

    def respond(self, method: str, url: str, body: bytes | None) -> tuple[int, dict[str, str], bytes] | None:
        """(status, headers, wire bytes), or None to simulate a timeout."""
        source, path = self.locate(url)
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        text = body.decode() if body else None
        with self.lock:
            for fault in self.faults:
                if fault.matches(source, path):
                    fault.used += 1
                    self.served.append(Served(source, method, path, query, text, 0 if fault.timeout else fault.status))
                    if fault.timeout:
                        return None
                    return fault.status, dict(fault.headers), fault.body
            ex = self.table.get(_key(source, method, path, query, text))
            if ex is None:
                self.served.append(Served(source, method, path, query, text, 599))
                return 599, {"Content-Type": "text/plain"}, f"no recording for {method} {path} {query}".encode()
            self.served.append(Served(source, method, path, query, text, ex["status"]))
        # Recordings write their own absolute links (GitHub's Link header) as {base}: point them back at us.
        headers = {k: v.replace("{base}", self.base_urls[source]) for k, v in ex.get("headers", {}).items()}
        raw = json.dumps(ex["json"], separators=(",", ":")).encode() if "json" in ex else ex.get("text", "").encode()
        if headers.get("Content-Encoding") == "gzip":
            raw = gzip.compress(raw, mtime=0)
        return ex["status"], headers, raw

    def requests_for(self, source: str) -> list[Served]:
        return [s for s in self.served if s.source == source]

    # -- respx -------------------------------------------------------------------------------------
    def httpx_handler(self, request: httpx.Request) -> httpx.Response:
        answer = self.respond(request.method, str(request.url), request.content or None)
        if answer is None:
            raise httpx.ReadTimeout("replayed timeout", request=request)
        status, headers, raw = answer
        return httpx.Response(status, headers=headers, content=raw, request=request)


# -- a local server --------------------------------------------------------------------------------------


class ReplayServer:
    """The replay on 127.0.0.1, one path prefix per source (`/github/...`), with optional latency per response."""

    def __init__(self, exchanges_or_replay: Replay | Callable[[dict[str, str]], Replay], latency: float = 0.0):
        self.latency = latency
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{port}"
        self.base_urls = {s: f"{self.base}/{s}" for s in SOURCE_IDS}
        if isinstance(exchanges_or_replay, Replay):
            self.replay = exchanges_or_replay
            self.replay.base_urls = dict(self.base_urls)
        else:
            self.replay = exchanges_or_replay(self.base_urls)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def env(self) -> dict[str, str]:
        u = self.base_urls
        return {
            "GITHUB_API_URL": u["github"],
            "FWTREND_PYPISTATS_URL": u["pypistats"],
            "FWTREND_CLICKHOUSE_URL": u["clickhouse"],
            "FWTREND_NPM_URL": u["npm"],
            "FWTREND_STACKEXCHANGE_URL": u["stackexchange"],
            "FWTREND_HUGGINGFACE_URL": u["huggingface"],
            "FWTREND_ARXIV_URL": u["arxiv"],
        }

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if server.latency:
                    time.sleep(server.latency)
                answer = server.replay.respond(self.command, server.base + self.path, body)
                if answer is None:  # a timeout: hold the connection past any sane client timeout
                    time.sleep(5)
                    self.close_connection = True
                    return
                status, headers, raw = answer
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = _answer
            do_POST = _answer

        return Handler


SOURCE_IDS = ("github", "pypistats", "clickhouse", "npm", "stackexchange", "huggingface", "arxiv")
