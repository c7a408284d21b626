"""The durable answer queue's two ends: handlers record a job before they ack, worker threads answer it.

payload → handler → `JobRunner.enqueue` (a row in `answer_jobs`, with the delivery's de-duplication keys, in
one transaction) → ack → a worker thread of ANY web process sharing the database claims it → `run_job`
rebuilds what the answer needs (the workspace's WebClient, `respond` from the response_url) → the flows in
`bot.slack.interactions` → Slack. A process killed mid-answer leaves its lease to expire and another process
(or the restarted one) answers, without repeating what Slack already accepted (`bot.slack.job_journal`);
SIGTERM hands unfinished jobs back at once (`stop`).

A job claimed after its answer stopped being useful (a slash command's response_url lasts 30 minutes) gets
the user told so instead (TOO_OLD).

Payload shapes (JSON, by kind):
  command  {team, enterprise, channel, user, text, response_url}
  message  {team, enterprise, channel, user, thread_ts, text, only_files}   (@mention, DM)
  update   {team, enterprise, body}            (a metric/period/suggestion button; body holds response_url)
  share    {team, enterprise, body}            ("Share in channel")
  home     {team, enterprise, user}            (App Home opened)
  ask      {team, enterprise, user, text}      (the App Home's ask modal)
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.ingest.seeded import open_seeded_store
from bot.slack import clients
from bot.slack.delivery import Where
from bot.slack.errors import log_slack_error
from bot.slack.figures_export import send_figures_csv
from bot.slack.interactions import (
    Services,
    answer_command,
    answer_in_dm,
    answer_message,
    publish_home,
    share_answer,
    update_answer,
)
from bot.slack.job_journal import HandedBack, Journal, JournaledClient, journaled_respond
from bot.slack.unfurls import unfurl_links
from bot.store import answer_jobs
from bot.store.answer_jobs import Job
from bot.store.connection import Store
from bot.store.opening import StoreUnusable

log = logging.getLogger("fwtrend.jobs")

TOO_OLD = "Sorry, I was restarting and this answer is now too old — please ask again."

RESPONSE_URL_S = 29 * 60
"""A response_url works for 30 minutes; a minute is kept for the answer itself."""
USEFUL_FOR_S: dict[str, float] = {
    "command": RESPONSE_URL_S,
    "update": RESPONSE_URL_S,
    "share": RESPONSE_URL_S,
    "message": 30 * 60,  # past half an hour the conversation has moved on: say so rather than answer
    "ask": 30 * 60,
    "home": 24 * 3600,  # the App Home is always worth drawing
    "csv": RESPONSE_URL_S,
    "unfurl": 10 * 60,  # a preview added long after the link was pasted helps no one: dropped, quietly
}
POLL_S = 1.0
"""How often idle workers look for jobs inserted by other processes (their own inserts wake them at once)."""


def _owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


_RUNNERS: weakref.WeakSet[JobRunner] = weakref.WeakSet()


class JobRunner:
    """Worker threads claiming jobs from the shared queue, plus a heartbeat renewing their leases."""

    def __init__(self, services: Services, *, threads: int, lease_s: float, poll_s: float = POLL_S):
        self.services = services
        self.threads, self.lease_s, self.poll_s = threads, lease_s, poll_s
        self.owner = _owner_id()
        self._wake = threading.Semaphore(0)  # one release per job recorded here: it wakes exactly one worker
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._running: dict[int, Journal | None] = {}  # the jobs in flight here, with their journals
        self._lock = threading.Lock()
        self._client_for: Callable[[str | None, str], WebClient] | None = None
        self._store: Store | None = None
        self.created_during = os.environ.get("PYTEST_CURRENT_TEST", "")
        """Which test (and phase) made it, under pytest: its tests stop the runners a test body made."""
        _RUNNERS.add(self)

    @property
    def store(self) -> Store:
        """The store (its shared state holds the queue): opened on first use, then kept, so the runner
        keeps to the database it started on."""
        if self._store is None:
            self._store = open_seeded_store(self.services.worker.db_path)
        return self._store

    # -- the handlers' end
    def enqueue(self, kind: str, payload: dict[str, Any], delivery_keys: list[str] | None = None) -> bool:
        """Record the job (durably, before the caller acks) and wake a worker. False: the delivery was
        already taken (a retry, or the same message as another event); nothing recorded.

        A database that cannot record it (read-only, full, unreachable) does not cost the answer: it is
        run in this process's memory instead (lost if the process dies), and the log says why."""
        try:
            job_id = answer_jobs.enqueue(
                self.store, kind, payload, useful_for_s=USEFUL_FOR_S[kind], delivery_keys=delivery_keys or ()
            )
        except (sqlite3.Error, SQLAlchemyError) as exc:
            log.warning("could not record a %s answer in the queue (%s); answering from memory", kind, exc)
            job = Job(0, kind, payload, time.time(), attempts=1, too_old=False)
            self.services.worker.submit(run_job, self.services, job, self.client_for)
            return True
        if job_id is None:
            log.info("duplicate delivery %s ignored", (delivery_keys or ["?"])[0])
            return False
        self.start()
        self._wake.release()
        return True

    # -- lifecycle
    def start(self) -> None:
        """Start the workers and the heartbeat (idempotent). Leftover jobs (a crash, a restart) are claimed
        as soon as their leases have run out."""
        with self._lock:
            if self._workers or self._stop.is_set():
                return
            for i in range(self.threads):
                worker = threading.Thread(target=self._work, name=f"fwtrend-job-{i}", daemon=True)
                worker.start()
                self._workers.append(worker)
            beat = threading.Thread(target=self._heartbeat, name="fwtrend-job-heartbeat", daemon=True)
            beat.start()
            self._workers.append(beat)

    def stop(self, timeout: float = 8.0) -> int:
        """Stop claiming, wait up to `timeout` seconds for the jobs in flight, then hand the rest back
        (pending again, for another process). Returns how many were handed back."""
        self._stop.set()
        self._wake.release(self.threads)
        deadline = time.monotonic() + timeout
        for worker in self._workers:
            worker.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            unfinished = list(self._running)
            for journal in self._running.values():
                if journal is not None:
                    journal.revoke()  # a run still going sends nothing more once its job is handed back
        if not unfinished:
            return 0
        try:
            handed = answer_jobs.release(self.store, self.owner, unfinished)
        except Exception as exc:  # the lease runs out on its own; the log says why it was not handed back
            log.warning("could not hand back %d unfinished answers (%s)", len(unfinished), type(exc).__name__)
            return 0
        log.info("handed back %d unfinished answers to the queue", handed)
        return handed

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    # -- the workers' end
    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job = answer_jobs.claim(self.store, self.owner, self.lease_s)
            except (Exception, StoreUnusable) as exc:  # StoreUnusable is a SystemExit: /healthz says why
                log.warning("could not claim answers from the queue (%s); trying again", type(exc).__name__)
                self._stop.wait(self.poll_s * 5)
                job = None
            if job is None:
                self._wake.acquire(timeout=self.poll_s)
                continue
            journal = self._journal(job)
            with self._lock:
                self._running[job.id] = journal
            outcome = "failed"
            try:
                outcome = run_job(self.services, job, self.client_for, journal=journal)
            except HandedBack as exc:  # another run has the job now (or will): not ours to complete
                log.info("%s", exc)
                continue
            except Exception:
                log.exception("answer job %d (%s) failed", job.id, job.kind)
            finally:
                with self._lock:
                    self._running.pop(job.id, None)
            try:
                if not answer_jobs.complete(self.store, job.id, self.owner, outcome):
                    log.warning("answer job %d was taken over before it finished", job.id)
            except Exception as exc:
                log.warning("could not mark answer job %d done (%s)", job.id, type(exc).__name__)

    def _journal(self, job: Job) -> Journal | None:
        """The job's steps so far (none on a first attempt). Unreadable: the job runs without (logged)."""
        try:
            return Journal.for_job(self.store, job.id, self.owner, job.attempts)
        except Exception as exc:
            log.warning("answer job %d: its steps so far cannot be read (%s)", job.id, type(exc).__name__)
            return None

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            try:
                answer_jobs.renew(self.store, self.owner, self.lease_s)
            except (Exception, StoreUnusable) as exc:
                log.warning("could not renew answer leases (%s)", type(exc).__name__)

    def client_for(self, enterprise_id: str | None, team_id: str) -> WebClient:
        """The Web API client for the job's workspace: SLACK_BOT_TOKEN's, or the installation's bot token."""
        if self._client_for is None:
            self._client_for = clients.settings_client_for_team(self.services.settings)
        return self._client_for(enterprise_id, team_id)


