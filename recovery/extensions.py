"""Flask extensions, created unbound and initialised in create_app()."""

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from recovery.db import db

login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The pages people read have no limit but these: every other limit is on a form's POST. Leaving the rest
# out before the limiter looks anything up saves its work on every page (tests/test_extensions.py holds
# this list to the limits the views declare).
LIMITED_READS = frozenset({"calendar.feed"})


@limiter.request_filter
def _reading_a_page() -> bool:
    return request.method in ("GET", "HEAD") and request.endpoint not in LIMITED_READS

__all__ = ["db", "login_manager", "csrf", "migrate", "limiter"]
