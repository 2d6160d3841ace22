#!/usr/bin/env python3
"""Mend's bootstrap: one command to run the app, one to run the tests.

Only the Python standard library is used here, so a fresh clone needs nothing
but Python 3.11 or newer:

    python3 manage.py start    # set up .venv if needed, migrate, run the jobs, serve on 127.0.0.1:5000
    python3 manage.py test     # set up .venv if needed, run pytest (in parallel, one worker per CPU)

Run ``python3 manage.py --help`` for the details.
"""

# Keep the version check above anything that needs a newer Python, so that an
# old interpreter prints a clear message rather than a traceback.
import sys

MIN_PYTHON = (3, 11)

if sys.version_info < MIN_PYTHON:
    sys.stderr.write(
        "Mend needs Python %d.%d or newer, but this is Python %d.%d (%s).\n"
        "Install a newer Python and run this again, e.g. 'python3.11 manage.py start'.\n"
        % (MIN_PYTHON + sys.version_info[:2] + (sys.executable,))
    )
    sys.exit(1)

import argparse  # noqa: E402
import hashlib  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
WINDOWS = os.name == "nt"
VENV_BIN = VENV / ("Scripts" if WINDOWS else "bin")
VENV_PYTHON = VENV_BIN / ("python.exe" if WINDOWS else "python")
VENV_FLASK = VENV_BIN / ("flask.exe" if WINDOWS else "flask")
REQUIREMENTS = ROOT / "requirements-dev.txt"
STAMP = VENV / ".mend-requirements.sha256"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000


class Terminated(Exception):
    """Raised by the SIGTERM handler so that a running child is stopped too."""


def on_sigterm(signum, frame):
    raise Terminated()


class BootstrapError(Exception):
    """A failure with a message meant for the person at the keyboard."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def say(message):
    print(message, flush=True)


def exit_code(returncode):
    """Map a child's return code to ours (a signal death becomes 128+N)."""
    if returncode < 0:
        return 128 - returncode
    return returncode


def venv_env():
    """The environment for commands run inside the virtual environment."""
    env = dict(os.environ)
    env.pop("PYTHONHOME", None)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    return env


# --------------------------------------------------------------------------
# Virtual environment bootstrap
# --------------------------------------------------------------------------


def requirements_files():
    return sorted(ROOT.glob("requirements*.txt"))


def requirements_hash():
    digest = hashlib.sha256()
    for path in requirements_files():
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def ensure_venv():
    if VENV_PYTHON.exists():
        return
    if VENV.exists():
        say("Mend's virtual environment in .venv looks broken; recreating it…")
        args = [sys.executable, "-m", "venv", "--clear", str(VENV)]
    else:
        say("Setting up Mend's virtual environment (first run only)…")
        args = [sys.executable, "-m", "venv", str(VENV)]
    try:
        subprocess.run(args, check=True, cwd=ROOT)
    except subprocess.CalledProcessError as exc:
        raise BootstrapError(
            "Could not create the virtual environment in %s.\n"
            "On Debian/Ubuntu you may need the venv module: "
            "'sudo apt-get install python3-venv'." % VENV,
            exit_code(exc.returncode) or 1,
        )
    if not VENV_PYTHON.exists():
        raise BootstrapError("Created %s, but %s is missing." % (VENV, VENV_PYTHON))


