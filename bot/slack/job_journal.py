"""What an answer job already did in Slack, so that running it again never does it twice.

A job's worker can die after Slack accepted some of its calls (the answer posted, the chart not yet
uploaded). The job is then run again by another worker (`bot.slack.jobs`). Each Web API call that changes
what people see, and each reply through the response_url, is one *step*. Once Slack accepts a step, it is
recorded in the shared database (`bot.store.answer_jobs.record_step`). Running the job again, a step
already recorded is not sent: Slack's recorded response is handed back instead (the posted message's `ts`,
the uploaded file's id), so the job goes on from where it was.

Only calls Slack accepted count as steps: a post refused with `not_in_channel`, then joined and posted again,
is one step. A step is handed back only to a call of the same method going to the same place (channel,
user, thread, message ts, kind of reply) with the same text. A run that takes another path than the
recorded one (the store was refreshed in between) stops replaying at the first step that differs, and says
so in the log.

One run at a time: steps are recorded only while the run's worker holds the job's lease. A run whose job
was handed back (SIGTERM, after the grace period) or taken over (its lease ran out) sends nothing more
(HandedBack at its next step).

What this cannot close: Slack accepting a step and the worker dying (or its record failing) before the
record is written, well under a millisecond on SQLite, one round trip on PostgreSQL. `chat.postMessage` and
response_urls take no idempotency key, so that one step is sent again; the steps after it are still handed
back.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web.slack_response import SlackResponse
from slack_sdk.webhook.webhook_response import WebhookResponse

from bot.store import answer_jobs
from bot.store.connection import Store

log = logging.getLogger("fwtrend.jobs")

STEP_METHODS = frozenset(
    {
        "chat_postMessage",
        "chat_postEphemeral",
        "chat_update",
        "chat_delete",
        "chat_unfurl",
        "files_upload_v2",
        "views_publish",
    }
)
"""WebClient methods that change what people see. Reads (users.info, conversations.info) and joining a
channel are simply done again."""
RESPOND = "respond"


TARGET_ARGUMENTS = ("channel", "channel_id", "user", "user_id", "thread_ts", "ts", "response_type",
                    "replace_original", "delete_original")  # fmt: skip
"""The arguments that say where a step goes: a rerun whose step goes elsewhere took another path."""
DIGESTED_ARGUMENTS = ("text", "title")
"""Arguments that say what a step says, kept as a digest: a rerun that would say something else (the figures
moved in between, or the name it looked up is now known) sends it rather than being handed the old step."""


class HandedBack(Exception):
    """The job was handed back to the queue (SIGTERM) or taken over (its lease ran out): this run stops
    before its next step, so two runs never send the same step."""


class Journal:
    """The steps of one job: those recorded by earlier runs (handed back by step number), then those made now.

    Recorded only while `owner` holds the job's lease, so a run that lost its job cannot write steps for
    the run that took it over; that lost run stops at its next step (HandedBack)."""

    def __init__(self, store: Store, job_id: int, owner: str, done: dict[int, tuple[str, dict[str, Any]]]):
        self.store, self.job_id, self.owner = store, job_id, owner
        self._done = done
        self._next = 0
        self._replayed = 0
        self._replaying = bool(done)
        self._revoked = threading.Event()
        self._lock = threading.Lock()

    @classmethod
    def for_job(cls, store: Store, job_id: int, owner: str, attempts: int) -> Journal:
        """The journal of a job `owner` claimed; a first attempt has nothing recorded (no read)."""
        done = answer_jobs.done_steps(store, job_id) if attempts > 1 else {}
        return cls(store, job_id, owner, done)

    @property
    def replayed(self) -> int:
        """How many steps were handed back from the record instead of being sent."""
        return self._replayed

    def revoke(self) -> None:
        """The job is no longer this run's (handed back on SIGTERM): send nothing more."""
        self._revoked.set()

    def run(
        self,
        method: str,
        target: dict[str, Any],
        send: Callable[[], Any],
        accepted: Callable[[Any], dict[str, Any] | None],
        rebuild: Callable[[dict[str, Any]], Any],
    ) -> Any:
        """Step `method` to `target`: handed back with `rebuild(recorded)` when this step was recorded going
        to the same target, else `send()`, and recorded when `accepted(result)` gives what to keep (None:
        Slack did not accept it, so it is no step)."""
        with self._lock:
            if self._revoked.is_set():
                raise HandedBack(f"answer job {self.job_id} was handed back; stopping before step {self._next}")
            step = self._next
            recorded = self._done.get(step) if self._replaying else None
            if recorded is not None and recorded[0] == method and recorded[1].get("target") == target:
                self._next += 1
                self._replayed += 1
                return rebuild(recorded[1].get("slack") or {})
            if recorded is not None:
                log.warning(
                    "answer job %d took another path than its first run (step %d: %s, recorded %s); "
                    "sending from here on",
                    self.job_id, step, method, recorded[0],
                )  # fmt: skip
                self._replaying = False
                self._forget(step)
            # No record of this step (the first run, or its record was never written): sent now.
        result = send()  # outside the lock: a slow Slack call must not hold the job's other threads
        kept = accepted(result)
        if kept is not None:
            with self._lock:
                step = self._next
                self._next += 1
            self._record(step, method, {"target": target, "slack": kept})
        return result

    def _record(self, step: int, method: str, what: dict[str, Any]) -> None:
        try:
            held = answer_jobs.record_step(self.store, self.job_id, self.owner, step, method, what)
        except Exception as exc:  # the answer is out; only a rerun after a crash would repeat this step
            log.warning("could not record step %d of answer job %d (%s)", step, self.job_id, type(exc).__name__)
            return
        if not held:  # another worker took the job over (this one's lease ran out): it goes on from here
            log.warning("answer job %d was taken over by another worker; this run stops", self.job_id)
            self._revoked.set()

    def _forget(self, step: int) -> None:
        """The record from `step` on is of a path this run does not take."""
        try:
            answer_jobs.forget_steps(self.store, self.job_id, step)
        except Exception as exc:
            log.warning("could not forget the old steps of answer job %d (%s)", self.job_id, type(exc).__name__)


