"""`GET /healthz` tells the truth about the shared state (contract: 200 only while the service can answer —
the store readable and the shared state writable): with FWTREND_DATABASE_URL set, a PostgreSQL server that
is stopped or unreachable makes it answer 503 with one line saying why (never the URL's password), and 200
again once the server is back. Runs against a PostgreSQL cluster of its own, stopped and started here."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack.server import create_flask_app
from bot.store import health
from bot.store.health import forget_health_checks, health_problem
from bot.store.opening import forget_stores, open_store
from tests.slack.test_slack_health import _healthz_once_settled, _settings
from tests.support.fake_slack import FakeSlack
from tests.support.postgres import Cluster, start_cluster

PASSWORD = "pw-never-shown-4711"


@pytest.fixture(scope="module")
def own_cluster() -> Iterator[Cluster]:
    """A cluster only these tests stop and start (the session's is shared by every other test)."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def url_with_password(own_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """FWTREND_DATABASE_URL on a fresh database of `own_cluster`, with a password in it (the cluster trusts
    every local connection, so the password only has to stay out of what fwtrend prints)."""
    url = own_cluster.new_database().replace("://fwtrend@", f"://fwtrend:{PASSWORD}@")
    monkeypatch.setenv("FWTREND_DATABASE_URL", url)
    forget_health_checks()
    yield url
    forget_health_checks()
    forget_stores()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the socket is: nothing listens there


def _healthz_until(client, status: int, timeout_s: float = 30):
    """Probe /healthz until it answers `status` (the shared-state verdict is cached for a second or two)."""
    deadline = time.monotonic() + timeout_s
    while True:
        response = client.get("/healthz")
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_healthz_answers_503_while_the_shared_postgresql_is_stopped_and_200_once_it_is_back(
    tmp_path: Path, fake_slack: FakeSlack, own_cluster: Cluster, url_with_password: str
) -> None:
    web = create_flask_app(_settings(tmp_path / "fwtrend.db", fake_slack.base_url))
    settled = _healthz_once_settled(web)
    assert (settled.status_code, settled.get_data(as_text=True)) == (200, "ok\n")
    own_cluster.halt()
    try:
        client = web.test_client()
        response = _healthz_until(client, 503)
        text = response.get_data(as_text=True)
        assert response.status_code == 503
        shown = url_with_password.replace(PASSWORD, "***")
        assert text.startswith(f"the shared state {shown} cannot be written: ") and text.count("\n") == 1
        assert PASSWORD not in text
    finally:
        own_cluster.resume()
    response = _healthz_until(web.test_client(), 200)
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")


def test_healthz_answers_503_without_the_password_when_the_shared_database_is_unreachable_from_the_start(
    tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql+psycopg://fwtrend:{PASSWORD}@127.0.0.1:{_closed_port()}/fwtrend"
    monkeypatch.setenv("FWTREND_DATABASE_URL", url)
    response = _healthz_once_settled(create_flask_app(_settings(tmp_path / "fwtrend.db", fake_slack.base_url)))
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "cannot use FWTREND_DATABASE_URL's database (" in text and text.count("\n") == 1
    assert PASSWORD not in text
    forget_stores()


def test_a_stopped_shared_database_is_a_health_problem_of_a_store_that_is_fine_itself(
    tmp_path: Path, own_cluster: Cluster, url_with_password: str
) -> None:
    store = open_store(tmp_path / "fwtrend.db")
    assert health_problem(store) is None
    own_cluster.halt()
    try:
        forget_health_checks()
        problem = health_problem(store)
        assert problem is not None and problem.startswith("the shared state postgresql+psycopg://fwtrend:***@")
        assert "\n" not in problem and PASSWORD not in problem
        assert store.db.execute("SELECT COUNT(*) FROM meta").fetchone()[0] > 0  # the file itself reads fine
    finally:
        own_cluster.resume()
    forget_health_checks()
    assert health_problem(store) is None


def test_the_shared_state_verdict_is_reused_for_a_moment_so_probes_stay_fast(
    tmp_path: Path, own_cluster: Cluster, url_with_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "SHARED_CHECK_TTL_S", 60.0)  # a slow machine must not outlast it here
    store = open_store(tmp_path / "fwtrend.db")
    assert health_problem(store) is None
    own_cluster.halt()
    try:
        assert health_problem(store) is None  # within SHARED_CHECK_TTL_S of the last check: not asked again
        monkeypatch.setattr(health, "SHARED_CHECK_TTL_S", 0.0)
        forget_health_checks()
        assert health_problem(store) is not None
    finally:
        own_cluster.resume()
