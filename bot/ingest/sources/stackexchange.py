"""Stack Overflow questions per calendar month per tag, and each tag's current total, from the Stack Exchange API.

Without STACKEXCHANGE_KEY the API allows about 300 requests a day per IP, far less than the ~220 months
per tag since 2008. So each run spends a budget (what the API says is left, minus a reserve), split evenly
across frameworks, newest months first; older months are backfilled by later runs.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from typing import ClassVar

import httpx
from pydantic import BaseModel

from bot.catalog import Framework
from bot.ingest.sources.base import (
    Batch,
    Context,
    HostPolicy,
    Source,
    SourceError,
    last_complete_month,
    month_starts,
    parse,
)

QUOTA_WITHOUT_KEY = 300
QUOTA_WITH_KEY = 10_000
RESERVE = 30  # left for the bot's own look-ups and for tomorrow's first run if the day boundary is near
METHOD = "Stack Exchange /questions filter=total, questions created in the month (deleted ones excluded)"


class Wrapper(BaseModel):
    """The common wrapper; every field optional because filters trim it."""

    total: int | None = None
    items: list[dict] | None = None
    has_more: bool | None = None
    quota_max: int | None = None
    quota_remaining: int | None = None
    backoff: int | None = None
    error_id: int | None = None
    error_name: str | None = None
    error_message: str | None = None


class TagInfo(BaseModel):
    name: str
    count: int


class TagInfoResponse(Wrapper):
    items: list[TagInfo]  # type: ignore[assignment]


class Total(Wrapper):
    total: int  # type: ignore[assignment]


def epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


class StackExchange(Source):
    id = "stackexchange"
    name = "Stack Exchange API (Stack Overflow)"
    metrics: ClassVar[tuple[str, ...]] = ("so_questions", "so_questions_total")
    since = date(2008, 8, 1)  # Stack Overflow's public beta
    stale_after_days = 2

    def __init__(self, settings):
        super().__init__(settings)
        self.share = 0
        self.spent_before = 0
        self.quota_remaining: int | None = None

    @property
    def base_url(self) -> str:
        return self.settings.fwtrend_stackexchange_url

    def policy(self) -> HostPolicy:
        # More than 30 requests a second from one IP gets it banned; stay well under.
        return HostPolicy(concurrency=4, min_interval=0.04)

    def applies_to(self, fw: Framework) -> bool:
        return bool(fw.stackoverflow)

    @property
    def daily_quota(self) -> int:
        return QUOTA_WITH_KEY if self.settings.stackexchange_key is not None else QUOTA_WITHOUT_KEY

    def quota_key(self, ctx: Context) -> str:
        return f"quota:{self.id}:{ctx.today.isoformat()}"  # the quota is per UTC day

    async def prepare(self, ctx: Context, frameworks: list[Framework]) -> None:
        # Earlier runs today already spent part of the quota; the API's own count, when it sends one, wins.
        self.spent_before = int(ctx.stored.meta(self.quota_key(ctx)) or 0)
        left = self.daily_quota - self.spent_before - RESERVE
        self.share = max(0, left) // max(1, len(frameworks))

    async def finish(self, ctx: Context) -> dict[str, str]:
        spent = self.spent_before + ctx.fetcher.requests.get(self.id, 0)
        return {self.quota_key(ctx): str(spent)}

    def params(self, **extra: str | int) -> dict[str, str | int]:
        params: dict[str, str | int] = {"site": "stackoverflow", **extra}
        if self.settings.stackexchange_key is not None:
            params["key"] = self.settings.stackexchange_key.get_secret_value()
        return params

    async def _call(self, ctx: Context, path: str, model: type[Wrapper], **params: str | int) -> Wrapper:
        url = self.url(path)
        resp = await ctx.fetcher.get(url, source=self.id, params=self.params(**params))
        what = f"GET {httpx.URL(url).path}"
        body = parse(Wrapper, resp, what) if resp.status_code != 200 else parse(model, resp, what)
        if body.backoff:
            # "wait that many seconds before calling the same method again"; we pause the host, which is stricter.
            ctx.fetcher.hold(url, body.backoff)
        if body.quota_remaining is not None:
            self.quota_remaining = body.quota_remaining
        if resp.status_code != 200 or body.error_id is not None:
            detail = " ".join(str(p) for p in (body.error_id, body.error_name) if p)
            raise SourceError(f"{what}: Stack Exchange error {detail}: {body.error_message or ''}".strip())
        return body

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        tag = fw.stackoverflow[0]  # `tagged=a;b` means AND, so extra tags cannot simply be added
        budget = self.share
        spent = 0
        total_due = (ctx.stored.latest_date(fw.id, "so_questions_total", self.id) or "") < ctx.today.isoformat()
        if spent < budget and total_due:
            info = await self._call(ctx, f"/tags/{tag}/info", TagInfoResponse)
            spent += 1
            for item in info.items or []:
                if item.name == tag:
                    batch.add(
                        fw.id,
                        "so_questions_total",
                        ctx.today,
                        item.count,
                        self.id,
                        method="Stack Exchange /tags/{tag}/info count",
                        note=f"tag {tag}",
                    )
        stored = ctx.stored.stored_dates(fw.id, "so_questions", self.id)
        missing = [m for m in month_starts(self.since, last_complete_month(ctx.today)) if m.isoformat() not in stored]
        missing.reverse()  # newest first: recent months matter most, old ones fill in over the next days
        if not missing and spent == 0:
            batch.skipped = True
        for done, month in enumerate(missing):
            if spent >= budget:
                batch.notes.append(f"{len(missing) - done} months left for later runs (quota {self.daily_quota}/day)")
                break
            if self.quota_remaining is not None and self.quota_remaining <= RESERVE:
                batch.notes.append(
                    f"{len(missing) - done} months left: only {self.quota_remaining} requests of today's quota remain"
                )
                break
            last_day = calendar.monthrange(month.year, month.month)[1]
            body = await self._call(
                ctx,
                "/questions",
                Total,
                tagged=tag,
                fromdate=epoch(month),
                todate=epoch(month.replace(day=last_day)) + 86_399,
                filter="total",
            )
            spent += 1
            batch.add(fw.id, "so_questions", month, body.total, self.id, method=METHOD, note=f"tag {tag}")
        return batch
