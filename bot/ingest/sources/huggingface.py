"""Hugging Face Hub: how many models declare each framework's library tag, counted once a day.

The documented `/api/models` listing has no total and would need thousands of pages per library. The Hub's
own model search page is backed by `/models-json?library=<tag>`, whose answer carries `numTotalItems`: the
same number the website shows above its results. One request per library, no paging. It is undocumented,
so its shape is validated strictly and a change fails the source instead of storing a wrong count.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel

from bot.catalog import Framework
from bot.ingest.sources.base import Batch, Context, HostPolicy, Source, expect, parse

METHOD = "Hub model search count (models-json numTotalItems, library tag)"


class ModelsPage(BaseModel):
    models: list[dict]
    numItemsPerPage: int
    numTotalItems: int
    pageIndex: int


class HuggingFace(Source):
    id = "huggingface"
    name = "Hugging Face Hub"
    metrics: ClassVar[tuple[str, ...]] = ("hf_models",)
    since = date(2026, 1, 1)  # a count at a date: there is no history to backfill

    @property
    def base_url(self) -> str:
        return self.settings.fwtrend_huggingface_url

    def policy(self) -> HostPolicy:
        return HostPolicy(concurrency=2)

    def applies_to(self, fw: Framework) -> bool:
        return fw.huggingface is not None

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        if (ctx.stored.latest_date(fw.id, "hf_models", self.id) or "") >= ctx.today.isoformat():
            batch.skipped = True
            return batch
        resp = await ctx.fetcher.get(self.url("/models-json"), source=self.id, params={"library": fw.huggingface})
        expect(resp, "GET /models-json")
        page = parse(ModelsPage, resp, "GET /models-json")
        batch.add(
            fw.id, "hf_models", ctx.today, page.numTotalItems, self.id, method=METHOD, note=f"library={fw.huggingface}"
        )
        return batch
