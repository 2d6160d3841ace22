"""Run Mend under real gunicorn workers for a test: migrate a database, start, wait, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Cheap hashing and no CSRF or address limits: these tests are about processes, not forms.
TEST_ENV = {"MEND_SECRET_KEY": "k" * 48, "MEND_WTF_CSRF_ENABLED": "false", "MEND_RATELIMIT_ENABLED": "false",
            "MEND_ARGON2_MEMORY_COST_KIB": "8", "MEND_ARGON2_TIME_COST": "1", "MEND_ARGON2_PARALLELISM": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    """Run a `flask --app app …` command (db upgrade, demo) with this environment."""
    subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@contextmanager
def gunicorn(env: dict, workers: int = 4, output: Path | None = None) -> Iterator[str]:
    """Serve the app with gunicorn.conf.py and `workers` workers; yield its base URL once it answers.

    With `output`, everything gunicorn and the app write (access and error logs) goes to that file.
    """
    port = free_port()
    sink = open(output, "wb") if output is not None else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers),
                               "--bind", f"127.0.0.1:{port}", "app:app"], cwd=ROOT, env=env,
                              stdout=sink, stderr=subprocess.STDOUT if output is not None else subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/login", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        if output is not None:
            sink.close()