def stop_all() -> None:
    """Stop every runner of this process (tests; each hands its unfinished jobs back)."""
    for runner in list(_RUNNERS):
        runner.stop(timeout=2)


def runners() -> list[JobRunner]:
    return list(_RUNNERS)


# -- running one job --------------------------------------------------------------------------------------
def run_job(
    services: Services,
    job: Job,
    client_for: Callable[[str | None, str], WebClient],
    *,
    journal: Journal | None = None,
) -> str:
    """Answer one claimed job; returns its outcome ("answered", "too_old", "not_installed"). With a `journal`,
    what an earlier run of the job already did in Slack is not done again (`bot.slack.job_journal`)."""
    p = job.payload
    try:
        client = client_for(p.get("enterprise") or None, p.get("team") or "")
    except clients.NotInstalled:
        log.warning("answer job %d: the workspace %s has no installation any more", job.id, p.get("team"))
        return "not_installed"
    respond_to: Callable[[str | None], Any] = _respond
    if journal is not None:
        client = JournaledClient(client, journal)  # type: ignore[assignment]  # a WebClient in all it is used for
        respond_to = lambda url: journaled_respond(_respond(url), journal)  # noqa: E731
    try:
        return _run(services, job, client, respond_to)
    finally:
        if journal is not None and journal.replayed:
            log.info("answer job %d: %d step(s) already in Slack were not sent again", job.id, journal.replayed)


