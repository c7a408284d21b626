"""The `sources` answer reads refresh status through the store."""

from __future__ import annotations

from bot.ingest.sources import SOURCES
from bot.store.refresh_runs import LIVE_SOURCES


def test_the_sources_answer_names_each_live_source_as_its_ingest_source_does():
    # The store lists the live sources as data so answering needn't import ingest; they must not drift.
    assert [(s.id, s.name, s.stale_after_days) for s in LIVE_SOURCES] == [
        (cls.id, cls.name, cls.stale_after_days) for cls in SOURCES.values()
    ]
