"""What an answer job already did in Slack, so that running it again never does it twice.

A job's worker can die after Slack accepted some of its calls (the answer posted, the chart not yet
uploaded). The job is then run again by another worker (`bot.slack.jobs`). Each Web API call that changes
what people see, and each reply through the response_url, is one *step*. Once Slack accepts a step, it is
recorded in the shared database (`bot.store.answer_jobs.record_step`). Running the job again, a step
already recorded is not sent: Slack's recorded response is handed back instead (the posted message's `ts`,
the uploaded file's id), so the job goes on from where it was.

Only calls Slack accepted count as steps: a post refused with `not_in_channel`, then joined and posted again,
is one step. A run that takes another path than the recorded one (the store was refreshed in between)
stops replaying at the first step that differs, and says so in the log.

What this cannot close: Slack accepting a step and the worker dying before the record is written (well
under a millisecond on SQLite, one round trip on PostgreSQL). `chat.postMessage` and response_urls take no
idempotency key, so that one step is sent again.
"""

from __future__ import annotations

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


class Journal:
    """The steps of one job: those recorded by earlier runs (replayed in order), then those made now."""

    def __init__(self, store: Store, job_id: int, done: list[tuple[str, dict[str, Any]]]):
        self.store, self.job_id = store, job_id
        self._done = done
        self._next = 0
        self._replayed = 0
        self._replaying = bool(done)
        self._forget_from: int | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_job(cls, store: Store, job_id: int, attempts: int) -> Journal:
        """The journal of a claimed job; a first attempt has nothing recorded (no read)."""
        return cls(store, job_id, answer_jobs.done_steps(store, job_id) if attempts > 1 else [])

    @property
    def replayed(self) -> int:
        """How many steps were handed back from the record instead of being sent."""
        return self._replayed

    def run(self, method: str, send: Callable[[], Any], accepted: Callable[[Any], dict[str, Any] | None],
            rebuild: Callable[[dict[str, Any]], Any]) -> Any:  # fmt: skip
        """Step `method`: replayed with `rebuild(recorded)` when this step was recorded, else `send()`, and
        recorded when `accepted(result)` gives what to keep (None: Slack did not accept it, not a step)."""
        with self._lock:
            if self._replaying and self._next < len(self._done):
                recorded_method, recorded = self._done[self._next]
                if recorded_method == method:
                    self._next += 1
                    self._replayed += 1
                    return rebuild(recorded)
                log.warning(
                    "answer job %d took another path than its first run (step %d: %s, recorded %s); "
                    "sending from here on",
                    self.job_id, self._next, method, recorded_method,
                )  # fmt: skip
                self._forget_from = self._next
            self._replaying = False
        if self._forget_from is not None:  # the record from here on is of a path this run did not take
            try:
                answer_jobs.forget_steps(self.store, self.job_id, self._forget_from)
            except Exception as exc:
                log.warning("could not forget the old steps of answer job %d (%s)", self.job_id, type(exc).__name__)
            self._forget_from = None
        result = send()  # outside the lock: a slow Slack call must not hold the job's other threads
        kept = accepted(result)
        if kept is not None:
            with self._lock:
                step = self._next
                self._next += 1
            try:
                answer_jobs.record_step(self.store, self.job_id, step, method, kept)
            except Exception as exc:  # the answer is out; only a rerun after a crash would repeat this step
                log.warning("could not record step %d of answer job %d (%s)", step, self.job_id, type(exc).__name__)
        return result


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
            lambda: respond(*args, **kwargs),
            lambda response: {"status": 200, "body": response.body} if response.status_code == 200 else None,
            lambda recorded: WebhookResponse(url="", status_code=200, body=recorded.get("body", ""), headers={}),
        )

    return send


def _slack_data(response: Any) -> dict[str, Any]:
    """What is kept of a Web API response: its data, less the message it echoes (blocks: kilobytes)."""
    data = getattr(response, "data", None)
    if not isinstance(data, dict):
        return {"ok": True}
    return {key: value for key, value in data.items() if key != "message"}


def _slack_response(client: WebClient, method: str, data: dict[str, Any]) -> SlackResponse:
    api_method = method.replace("_v2", "").replace("_", ".")
    return SlackResponse(
        client=client, http_verb="POST", api_url=f"{client.base_url}{api_method}", req_args={}, data=data,
        headers={}, status_code=200,
    )  # fmt: skip
