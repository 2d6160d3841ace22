"""Tokens, response headers and other request-wide protections."""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, Response, abort, request


def new_token() -> str:
    """Return a fresh URL-safe random token (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str, purpose: str) -> str:
    """Hash a token together with its purpose, so a token for one purpose never works for another."""
    return hashlib.sha256(f"{purpose}:{token}".encode()).hexdigest()


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Sent with every response, and by the last-resort error page too (recovery/errors.py), so both agree.
BASE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
HSTS = "max-age=63072000; includeSubDomains"
# No page may sit in a shared device's cache (SECURITY.md 16).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def security_headers(*, secure: bool, page: bool = True) -> dict[str, str]:
    """Return the headers a response carries: always the base set, HSTS over https, no-store on pages."""
    headers = dict(BASE_HEADERS)
    if secure:
        headers["Strict-Transport-Security"] = HSTS
    if page:
        headers.update(NO_STORE)
    return headers


def set_security_headers(response: Response) -> Response:
    """Add the headers every Mend response carries (SECURITY.md 16)."""
    # Pages behind login, and public forms too (the login form shows the email just typed in), are
    # never cached; static files may be.
    page = request.endpoint != "static"
    for name, value in security_headers(secure=request.is_secure, page=page).items():
        if name in NO_STORE:
            response.headers[name] = value
        else:
            response.headers.setdefault(name, value)
    return response


def refuse_nul_characters():
    """Refuse input holding NUL characters: PostgreSQL can't store them and no keyboard types them."""
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


def init_app(app: Flask) -> None:
    """Register the request and response hooks."""
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)


def safe_next(target: str | None) -> str | None:
    """Return `target` only if it is a local path on this site (SECURITY.md 15)."""
    if not target or not isinstance(target, str) or len(target) > 500:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target
