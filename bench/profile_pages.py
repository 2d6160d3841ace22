#!/usr/bin/env python3
"""Profile Mend's slowest pages in-process with pyinstrument, on the benchmark's dataset.

    python3 bench/profile_pages.py                       # dashboard and 3-year commitment page, 50 requests each
    python3 bench/profile_pages.py --pages overview,loved-one -n 100
    python3 bench/profile_pages.py --db postgresql       # on a fresh PostgreSQL database (dropped afterwards)

Seeds the dataset (as bench/run.py does) into a temporary database, logs in through the
real login form with Flask's test client, then for each page: warms up, times N requests
without the profiler, counts SQL statements per request, and prints pyinstrument's call
tree for N more requests. The app runs as under gunicorn: production mode, CSRF on.

(Named profile_pages.py, not profile.py: a script's folder comes first on sys.path, and a
profile.py there would stand in for the standard library's `profile` module.)
"""

from __future__ import annotations

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
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, str(ROOT))

import servers  # noqa: E402
from loadgen import form_inputs  # noqa: E402

PAGES = {
    "dashboard": ("Dashboard (person, 3-year history)", "person_3y", lambda f: "/home"),
    "commitment": ("Commitment page, 3-year history", "person_3y",
                   lambda f: f"/tracker/commitments/{f['commitment_3y']}"),
    "commitment-1w": ("Commitment page, 1-week history", "person_1w",
                      lambda f: f"/tracker/commitments/{f['commitment_1w']}"),
    "overview": ("Tracker overview, 3-year history", "person_3y", lambda f: "/tracker/"),
    "today": ("Today (person)", "person_3y", lambda f: "/tracker/today"),
    "loved-one": ("Loved one's view of the tracker", "loved_one",
                  lambda f: f"/circle/{f['loved_one_connection']}/tracker"),
}
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/mend_bench_profile"


def ensure_pyinstrument():
    """Import pyinstrument, installing bench/requirements.txt into .venv first if needed."""
    try:
        import pyinstrument
    except ImportError:
        print("Installing the profiler (bench/requirements.txt) into .venv…", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(ROOT / "bench" / "requirements.txt")], check=True)
        import pyinstrument
    return pyinstrument


def log_in(client, email: str, password: str) -> None:
    """Log in through the real form, CSRF token and all."""
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"csrf_token": form_inputs(page)["csrf_token"], "email": email,
                                           "password": password})
    if response.status_code != 302 or not response.location.endswith("/home"):
        raise SystemExit(f"Logging in as {email} failed: {response.status_code}")


class QueryCounter:
    """Count the SQL statements the engine runs."""

    def __init__(self, engine) -> None:
        import sqlalchemy as sa

        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args) -> None:
        self.count += 1


def profile(args, workdir: Path, database: servers.Database) -> None:
    pyinstrument = ensure_pyinstrument()
    out = workdir / "fixtures.json"
    env = servers.mend_env(database, workdir)
    print(f"Seeding the {args.size} dataset into {database.label}…", flush=True)
    subprocess.run([sys.executable, str(ROOT / "bench" / "seed.py"), "--size", args.size, "--out", str(out)],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    fixtures = json.loads(out.read_text())
    os.environ.update(env)

    from recovery import create_app
    from recovery.db import db

    app = create_app()
    with app.app_context():
        counter = QueryCounter(db.engine)
    clients = {}
    for key in args.pages:
        title, who, path_of = PAGES[key]
        path = path_of(fixtures)
        if who not in clients:
            clients[who] = app.test_client()
            log_in(clients[who], fixtures[who], fixtures["password"])
        client = clients[who]
        for _ in range(5):  # warm up: templates compiled, caches and connections ready
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")
        counter.count = 0
        began = time.perf_counter()
        for _ in range(args.n):
            client.get(path)
        per_request = (time.perf_counter() - began) / args.n * 1000
        queries = counter.count / args.n
        profiler = pyinstrument.Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.n):
            client.get(path)
        profiler.stop()
        print(f"\n{'=' * 100}\n{title} — GET {path} on {database.label}: {per_request:.1f} ms per request "
              f"without the profiler, {queries:.1f} SQL statements per request ({args.n} requests)\n{'=' * 100}")
        print(profiler.output_text(unicode=True, color=False, show_all=args.all))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/profile_pages.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="dashboard,commitment",
                        help=f"comma-separated, from: {', '.join(PAGES)} (default: %(default)s)")
    parser.add_argument("-n", type=int, default=50, help="requests per page, timed and then profiled (default 50)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("MEND_BENCH_PROFILE_POSTGRES_URL",
                                                                 DEFAULT_POSTGRES_URL))
    parser.add_argument("--quick", action="store_true", help="the small dataset (same 3-year person, fewer others)")
    parser.add_argument("--all", action="store_true", help="show every frame, library internals included")
    args = parser.parse_args(argv)
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in args.pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown page(s): {', '.join(unknown)}; choose from {', '.join(PAGES)}")
    args.size = "quick" if args.quick else "full"

    workdir = Path(tempfile.mkdtemp(prefix="mend-profile-"))
    made_postgres = False
    try:
        if args.db == "postgresql":
            database = servers.postgres_database(args.postgres_url)
            made_postgres = True
        else:
            database = servers.sqlite_database(workdir)
        profile(args, workdir, database)
    finally:
        if made_postgres:  # DROP ... WITH (FORCE) closes this process's connections too
            servers.drop_postgres_database(args.postgres_url)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