def _run(services: Services, job: Job, client: WebClient, respond_to: Callable[[str | None], Any]) -> str:
    """`run_job` once the client is known: `respond_to(response_url)` gives the job's `respond`."""
    p = job.payload
    if job.too_old:
        tell_too_old(client, job)
        return "too_old"
    where = _where(p)
    kind = job.kind
    if kind == "command":
        answer_command(services, client, respond_to(p.get("response_url")), p["text"], where)
    elif kind == "message":
        answer_message(services, client, p["text"], where, only_files=bool(p.get("only_files")))
    elif kind == "update":
        update_answer(services, client, respond_to(p["body"].get("response_url")), p["body"])
    elif kind == "share":
        share_answer(services, client, respond_to(p["body"].get("response_url")), p["body"])
    elif kind == "home":
        publish_home(services, client, p["user"])
    elif kind == "ask":
        answer_in_dm(services, client, p["user"], p["text"])
    elif kind == "csv":
        send_figures_csv(services, client, respond_to(p["body"].get("response_url")), p["body"])
    elif kind == "unfurl":
        unfurl_links(services, client, p["event"], p.get("team") or "")
    else:
        log.error("answer job %d has a kind this version does not know: %r", job.id, kind)
        return "unknown_kind"
    return "answered"


def _where(p: dict[str, Any]) -> Where:
    body = p.get("body") or {}
    channel = p.get("channel") or (body.get("container") or {}).get("channel_id") or p.get("user") or ""
    user = p.get("user") or (body.get("user") or {}).get("id") or ""
    return Where(
        channel=str(channel),
        user=str(user),
        thread_ts=p.get("thread_ts"),
        team=p.get("team") or "",
        enterprise=p.get("enterprise") or None,
    )


def _respond(response_url: str | None) -> Respond:
    """`respond` as Bolt would have given the handler: a webhook to the request's response_url."""
    return Respond(response_url=response_url)


def tell_too_old(client: WebClient, job: Job) -> None:
    """The answer is too old to be useful (the process restarted or was down meanwhile): tell the asker."""
    where = _where(job.payload)
    log.info("answer job %d is %.0f s old: telling the user to ask again", job.id, time.time() - job.created_at)
    try:
        if job.kind == "ask":  # asked from the App Home: the DM with the app is the only place to say it
            client.chat_postMessage(channel=where.user, text=TOO_OLD)
        elif job.kind not in ("home", "unfurl"):
            client.chat_postEphemeral(channel=where.channel, user=where.user, thread_ts=where.thread_ts, text=TOO_OLD)
    except SlackApiError as exc:
        log_slack_error("saying an answer is too old", exc, channel=where.channel)
