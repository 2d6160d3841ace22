"""Logged-in sessions over real HTTP, and wrk runs with their output parsed.

A session is made the way a browser makes one: fetch /login, send the form back with its
CSRF token, keep the cookie. The cookie (and, for posts, a CSRF token from a page) is then
handed to wrk, which sends it with every request.
"""

from __future__ import annotations

import http.cookiejar
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BENCH = Path(__file__).resolve().parent
COOKIE_NAME = "mend_session"
CHECKIN_LUA = BENCH / "checkin.lua"


class _Inputs(HTMLParser):
    """Collect every <input name=... value=...> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            attrs = dict(attrs)
            if attrs.get("name"):
                self.values.setdefault(attrs["name"], attrs.get("value") or "")


def form_inputs(html: str) -> dict[str, str]:
    """Return the page's input names and values (the first of each name)."""
    parser = _Inputs()
    parser.feed(html)
    return parser.values


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand redirects back as they are, to check a post's 302 and where it points."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Session:
    """A signed-in browser. Once set up, `freeze()` takes the cookie that wrk (and `check`) will send."""

    base_url: str
    email: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    cookie: str = ""  # the frozen Cookie header

    def request(self, path: str, data: dict | None = None, follow: bool = True) -> tuple[int, str, str]:
        """GET (or POST a form to) a path; return (status, final path or Location, body).

        Before `freeze()` the cookie jar is used and updated, as a browser would; after it,
        the frozen cookie is sent as it is, as wrk sends it.
        """
        handlers: list = [_NoRedirect()] if not follow else []
        headers = {}
        if self.cookie:
            headers["Cookie"] = self.cookie
        else:
            handlers.append(urllib.request.HTTPCookieProcessor(self.jar))
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with urllib.request.build_opener(*handlers).open(req, timeout=30) as response:
                return response.status, urllib.parse.urlsplit(response.url).path, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (when not followed), 4xx and 5xx
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def log_in(self, password: str) -> None:
        """Log in through the real form, CSRF token and all."""
        status, _, page = self.request("/login")
        if status != 200:
            raise RuntimeError(f"GET /login answered {status}")
        token = form_inputs(page).get("csrf_token", "")
        status, where, _ = self.request("/login", {"csrf_token": token, "email": self.email, "password": password})
        if status != 200 or where != "/home":
            raise RuntimeError(f"logging in as {self.email} failed: {status} at {where}")

    def freeze(self) -> None:
        """From now on send this cookie unchanged, as wrk does (it ignores Set-Cookie)."""
        value = next((c.value for c in self.jar if c.name == COOKIE_NAME), None)
        if value is None:
            raise RuntimeError(f"no {COOKIE_NAME} cookie for {self.email}")
        self.cookie = f"{COOKIE_NAME}={value}"


@dataclass
class Target:
    """One thing to load: a page (GET), or the check-in form (POST)."""

    name: str
    path: str
    session: Session
    expect: int = 200  # the status every request must get
    post: dict[str, str] | None = None  # for the check-in: prefix, day and csrf token
    group: str = ""  # pages compared with each other (the history pages)...
    span: str = ""  # ... and which history each shows: "3y" or "1w"

    def check(self) -> str:
        """Make one request as wrk will and return a problem, or "" when it answers as expected."""
        if self.post is None:
            status, _, body = self.session.request(self.path, follow=False)
        else:
            prefix = self.post["prefix"]
            status, where, body = self.session.request(self.path, {
                f"{prefix}-csrf_token": self.post["token"], f"{prefix}-day": self.post["day"],
                f"{prefix}-status": "kept", f"{prefix}-note": ""}, follow=False)
            if status == 302 and "/login" in where:
                return f"POST {self.path} was sent to log in"
        if status != self.expect:
            return f"{self.path} answered {status}, expected {self.expect}: {body[:200]!r}"
        return ""


# --- wrk ---------------------------------------------------------------------------------------------


