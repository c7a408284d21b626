"""A refresh written by another process (the clock) into the store file is answered by a running web process
at once: no restart, no stale cached answer."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bot.ingest.seeded import open_seeded_store
from bot.slack.worker import AnswerWorker
from bot.store.connection import Store
from bot.store.observations import upsert_observations
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)


def test_figures_a_refresh_in_another_process_wrote_are_answered_without_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "fwtrend.db"
    open_seeded_store(db)
    worker = AnswerWorker(db, processes=0, threads=1)
    query = understand("pytorch stars", today=TODAY)
    before = json.dumps(worker.render(query, today=TODAY).payload)
    assert "988M stars (2026-11-24)" not in before
    clock = Store(db)  # the clock process: its own connection to the same file
    with clock.transaction():
        upsert_observations(
            clock,
            [
                {
                    "framework": "pytorch",
                    "metric": "github_stars",
                    "date": "2026-11-24",
                    "value": 987_654_321,
                    "source": "github",
                }
            ],
        )
    clock.close()
    after = json.dumps(worker.render(query, today=TODAY).payload)
    assert "988M stars (2026-11-24)" in after, after[:500]
    worker.shutdown()