def ensure_requirements():
    if not REQUIREMENTS.exists():
        raise BootstrapError("%s is missing; is this a complete checkout?" % REQUIREMENTS)
    wanted = requirements_hash()
    try:
        installed = STAMP.read_text(encoding="utf-8").strip()
    except OSError:
        installed = ""
    if installed == wanted:
        say("Dependencies are up to date.")
        return

    if installed:
        say("The requirements files changed; updating dependencies…")
    else:
        say("Installing Mend's dependencies (this can take a minute)…")
    # A stale stamp must not survive a failed or interrupted install.
    STAMP.unlink(missing_ok=True)
    args = [
        str(VENV_PYTHON), "-m", "pip", "install",
        "--disable-pip-version-check", "--quiet",
        "-r", str(REQUIREMENTS),
    ]
    try:
        subprocess.run(args, check=True, cwd=ROOT, env=venv_env())
    except subprocess.CalledProcessError as exc:
        raise BootstrapError(
            "Installing the dependencies from %s failed (pip exit code %d).\n"
            "Read pip's message above, fix the cause (network access to PyPI, a\n"
            "compiler or header for a package that builds from source, ...) and run\n"
            "this command again. To start over, delete the .venv folder."
            % (REQUIREMENTS.name, exc.returncode),
            exit_code(exc.returncode) or 1,
        )
    STAMP.write_text(wanted + "\n", encoding="utf-8")
    say("Dependencies installed.")


def bootstrap():
    ensure_venv()
    ensure_requirements()


def run_in_venv(args, what):
    """Run ``args`` from the repository root inside the venv; raise on failure."""
    try:
        subprocess.run(args, check=True, cwd=ROOT, env=venv_env())
    except subprocess.CalledProcessError as exc:
        code = exit_code(exc.returncode)
        raise BootstrapError("%s failed (exit code %d)." % (what, code), code or 1)


# --------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------


def cmd_start(host, port, extra):
    bootstrap()
    if not VENV_FLASK.exists():
        raise BootstrapError(
            "%s is missing; Flask did not install. Delete .venv and run this again." % VENV_FLASK
        )
    say("Bringing the database up to date…")
    run_in_venv([str(VENV_FLASK), "--app", "app", "db", "upgrade"], "The database migration")
    say("Starting the background jobs (reminders and email)…")
    consumer = subprocess.Popen([str(VENV_FLASK), "--app", "app", "jobs"], cwd=ROOT, env=venv_env())
    try:
        say("Starting Mend on http://%s:%d/ (press Ctrl+C to stop)…" % (
            "[%s]" % host if ":" in host else host, port))
        run_in_venv(
            [str(VENV_FLASK), "--app", "app", "run", "--host", host, "--port", str(port), *extra],
            "The web server",
        )
    finally:
        stop(consumer)
    return 0


def stop(child, wait=10):
    """Stop a child process the way Ctrl+C would, then for good if it does not stop within `wait` seconds."""
    if child.poll() is not None:
        return
    try:
        if WINDOWS:
            child.terminate()
        else:
            child.send_signal(signal.SIGINT)
        child.wait(timeout=wait)
    except (subprocess.TimeoutExpired, OSError):
        child.kill()
        child.wait()
    except KeyboardInterrupt:  # a second Ctrl+C while waiting
        child.kill()
        child.wait()


def _given(pytest_args, long, short=None):
    """Whether the caller passed an option, as `--long`, `--long=V`, `-s V` or `-sV`."""
    for arg in pytest_args:
        if arg == long or arg.startswith(long + "="):
            return True
        if short and arg.startswith(short) and not arg.startswith("--"):
            return True
    return False


def _xdist_disabled(pytest_args):
    """Whether the caller turned pytest-xdist off (`-p no:xdist`) or asked to step through tests in a debugger."""
    for i, arg in enumerate(pytest_args):
        if arg in ("-pno:xdist", "-p=no:xdist") or (arg == "-p" and pytest_args[i + 1:i + 2] == ["no:xdist"]):
            return True
    return any(arg in ("--pdb", "--trace") or arg.startswith("--pdbcls") for arg in pytest_args)


