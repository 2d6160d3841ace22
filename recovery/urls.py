"""Absolute URLs for links that leave the page (emails, invitations, calendars), from configuration only.

A link Mend sends somewhere else must point at Mend, whatever a request claimed to be: the
`Host` and `X-Forwarded-Host` headers are chosen by whoever sends the request, so an absolute
URL built from them (Flask's `url_for(..., _external=True)`) can send a live reset token to
someone else's site (SECURITY.md 24). Every absolute URL is built here, from `BASE_URL`.

`BASE_URL` is `MEND_BASE_URL`, required in production. Elsewhere (development, tests) it
defaults to `http://127.0.0.1:5000`, the development server's address: a fixed value from
configuration, so even a developer's links never follow a Host header.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app
from werkzeug.exceptions import SecurityError

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def check_base_url(value: object) -> str:
    """Return a base URL without its trailing slash, or stop start-up with a clear message."""
    text = str(value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise RuntimeError(
            f"MEND_BASE_URL must be the public address people open Mend at, such as "
            f"https://mend.example.org (http or https, a host name, optionally a port and a path), not {value!r}."
        )
    return text.rstrip("/")


def configure(app: Flask) -> None:
    """Settle BASE_URL and, in production, require it and refuse unknown Host headers (TRUSTED_HOSTS)."""
    config = app.config
    if config["PRODUCTION"] and not config.get("BASE_URL"):
        raise RuntimeError(
            "Mend is in production mode but has no public address. Set MEND_BASE_URL to the address people "
            "open Mend at, e.g. MEND_BASE_URL=https://mend.example.org: links in emails, invitations and "
            "calendars are built from it, never from the request's Host header."
        )
    config["BASE_URL"] = check_base_url(config.get("BASE_URL") or DEVELOPMENT_BASE_URL)

    hosts = _host_list(config.get("TRUSTED_HOSTS"))
    if config["PRODUCTION"] and not hosts:
        hosts = [urlsplit(config["BASE_URL"]).hostname]
    # Flask (>= 3.1) refuses any other Host (or X-Forwarded-Host, behind ProxyFix); None allows all.
    config["TRUSTED_HOSTS"] = hosts or None
    app.register_error_handler(SecurityError, _unknown_host)


def _unknown_host(_exc: SecurityError) -> Response:
    """Answer 400 to a request for a host name this server doesn't serve.

    The usual error page can't be drawn: Flask builds no URLs for a request whose host it refused.
    The security headers are added as on every response.
    """
    body = ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Unknown address</title>"
            "<h1>This address isn't served here</h1><p>Please check the address and try again.</p></html>")
    return Response(body, status=400, mimetype="text/html")


def _host_list(value: object) -> list[str]:
    """Read TRUSTED_HOSTS given as a list or as a comma- or space-separated string (MEND_TRUSTED_HOSTS)."""
    if not value:
        return []
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    return [str(item).strip().lower() for item in items if str(item).strip()]


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint under the configured BASE_URL, never the request's host."""
    parts = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
