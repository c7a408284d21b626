"""`GET /healthz` answers 200 only while the service can answer: the store is readable and the shared
state writable; otherwise 503 with a one-line reason (contract). The chart renderer warms up in the
background: 200 meanwhile (an answer queues behind it), 503 with its reason if that fails."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.ingest.seeded import open_seeded_store
from bot.settings import Settings
from bot.slack import server as server_module
from bot.slack import worker as worker_module
from bot.slack.server import create_flask_app
from bot.store.health import health_problem
from bot.store.opening import forget_stores, open_store
from tests.support.fake_slack import FakeSlack


@pytest.fixture
def slack_url(fake_slack: FakeSlack) -> str:
    return fake_slack.base_url


def _settings(db: Path, slack_url: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="health-secret",
        slack_api_url=slack_url,
        fwtrend_db=db,
        fwtrend_render_processes=0,
    )


def _healthz_once_settled(web, timeout_s: float = 60):
    client = web.test_client()
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get("/healthz")
        if response.get_data(as_text=True) != "starting\n" or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def _break_meta(store) -> None:
    """What every answer reads first (`meta`, the data version) can no longer be read."""
    store.db.execute("DROP TABLE main.meta")
    store.db.execute("CREATE TABLE main.meta (k TEXT)")


@pytest.fixture(autouse=True)
def _fresh_handles():
    yield
    forget_stores()


def test_healthz_answers_200_once_the_store_is_readable_and_writable(tmp_path: Path, slack_url: str) -> None:
    response = _healthz_once_settled(create_flask_app(_settings(tmp_path / "ok.db", slack_url)))
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")


def test_healthz_stays_200_when_the_store_can_no_longer_be_written_and_the_log_says_so_once(
    tmp_path: Path, slack_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Answers need only reads (contract: 200 "only while the service can answer questions"); what a
    # store that takes no writes loses is said in the log, once, not per probe.
    path = tmp_path / "ro.db"
    web = create_flask_app(_settings(path, slack_url))
    assert _healthz_once_settled(web).status_code == 200
    open_seeded_store(path).db.execute("PRAGMA query_only = ON")  # this thread's connection: as a read-only file
    client = web.test_client()
    with caplog.at_level("WARNING", logger="fwtrend.store"):
        responses = [client.get("/healthz") for _ in range(3)]
    assert [(r.status_code, r.get_data(as_text=True)) for r in responses] == [(200, "ok\n")] * 3
    said = [r.getMessage() for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(said) == 1 and str(path) in said[0] and "attempt to write a readonly database" in said[0]


def test_healthz_answers_503_with_the_reason_when_the_store_can_no_longer_be_read(
    tmp_path: Path, slack_url: str
) -> None:
    path = tmp_path / "unreadable.db"
    web = create_flask_app(_settings(path, slack_url))
    assert _healthz_once_settled(web).status_code == 200
    _break_meta(open_seeded_store(path))
    response = web.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == f"the store {path} cannot be read: no such column: value\n"


def test_healthz_answers_503_with_the_reason_when_warming_up_failed(tmp_path: Path, slack_url: str) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    response = _healthz_once_settled(create_flask_app(_settings(folder, slack_url)))
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert text.startswith(f"fwtrend: cannot use the store {folder}") and text.count("\n") == 1


def test_a_store_that_cannot_take_writes_still_serves_answers_so_it_has_no_health_problem(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    assert health_problem(store) is None
    store.db.execute("PRAGMA query_only = ON")  # as a read-only file
    assert health_problem(store) is None


def test_a_store_whose_reads_fail_says_why_in_one_line(tmp_path: Path) -> None:
    store = open_store(tmp_path / "h.db")
    _break_meta(store)
    assert health_problem(store) == f"the store {store.path} cannot be read: no such column: value"


def _hold_warm_up(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[BaseException]]:
    """Warming the chart renderer (`bot.slack.worker._warm`) waits until the event is set, then raises the
    exception put in the list, if any (with no render process, it runs on the warm-up thread here)."""
    release, outcome = threading.Event(), []

    def held(db_path: str) -> int:
        release.wait(30)
        if outcome:
            raise outcome[0]
        return 0

    monkeypatch.setattr(worker_module, "_warm", held)
    return release, outcome


def test_healthz_answers_200_while_the_chart_renderer_is_still_warming(
    tmp_path: Path, slack_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker takes and queues requests and the store is readable: answers can be asked for; the first
    # waits for the renderer (BENCHMARKS.md, "Start").
    release, _ = _hold_warm_up(monkeypatch)
    web = create_flask_app(_settings(tmp_path / "warming.db", slack_url))
    try:
        response = web.test_client().get("/healthz")
        assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
        assert not server_module._services.worker.ready.is_set()  # really still warming
    finally:
        release.set()


def test_healthz_turns_503_with_the_reason_when_warming_the_chart_renderer_fails_after_200(
    tmp_path: Path, slack_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, outcome = _hold_warm_up(monkeypatch)
    web = create_flask_app(_settings(tmp_path / "fails.db", slack_url))
    client = web.test_client()
    assert client.get("/healthz").status_code == 200
    outcome.append(OSError("cannot start the render process: out of memory"))
    release.set()
    deadline = time.monotonic() + 30
    while (response := client.get("/healthz")).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert (response.status_code, response.get_data(as_text=True)) == (
        503,
        "cannot start the render process: out of memory\n",
    )


def test_healthz_names_the_store_when_it_cannot_be_opened_at_start_without_waiting(
    tmp_path: Path, slack_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    release, _ = _hold_warm_up(monkeypatch)
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    try:
        response = create_flask_app(_settings(folder, slack_url)).test_client().get("/healthz")
    finally:
        release.set()
    assert response.status_code == 503
    assert response.get_data(as_text=True).startswith(f"fwtrend: cannot use the store {folder}")
