"""The benchmark's moving parts: databases, gunicorn servers and their environment.

Every server runs in its own process group and is stopped with its whole group, so a
benchmark that fails half-way leaves nothing bound to a port.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.prefix) / "bin"
WORKERS = 4


def free_port() -> int:
    """Ask the kernel for a free loopback port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Databases -----------------------------------------------------------------------------------


@dataclass
class Database:
    """One database the benchmark creates, fills and throws away."""

    label: str  # "SQLite" or "PostgreSQL"
    url: str
    version: str = ""


def sqlite_database(workdir: Path) -> Database:
    import sqlite3

    return Database("SQLite", f"sqlite:///{workdir / 'mend-bench.db'}", sqlite3.sqlite_version)


def _admin_url(url: str) -> tuple[str, str]:
    """Split a PostgreSQL URL into (URL of the maintenance database 'postgres', benchmark database name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def _check_bench_name(name: str) -> None:
    # The database is dropped at the start and the end of every run: refuse anything not made for that.
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop the PostgreSQL database {name!r}: its name must contain 'bench'.")


def postgres_database(url: str) -> Database:
    """Drop and recreate the benchmark database; raise OSError-like errors when PostgreSQL can't be reached."""
    import psycopg

    admin, name = _admin_url(url)
    _check_bench_name(name)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return Database("PostgreSQL", url, version)


def drop_postgres_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    _check_bench_name(name)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Environment ---------------------------------------------------------------------------------


def mend_env(database: Database, workdir: Path, port: int | None = None) -> dict[str, str]:
    """The environment Mend runs with in the benchmark: production mode over plain local http."""
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    instance = workdir / f"instance-{database.label.lower()}"
    instance.mkdir(parents=True, exist_ok=True)
    env.update({
        "DATABASE_URL": database.url,
        "MEND_INSTANCE_PATH": str(instance),
        "MEND_PRODUCTION": "true",
        "MEND_SECRET_KEY": _secret_key(workdir),
        # Production mode needs the public address; the benchmark only ever calls it on loopback.
        "MEND_BASE_URL": "http://127.0.0.1",
        "MEND_TRUSTED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback: a Secure cookie would never be sent back.
        "MEND_SESSION_COOKIE_SECURE": "false",
        # The load generator logs in once per account; the limiter would otherwise be measured too.
        "MEND_RATELIMIT_ENABLED": "false",
        "MEND_WORKERS": str(WORKERS),
        "PATH": str(VENV_BIN) + os.pathsep + env.get("PATH", ""),
    })
    if port is not None:
        env["MEND_BIND"] = f"127.0.0.1:{port}"
    return env


def _secret_key(workdir: Path) -> str:
    path = workdir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text()


# --- Servers -------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A gunicorn master and its workers, in a process group of their own."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    logdir: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.logdir / f"{self.name}.access.log"

    @property
    def error_log(self) -> Path:
        return self.logdir / f"{self.name}.error.log"

    def start(self, ready_path: str = "/", timeout: float = 60) -> None:
        """Start gunicorn and wait until it answers on its port."""
        with open(self.access_log, "wb") as out, open(self.error_log, "wb") as err:
            # gunicorn.conf.py logs access lines to stdout and errors to stderr.
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.base_url + ready_path, timeout=2) as response:
                    response.read()
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.tail()}")

    def stop(self) -> None:
        """Stop the master and every worker: SIGTERM to the group, then SIGKILL if it lingers."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        # Workers that outlived the master would still be in the group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process = None

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def mend_server(database: Database, workdir: Path) -> Server:
    """Mend under the project's own gunicorn.conf.py (4 sync workers, preloaded app)."""
    port = free_port()
    command = [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "app:app"]
    return Server(f"mend-{database.label.lower()}", command, mend_env(database, workdir, port), port, workdir)


def hello_server(workdir: Path) -> Server:
    """The bare Flask baseline under the same gunicorn settings (bench/gunicorn_hello.conf.py)."""
    port = free_port()
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env.update({"MEND_WORKERS": str(WORKERS), "MEND_BIND": f"127.0.0.1:{port}"})
    command = [str(VENV_BIN / "gunicorn"), "-c", str(BENCH / "gunicorn_hello.conf.py"), "bench.hello:app"]
    return Server("hello", command, env, port, workdir)
