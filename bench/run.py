#!/usr/bin/env python3
"""Benchmark Mend against a bare Flask "hello" app, on SQLite and on PostgreSQL, in one run.

    python3 bench/run.py                  # full dataset, 10 s per page (about 7 minutes)
    python3 bench/run.py --quick          # small dataset, 3 s per page: to try it out
    python3 bench/run.py --write-results  # also write bench/RESULTS.md
    python3 bench/run.py --instructions   # CPU instructions per request instead (bench/instructions.py)

It seeds a large dataset into a fresh SQLite file and a fresh PostgreSQL database, serves
each with gunicorn under the project's gunicorn.conf.py (4 sync workers), serves the hello
app under the same settings, and drives each with wrk over loopback with logged-in
sessions. It prints requests/s and p50/p99 latency per page, each page's ratio to the hello
baseline, and whether the targets are met. See bench/README.md.

Only the standard library is used until the virtual environment is set up; then the
script runs itself again with .venv's Python.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _bootstrap import ensure_venv  # noqa: E402

if __name__ == "__main__":
    ensure_venv(__file__)

# --- From here on we run inside .venv --------------------------------------------------------------

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from importlib import metadata  # noqa: E402

sys.path.insert(0, str(ROOT))

import loadgen  # noqa: E402
import servers  # noqa: E402
from loadgen import Session, Target, WrkResult  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/mend_bench"

# The targets (issue 9, raised by issue 20).
DASHBOARD_SHARE = 0.20  # authenticated dashboard >= 20% of hello's requests/s
P99_LIMIT_MS = 50.0  # p99 <= 50 ms at 16 connections
HISTORY_FACTOR = 1.5  # 3-year history page within 1.5x of the 1-week one
CONNECTIONS = 16

DASHBOARD = "Dashboard (person, 3-year history)"


class Stop(Exception):
    """SIGTERM: unwind through every `finally`, so servers and databases are cleaned up."""


def _on_sigterm(signum, frame):
    raise Stop()


@dataclass
class Row:
    """One measured line of the results table."""

    page: str
    db: str
    result: WrkResult
    expect: int
    group: str = ""
    span: str = ""  # "3y" or "1w" within a group

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.result.statuses.items() if status != self.expect)

    def check_text(self) -> str:
        """Say how the server answered: all as expected (and how many), and anything that went wrong."""
        r = self.result
        problems = []
        if not r.requests:
            problems.append("no request completed within the run")
        if self.unexpected:
            problems.append(", ".join(f"{n:,}×{s}" for s, n in sorted(r.statuses.items()) if s != self.expect))
        if r.bad_status:
            problems.append(f"wrk non-2xx/3xx: {r.bad_status:,}")
        if r.socket_errors:
            problems.append(f"socket errors: {r.socket_errors}")
        ok = sum(n for s, n in r.statuses.items() if s == self.expect)
        parts = [] if self.unexpected else [f"all {self.expect} ({ok:,})"]
        if problems:
            parts.append("⚠ " + "; ".join(problems))
        return "; ".join(parts)


# --- Measuring -------------------------------------------------------------------------------------------------


def measure(server: servers.Server, target: Target | None, args) -> WrkResult:
    """Load one target (None: the hello baseline's "/") with the run's wrk settings."""
    return loadgen.run_wrk(server.base_url, target, args.duration, args.connections, args.threads,
                           server.access_log, args.warmup)


def seed(database: servers.Database, workdir: Path, size: str) -> dict:
    """Migrate and fill one database in a separate process; return its fixtures."""
    out = workdir / f"fixtures-{database.label.lower()}.json"
    log = workdir / f"seed-{database.label.lower()}.log"
    began = time.monotonic()
    with open(log, "wb") as fh:
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py"), "--size", size, "--out", str(out)],
                              cwd=ROOT, env=servers.mend_env(database, workdir), stdout=fh, stderr=subprocess.STDOUT)
    if done.returncode:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise RuntimeError(f"seeding {database.label} failed:\n{tail}")
    fixtures = json.loads(out.read_text())
    rows = fixtures["rows"]
    say(f"  seeded {database.label} in {time.monotonic() - began:.0f} s: {rows['users']:,} users, "
        f"{rows['connections']:,} connections, {rows['checkins']:,} check-ins, "
        f"{rows['confirmations']:,} confirmations")
    return fixtures


def targets_for(server: servers.Server, fixtures: dict) -> list[Target]:
    """Log in the three measured accounts over HTTP and list the pages to load."""
    password = fixtures["password"]
    person = Session(server.base_url, fixtures["person_3y"])
    week = Session(server.base_url, fixtures["person_1w"])
    loved = Session(server.base_url, fixtures["loved_one"])
    for session in (person, week, loved):
        session.log_in(password)
    # Today's page puts a CSRF token in the session and holds the check-in form to post.
    status, _, page = person.request("/tracker/today")
    if status != 200:
        raise RuntimeError(f"/tracker/today answered {status}")
    for session in (person, week, loved):
        session.freeze()
    c3, c1 = fixtures["commitment_3y"], fixtures["commitment_1w"]
    prefix = f"c{c3}"
    inputs = loadgen.form_inputs(page)
    if f"{prefix}-csrf_token" not in inputs:
        raise RuntimeError(f"Today's page has no check-in form for commitment {c3}")
    post = {"prefix": prefix, "day": inputs[f"{prefix}-day"], "token": inputs[f"{prefix}-csrf_token"]}
    return [
        Target(DASHBOARD, "/home", person),
        Target("Today (person)", "/tracker/today", person),
        Target("Commitment page, 3-year history", f"/tracker/commitments/{c3}", person, group="commitment",
               span="3y"),
        Target("Commitment page, 1-week history", f"/tracker/commitments/{c1}", week, group="commitment",
               span="1w"),
        Target("Tracker overview, 3-year history", "/tracker/", person, group="overview", span="3y"),
        Target("Tracker overview, 1-week history", "/tracker/", week, group="overview", span="1w"),
        Target("Loved one's view of the tracker", f"/circle/{fixtures['loved_one_connection']}/tracker", loved),
        Target("Check-in (POST, redirects)", f"/tracker/commitments/{c3}/checkin", person, expect=302, post=post),
    ]


def bench_database(database: servers.Database, workdir: Path, args, rows: list[Row], commands: list[str]) -> dict:
    """Seed one database, serve Mend on it and measure every page."""
    fixtures = seed(database, workdir, args.size)
    server = servers.mend_server(database, workdir)
    commands.append(f"# Mend on {database.label}")
    commands.append(f"{env_words(server.env)} {shlex.join(server.command)}".replace(str(ROOT) + "/", ""))
    with server:
        server.start(ready_path="/login")
        targets = targets_for(server, fixtures)
        for target in targets:
            problem = target.check()
            if problem:
                raise RuntimeError(f"{database.label}: {target.name}: {problem}")
        for target in targets:
            result = measure(server, target, args)
            commands.append(f"# {target.name} ({target.session.email})")
            commands.append(result.command)
            row = Row(target.name, database.label, result, target.expect, target.group, target.span)
            rows.append(row)
            say(f"  {target.name:<36} {result.requests_per_second:8.1f} req/s  p50 {result.p50_ms:7.1f} ms  "
                f"p99 {result.p99_ms:7.1f} ms  {row.check_text()}")
        # The sessions must still be good after the run, or the numbers measured a login redirect.
        for target in targets[:-1]:
            problem = target.check()
            if problem:
                raise RuntimeError(f"{database.label}: after the run, {target.name}: {problem}")
    return fixtures


def env_words(env: dict[str, str]) -> str:
    """The environment Mend was started with, as shell words (the secret key and temporary paths left out)."""
    keys = ("DATABASE_URL", "MEND_PRODUCTION", "MEND_SESSION_COOKIE_SECURE", "MEND_RATELIMIT_ENABLED",
            "MEND_WORKERS", "MEND_BIND")
    url = env["DATABASE_URL"]
    shown = {**env, "DATABASE_URL": "sqlite:///<tmp>/mend-bench.db" if url.startswith("sqlite") else url}
    return "MEND_SECRET_KEY=<random> MEND_INSTANCE_PATH=<tmp> " + " ".join(f"{k}={shown[k]}" for k in keys)


# --- Reporting ------------------------------------------------------------------------------------------------------


def say(text: str = "") -> None:
    print(text, flush=True)


def results_table(hello: WrkResult, rows: list[Row]) -> str:
    lines = ["| Page | DB | req/s | p50 (ms) | p99 (ms) | × hello req/s | p99 ≤ 50 ms | Responses |",
             "|---|---|---:|---:|---:|---:|---|---|",
             f"| Hello baseline (bare Flask) | – | {hello.requests_per_second:,.1f} | {hello.p50_ms:.1f} | "
             f"{hello.p99_ms:.1f} | 1.000 | {p99_mark(hello)} | "
             f"{Row('hello', '-', hello, 200).check_text()} |"]
    for row in rows:
        r = row.result
        lines.append(f"| {row.page} | {row.db} | {r.requests_per_second:,.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
                     f"{ratio(r.requests_per_second, hello.requests_per_second):.3f} | "
                     f"{p99_mark(r)} | {row.check_text()} |")
    return "\n".join(lines)


def mark(ok: bool) -> str:
    return "pass" if ok else "**miss**"


def p99_mark(result: WrkResult) -> str:
    return mark(result.p99_ms <= P99_LIMIT_MS) if result.requests else "no data"


def ratio(a: float, b: float) -> float:
    """a / b, or infinity when b measured nothing (a run in which no request completed)."""
    return a / b if b else float("inf")


def target_lines(hello: WrkResult, rows: list[Row], dbs: list[str]) -> list[str]:
    """Judge issue 9's targets, database by database."""
    lines = []
    for db in dbs:
        mine = [r for r in rows if r.db == db]
        dash = next(r for r in mine if r.page == DASHBOARD)
        share = ratio(dash.result.requests_per_second, hello.requests_per_second)
        lines.append(f"- {db}: authenticated dashboard ≥ {DASHBOARD_SHARE:.0%} of hello's requests/s: "
                     f"{mark(share >= DASHBOARD_SHARE)} ({share:.1%}: {dash.result.requests_per_second:,.1f} of "
                     f"{hello.requests_per_second:,.1f} req/s)")
        over = [r for r in mine if r.result.p99_ms > P99_LIMIT_MS or not r.result.requests]
        detail = ", ".join(f"{r.page} {r.result.p99_ms:.0f} ms" if r.result.requests else f"{r.page} (no data)"
                           for r in over)
        lines.append(f"- {db}: p99 ≤ {P99_LIMIT_MS:.0f} ms at {CONNECTIONS} connections: {mark(not over)} "
                     f"({'all under' if not over else 'over: ' + detail})")
        for group in ("commitment", "overview"):
            long = next(r for r in mine if r.group == group and r.span == "3y")
            short = next(r for r in mine if r.group == group and r.span == "1w")
            factor = ratio(short.result.requests_per_second, long.result.requests_per_second)
            p50 = ratio(long.result.p50_ms, short.result.p50_ms)
            lines.append(f"- {db}: {long.page.split(',')[0].lower()}, 3-year history within {HISTORY_FACTOR}× of "
                         f"1-week: {mark(factor <= HISTORY_FACTOR)} (req/s {short.result.requests_per_second:,.1f} "
                         f"for 1 week vs {long.result.requests_per_second:,.1f} for 3 years = {factor:.2f}×; "
                         f"p50 {long.result.p50_ms:.1f} vs {short.result.p50_ms:.1f} ms = {p50:.2f}×)")
    return lines


def machine() -> dict[str, str]:
    """What this machine is, for RESULTS.md."""
    info = {"CPUs": str(len(os.sched_getaffinity(0)))}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines()
                      if line.startswith("model name")), "unknown")
        info["CPU"] = model
    except OSError:
        info["CPU"] = platform.processor() or "unknown"
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        info["Memory"] = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    try:
        info["OS"] = next(line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text()
                          .splitlines() if line.startswith("PRETTY_NAME="))
    except (OSError, StopIteration):
        info["OS"] = platform.platform()
    info["Kernel"] = platform.release()
    info["Python"] = platform.python_version()
    info["gunicorn"] = metadata.version("gunicorn")
    info["Flask"] = metadata.version("flask")
    info["SQLAlchemy"] = metadata.version("sqlalchemy")
    info["psycopg"] = metadata.version("psycopg")
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    info["wrk"] = (wrk.stdout or wrk.stderr).split("Copyright")[0].strip()
    return info


