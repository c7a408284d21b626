"""What every source module shares: the source interface, and one careful HTTP fetcher.

The fetcher is where politeness lives, so that no source can forget it: per-host concurrency
limits and pacing, retries with backoff on 429/5xx/timeouts, and waits that honour
`Retry-After`, `X-RateLimit-Reset` and Stack Exchange's `backoff`. All waiting goes through a
`Clock`, so tests swap in a virtual one and never really sleep.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from bot.catalog import Framework
from bot.settings import Settings

T = TypeVar("T", bound=BaseModel)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "fwtrend-refresh/0.1 (+https://github.com/fwtrend)"


class SourceError(Exception):
    """A source could not deliver; the message is the one-line reason shown to the operator."""


class PartialFetch(SourceError):
    """A source failed part-way, after some figures were already whole (arXiv's months before a failing page).

    The refresh writes `batch` and records the unit as failed, in one transaction: a paid-for, complete
    figure is not thrown away because a later request failed.
    """

    def __init__(self, message: str, batch: Batch):
        super().__init__(message)
        self.batch = batch


# -- time ----------------------------------------------------------------------------------------


class Clock:
    """Wall time and sleeping, in one replaceable place."""

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await asyncio.sleep(seconds)


class VirtualClock(Clock):
    """A clock whose sleeps only move its own hands: tests (and arXiv's 3 s pacing) cost no real time."""

    def __init__(self, start: float = 1_790_000_000.0):
        self.now = start
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.slept.append(seconds)
            self.now += seconds
        await asyncio.sleep(0)  # still let other tasks run, as a real sleep would


# -- politeness per host ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HostPolicy:
    concurrency: int = 4
    min_interval: float = 0.0
    """Seconds between the starts of two requests (arXiv asks for 3)."""


class _HostGate:
    """Limits concurrent requests to one host and spaces their starts; holds everyone when the host says wait."""

    def __init__(self, policy: HostPolicy, clock: Clock):
        self.policy = policy
        self.clock = clock
        self.slots = asyncio.Semaphore(policy.concurrency)
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.hold_until = 0.0

    async def enter(self) -> None:
        await self.slots.acquire()
        try:
            async with self.lock:
                start = max(self.clock.time(), self.next_start, self.hold_until)
                await self.clock.sleep(start - self.clock.time())
                self.next_start = max(self.clock.time(), start) + self.policy.min_interval
        except BaseException:
            self.slots.release()
            raise

    def leave(self) -> None:
        self.slots.release()

    def hold(self, seconds: float) -> None:
        self.hold_until = max(self.hold_until, self.clock.time() + seconds)


# -- the fetcher -----------------------------------------------------------------------------------


def _describe(method: str, url: httpx.URL | str) -> str:
    parts = urlsplit(str(url))
    return f"{method} {parts.path or '/'}"


def wait_from_headers(resp: httpx.Response, now: float) -> float | None:
    """Seconds the server asks us to wait, from Retry-After (seconds or HTTP date) or an exhausted rate limit."""
    retry_after = resp.headers.get("Retry-After")
    if retry_after:
        retry_after = retry_after.strip()
        if retry_after.isdigit():
            return float(retry_after)
        try:
            when = email.utils.parsedate_to_datetime(retry_after)
            return max(0.0, when.timestamp() - now)
        except (TypeError, ValueError):
            pass
    if resp.headers.get("X-RateLimit-Remaining") == "0":
        reset = resp.headers.get("X-RateLimit-Reset")
        if reset and reset.isdigit():
            return max(1.0, float(reset) - now + 1)  # +1: the reset instant itself may still be refused
    return None


def is_rate_limited(resp: httpx.Response) -> bool:
    # GitHub signals its limits with 403 (or 429) plus headers, not always 429.
    if resp.status_code == 429:
        return True
    if resp.status_code == 403:
        return "Retry-After" in resp.headers or resp.headers.get("X-RateLimit-Remaining") == "0"
    return False


class Fetcher:
    """One shared httpx client, wrapped with retries and per-host politeness; counts requests per source."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock | None = None,
        policies: Mapping[str, HostPolicy] | None = None,  # keyed by base URL or host
        max_tries: int = 5,
        base_delay: float = 1.0,
        max_wait: float = 900.0,
    ):
        self.client = client
        self.clock = clock or Clock()
        self.policies = dict(policies or {})
        self.max_tries = max_tries
        self.base_delay = base_delay
        self.max_wait = max_wait
        self.requests: Counter[str] = Counter()
        self._gates: dict[str, _HostGate] = {}

    def gate(self, url: str | httpx.URL) -> _HostGate:
        """The gate of the longest policy prefix (a source's base URL) the URL falls under, else of its host.

        Keyed by base URL rather than bare host so that sources replayed or mirrored behind one host
        still keep their own limits (arXiv's 3 s pacing must not slow the others down).
        """
        text = str(url)
        matches = [p for p in self.policies if text.startswith(p.rstrip("/") + "/") or text == p]
        key = max(matches, key=len) if matches else httpx.URL(text).netloc.decode()
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = _HostGate(self.policies.get(key, HostPolicy()), self.clock)
        return gate

    def hold(self, url: str | httpx.URL, seconds: float) -> None:
        """Pause every request to this URL's source for `seconds` (Stack Exchange `backoff`)."""
        self.gate(url).hold(seconds)

    def _backoff(self, attempt: int) -> float:
        # Exponential with jitter so parallel units don't retry in lockstep.
        return self.base_delay * (2**attempt) * (0.75 + random.random() / 2)

    async def request(
        self,
        method: str,
        url: str,
        *,
        source: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: str | bytes | None = None,
    ) -> httpx.Response:
        """Send one request, retrying what is worth retrying; returns any final response, raises SourceError."""
        what = _describe(method, url)
        gate = self.gate(url)
        problem = ""
        for attempt in range(self.max_tries):
            wait: float | None = None
            await gate.enter()
            try:
                resp = await self.client.request(method, url, params=params, headers=headers, content=content)
                await resp.aread()
            except httpx.TimeoutException:
                problem = "timed out"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
            else:
                self.requests[source] += 1
                if not (resp.status_code in RETRY_STATUSES or is_rate_limited(resp)):
                    return resp
                problem = f"HTTP {resp.status_code}"
                wait = wait_from_headers(resp, self.clock.time())
                if wait is not None:
                    gate.hold(wait)  # the whole host is told to wait, not just this request
            finally:
                gate.leave()
            if attempt == self.max_tries - 1:
                break
            delay = wait if wait is not None else self._backoff(attempt)
            if delay > self.max_wait:
                raise SourceError(f"{what}: {problem}; asked to wait {delay:.0f} s, more than {self.max_wait:.0f} s")
            await self.clock.sleep(delay)
        raise SourceError(f"{what}: {problem} after {self.max_tries} tries")

    async def get(self, url: str, *, source: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, source=source, **kwargs)


def parse(model: type[T], resp: httpx.Response, what: str) -> T:
    """Validate a JSON body against its pydantic model; truncated JSON and changed shapes become one-line reasons."""
    try:
        return model.model_validate_json(resp.content)
    except ValidationError as exc:
        raise SourceError(f"{what}: {explain(exc)}") from None


def explain(exc: ValidationError) -> str:
    errors = exc.errors()
    if any(err["type"] == "json_invalid" for err in errors):
        return "invalid or truncated JSON in the response"
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"response shape changed: {where}: {first['msg']}{more}"


def expect(resp: httpx.Response, what: str, ok: Iterable[int] = (200,)) -> None:
    if resp.status_code not in set(ok):
        detail = resp.text[:160].replace("\n", " ").strip()
        raise SourceError(f"{what}: HTTP {resp.status_code}{': ' + detail if detail else ''}")


# -- the source interface --------------------------------------------------------------------------


@dataclass
class Batch:
    """What one source fetched for one framework; written in one transaction, or not at all."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    languages: list[dict[str, Any]] = field(default_factory=list)
    """`github_languages` rows: framework, date, language, bytes, source (one day's make-up per framework)."""
    notes: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    """Store meta keys (a source's cursors) written in the same transaction as the rows."""
    skipped: bool = False
    """Nothing was missing, so nothing was asked."""

    def add(self, framework: str, metric: str, day: date | str, value: float, source: str, **extra: Any) -> None:
        self.rows.append(
            {
                "framework": framework,
                "metric": metric,
                "date": day.isoformat() if isinstance(day, date) else day,
                "value": value,
                "source": source,
                "method": extra.get("method"),
                "note": extra.get("note"),
            }
        )


class Stored(Protocol):
    """What a source may know of the store: what is already there, read-only. Sources never write;
    the refresh job writes the rows they return."""

    def latest_date(self, framework: str, metric: str, source: str) -> str | None:
        """The newest date (YYYY-MM-DD) stored for this framework's metric from this source."""
        ...

    def stored_dates(self, framework: str, metric: str, source: str) -> set[str]:
        """Every date (YYYY-MM-DD) stored for this framework's metric from this source."""
        ...

    def meta(self, key: str) -> str | None:
        """A stored cursor or counter (what a Batch's `meta` wrote on an earlier run)."""
        ...


@dataclass
class Context:
    fetcher: Fetcher
    settings: Settings
    stored: Stored
    today: date
    """The day the run counts as "today" (UTC); only periods that ended before it are complete."""


class Source(ABC):
    """The one interface of a source. `fetch` returns a Batch of rows for one framework; a source holds no SQL
    and never writes: it reads what is stored through `ctx.stored`, and the refresh job writes its rows.

    One upstream API: what it fetches (`metrics`), for which frameworks (`applies_to`), since when (`since`)."""

    id: ClassVar[str]
    name: ClassVar[str]
    metrics: ClassVar[tuple[str, ...]]
    since: ClassVar[date]
    """The earliest date this source is asked about."""
    stale_after_days: ClassVar[int] = 2

    def __init__(self, settings: Settings):
        self.settings = settings

    @property
    @abstractmethod
    def base_url(self) -> str: ...

    def host(self) -> str:
        """The key its politeness policy applies to: the base URL (in production, one host per source)."""
        return self.base_url.rstrip("/")

    def policy(self) -> HostPolicy:
        return HostPolicy()

    @abstractmethod
    def applies_to(self, fw: Framework) -> bool: ...

    async def prepare(self, ctx: Context, frameworks: list[Framework]) -> None:
        """Called once per run before any fetch: sources that share a budget across frameworks split it here."""
        return None

    @abstractmethod
    async def fetch(self, ctx: Context, fw: Framework) -> Batch: ...

    async def finish(self, ctx: Context) -> dict[str, str]:
        """Called once after every unit is done, failed or not; returns store meta to write (e.g. quota spent)."""
        return {}

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


def utc_today() -> date:
    return datetime.now(UTC).date()


def month_starts(first: date, last: date) -> list[date]:
    """First days of every month from `first`'s month to `last`'s month, inclusive."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def next_month(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def last_complete_month(today: date) -> date:
    first = date(today.year, today.month, 1)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
