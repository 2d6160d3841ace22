"""Run Mend under real gunicorn workers for a test: migrate a database, start, wait, stop."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
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
    """A port that was free a moment ago (for servers that can only be given a number; see listening_socket)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening_socket() -> socket.socket:
    """A socket already bound to a free port of 127.0.0.1 and listening, to hand to a server process.

    The port is held from the moment it is chosen, so tests running at once (pytest-xdist workers)
    can never be given the same one, as they could be between free_port() and the server's own bind.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def flask(env: dict, *args: str) -> None:
    """Run a `flask --app app …` command (db upgrade, demo) with this environment."""
    subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, check=True, capture_output=True)


@contextmanager
def gunicorn(env: dict, workers: int = 4, output: Path | None = None) -> Iterator[str]:
    """Serve the app with gunicorn.conf.py and `workers` workers; yield its base URL once it answers.

    gunicorn serves on a socket this process bound and hands over (`--bind fd://N`), so the port is
    this test's alone. With `output`, everything gunicorn and the app write (access and error logs)
    goes to that file.
    """
    listener = listening_socket()
    port, fd = listener.getsockname()[1], listener.fileno()
    # Without `output`, what gunicorn writes still goes to a file, so a server that fails to start says why.
    sink = open(output, "wb") if output is not None else tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    try:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers),
                                   "--bind", f"fd://{fd}", "app:app"], cwd=ROOT, env=env, pass_fds=(fd,),
                                  stdout=sink, stderr=subprocess.STDOUT)
    finally:
        listener.close()  # gunicorn holds its own copy now
    base = f"http://127.0.0.1:{port}"
    try:
        # The socket listens already, so connections queue until a worker takes them: wait for an answer.
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=5)
                break
            except OSError:
                if server.poll() is not None:
                    sink.flush()
                    said = Path(output).read_bytes() if output is not None else (sink.seek(0), sink.read())[1]
                    raise RuntimeError(f"gunicorn exited with code {server.returncode} before it answered:\n"
                                       f"{said[-4000:].decode(errors='replace')}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer within 30 seconds") from None
                time.sleep(0.05)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)
        sink.close()
