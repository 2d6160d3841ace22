"""Keep secrets out of access logs: invitation, reset and calendar links carry tokens in their path."""

from __future__ import annotations

import logging
import re

# The calendar feed is /calendar/<token>.ics; /settings/calendar/... holds no token and is left alone.
TOKEN_PATH = re.compile(r"(/circle/join|/reset|(?<!/settings)/calendar)/[A-Za-z0-9_\-%.~]+")


def redact(text: str) -> str:
    """Replace the token in invitation, reset and calendar feed paths with a placeholder."""
    return TOKEN_PATH.sub(lambda m: f"{m.group(1)}/[token]", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts tokens from a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Attach the filter to the development server's and gunicorn's access loggers."""
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
