"""npm: daily downloads through the range API, in chunks the API accepts (at most 18 months each)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from pydantic import BaseModel

from bot.catalog import Framework
from bot.ingest.sources.base import Batch, Context, HostPolicy, Source, expect, parse

CHUNK_DAYS = 500  # under 18 months whatever the months, start and end both inclusive
METHOD = "npm range API, all downloads per day"


class Day(BaseModel):
    day: date
    downloads: int


class Range(BaseModel):
    downloads: list[Day]
    start: date
    end: date
    package: str


class Npm(Source):
    id = "npm"
    name = "npm download counts"
    metrics: ClassVar[tuple[str, ...]] = ("npm_downloads",)
    since = date(2015, 1, 10)  # the API's earliest date

    @property
    def base_url(self) -> str:
        return self.settings.fwtrend_npm_url

    def policy(self) -> HostPolicy:
        return HostPolicy(concurrency=4)

    def applies_to(self, fw: Framework) -> bool:
        return bool(fw.npm)

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        package = fw.npm[0]
        latest = ctx.stored.latest_date(fw.id, "npm_downloads", self.id)
        start = date.fromisoformat(latest) + timedelta(days=1) if latest else self.since
        end = ctx.today - timedelta(days=1)  # counts are crunched after UTC midnight
        if start > end:
            batch.skipped = True
            return batch
        seen_downloads = latest is not None
        chunk_start = start
        while chunk_start <= end:
            chunk_end = min(end, chunk_start + timedelta(days=CHUNK_DAYS - 1))
            path = f"/downloads/range/{chunk_start.isoformat()}:{chunk_end.isoformat()}/{package}"
            resp = await ctx.fetcher.get(self.url(path), source=self.id)
            expect(resp, f"GET {path}")
            for day in parse(Range, resp, f"GET {path}").downloads:
                # Before a package exists npm reports zeros; those days are "no package", not "no interest".
                seen_downloads = seen_downloads or day.downloads > 0
                if seen_downloads and start <= day.day <= end:
                    batch.add(
                        fw.id,
                        "npm_downloads",
                        day.day,
                        day.downloads,
                        self.id,
                        method=METHOD,
                        note=f"package {package}",
                    )
            chunk_start = chunk_end + timedelta(days=1)
        return batch