def parallel_args(pytest_args):
    """The pytest-xdist options put before the caller's: one worker per CPU, browser tests on one worker.

    `-n auto` starts one worker per CPU (PYTEST_XDIST_AUTO_NUM_WORKERS=N sets another number);
    `--dist loadgroup` hands out tests one by one, except that the browser tests (tests/e2e, which
    share one live server and one browser) all run on one worker (tests/conftest.py). Nothing is
    added when the caller chose the workers (`-n 4`; `-n 0` runs in one process), turned xdist off
    (`-p no:xdist`), asked for a debugger, named single tests (`path::test`, quicker in one process
    than in workers that start first), or the machine has one CPU.
    """
    if _xdist_disabled(pytest_args):
        return []
    args = []
    if not _given(pytest_args, "--numprocesses", "-n"):
        if (os.cpu_count() or 1) < 2 or any("::" in arg for arg in pytest_args if not arg.startswith("-")):
            return []
        args += ["-n", "auto"]
    if not _given(pytest_args, "--dist"):
        args += ["--dist", "loadgroup"]
    return args


def cmd_test(pytest_args):
    bootstrap()
    say("Running the tests…")
    completed = subprocess.run(
        [str(VENV_PYTHON), "-m", "pytest", *parallel_args(pytest_args), *pytest_args], cwd=ROOT, env=venv_env()
    )
    return exit_code(completed.returncode)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

DESCRIPTION = """\
Set up and run Mend. Needs only Python 3.11+; everything else is installed
into a virtual environment in .venv next to this file. The first run creates
it; later runs reinstall only when requirements.txt or requirements-dev.txt
changed.

commands:
  start [--host HOST] [--port N] [FLASK-RUN-OPTIONS...]
        Set up .venv if needed, bring the database up to date
        ('flask --app app db upgrade'), start the background jobs
        ('flask --app app jobs': reminders and email), then serve the app
        with 'flask --app app run' on http://127.0.0.1:5000/ by default.
        Ctrl+C stops both.
        Any other options are passed on to 'flask run' (e.g. --debug).

  test [PYTEST-ARGS...]
        Set up .venv if needed, then run 'python -m pytest' from the
        repository root. Every argument after 'test' goes to pytest
        unchanged ('manage.py test --help' shows pytest's own help), and
        the exit code is pytest's. The tests are spread over one worker
        per CPU with pytest-xdist ('-n auto --dist loadgroup', put before
        your arguments), unless you name single tests (path::test); pass
        '-n 0' to run them in one process, or '-n N' for N workers.
"""

EPILOG = """\
examples:
  python3 manage.py start
  python3 manage.py start --port 8000
  python3 manage.py test -q
  python3 manage.py test tests/test_x.py -k login -x
  python3 manage.py test -n 0 tests/test_x.py
"""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="manage.py",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="{start,test}")

    start = sub.add_parser(
        "start",
        help="set up, migrate the database and run the web app",
        description="Set up .venv if needed, run 'flask --app app db upgrade', then "
        "'flask --app app run'. Unknown options are passed on to 'flask run'.",
    )
    start.add_argument(
        "--host", default=DEFAULT_HOST,
        help="address to listen on (default: %(default)s)",
    )
    start.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT,
        help="port to listen on (default: %(default)s)",
    )

    # Listed for the help text only: 'test' is dispatched before argparse so
    # that options such as -q or -p reach pytest untouched.
    sub.add_parser("test", help="set up and run the test suite (arguments go to pytest)")
    return parser


def port_number(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not a number: %r" % text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 1 and 65535: %d" % value)
    return value


def main(argv):
    # Friendlier output on consoles whose encoding lacks '…'.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass

    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_sigterm)

    try:
        if argv[:1] == ["test"]:
            return cmd_test(argv[1:])
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        if args.command == "start":
            return cmd_start(args.host, args.port, extra)
        if extra:
            parser.error("unrecognized arguments: %s" % " ".join(extra))
        parser.print_help()
        return 2
    except BootstrapError as exc:
        sys.stderr.write("manage.py: %s\n" % exc)
        return exc.code
    except KeyboardInterrupt:
        # The child got the same Ctrl+C and has stopped by now.
        sys.stderr.write("\nStopped.\n")
        return 128 + signal.SIGINT
    except Terminated:
        # subprocess.run has killed the child on the way out.
        sys.stderr.write("Stopped.\n")
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
