"""Logging in one place: Mend's own lines (audit events) reach the host's log, and access lines are safe.

Access lines never carry a secret (invitation, reset and calendar links hold tokens in their path)
and can't be forged: a URL or header with a line break or other control character is written
escaped ("\\x0d\\x0a"), so it can never start a fake line of its own.
"""

from __future__ import annotations

import logging
import re

# The calendar feed is /calendar/<token>.ics; /settings/calendar/... holds no token and is left alone.
TOKEN_PATH = re.compile(r"(/circle/join|/reset|(?<!/settings)/calendar)/[A-Za-z0-9_\-%.~]+")


# Control characters, but for the colour codes (ESC [ … m) the development server puts around its lines:
# they can't start a new line, and escaping them would only make a developer's terminal hard to read.
CONTROL = re.compile(r"\x1b(?!\[[0-9;]*m)|[\x00-\x1a\x1c-\x1f\x7f-\x9f\u2028\u2029]")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact_tokens(text: str) -> str:
    """Replace the token in invitation, reset and calendar feed paths with a placeholder."""
    return TOKEN_PATH.sub(lambda m: f"{m.group(1)}/[token]", text)


def redact(text: str) -> str:
    """Redact tokens and escape control characters: for values that came from a request."""
    text = redact_tokens(text)
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts tokens from a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The message is Mend's or the server's own (a format, a banner): only tokens are taken out.
        # The arguments carry what a request sent (its path), so control characters are escaped there.
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = Redacted(record.args)
        return True


class Redacted:
    """A log record's named arguments, each redacted when the line's format asks for it.

    gunicorn's access line passes some forty values (every header among them) and its format uses five:
    redacting all of them on every request cost a third of a whole bare Flask request."""

    __slots__ = ("_values",)

    def __init__(self, values) -> None:
        self._values = values

    def __getitem__(self, key):
        value = self._values[key]
        return redact(value) if isinstance(value, str) else value

    def __contains__(self, key) -> bool:
        return key in self._values

    def keys(self):
        return self._values.keys()

    def get(self, key, default=None):
        return self[key] if key in self._values else default


def install() -> None:
    """Attach the filter to the access loggers, and give Mend's own logger a handler where none would write it.

    Under gunicorn nothing configures the root logger, so `mend.audit` lines (INFO) were silently
    dropped; they now go to standard error beside gunicorn's own lines. Where something else already
    handles the root logger (a test run, a host's own logging setup), Mend adds nothing.
    """
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
    mend = logging.getLogger("mend")
    mend.setLevel(logging.INFO)
    if not mend.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactTokens())
        mend.addHandler(handler)
