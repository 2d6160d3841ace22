#!/usr/bin/env python3
"""Count CPU instructions per request for Mend's main pages and a bare Flask hello, in one run.

    python3 bench/instructions.py                 # quick dataset, SQLite, 10 measured requests a page
    python3 bench/instructions.py --pages dashboard,today -n 20
    python3 bench/instructions.py --db postgresql
    python3 bench/instructions.py --callgrind-out DIR   # keep every profile, for callgrind_annotate

Wall-clock numbers move with whatever else the machine does; instruction counts do not. Each app
runs in one process under valgrind's callgrind, and every request goes through **gunicorn's own
sync-worker code**: the raw HTTP request is written into a socket pair, gunicorn's parser reads it,
its `handle_request` builds the WSGI environ, calls the app, writes the response and the access log
line (with the project's gunicorn.conf.py settings and the log filter its `when_ready` hook installs).
Only `accept()` is left out.

For each page the child process makes a few warm-up requests (templates compiled, caches and
connections ready, every status checked), then calls `os.getpgrp()` before and after N measured
requests. callgrind is started with `--dump-before=getpgrp`, so it writes one profile per stretch:
the stretch between two marks holds exactly N requests. Instructions per request are that
profile's total ÷ N. SQL statements per request are counted in a separate, unmeasured pass.

Mend runs as in production (MEND_PRODUCTION, CSRF, the rate limiter on with in-memory storage) on
the benchmark's dataset (bench/seed.py). Nothing here is a test: targets are printed, never asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from _bootstrap import ensure_venv  # noqa: E402

if __name__ == "__main__" and "--child" not in sys.argv:
    ensure_venv(__file__)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import runpy  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

MARK = "getpgrp"  # the C function whose call starts a new profile (Python's os.getpgrp calls it)
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/mend_bench_instructions"


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    who: str | None  # the fixture naming the account, or None when logged out
    path: str  # formatted with the fixtures
    target: float  # the most instructions per request, as a multiple of hello's
    post: bool = False


PAGES = [
    Page("login", "Log in page (logged out)", None, "/login", 4),
    Page("dashboard", "Dashboard (person, 3-year history)", "person_3y", "/home", 5),
    Page("today", "Today (person, 3-year history)", "person_3y", "/tracker/today", 8),
    Page("overview", "Tracker overview, 3-year history", "person_3y", "/tracker/", 8),
    Page("overview-1w", "Tracker overview, 1-week history", "person_1w", "/tracker/", 8),
    Page("commitment", "Commitment page, 3-year history", "person_3y", "/tracker/commitments/{commitment_3y}", 8),
    Page("commitment-1w", "Commitment page, 1-week history", "person_1w", "/tracker/commitments/{commitment_1w}", 8),
    Page("loved-home", "Dashboard (loved one)", "loved_one", "/home", 5),
    Page("loved-tracker", "Loved one's view of the tracker", "loved_one", "/circle/{loved_one_connection}/tracker",
         8),
    Page("checkin", "Check-in (POST, redirects)", "person_3y", "/tracker/commitments/{commitment_3y}/checkin", 6,
         post=True),
    Page("dashboard-3", "Dashboard, 3 commitments", "person_few", "/home", 5),
    Page("dashboard-30", "Dashboard, 30 commitments", "person_many", "/home", 10),
    Page("loved-home-1", "Dashboard (loved one of 1 person)", "loved_one_one", "/home", 5),
    Page("loved-home-20", "Dashboard (loved one of 20 people)", "loved_one_twenty", "/home", 7.5),
]
BY_KEY = {p.key: p for p in PAGES}
# Ratios between pages: (label, page, the page it is compared with, the most it may cost).
RATIOS = [
    ("Tracker overview, 3-year ÷ 1-week", "overview", "overview-1w", 1.1),
    ("Commitment page, 3-year ÷ 1-week", "commitment", "commitment-1w", 1.1),
    ("Dashboard, 30 commitments ÷ 3", "dashboard-30", "dashboard-3", 2.0),
    ("Loved one's dashboard, 20 people ÷ 1", "loved-home-20", "loved-home-1", 1.5),
]


# --- The child: one app under callgrind ---------------------------------------------------------------------


class Listener:
    """What gunicorn's worker asks of its listening socket: its address, for the environ."""

    def getsockname(self):
        return ("127.0.0.1", 8000)