def write_results(text: str) -> None:
    import results

    results.write_part("wall clock", text)
    say(f"Wrote the wall-clock part of {RESULTS.relative_to(ROOT)}.")


# --- Main ------------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str]):
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[0],
        epilog="Needs wrk (Debian: apt-get install wrk) and, for the PostgreSQL half, a PostgreSQL server "
               "where the benchmark may create and drop a database whose name contains 'bench'.")
    parser.add_argument("--quick", action="store_true",
                        help="small dataset, 3 s per page, 1 s warm-up: to try the benchmark out")
    parser.add_argument("--write-results", action="store_true",
                        help="write the machine, commands and table to bench/RESULTS.md (not with --quick)")
    parser.add_argument("--duration", type=float, help="seconds of load per page (default 10, quick 3)")
    parser.add_argument("--warmup", type=float, help="seconds of unmeasured load before each (default 3, quick 1)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--postgres-url", default=os.environ.get("MEND_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
                        help="database to create, fill and drop (its name must contain 'bench'; default "
                             "$MEND_BENCH_POSTGRES_URL or %(default)s)")
    parser.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, SQLite file)")
    args = parser.parse_args(argv)
    if args.quick and args.write_results:
        parser.error("--write-results records a real measurement; leave out --quick")
    args.size = "quick" if args.quick else "full"
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    args.connections = CONNECTIONS
    return args


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--instructions":  # the instruction-count mode: bench/instructions.py's options
        import instructions

        return instructions.main(argv[1:])
    args = parse_args(argv)
    if loadgen.wrk_path() is None:
        say("bench/run.py needs the wrk load generator, which is not installed.\n"
            "On Debian or Ubuntu: sudo apt-get install wrk")
        return 2
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="mend-bench-"))
    commands = [f"python3 bench/run.py {shlex.join(argv)}".strip()]
    rows: list[Row] = []
    dbs: list[servers.Database] = []
    skipped = ""
    fixtures: dict = {}
    postgres_made = False
    if load_before[0] > len(os.sched_getaffinity(0)):
        say(f"WARNING: the machine is busy (load average {load_before[0]:.1f} on {len(os.sched_getaffinity(0))} "
            "CPUs); every number, the baseline's too, will come out low and noisy.")
    say(f"Mend benchmark ({args.size} dataset, {args.duration:g} s per page after {args.warmup:g} s warm-up, "
        f"{args.connections} connections, {servers.WORKERS} gunicorn workers). Work directory: {workdir}")
    try:
        say("Hello baseline")
        hello_server = servers.hello_server(workdir)
        commands.append("# Hello baseline")
        commands.append(f"MEND_WORKERS={servers.WORKERS} MEND_BIND={hello_server.env['MEND_BIND']} "
                        f"{shlex.join(hello_server.command)}".replace(str(ROOT) + "/", ""))
        with hello_server:
            hello_server.start()
            hello = measure(hello_server, None, args)
            commands.append(hello.command)
        say(f"  {'Hello':<36} {hello.requests_per_second:8.1f} req/s  p50 {hello.p50_ms:7.1f} ms  "
            f"p99 {hello.p99_ms:7.1f} ms")

        dbs.append(servers.sqlite_database(workdir))
        if args.no_postgres:
            skipped = "PostgreSQL skipped (--no-postgres)."
        else:
            try:
                dbs.append(servers.postgres_database(args.postgres_url))
                postgres_made = True
            except Exception as exc:  # psycopg.OperationalError and friends: no server there
                skipped = f"PostgreSQL skipped: could not reach {args.postgres_url} ({exc.__class__.__name__}: " \
                          f"{str(exc).strip().splitlines()[0] if str(exc).strip() else ''})."
                say(f"WARNING: {skipped} Start PostgreSQL or pass --postgres-url; --no-postgres silences this.")
        for database in dbs:
            say(f"{database.label} {database.version}")
            fixtures = bench_database(database, workdir, args, rows, commands)
    except (KeyboardInterrupt, Stop):
        say("\nStopped; cleaning up.")
        return 130
    except RuntimeError as exc:
        say(f"bench/run.py: {exc}")
        return 1
    finally:
        if postgres_made:
            try:
                servers.drop_postgres_database(args.postgres_url)
            except Exception as exc:
                say(f"Could not drop the benchmark database: {exc}")
        if args.keep:
            say(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    load_after = os.getloadavg()
    labels = [d.label for d in dbs]
    table = results_table(hello, rows)
    targets = target_lines(hello, rows, labels)
    say()
    say(table)
    say()
    say("Targets (issue 9):")
    say("\n".join(targets))
    if skipped:
        say(skipped)
    busy = max(load_before[0], load_after[0]) > len(os.sched_getaffinity(0))
    load = (f"load average {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} at the start, "
            f"{load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} at the end")
    say(f"Machine: {load} (1/5/15 min; {len(os.sched_getaffinity(0))} CPUs). Other work on the machine "
        "lowers every number, the baseline's too.")

    if args.write_results:
        info = machine()
        info.update({d.label: d.version for d in dbs})
        info["Load"] = load
        rows_seeded = fixtures.get("rows", {})
        text = "\n".join([
            "## Wall clock",
            "",
            f"Written by `{commands[0]}` on {started:%Y-%m-%d %H:%M} UTC. See README.md for what is measured "
            "and how; run it again after any change to a page.",
            "",
            "### Machine",
            "",
            *[f"- {k}: {v}" for k, v in info.items()],
            "",
            *(["**The machine was busy during this run** (load average above its number of CPUs): other work "
               "lowered and scattered every number, the baseline's too. Measure again on a quiet machine.", ""]
              if busy else []),
            "### Dataset",
            "",
            ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in rows_seeded.items()) + ".",
            "",
            "### Results",
            "",
            f"{args.connections} connections, {args.threads} wrk threads, {args.duration:g} s per page after a "
            f"{args.warmup:g} s warm-up; latencies in milliseconds.",
            "",
            table,
            "",
            "### Targets",
            "",
            *targets,
            *([f"- {skipped}"] if skipped else []),
            "",
            "### Commands",
            "",
            "The session cookie and CSRF token are left out; ports are picked free for each run.",
            "",
            "```sh",
            *commands,
            "```",
            "",
        ])
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
