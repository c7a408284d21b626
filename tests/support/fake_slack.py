"""A fake Slack Web API on 127.0.0.1 for end-to-end tests without network.

Point ``slack_sdk.WebClient(token="xoxb-test", base_url=fake.base_url)`` (or the app's
``SLACK_API_URL``) at it. Every request is recorded as a :class:`Call`; responses follow the
shapes of the real Web API closely enough that slack_sdk and Bolt accept them.

Channel model: unknown ids are treated as public channels the bot is already in, so tests
need no setup; ids starting with ``CNOTFOUND`` do not exist; ``set_channel`` overrides.

OAuth: ``add_oauth_code`` makes a code that ``oauth.v2.access`` (client id and secret in HTTP Basic
auth, as slack_sdk sends them) exchanges once for a workspace's bot token; ``auth.test`` with that
token then answers for that workspace.

Socket Mode: ``use_socket_mode(server.issue_url)`` (a ``tests.support.fake_socket_mode.FakeSocketMode``)
makes ``apps.connections.open`` hand out that server's WebSocket URLs. As on Slack, that method takes
only an app-level token (``xapp-``) and every other method refuses one (``not_allowed_token_type``).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from tests.support.block_kit_rules import Problem, message_errors, refusal, view_errors
from tests.support.fake_unfurls import FakeUnfurls
from tests.support.fake_unfurls import SlackError as _SlackError

JsonDict = dict[str, Any]

# Full names only for the zones tests are likely to use; Slack's own labels are not derivable
# from tzdata, and an abbreviation ("CET") is an honest fallback.
_TZ_LABELS = {
    "America/New_York": ("Eastern Standard Time", "Eastern Daylight Time"),
    "America/Chicago": ("Central Standard Time", "Central Daylight Time"),
    "America/Los_Angeles": ("Pacific Standard Time", "Pacific Daylight Time"),
    "Europe/London": ("Greenwich Mean Time", "British Summer Time"),
    "Europe/Berlin": ("Central European Time", "Central European Summer Time"),
    "Asia/Tokyo": ("Japan Standard Time", "Japan Standard Time"),
    "UTC": ("Coordinated Universal Time", "Coordinated Universal Time"),
}


@dataclass(frozen=True)
class Call:
    """One request received. ``params`` merges query string and body (form, JSON or multipart
    text fields) exactly as sent: form values are strings, JSON values keep their types."""

    method: str
    params: JsonDict
    headers: dict[str, str]  # lower-cased names
    body: bytes
    ts: float


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False
    is_im: bool = False

    def to_api(self) -> JsonDict:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private and not self.is_im,
            "is_group": self.is_private,
            "is_im": self.is_im,
            "is_mpim": False,
            "is_private": self.is_private or self.is_im,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": self.is_member,
            "created": 1600000000,
            "creator": "U000CREATOR",
            "name_normalized": self.name,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }


@dataclass
class User:
    id: str
    tz: str = "America/New_York"
    name: str = ""
    is_bot: bool = False
    tz_offset: int | None = None
    """Seconds east of UTC, for a user with no zone name (`tz` ""): Slack then sends `tz` null."""

    def _zone_fields(self, now: datetime | None) -> JsonDict:
        if not self.tz:
            return {"tz": None, "tz_label": None, "tz_offset": self.tz_offset}
        moment = (now or datetime.now(ZoneInfo("UTC"))).astimezone(ZoneInfo(self.tz))
        offset = moment.utcoffset()
        labels = _TZ_LABELS.get(self.tz)
        return {
            "tz": self.tz,
            "tz_label": labels[bool(moment.dst())] if labels else moment.tzname(),
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
        }

    def to_api(self, team_id: str, now: datetime | None = None) -> JsonDict:
        name = self.name or self.id.lower()
        return {
            "id": self.id,
            "team_id": team_id,
            "name": name,
            "real_name": name.title(),
            "deleted": False,
            "is_bot": self.is_bot,
            "is_admin": False,
            **self._zone_fields(now),
            "profile": {"display_name": name, "real_name": name.title(), "team": team_id},
        }


@dataclass
class UploadedFile:
    file_id: str
    filename: str
    length: int
    data: bytes | None = None  # None until the bytes are POSTed to upload_url
    title: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False


@dataclass
class _Failure:
    error: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class _Reply:
    """What the handler writes back; raised or returned by method implementations."""

    def __init__(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}

    @classmethod
    def json(cls, data: JsonDict, status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
        return cls(status, json.dumps(data).encode(), "application/json; charset=utf-8", headers)

    @classmethod
    def error(cls, error: str, status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
        return cls.json({"ok": False, "error": error}, status, headers)


class FakeSlack(FakeUnfurls):
    """Fake Slack Web API server. Use as a context manager or through the ``fake_slack`` fixture."""

    def __init__(
        self,
        *,
        team_id: str = "T111",
        team_domain: str = "fwtrend-test",
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        app_id: str = "A111",
        client_id: str = "111.222",
        client_secret: str = "fake-client-secret",
    ) -> None:
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.client_id = client_id
        self.client_secret = client_secret
        self._oauth_codes: dict[str, JsonDict] = {}
        self._installed: dict[str, JsonDict] = {}  # bot token -> what auth.test answers for it
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._channels: dict[str, Channel] = {}
        self._users: dict[str, User] = {}
        self._files: dict[str, UploadedFile] = {}
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._socket_mode_url: Callable[[], str] | None = None
        self._refusals: list[tuple[str, list[str]]] = []  # (method, Slack's errors); never reset
        self._classic_teams: set[str] = set()  # workspaces whose Slack refuses table/data_visualization
        self._holds: dict[str, threading.Event] = {}
        _LIVE.add(self)

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        # A short poll interval keeps shutdown() (i.e. every fixture teardown) from costing 0.5 s.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running; use start() or a with-block")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        # Trailing slash matters: WebClient urljoin()s the method name onto it.
        return f"{self.root_url}api/"

    def hook_url(self, path: str = "commands/T111/1/fake") -> str:
        """A response_url that lands here (recorded as method ``"response_url"``)."""
        return f"{self.root_url}hooks/{path.lstrip('/')}"

    # ---- configuration ---------------------------------------------------------------------

    def set_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        is_private: bool = False,
        is_member: bool = True,
        is_archived: bool = False,
    ) -> Channel:
        channel = Channel(
            id=channel_id,
            name=name or channel_id.lower(),
            is_private=is_private,
            is_member=is_member,
            is_archived=is_archived,
            is_im=channel_id.startswith("D"),
        )
        with self._lock:
            self._channels[channel_id] = channel
        return channel

    def set_user(
        self, user_id: str, *, tz: str = "America/New_York", name: str = "", tz_offset: int | None = None
    ) -> User:
        """A user `users.info` returns: with a zone name `tz`, or with only `tz_offset` (seconds) and tz ""."""
        if tz:
            ZoneInfo(tz)  # fail fast on typos rather than inside a request thread
        elif tz_offset is None:
            raise ValueError("a user needs a tz or a tz_offset")
        user = User(id=user_id, tz=tz, name=name, tz_offset=None if tz else tz_offset)
        with self._lock:
            self._users[user_id] = user
        return user

    def fail(
        self,
        method: str,
        error: str = "not_in_channel",
        times: int = 1,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail. ``ratelimited`` defaults to a 429 with
        ``Retry-After: 1``, the way Slack signals rate limits. ``method`` may also be ``"upload"`` or
        ``"response_url"``."""
        hdrs = dict(headers or {})
        if error == "ratelimited":
            status = 429 if status == 200 else status
            hdrs.setdefault("Retry-After", "1")
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            queue.extend(_Failure(error, status, hdrs) for _ in range(times))

    def refuse_data_blocks(self, team_id: str | None = None) -> None:
        """Make a workspace (default: this fake's) refuse `table` and `data_visualization` blocks with
        `invalid_blocks`, as a Slack without them would."""
        with self._lock:
            self._classic_teams.add(team_id or self.team_id)

    def _team_of(self, method: str, path: str, headers: dict[str, str], params: JsonDict) -> str:
        if method == "response_url":  # /hooks/commands/T111/1/x
            parts = path.split("/")
            return parts[3] if len(parts) > 3 and parts[3].startswith("T") else self.team_id
        with self._lock:
            installed = self._installed.get(_token(headers, params))
        return str((installed or {}).get("team_id") or self.team_id)

    def hold(self, method: str) -> None:
        """Keep calls to ``method`` waiting (recorded on arrival, answered after ``let_go`` or 60 s): work
        stays in flight, e.g. while a test kills the process making the calls."""
        with self._lock:
            self._holds[method] = threading.Event()

    def let_go(self, method: str) -> None:
        with self._lock:
            held = self._holds.pop(method, None)
        if held is not None:
            held.set()

    def add_oauth_code(
        self,
        code: str,
        *,
        team_id: str,
        bot_token: str,
        team_name: str | None = None,
        bot_user_id: str | None = None,
        installer: str = "U0INSTALLER",
        scope: str = "commands,chat:write",
    ) -> None:
        """A code Slack would hand the app's redirect URL after ``installer`` approved the install.
        Not cleared by ``reset``: an installation outlives a test's calls."""
        bot_user_id = bot_user_id or f"UBOT{team_id}"
        answer = {
            "access_token": bot_token,
            "token_type": "bot",
            "scope": scope,
            "bot_user_id": bot_user_id,
            "app_id": self.app_id,
            "team": {"name": team_name or f"Team {team_id}", "id": team_id},
            "enterprise": None,
            "authed_user": {"id": installer},
            "is_enterprise_install": False,
        }
        with self._lock:
            self._oauth_codes[code] = answer
            self._installed[bot_token] = {
                "url": f"https://{team_id.lower()}.slack.com/",
                "team": answer["team"]["name"],
                "user": "fwtrend",
                "team_id": team_id,
                "user_id": bot_user_id,
                "bot_id": f"B{team_id}",
                "is_enterprise_install": False,
            }

    def use_socket_mode(self, issue_url: Callable[[], str]) -> None:
        """Answer ``apps.connections.open`` with ``issue_url()`` (a fresh one-time WebSocket URL per call)."""
        self._socket_mode_url = issue_url

    def reset(self) -> None:
        """Forget calls, failures, channels, users, files and refused blocks (ids keep increasing)."""
        with self._lock:
            self._classic_teams.clear()
            self._calls.clear()
            self._failures.clear()
            self._channels.clear()
            self._users.clear()
            self._files.clear()
        self.forget_links()

    # ---- inspection ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5) -> list[Call]:
        """Block until at least ``count`` calls to ``method`` arrived; returns them all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self._calls]
                    raise AssertionError(
                        f"waited {timeout}s for {count} x {method}, got {len(found)}; calls seen: {seen}"
                    )
                self._cond.wait(remaining)

    def uploaded_files(self) -> list[tuple[str, str, bytes]]:
        """(file_id, filename, bytes) for every file whose bytes reached the upload URL."""
        with self._lock:
            return [(f.file_id, f.filename, f.data) for f in self._files.values() if f.data is not None]

    def refusals(self) -> list[tuple[str, list[str]]]:
        """(method, errors) for every message or view refused as invalid Block Kit, oldest first."""
        with self._lock:
            return list(self._refusals)

    def file(self, file_id: str) -> UploadedFile:
        with self._lock:
            return self._files[file_id]

    # ---- request handling (runs in server threads) -----------------------------------------

    def _record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(method)
            return queue.popleft() if queue else None

    def _next_id(self) -> int:
        return next(self._ids)

    def _next_ts(self) -> str:
        micros = 1_700_000_000_000_100 + self._next_id() * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel(self, channel_id: str) -> Channel:
        with self._lock:
            known = self._channels.get(channel_id)
        if known is not None:
            return known
        if not channel_id or channel_id.startswith("CNOTFOUND"):
            raise _SlackError("channel_not_found")
        return self.set_channel(channel_id, is_private=channel_id.startswith("G"))

    def _postable_channel(self, channel_id: str) -> Channel:
        """Mirror Slack's posting rules: a private channel the bot is not in is invisible
        (``channel_not_found``), a public one answers ``not_in_channel``."""
        if channel_id.startswith(("U", "W")):
            # Posting to a user id delivers into the app's DM with them.
            return self._channel("D" + channel_id[1:])
        channel = self._channel(channel_id)
        if not channel.is_member:
            raise _SlackError("channel_not_found" if channel.is_private else "not_in_channel")
        if channel.is_archived:
            raise _SlackError("is_archived")
        return channel

    def handle(self, path: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        if path.startswith("/api/"):
            method = path[len("/api/") :]
        elif path.startswith("/upload/"):
            method = "upload"
        elif path.startswith("/hooks/"):
            method = "response_url"
        else:
            return _Reply(404, b"not found", "text/plain")
        # Upload bodies are file bytes (urllib labels them form-encoded), never parameters.
        ctype = "" if method == "upload" else headers.get("content-type", "")
        params = _parse_params(query, ctype, body)
        self._record(Call(method, params, headers, body, time.time()))
        with self._lock:
            held = self._holds.get(method)
        if held is not None:
            held.wait(60)
        failure = self._take_failure(method)
        if failure is not None:
            return _Reply.error(failure.error, failure.status, failure.headers)
        if method == "upload":
            return self._upload(path[len("/upload/") :], headers, body)
        refused = self._refuse_invalid_blocks(method, params, self._team_of(method, path, headers, params))
        if refused is not None:
            return refused
        if method == "response_url":
            return _Reply.json({"ok": True})
        if method == "oauth.v2.access":
            return self._oauth_v2_access(headers, params)
        token = _token(headers, params)
        if not token:
            return _Reply.error("not_authed")
        # App-level tokens open Socket Mode connections and nothing else; bot tokens cannot open them.
        if (method == "apps.connections.open") != token.startswith("xapp-"):
            return _Reply.error("not_allowed_token_type")
        if method == "apps.connections.open":
            if self._socket_mode_url is None:
                return _Reply.error("fake_slack_has_no_socket_mode_server")
            return _Reply.json({"ok": True, "url": self._socket_mode_url()})
        with self._lock:
            installed = self._installed.get(token)
        if method == "auth.test" and installed is not None:
            return _Reply.json({"ok": True, **installed})
        impl: Callable[[JsonDict], JsonDict] | None = getattr(self, "_api_" + method.replace(".", "_"), None)
        try:
            extra = impl(params) if impl is not None else {}
        except _SlackError as exc:
            return _Reply.error(exc.error)
        return _Reply.json({"ok": True, **extra})

    def _refuse_invalid_blocks(self, method: str, params: JsonDict, team: str = "") -> _Reply | None:
        """Slack checks every message and view against Block Kit's rules and refuses the whole call."""
        if method in _MESSAGE_METHODS:
            blocks = _maybe_json(params.get("blocks"))
            problems = message_errors({"text": params.get("text"), "blocks": blocks})
            error = "invalid_blocks"
        elif method in _VIEW_METHODS:
            blocks = (_maybe_json(params.get("view")) or {}).get("blocks")
            problems, error = view_errors(_maybe_json(params.get("view"))), "invalid_arguments"
        else:
            return None
        with self._lock:
            classic = team in self._classic_teams
        if classic and isinstance(blocks, list):
            problems += [
                Problem(f"unsupported type: {b['type']}", f"/blocks/{i}/type")
                for i, b in enumerate(blocks)
                if isinstance(b, dict) and b.get("type") in ("table", "data_visualization")
            ]
        if not problems:
            return None
        body = refusal(problems, error)
        with self._lock:
            self._refusals.append((method, body["errors"]))
        if method == "response_url":
            # Like incoming webhooks, a response_url answers a bare error word with HTTP 400.
            return _Reply(400, error.encode(), "text/plain")
        return _Reply.json(body)

    # ---- Web API methods -------------------------------------------------------------------

    def _oauth_v2_access(self, headers: dict[str, str], params: JsonDict) -> _Reply:
        """Client credentials in Basic auth (or the body, which Slack also accepts); a code works once."""
        client_id, client_secret = _basic_auth(headers) or (params.get("client_id"), params.get("client_secret"))
        if client_id != self.client_id:
            return _Reply.error("invalid_client_id")
        if client_secret != self.client_secret:
            return _Reply.error("bad_client_secret")
        with self._lock:
            answer = self._oauth_codes.pop(str(params.get("code", "")), None)
        if answer is None:
            return _Reply.error("invalid_code")
        return _Reply.json({"ok": True, **answer})

    def _api_auth_test(self, params: JsonDict) -> JsonDict:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "fwtrend test",
            "user": "fwtrend",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _message(self, params: JsonDict, ts: str) -> JsonDict:
        message: JsonDict = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": params.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments"):
            if key in params:
                message[key] = _maybe_json(params[key])
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
        return message

    def _api_chat_postMessage(self, params: JsonDict) -> JsonDict:
        channel = self._postable_channel(str(params.get("channel", "")))
        if not any(params.get(k) for k in ("text", "blocks", "attachments")):
            raise _SlackError("no_text")
        ts = self._next_ts()
        return {"channel": channel.id, "ts": ts, "message": self._message(params, ts)}

    def _api_chat_postEphemeral(self, params: JsonDict) -> JsonDict:
        self._postable_channel(str(params.get("channel", "")))
        if not params.get("user"):
            raise _SlackError("user_not_found")
        return {"message_ts": self._next_ts()}

    def _api_chat_update(self, params: JsonDict) -> JsonDict:
        channel = self._postable_channel(str(params.get("channel", "")))
        ts = str(params.get("ts", ""))
        if not ts:
            raise _SlackError("message_not_found")
        return {
            "channel": channel.id,
            "ts": ts,
            "text": params.get("text", ""),
            "message": self._message(params, ts),
        }

    def _api_chat_delete(self, params: JsonDict) -> JsonDict:
        channel = self._channel(str(params.get("channel", "")))
        if not params.get("ts"):
            raise _SlackError("message_not_found")
        return {"channel": channel.id, "ts": params["ts"]}

    def _api_conversations_join(self, params: JsonDict) -> JsonDict:
        channel = self._channel(str(params.get("channel", "")))
        if channel.is_private or channel.is_im:
            raise _SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise _SlackError("is_archived")
        already = channel.is_member
        channel.is_member = True
        extra: JsonDict = {"channel": channel.to_api()}
        if already:
            extra["warning"] = "already_in_channel"
            extra["response_metadata"] = {"warnings": ["already_in_channel"]}
        return extra

    def _api_conversations_info(self, params: JsonDict) -> JsonDict:
        channel = self._channel(str(params.get("channel", "")))
        if channel.is_private and not channel.is_member:
            raise _SlackError("channel_not_found")
        return {"channel": channel.to_api()}

    def _api_users_info(self, params: JsonDict) -> JsonDict:
        user_id = str(params.get("user", ""))
        if not user_id or user_id.startswith("UNOTFOUND"):
            raise _SlackError("user_not_found")
        with self._lock:
            user = self._users.get(user_id) or User(id=user_id)
        return {"user": user.to_api(self.team_id)}

    def _view(self, params: JsonDict, default_type: str) -> JsonDict:
        view = _maybe_json(params.get("view"))
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        n = self._next_id()
        return {
            "id": f"V{n:010d}",
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "type": view.get("type", default_type),
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "state": {"values": {}},
            "hash": f"{n}.fakehash",
            "root_view_id": f"V{n:010d}",
            "previous_view_id": None,
        }

    def _api_views_publish(self, params: JsonDict) -> JsonDict:
        if not params.get("user_id"):
            raise _SlackError("invalid_arguments")
        return {"view": self._view(params, "home")}

    def _api_views_open(self, params: JsonDict) -> JsonDict:
        if not params.get("trigger_id"):
            raise _SlackError("invalid_arguments")
        return {"view": self._view(params, "modal")}

    def _api_files_getUploadURLExternal(self, params: JsonDict) -> JsonDict:
        filename, length = params.get("filename"), params.get("length")
        if not filename or length is None:
            raise _SlackError("invalid_arguments")
        file_id = f"F{self._next_id():010d}"
        with self._lock:
            self._files[file_id] = UploadedFile(file_id, str(filename), int(length))
        return {"upload_url": f"{self.root_url}upload/{file_id}", "file_id": file_id}

    def _upload(self, file_id: str, headers: dict[str, str], body: bytes) -> _Reply:
        with self._lock:
            record = self._files.get(file_id)
            if record is None:
                return _Reply(404, b"file not found", "text/plain")
            # slack_sdk POSTs raw bytes; other clients send multipart, which Slack also accepts.
            record.data = _multipart_file(headers.get("content-type", ""), body)
        return _Reply(200, f"OK - {len(record.data)}".encode(), "text/plain")

    def _api_files_completeUploadExternal(self, params: JsonDict) -> JsonDict:
        entries = _maybe_json(params.get("files"))
        if not isinstance(entries, list) or not entries:
            raise _SlackError("invalid_arguments")
        channel_id = params.get("channel_id") or None
        thread_ts = params.get("thread_ts") or None
        if channel_id is not None:
            self._postable_channel(str(channel_id))
        elif thread_ts is not None:
            raise _SlackError("invalid_arguments")  # Slack needs a channel to thread into
        results = []
        with self._lock:
            for entry in entries:
                record = self._files.get(str(entry.get("id")))
                if record is None or record.data is None:
                    raise _SlackError("file_not_found")
                record.title = entry.get("title") or record.filename
                record.channel_id, record.thread_ts = channel_id, thread_ts
                record.initial_comment = params.get("initial_comment") or None
                record.completed = True
                results.append({"id": record.file_id, "title": record.title})
        return {"files": results}

    def _api_files_info(self, params: JsonDict) -> JsonDict:
        with self._lock:
            record = self._files.get(str(params.get("file", "")))
        if record is None or not record.completed:
            raise _SlackError("file_not_found")
        assert record.data is not None
        shares: JsonDict = {}
        if record.channel_id:
            share: JsonDict = {"ts": self._next_ts()}
            if record.thread_ts:
                share["thread_ts"] = record.thread_ts
            kind = "private" if self._channel(record.channel_id).is_private else "public"
            shares = {kind: {record.channel_id: [share]}}
        host = f"https://files.slack.com/files-pri/{self.team_id}-{record.file_id}"
        return {
            "file": {
                "id": record.file_id,
                "name": record.filename,
                "title": record.title,
                "mimetype": _mimetype(record.filename),
                "filetype": _extension(record.filename) or "binary",
                "size": len(record.data),
                "user": self.bot_user_id,
                "created": int(time.time()),
                "url_private": f"{host}/{record.filename}",
                "url_private_download": f"{host}/download/{record.filename}",
                "permalink": f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{record.file_id}",
                "channels": [record.channel_id] if record.channel_id else [],
                "shares": shares,
            }
        }


_MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage", "response_url"}
)
_VIEW_METHODS = frozenset({"views.publish", "views.open", "views.update", "views.push"})
_LIVE: weakref.WeakSet[FakeSlack] = weakref.WeakSet()


# ---- HTTP plumbing ---------------------------------------------------------------------------


def _make_handler(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                reply = fake.handle(url.path, url.query, headers, body)
            except Exception as exc:  # a bug in the fake must show up in the test, not hang it
                reply = _Reply.error(f"fake_slack_internal_error: {exc!r}", status=500)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep pytest output clean; calls() is the log

    return Handler


def _parse_params(query: str, content_type: str, body: bytes) -> JsonDict:
    params: JsonDict = _flatten(parse_qs(query, keep_blank_values=True))
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ctype == "application/json" and body:
        decoded = json.loads(body)
        if isinstance(decoded, dict):
            params.update(decoded)
    elif ctype == "application/x-www-form-urlencoded" and body:
        # Undecodable bytes mean a client mislabelled a binary body; record it, parse nothing.
        with contextlib.suppress(UnicodeDecodeError):
            params.update(_flatten(parse_qs(body.decode("utf-8"), keep_blank_values=True)))
    elif ctype == "multipart/form-data":
        for part in _multipart_parts(content_type, body):
            if part.get_filename() is None:
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    params[str(part.get_param("name", header="content-disposition"))] = payload.decode()
    return params


def _flatten(parsed: dict[str, list[str]]) -> JsonDict:
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def _multipart_parts(content_type: str, body: bytes) -> Iterator[Message]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if message.is_multipart():
        yield from message.iter_parts()  # type: ignore[attr-defined]


def _multipart_file(content_type: str, body: bytes) -> bytes:
    if not content_type.lower().startswith("multipart/form-data"):
        return body
    for part in _multipart_parts(content_type, body):
        if part.get_filename() is not None:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return body


def _maybe_json(value: Any) -> Any:
    """Form-encoded calls carry blocks/view/files as JSON strings; JSON calls carry objects."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _token(headers: dict[str, str], params: JsonDict) -> str:
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return str(params.get("token") or "")


def _basic_auth(headers: dict[str, str]) -> tuple[str, str] | None:
    auth = headers.get("authorization", "")
    if not auth.lower().startswith("basic "):
        return None
    user, _, password = base64.b64decode(auth[6:].strip()).decode().partition(":")
    return user, password


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _mimetype(filename: str) -> str:
    known = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif"}
    return known.get(_extension(filename), "application/octet-stream")


# ---- pytest fixtures -------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slack_refusals_expected: the test sends Block Kit Slack refuses, on purpose")


@pytest.fixture(autouse=True)
def _no_block_kit_refusals(request: pytest.FixtureRequest) -> Iterator[None]:
    """A message Slack would refuse fails the test that sent it, even when the code under test swallowed the error."""
    before = {id(fake): len(fake.refusals()) for fake in list(_LIVE)}
    yield
    if request.node.get_closest_marker("slack_refusals_expected"):
        return
    refused = [r for fake in list(_LIVE) for r in fake.refusals()[before.get(id(fake), 0) :]]
    if refused:
        pytest.fail(f"Slack would refuse {len(refused)} message(s) or view(s): {refused}", pytrace=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_slack_client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake_slack.base_url)
