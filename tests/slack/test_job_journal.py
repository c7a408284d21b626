"""An answer job run again after its worker died does not repeat what Slack already accepted: each accepted
change is a recorded step, handed back from the record on the next run (`bot.slack.job_journal`)."""

from __future__ import annotations

import logging

import pytest
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.job_journal import HandedBack, Journal, JournaledClient, journaled_respond
from bot.store import answer_jobs
from bot.store.connection import Store
from tests.support.fake_slack import FakeSlack

OWNER = "first-worker"


@pytest.fixture
def job_id(shared_store: Store) -> int:
    job = answer_jobs.enqueue(shared_store, "message", {"team": "T111"}, useful_for_s=600)
    assert job is not None
    assert answer_jobs.claim(shared_store, OWNER, lease_s=30) is not None
    return job


def run(store: Store, job_id: int, attempts: int, client: WebClient) -> tuple[JournaledClient, Journal]:
    journal = Journal.for_job(store, job_id, OWNER, attempts)
    return JournaledClient(client, journal), journal


def methods(store: Store, job_id: int) -> list[str]:
    return [method for _, (method, _) in sorted(answer_jobs.done_steps(store, job_id).items())]


def test_a_rerun_gets_the_posted_message_back_without_posting_it_again(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    first, _ = run(shared_store, job_id, 1, fake_slack_client)
    posted = first.chat_postMessage(channel="C1", text="PyTorch vs TensorFlow")
    # the worker dies here: the chart was never uploaded

    again, journal = run(shared_store, job_id, 2, fake_slack_client)
    replayed = again.chat_postMessage(channel="C1", text="PyTorch vs TensorFlow")
    again.chat_update(channel="C1", ts=replayed["ts"], text="PyTorch vs TensorFlow, with its chart")

    assert len(fake_slack.calls("chat.postMessage")) == 1
    assert (replayed["channel"], replayed["ts"]) == (posted["channel"], posted["ts"])
    assert [c.params["ts"] for c in fake_slack.calls("chat.update")] == [posted["ts"]]
    assert journal.replayed == 1
    assert methods(shared_store, job_id) == ["chat_postMessage", "chat_update"]


def test_a_call_slack_refused_is_not_a_step(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    fake_slack.fail("chat.postMessage", "not_in_channel")
    client, _ = run(shared_store, job_id, 1, fake_slack_client)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="answer")
    client.conversations_join(channel="C1")  # a read-like call: never a step
    client.chat_postMessage(channel="C1", text="answer")  # posted, once joined
    assert methods(shared_store, job_id) == ["chat_postMessage"]

    again, _ = run(shared_store, job_id, 2, fake_slack_client)
    again.chat_postMessage(channel="C1", text="answer")  # handed back: Slack is not asked again
    assert len(fake_slack.calls("chat.postMessage")) == 2  # the refused one and the accepted one


@pytest.mark.parametrize(
    "other_path",
    [
        lambda c: c.chat_postEphemeral(channel="C1", user="U1", text="a private answer this time"),
        lambda c: c.chat_postMessage(channel="C2", text="the same method to another channel"),
    ],
    ids=["another-method", "another-channel"],
)
def test_a_rerun_taking_another_path_sends_from_the_first_step_that_differs(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient, caplog, other_path
) -> None:
    first, _ = run(shared_store, job_id, 1, fake_slack_client)
    first.chat_postMessage(channel="C1", text="answer")
    sent_before = len(fake_slack.calls())

    again, journal = run(shared_store, job_id, 2, fake_slack_client)
    with caplog.at_level(logging.WARNING, logger="fwtrend.jobs"):
        other_path(again)
    assert len(fake_slack.calls()) == sent_before + 1
    assert journal.replayed == 0
    assert "took another path than its first run" in caplog.text
    assert len(answer_jobs.done_steps(shared_store, job_id)) == 1  # the new step replaced the old record


def test_a_step_whose_record_was_lost_is_sent_again_and_the_steps_after_it_are_not(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient, monkeypatch
) -> None:
    first, _ = run(shared_store, job_id, 1, fake_slack_client)
    real_record = answer_jobs.record_step
    monkeypatch.setattr(answer_jobs, "record_step", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    first.chat_postMessage(channel="C1", text="answer")  # in Slack, but not recorded
    monkeypatch.setattr(answer_jobs, "record_step", real_record)
    first.chat_postMessage(channel="C1", thread_ts="1.2", text="the chart's message")

    again, journal = run(shared_store, job_id, 2, fake_slack_client)
    again.chat_postMessage(channel="C1", text="answer")
    again.chat_postMessage(channel="C1", thread_ts="1.2", text="the chart's message")
    threads = [c.params.get("thread_ts") for c in fake_slack.calls("chat.postMessage")]
    assert threads == [None, "1.2", None]  # only the step with no record went again
    assert journal.replayed == 1


def test_a_run_whose_job_was_taken_over_records_nothing_and_stops_at_its_next_step(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    client, _ = run(shared_store, job_id, 1, fake_slack_client)
    assert answer_jobs.claim(shared_store, "second-worker", lease_s=30, now=10**10) is not None  # lease ran out
    client.chat_postMessage(channel="C1", text="answer")  # already on its way to Slack
    assert answer_jobs.done_steps(shared_store, job_id) == {}
    with pytest.raises(HandedBack):
        client.chat_update(channel="C1", ts="1.2", text="with its chart")
    assert fake_slack.calls("chat.update") == []


def test_a_run_whose_job_was_handed_back_sends_nothing_more(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    client, journal = run(shared_store, job_id, 1, fake_slack_client)
    journal.revoke()  # SIGTERM: the grace period is over and the job went back to the queue
    with pytest.raises(HandedBack):
        client.chat_postMessage(channel="C1", text="answer")
    assert fake_slack.calls("chat.postMessage") == []


def test_a_response_url_reply_is_a_step_only_when_slack_took_it(
    shared_store: Store, job_id: int, fake_slack: FakeSlack
) -> None:
    journal = Journal.for_job(shared_store, job_id, OWNER, 1)
    respond = journaled_respond(Respond(response_url=fake_slack.hook_url()), journal)
    fake_slack.fail("response_url", "expired_url", status=404)
    assert respond(text="refused").status_code == 404
    assert respond(text="taken").status_code == 200
    assert methods(shared_store, job_id) == ["respond"]

    again_journal = Journal.for_job(shared_store, job_id, OWNER, 2)
    again = journaled_respond(Respond(response_url=fake_slack.hook_url()), again_journal)
    assert again(text="taken").status_code == 200
    assert len(fake_slack.calls("response_url")) == 2  # the refused one and the taken one, never a third


def test_completing_a_job_drops_its_steps_and_a_lost_lease_keeps_them(
    shared_store: Store, job_id: int, fake_slack_client: WebClient
) -> None:
    client, _ = run(shared_store, job_id, 1, fake_slack_client)
    client.chat_postMessage(channel="C1", text="answer")
    assert not answer_jobs.complete(shared_store, job_id, "another-worker")  # not its lease: the steps stay
    assert len(answer_jobs.done_steps(shared_store, job_id)) == 1
    assert answer_jobs.complete(shared_store, job_id, OWNER)
    assert answer_jobs.done_steps(shared_store, job_id) == {}


def test_a_rerun_that_would_say_something_else_sends_it(
    shared_store: Store, job_id: int, fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    first, _ = run(shared_store, job_id, 1, fake_slack_client)
    first.chat_postMessage(channel="C1", thread_ts="1.2", text="Looking up llama-index on PyPI, npm and GitHub…")

    again, journal = run(shared_store, job_id, 2, fake_slack_client)  # the name is known now: no look-up
    again.chat_postMessage(channel="C1", thread_ts="1.2", text="llama-index: 1.2M downloads/day")
    assert [c.params["text"] for c in fake_slack.calls("chat.postMessage")][-1] == "llama-index: 1.2M downloads/day"
    assert journal.replayed == 0


def test_old_finished_jobs_and_steps_left_behind_are_dropped_about_once_a_minute(shared_store: Store) -> None:
    day = 24 * 3600
    old = answer_jobs.enqueue(shared_store, "message", {"team": "T111"}, useful_for_s=600, now=1_000_000)
    assert answer_jobs.claim(shared_store, OWNER, lease_s=30, now=1_000_000) is not None
    assert answer_jobs.complete(shared_store, old, OWNER, now=1_000_000)
    with shared_store.shared.write() as conn:  # a step whose job is done (its clean-up failed)
        conn.execute(
            answer_jobs.answer_job_steps.insert().values(
                job_id=old, step=0, method="chat_postMessage", response="{}", done_at=1_000_000
            )
        )
    new = answer_jobs.enqueue(shared_store, "message", {"team": "T111"}, useful_for_s=600, now=1_000_000 + 2 * day)
    assert answer_jobs.claim(shared_store, OWNER, lease_s=30, now=1_000_000 + 2 * day) is not None
    assert answer_jobs.complete(shared_store, new, OWNER, now=1_000_000 + 2 * day)
    assert [row[0] for row in answer_jobs.outcomes(shared_store)] == [new]
    assert answer_jobs.done_steps(shared_store, old) == {}
