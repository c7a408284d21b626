"""PyPI downloads, from two places with different counting methods, each recorded on every row.

- pypistats.org `/overall?mirrors=false`: one figure per day, mirrors excluded, last 180 days only,
  stored as its own metric `pypi_downloads_daily` (a day's figure is not a month's average).
- ClickHouse's public `pypi.pypi_downloads_per_month`: calendar months back to 2016, all installers,
  stored in `pypi_downloads` as the month's downloads per day, dated the month's last day with the same
  counting method as the bundled history's ClickHouse months, so the series continues without a break.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import ClassVar

from pydantic import BaseModel, field_validator

from bot.catalog import Framework
from bot.ingest.sources.base import (
    Batch,
    Context,
    HostPolicy,
    Source,
    SourceError,
    expect,
    last_complete_month,
    next_month,
    parse,
)

PYPISTATS_METHOD = "pypistats daily, without mirrors"
CLICKHOUSE_METHOD = "all installers, calendar month (ClickHouse)"  # as in bot/ingest/seed.py
SETTLE_DAYS = 3
_PACKAGE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# -- pypistats ------------------------------------------------------------------------------------


class OverallRow(BaseModel):
    category: str
    date: date
    downloads: int


class Overall(BaseModel):
    data: list[OverallRow]
    package: str
    type: str


class PyPIStats(Source):
    id = "pypistats"
    name = "pypistats.org"
    metrics: ClassVar[tuple[str, ...]] = ("pypi_downloads_daily",)
    since = date(2000, 1, 1)  # the API itself only keeps 180 days; we take whatever it has

    @property
    def base_url(self) -> str:
        return self.settings.fwtrend_pypistats_url

    def policy(self) -> HostPolicy:
        return HostPolicy(concurrency=2)  # "IP-based rate limiting is imposed application-wide"

    def applies_to(self, fw: Framework) -> bool:
        return fw.pypi_primary is not None

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        yesterday = ctx.today - timedelta(days=1)
        latest = ctx.stored.latest_date(fw.id, "pypi_downloads_daily", self.id)
        if latest and latest >= yesterday.isoformat():  # updated once a day: nothing newer to ask for
            batch.skipped = True
            return batch
        package = fw.pypi_primary.lower()
        path = f"/packages/{package}/overall"
        resp = await ctx.fetcher.get(self.url(path), source=self.id, params={"mirrors": "false"})
        expect(resp, f"GET {path}")
        overall = parse(Overall, resp, f"GET {path}")
        for row in overall.data:
            # Without `mirrors=false` both categories come back and summing them double-counts.
            if row.category != "without_mirrors" or row.date >= ctx.today:
                continue
            if latest and row.date.isoformat() <= latest:
                continue
            batch.add(
                fw.id,
                "pypi_downloads_daily",
                row.date,
                row.downloads,
                self.id,
                method=PYPISTATS_METHOD,
                note=f"package {package}",
            )
        return batch


# -- ClickHouse ---------------------------------------------------------------------------------------


class MonthRow(BaseModel):
    month: date
    downloads: int  # ClickHouse quotes 64-bit integers in JSON; pydantic accepts "123" and 123

    @field_validator("month", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        return value[:10] if isinstance(value, str) else value


class ClickHouseResult(BaseModel):
    meta: list[dict]
    data: list[MonthRow]
    rows: int


class ClickHouse(Source):
    id = "clickhouse"
    name = "ClickHouse public PyPI dataset"
    metrics: ClassVar[tuple[str, ...]] = ("pypi_downloads",)
    since = date(2016, 1, 1)

    @property
    def base_url(self) -> str:
        return self.settings.fwtrend_clickhouse_url

    def policy(self) -> HostPolicy:
        return HostPolicy(concurrency=2)

    def applies_to(self, fw: Framework) -> bool:
        return fw.pypi_primary is not None

    @staticmethod
    def query(package: str, start: date, end: date) -> str:
        if not _PACKAGE.match(package):  # it goes into SQL text; catalog names never need quoting
            raise SourceError(f"refusing to query an odd package name {package!r}")
        return (
            "SELECT toString(month) AS month, sum(count) AS downloads "
            "FROM pypi.pypi_downloads_per_month "
            f"WHERE project = '{package}' AND month >= '{start.isoformat()}' AND month <= '{end.isoformat()}' "
            "GROUP BY month ORDER BY month"
        )

    def cursor_key(self, fw: Framework) -> str:
        return f"cursor:{self.id}:{fw.id}"

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        # The table fills in over the following days, so a month counts as complete a few days after it ends.
        last = last_complete_month(ctx.today - timedelta(days=SETTLE_DAYS))
        # A cursor, not the stored rows, says how far we got: the bundled history also holds ClickHouse months.
        cursor = ctx.stored.meta(self.cursor_key(fw))
        start = next_month(date.fromisoformat(cursor)) if cursor else self.since
        if start > last:
            batch.skipped = True
            return batch
        package = fw.pypi_primary.lower()
        resp = await ctx.fetcher.request(
            "POST",
            self.url("/"),
            source=self.id,
            params={"user": "demo", "default_format": "JSON"},
            content=self.query(package, start, last),
        )
        expect(resp, "POST / (pypi_downloads_per_month)")
        result = parse(ClickHouseResult, resp, "POST / (pypi_downloads_per_month)")
        for row in result.data:
            if not (start <= row.month <= last):
                continue
            days = calendar.monthrange(row.month.year, row.month.month)[1]
            batch.add(
                fw.id,
                "pypi_downloads",
                row.month.replace(day=days),
                row.downloads / days,
                self.id,
                method=CLICKHOUSE_METHOD,
                note=f"{row.downloads:,} downloads in {days} days; package {package}",
            )
        batch.meta[self.cursor_key(fw)] = last.isoformat()
        return batch
