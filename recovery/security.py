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


def set_security_headers(response: Response) -> Response:
    """Add the headers every Mend response carries (SECURITY.md 16)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.endpoint != "static":
        # No page may sit in a shared device's cache: pages behind login, and public forms too
        # (the login form shows the email just typed in; SECURITY.md 16).
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
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
