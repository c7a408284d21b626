"""Each Slack delivery is taken once across every process sharing the store: retries sent to another
process or after a restart, and one message delivered as two events, are acked and not answered again."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy.exc
from slack_bolt import App, BoltRequest

from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.middleware import delivery_keys
from bot.slack.server import build_services
from bot.store.opening import forget_stores, open_store
from bot.store.slack_events import KEEP_S, first_delivery
from tests.support.fake_slack import FakeSlack
from tests.support.signing import app_mention_event, event_body, im_message_event, signed_headers

SECRET = "deliveries-secret"


def web_process(fake: FakeSlack, db: Path) -> App:
    """One `fwtrend serve` process's Bolt app: its own services and worker, the shared store at `db`."""
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
        fwtrend_db=db,
        fwtrend_render_processes=0,
    )
    return create_app(settings, build_services(settings))


def deliver(app: App, body: str, retry_num: int | None = None) -> None:
    response = app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body, retry_num=retry_num)))
    assert response.status == 200, response.body


def answers(fake: FakeSlack, expected: int = 1, settle_s: float = 1.5) -> int:
    """chat.postMessage calls once `expected` arrived (or 30 s passed, on a busy machine) and the workers
    have had `settle_s` more to post anything they (wrongly) still would."""
    deadline = time.monotonic() + 30
    while len(fake.calls("chat.postMessage")) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(settle_s)
    return len(fake.calls("chat.postMessage"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    yield tmp_path / "shared.db"
    forget_stores()


def test_an_event_retried_to_another_process_is_answered_once(fake_slack: FakeSlack, db: Path) -> None:
    first, second = web_process(fake_slack, db), web_process(fake_slack, db)
    body = event_body(app_mention_event("pytorch vs jax stars"), event_id="EvRetry1")
    deliver(first, body)
    fake_slack.wait_for("chat.postMessage", count=1, timeout=30)
    for retry in (1, 2, 3):
        deliver(second, body, retry_num=retry)
    assert answers(fake_slack) == 1


def test_a_retry_after_a_restart_is_answered_once(fake_slack: FakeSlack, db: Path) -> None:
    body = event_body(app_mention_event("jax vs flax"), event_id="EvRestart1")
    deliver(web_process(fake_slack, db), body)
    fake_slack.wait_for("chat.postMessage", count=1, timeout=30)
    forget_stores()  # the process is gone: nothing of it survives but the store file
    deliver(web_process(fake_slack, db), body, retry_num=1)
    assert answers(fake_slack) == 1


def test_one_message_delivered_as_two_events_is_answered_once(fake_slack: FakeSlack, db: Path) -> None:
    app = web_process(fake_slack, db)
    event = app_mention_event("keras vs pytorch", ts="1700000123.000100")
    deliver(app, event_body(event, event_id="EvTwinA"))
    deliver(app, event_body(event, event_id="EvTwinB"))  # another event id, the same channel and ts
    assert answers(fake_slack) == 1


def test_different_messages_are_each_answered(fake_slack: FakeSlack, db: Path) -> None:
    app = web_process(fake_slack, db)
    deliver(app, event_body(app_mention_event("jax", ts="1700000001.000001"), event_id="EvA"))
    deliver(app, event_body(app_mention_event("flax", ts="1700000002.000001"), event_id="EvB"))
    assert answers(fake_slack, expected=2) == 2


def test_delivery_keys_name_the_event_and_the_message() -> None:
    import json

    mention = json.loads(event_body(app_mention_event("x", channel="C9", ts="1.2"), event_id="Ev9", team_id="T9"))
    assert delivery_keys(mention) == ["event:Ev9", "message:T9:C9:1.2"]
    dm = json.loads(event_body(im_message_event("jax"), event_id="Ev10"))
    assert delivery_keys(dm)[0] == "event:Ev10" and delivery_keys(dm)[1].startswith("message:")
    assert delivery_keys({"type": "block_actions"}) == []  # buttons and commands are not events


def test_processes_racing_on_one_delivery_let_exactly_one_take_it(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    open_store(path)
    forget_stores()
    taken: list[bool] = []
    start = threading.Barrier(8)

    def take() -> None:
        from bot.store.connection import Store

        store = Store(path)  # a connection of its own, as another process has
        start.wait()
        taken.append(first_delivery(store, ["event:EvRace"]))
        store.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == [False] * 7 + [True]


def test_a_delivery_is_remembered_for_a_day_then_forgotten(tmp_path: Path) -> None:
    store = open_store(tmp_path / "ttl.db")
    assert first_delivery(store, ["event:EvOld"], now=1_000.0)
    assert not first_delivery(store, ["event:EvOld"], now=1_000.0 + KEEP_S - 1)
    assert first_delivery(store, ["event:EvOld"], now=1_000.0 + KEEP_S + 10)
    forget_stores()


def test_a_store_that_cannot_record_the_answer_still_answers_from_memory(
    fake_slack: FakeSlack, db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = web_process(fake_slack, db)
    open_store(db).shared.dispose()
    read_only = open_store(db).shared

    def refuse(*_args, **_kwargs):
        raise sqlalchemy.exc.OperationalError(
            "INSERT", {}, sqlite3.OperationalError("attempt to write a readonly database")
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_only, "write", refuse)
        deliver(app, event_body(app_mention_event("jax vs flax"), event_id="EvReadOnly"))
    fake_slack.wait_for("chat.postMessage", timeout=30)
    assert "answering from memory" in caplog.text and "readonly database" in caplog.text