class JournaledClient:
    """`client` whose STEP_METHODS go through `journal`; everything else is the client itself."""

    def __init__(self, client: WebClient, journal: Journal):
        self._client, self._journal = client, journal

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in STEP_METHODS:
            return attribute

        def step(*args: Any, **kwargs: Any) -> Any:
            return self._journal.run(
                name,
                _target(kwargs),
                lambda: attribute(*args, **kwargs),
                lambda response: _slack_data(response),
                lambda recorded: _slack_response(self._client, name, recorded),
            )

        return step


def journaled_respond(respond: Callable[..., Any], journal: Journal) -> Callable[..., Any]:
    """`respond` (a response_url) whose replies Slack accepted (HTTP 200) are steps of `journal`."""

    def send(*args: Any, **kwargs: Any) -> Any:
        return journal.run(
            RESPOND,
            _target(kwargs),
            lambda: respond(*args, **kwargs),
            lambda response: {"status": 200, "body": response.body} if response.status_code == 200 else None,
            lambda recorded: WebhookResponse(url="", status_code=200, body=recorded.get("body", ""), headers={}),
        )

    return send


def _target(kwargs: dict[str, Any]) -> dict[str, Any]:
    target = {key: kwargs[key] for key in TARGET_ARGUMENTS if kwargs.get(key) is not None}
    for key in DIGESTED_ARGUMENTS:
        if isinstance(kwargs.get(key), str):
            target[key] = hashlib.sha256(kwargs[key].encode()).hexdigest()[:16]
    return target


def _slack_data(response: Any) -> dict[str, Any]:
    """What is kept of a Web API response: its data, less the message or view it echoes (kilobytes)."""
    data = getattr(response, "data", None)
    if not isinstance(data, dict):
        return {"ok": True}
    return {key: value for key, value in data.items() if key not in ("message", "view")}


def _slack_response(client: WebClient, method: str, data: dict[str, Any]) -> SlackResponse:
    api_method = method.replace("_v2", "").replace("_", ".")
    return SlackResponse(
        client=client, http_verb="POST", api_url=f"{client.base_url}{api_method}", req_args={}, data=data,
        headers={}, status_code=200,
    )  # fmt: skip