def wrk_path() -> str | None:
    return shutil.which("wrk")


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_status: int  # wrk's "Non-2xx or 3xx responses"
    socket_errors: str  # wrk's "Socket errors" line, or ""
    statuses: Counter  # from the server's access log
    command: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip()).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Pull requests/s, p50, p99, the request count and any errors out of wrk's --latency output."""
    def find(pattern: str, default=None):
        match = re.search(pattern, output, re.MULTILINE)
        return match.group(1) if match else default

    rps = find(r"^Requests/sec:\s+([\d.]+)")
    p50 = find(r"^\s+50%\s+(\S+)")
    p99 = find(r"^\s+99%\s+(\S+)")
    if rps is None or p50 is None or p99 is None:
        raise RuntimeError("could not read wrk's output:\n" + output)
    return {
        "requests_per_second": float(rps),
        "p50_ms": _ms(p50),
        "p99_ms": _ms(p99),
        "requests": int(find(r"^\s+(\d+) requests in", "0")),
        "bad_status": int(find(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", "0")),
        "socket_errors": (find(r"^\s+Socket errors:\s+(.*)$", "") or "").strip(),
    }


ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^"]*)" (?P<status>\d{3}) ')


def statuses_since(log: Path, offset: int, method: str, path: str) -> Counter:
    """Count the status codes of one method and path in the access log written after `offset` bytes.

    Only that path counts: a slow server may still be answering the previous target's
    queued requests when this run starts.
    """
    counts: Counter = Counter()
    with open(log, "rb") as fh:
        fh.seek(offset)
        for line in fh.read().decode(errors="replace").splitlines():
            match = ACCESS_LINE.search(line)
            if match and match["method"] == method and match["path"] == path:
                counts[int(match["status"])] += 1
    return counts


def wrk_command(base_url: str, target: Target | None, duration: float, connections: int, threads: int) -> list[str]:
    """The wrk command line for one target (None: the hello baseline's "/")."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency", "--timeout", "5s"]
    if target is None:
        return command + [base_url + "/"]
    command += ["-H", f"Cookie: {target.session.cookie}"]
    if target.post is not None:
        command += ["-s", str(CHECKIN_LUA), base_url + target.path, "--",
                    target.post["prefix"], target.post["day"], urllib.parse.quote(target.post["token"], safe="")]
    else:
        command.append(base_url + target.path)
    return command


def printable(command: list[str]) -> str:
    """The command as it can be pasted, with the session cookie and CSRF token left out."""
    words = []
    for word in command:
        word = re.sub(rf"{COOKIE_NAME}=\S+", f"{COOKIE_NAME}=<session>", word)
        if " " in word or "<" in word:
            word = f"'{word}'"
        words.append(word)
    if "-s" in command:  # the last word is the CSRF token
        words[-1] = "<csrf-token>"
    return " ".join(words).replace(str(BENCH.parent) + "/", "")


def wait_until_idle(access_log: Path, quiet: float = 1.5, limit: float = 60) -> None:
    """Wait until the server has worked off the requests wrk left behind (its access log stops growing).

    When wrk stops it closes its connections, but sync workers still answer every request
    already sent; on a slow page that takes seconds, and must not eat into the next run.
    """
    deadline = time.monotonic() + limit
    size, since = access_log.stat().st_size, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now_size = access_log.stat().st_size
        if now_size != size:
            size, since = now_size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def run_wrk(base_url: str, target: Target | None, duration: float, connections: int, threads: int,
            access_log: Path, warmup: float) -> WrkResult:
    """Warm up, then measure one target with wrk and check every status the server logged."""
    if warmup > 0:
        subprocess.run(wrk_command(base_url, target, warmup, connections, threads), check=True,
                       capture_output=True, text=True)
    wait_until_idle(access_log)
    offset = access_log.stat().st_size
    command = wrk_command(base_url, target, duration, connections, threads)
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    parsed = parse_wrk(done.stdout)
    wait_until_idle(access_log)
    method = "POST" if target is not None and target.post is not None else "GET"
    path = target.path if target is not None else "/"
    return WrkResult(**parsed, statuses=statuses_since(access_log, offset, method, path), command=printable(command))
