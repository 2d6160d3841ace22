"""`python3 manage.py start`: one command runs the web server and the job consumer, and Ctrl+C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.live_gunicorn import ROOT, TEST_ENV, free_port

pytestmark = pytest.mark.skipif(os.name == "nt", reason="sends SIGINT to a process group")


def _children(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                found.add(int(entry))
                todo.append(int(entry))
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find the child processes")
def test_start_runs_the_web_server_and_the_job_consumer_and_ctrl_c_stops_both(tmp_path):
    port = free_port()
    env = {**os.environ, **TEST_ENV, "MEND_INSTANCE_PATH": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # its own SQLite file in tmp_path
    env.pop("MEND_TEST_DATABASE_URL", None)
    log = open(tmp_path / "start.log", "wb")  # noqa: SIM115 (closed below)
    # A new session, like a terminal: Ctrl+C reaches every process of the foreground group.
    starter = subprocess.Popen([sys.executable, "manage.py", "start", "--port", str(port)], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240  # a first run may install changed requirements
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert starter.poll() is None, (tmp_path / "start.log").read_text()
                assert time.monotonic() < deadline, "the web server did not answer"
                time.sleep(0.2)
        deadline = time.monotonic() + 30
        while "job consumer is running" not in (tmp_path / "start.log").read_text():
            assert time.monotonic() < deadline, (tmp_path / "start.log").read_text()
            time.sleep(0.2)
        commands = [_cmdline(pid) for pid in _children(starter.pid)]
        assert any(" jobs" in c for c in commands), commands
        assert any(" run " in c for c in commands), commands
        assert (tmp_path / "jobs.sqlite3").exists()
        children = _children(starter.pid)
        os.killpg(starter.pid, signal.SIGINT)  # Ctrl+C in the terminal
        starter.wait(timeout=30)
        deadline = time.monotonic() + 15
        while any(os.path.exists(f"/proc/{pid}") and "Z" not in open(f"/proc/{pid}/stat").read().split()[2]
                  for pid in children):
            assert time.monotonic() < deadline, "a child of manage.py start is still running"
            time.sleep(0.1)
    finally:
        if starter.poll() is None:
            os.killpg(starter.pid, signal.SIGKILL)
            starter.wait()
        log.close()
