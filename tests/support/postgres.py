"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a free 127.0.0.1 port, its unix
socket in that folder; torn down at the end of the session. Each test gets a database of its own.

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user (`runuser`). Without
the binaries (initdb, pg_ctl) the PostgreSQL tests skip with the reason, unless
FWTREND_TEST_REQUIRE_POSTGRES=1 (set by .ci/run): then they fail.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE_ENV = "FWTREND_TEST_REQUIRE_POSTGRES"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL is required here ({REQUIRE_ENV}=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason} (install postgresql to run them)")


@dataclass
class Cluster:
    root: Path
    port: int
    as_user: list[str]
    pg_ctl: str
    options: str = ""
    _names = itertools.count(1)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://fwtrend@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=fwtrend dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def halt(self) -> None:
        """Stop the server (its connections are cut), keeping its data: `resume` starts it again."""
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.root / "data"), "-m", "fast", "-w", "stop"],
            capture_output=True,
            timeout=60,
            check=True,
        )

    def resume(self) -> None:
        """Start a halted server again, on the same port with the same data."""
        log = self.root / "postgres.log"
        subprocess.run(
            [
                *self.as_user,
                self.pg_ctl,
                "-D",
                str(self.root / "data"),
                "-o",
                self.options,
                "-l",
                str(log),
                "-w",
                "start",
            ],
            capture_output=True,
            timeout=90,
            check=True,
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, self.pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_cluster() -> Cluster:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        _unavailable("initdb and pg_ctl were not found")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="fwtrend-pg-"))
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            import pwd

            pg_user = pwd.getpwnam("postgres")
        except KeyError:
            pg_user = None
        if not runuser or pg_user is None:
            _unavailable("running as root needs the postgres user and runuser")
        as_user = [runuser, "-u", "postgres", "--"]
        os.chown(root, pg_user.pw_uid, pg_user.pw_gid)
        os.chmod(root, 0o700)
    data, log = root / "data", root / "postgres.log"
    done = subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "fwtrend", "--no-sync", "-E", "UTF8"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"initdb failed: {done.stderr.strip()[-300:]}")
    port = _free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    started = subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"],
        capture_output=True,
        text=True,
        timeout=90,
    )
    if started.returncode != 0:
        detail = log.read_text()[-500:] if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"the server did not start: {detail.strip()}")
    return Cluster(root, port, as_user, pg_ctl, options)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster) -> str:
    """The SQLAlchemy URL of a new, empty database on the test cluster."""
    return postgres_cluster.new_database()