def gunicorn_worker(app):
    """A gunicorn sync worker with the project's settings, serving `app`, without its process plumbing."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger
    from gunicorn.workers.sync import SyncWorker

    cfg = Config()
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    for name, value in settings.items():
        if name in cfg.settings and name not in ("post_fork", "when_ready"):
            cfg.set(name, value)
    log = Logger(cfg)
    from recovery import logs  # the project's when_ready hook: the access-log filter

    logs.install()
    worker = SyncWorker(0, os.getppid(), [], None, 30, cfg, log)
    worker.wsgi = app
    worker.alive = True
    return worker


def serve(worker, raw: bytes) -> bytes:
    """One request through gunicorn's sync-worker code; the raw response back."""
    ours, theirs = socket.socketpair()
    for s in (ours, theirs):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    ours.sendall(raw)
    worker.handle(Listener(), theirs, ("127.0.0.1", 40000))
    chunks = []
    while chunk := ours.recv(1 << 20):
        chunks.append(chunk)
    ours.close()
    return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


def raw_request(method: str, path: str, cookie: str = "", body: str = "") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "User-Agent: bench", "Accept: text/html",
             "Accept-Language: en"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body.encode())}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def mend_requests(app, fixtures: dict, keys: list[str]) -> dict[str, list[bytes]]:
    """Log each account in through the real form (Flask's test client) and build each page's raw requests."""
    from loadgen import form_inputs

    cookie_name = app.config["SESSION_COOKIE_NAME"]
    cookies: dict[str, str] = {}
    pages_html: dict[str, str] = {}

    def cookie_for(who: str) -> str:
        if who not in cookies:
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            response = client.post("/login", data={"csrf_token": form_inputs(page)["csrf_token"],
                                                   "email": fixtures[who], "password": fixtures["password"]})
            if response.status_code != 302:
                raise SystemExit(f"logging in as {fixtures[who]} failed: {response.status_code}")
            # Today's page puts a CSRF token in the session and holds the check-in forms.
            pages_html[who] = client.get("/tracker/today").get_data(as_text=True) if "person" in who else ""
            cookies[who] = f"{cookie_name}={client.get_cookie(cookie_name).value}"
        return cookies[who]

    requests: dict[str, list[bytes]] = {}
    for key in keys:
        page = BY_KEY[key]
        path = page.path.format(**fixtures)
        cookie = cookie_for(page.who) if page.who else ""
        if not page.post:
            requests[key] = [raw_request("GET", path, cookie)]
            continue
        prefix = f"c{fixtures['commitment_3y']}"
        inputs = form_inputs(pages_html[page.who])
        fields = {name: value for name, value in inputs.items() if name.startswith(prefix + "-")}
        if f"{prefix}-csrf_token" not in fields:
            raise SystemExit("Today's page has no check-in form for the measured commitment")
        # Every post changes the day's answer (kept, partly, missed, …): a real update each time.
        requests[key] = [raw_request("POST", path, cookie, urlencode({**fields, f"{prefix}-status": status,
                                                                      f"{prefix}-note": ""}))
                         for status in ("kept", "partly", "missed")]
    return requests


