"""Two clock processes posting digests at the same moment against one shared database (the SQLite store
file, then PostgreSQL): each due digest is posted exactly once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.store.opening import forget_stores, open_store
from tests.digest.test_digest_post import DUE, add_series, digest_posts, subscribe_direct
from tests.support.fake_slack import FakeSlack
from tests.support.serve_process import clean_env

CHANNELS = ["C111", "C112", "C113", "C114", "C115"]


def test_two_clock_processes_racing_post_each_digest_once(
    tmp_path: Path, fake_slack: FakeSlack, shared_backend: str | None
) -> None:
    db = tmp_path / "fwtrend.db"
    store = open_store(db)
    add_series(store)
    subscribe_direct(store, fake_slack, "pytorch tensorflow")
    for channel in CHANNELS[1:]:
        subscribe_direct(store, fake_slack, "jax", channel_id=channel)
    forget_stores()
    fake_slack.reset()
    env = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.base_url}
    if shared_backend is not None:
        env["FWTREND_DATABASE_URL"] = shared_backend
    clocks = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "digest", "--now", DUE.isoformat()],
            cwd=tmp_path,
            env=clean_env(tmp_path, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [clock.communicate(timeout=300) for clock in clocks]
    for clock, (out, err) in zip(clocks, outputs, strict=True):
        assert clock.returncode == 0, out + err
        assert "Traceback" not in err
    assert Counter(c.params["channel"] for c in digest_posts(fake_slack)) == Counter(dict.fromkeys(CHANNELS, 1))