def child(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    os.environ.update(spec["env"])
    sys.path.insert(0, str(ROOT))
    if spec["app"] == "hello":
        sys.path.insert(0, str(ROOT / "bench"))
        from hello import app

        requests = {"hello": [raw_request("GET", "/")]}
        expect = {"hello": 200}
        engine = None
    else:
        from recovery import create_app
        from recovery.db import db

        app = create_app()
        requests = mend_requests(app, spec["fixtures"], spec["pages"])
        expect = {key: 302 if BY_KEY[key].post else 200 for key in spec["pages"]}
        with app.app_context():
            engine = db.engine
    worker = gunicorn_worker(app)
    counts = {}
    for key, raws in requests.items():
        for i in range(spec["warmup"]):
            response = serve(worker, raws[i % len(raws)])
            if status_of(response) != expect[key]:
                raise SystemExit(f"{key}: answered {status_of(response)}, not {expect[key]}:\n"
                                 f"{response[:2000].decode(errors='replace')}")
        statements = 0
        if engine is not None:  # count SQL statements in one unmeasured request
            import sqlalchemy as sa

            def count(*_):
                nonlocal statements
                statements += 1

            sa.event.listen(engine, "before_cursor_execute", count)
            serve(worker, raws[0])
            sa.event.remove(engine, "before_cursor_execute", count)
        counts[key] = {"statements": statements, "shares": shares(worker, raws) if engine is not None else {}}
        os.getpgrp()  # a new profile starts here...
        for i in range(spec["n"]):
            serve(worker, raws[i % len(raws)])
        os.getpgrp()  # ... and holds exactly n requests
    Path(spec["out"]).write_text(json.dumps(counts))
    return 0


# Where a request's work goes: each part is the time spent inside these functions, less the time spent in
# any other part called from inside them (SQL run by a template counts as SQL, not as the template's).
PARTS = {
    "before": ("flask.app", "Flask", "preprocess_request"),
    "view": ("flask.app", "Flask", "dispatch_request"),
    "after": ("flask.app", "Flask", "process_response"),
    "templates": ("flask.templating", None, "_render"),
    "sql": ("sqlalchemy.orm.session", "Session", "_execute_internal"),
}


def shares(worker, raws: list[bytes], n: int = 5) -> dict[str, float]:
    """Time n more requests (outside the measured stretch) and split each into PARTS, as parts of the whole."""
    import importlib
    import time

    spent = dict.fromkeys(PARTS, 0.0)
    stack: list[list[float]] = []  # for each part being timed: [its start, time spent in parts inside it]
    originals = []

    def timed(part, function):
        def wrapper(*args, **kwargs):
            stack.append([time.perf_counter(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                began, inner = stack.pop()
                elapsed = time.perf_counter() - began
                spent[part] += elapsed - inner
                if stack:
                    stack[-1][1] += elapsed
        return wrapper

    for part, (module_name, class_name, name) in PARTS.items():
        module = importlib.import_module(module_name)
        owner = getattr(module, class_name) if class_name else module
        originals.append((owner, name, getattr(owner, name)))
        setattr(owner, name, timed(part, getattr(owner, name)))
    try:
        began = time.perf_counter()
        for i in range(n):
            serve(worker, raws[i % len(raws)])
        total = time.perf_counter() - began
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)
    return {part: value / total for part, value in spent.items()}


# --- The parent: seed, run each app under callgrind, read the profiles -----------------------------------------


TOTALS = re.compile(r"^(?:summary|totals):\s*(\d+)", re.M)


def profile_total(path: Path) -> int:
    match = TOTALS.search(path.read_text(errors="replace"))
    if not match:
        raise SystemExit(f"no totals in {path}")
    return int(match.group(1))


def run_under_callgrind(app: str, keys: list[str], fixtures: dict, env: dict, args, workdir: Path) -> dict:
    """Run one app's requests under callgrind; instructions and SQL statements per request, per page."""
    outdir = workdir / f"callgrind-{app}"
    outdir.mkdir()
    spec = workdir / f"spec-{app}.json"
    counts_path = workdir / f"counts-{app}.json"
    spec.write_text(json.dumps({"app": app, "pages": keys, "fixtures": fixtures, "env": env, "n": args.n,
                                "warmup": args.warmup, "out": str(counts_path)}))
    command = ["valgrind", "--tool=callgrind", f"--dump-before={MARK}", "--dump-instr=no",
               f"--callgrind-out-file={outdir}/callgrind.out", sys.executable, __file__, "--child", str(spec)]
    child_env = {**os.environ, **env, "PYTHONHASHSEED": "0"}
    log = workdir / f"valgrind-{app}.log"
    with log.open("w") as out:
        done = subprocess.run(command, env=child_env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        raise SystemExit(f"{app} under callgrind failed ({done.returncode}):\n{log.read_text()[-4000:]}")
    # callgrind.out.1 holds start-up and the first page's warm-up; .2 its n requests; .3 the next warm-up ...
    dumps = sorted(outdir.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
    counts = json.loads(counts_path.read_text())
    names = list(counts)
    if len(dumps) < 2 * len(names):
        raise SystemExit(f"{app}: expected {2 * len(names)} profiles, found {len(dumps)}")
    results = {}
    for i, key in enumerate(names):
        measured = dumps[2 * i + 1]
        results[key] = {"instructions": profile_total(measured) / args.n, "statements": counts[key]["statements"],
                        "shares": counts[key]["shares"], "profile": str(measured)}
    if args.callgrind_out:
        keep = Path(args.callgrind_out)
        keep.mkdir(parents=True, exist_ok=True)
        for i, key in enumerate(names):
            shutil.copy(dumps[2 * i + 1], keep / f"{app}-{key}.callgrind")
    return results


def report(hello: dict, pages: dict, args, database_label: str) -> str:
    base = hello["hello"]["instructions"]
    lines = [f"Instructions per request through gunicorn's sync worker, {args.n} measured requests a page, "
             f"{args.size} dataset, {database_label}.", "",
             "| Page | instructions per request | × hello | target | SQL statements |",
             "|---|---:|---:|---|---:|",
             f"| Hello baseline (bare Flask) | {base:,.0f} | 1.0 | – | 0 |"]
    for key, result in pages.items():
        page = BY_KEY[key]
        ratio = result["instructions"] / base
        verdict = "pass" if ratio <= page.target else "**miss**"
        lines.append(f"| {page.title} | {result['instructions']:,.0f} | {ratio:.1f} | ≤ {page.target:g}×: {verdict} "
                     f"| {result['statements']} |")
    lines.append("")
    for label, a, b, most in RATIOS:
        if a in pages and b in pages:
            ratio = pages[a]["instructions"] / pages[b]["instructions"]
            verdict = "pass" if ratio <= most else "**miss**"
            lines.append(f"- {label}: {ratio:.2f} (target ≤ {most:g}: {verdict})")
    lines += ["", "Where each page's instructions go, in multiples of hello's whole request (each part's share of "
              "the time of 5 more requests, applied to the count above; a part called inside another counts "
              "once, as itself). *Before*: Flask's before-request work (the session cookie, the session row and "
              "its user, the supporters' gate, CSRF, the limiter). *View*: the view's own Python. *SQL*: every "
              "ORM statement wherever it runs (building it, SQLAlchemy, the database). *Templates*: rendering. "
              "*After*: after-request work (security headers, saved progress and access-log writes, the "
              "commit). *Server*: gunicorn, WSGI, Flask and the session cookie around it all.", "",
              "| Page | server | before | view | SQL | templates | after |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key, result in pages.items():
        s = result.get("shares") or {}
        if not s:
            continue
        whole = result["instructions"] / base
        cells = [max(0.0, 1 - sum(s.values())), s["before"], s["view"], s["sql"], s["templates"], s["after"]]
        lines.append(f"| {BY_KEY[key].title} | " + " | ".join(f"{whole * c:.1f}" for c in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--child":
        return child(argv[1])
    parser = argparse.ArgumentParser(prog="bench/instructions.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default=",".join(p.key for p in PAGES),
                        help="comma-separated, from: %(default)s")
    parser.add_argument("-n", type=int, default=10, help="measured requests per page (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured requests first (default 3)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("MEND_BENCH_INSTRUCTIONS_POSTGRES_URL",
                                                                 DEFAULT_POSTGRES_URL))
    parser.add_argument("--full", action="store_true", help="the full dataset (default: the quick one)")
    parser.add_argument("--callgrind-out", help="keep each page's profile in this folder")
    parser.add_argument("--json", help="also write the numbers to this file")
    parser.add_argument("--write-results", action="store_true",
                        help="write the table into bench/RESULTS.md (its instruction-count part)")
    args = parser.parse_args(argv)
    keys = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        parser.error(f"unknown page(s): {', '.join(unknown)}")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: sudo apt-get install valgrind")
    args.size = "full" if args.full else "quick"

    import servers

    workdir = Path(tempfile.mkdtemp(prefix="mend-instructions-"))
    made_postgres = False
    try:
        if args.db == "postgresql":
            database = servers.postgres_database(args.postgres_url)
            made_postgres = True
        else:
            database = servers.sqlite_database(workdir)
        env = servers.mend_env(database, workdir)
        env["MEND_RATELIMIT_ENABLED"] = "true"  # as in production: the limiter's cost is part of a request
        env.pop("MEND_WORKERS", None)
        fixtures_path = workdir / "fixtures.json"
        print(f"Seeding the {args.size} dataset into {database.label}…", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py"), "--size", args.size, "--out",
                        str(fixtures_path)], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        fixtures = json.loads(fixtures_path.read_text())
        mend_env = {k: v for k, v in env.items() if k.startswith(("MEND_", "DATABASE_URL"))}
        print("Counting the hello baseline's instructions under callgrind…", flush=True)
        hello = run_under_callgrind("hello", ["hello"], fixtures, {}, args, workdir)
        print(f"Counting {len(keys)} Mend pages' instructions under callgrind (a few minutes)…", flush=True)
        pages = run_under_callgrind("mend", keys, fixtures, mend_env, args, workdir)
        text = report(hello, pages, args, database.label)
        print("\n" + text)
        if args.write_results:
            import platform
            from datetime import UTC, datetime

            import results

            command = "python3 bench/run.py --instructions " + " ".join(argv)
            results.write_part("instructions", "\n".join([
                "## Instructions per request", "",
                f"Written by `{command.strip()}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, with Python "
                f"{platform.python_version()} and valgrind's callgrind (the count does not move with other work "
                "on the machine). Targets from issue 20.", "", text]))
            print("Wrote the instruction-count part of bench/RESULTS.md.")
        if args.json:
            Path(args.json).write_text(json.dumps({"hello": hello, "pages": pages}, indent=2))
    finally:
        if made_postgres:
            servers.drop_postgres_database(args.postgres_url)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
