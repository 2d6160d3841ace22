"""The rate limiter skips reading pages, except those that declare a limit of their own."""

from __future__ import annotations

from flask_limiter.util import get_qualified_name

from recovery.extensions import LIMITED_READS, limiter


def _limited_reads(app) -> set[str]:
    """Endpoints answering GET whose view declares a limit that applies to GET."""
    found = set()
    decorated = limiter.limit_manager._decorated_limits
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        groups = decorated.get(get_qualified_name(app.view_functions[rule.endpoint]), ())
        if any(group.methods is None or "get" in group.methods for group in groups):
            found.add(rule.endpoint)
    return found


def test_every_limited_read_is_listed(app):
    """A view that limits its GETs must be in LIMITED_READS, or the request filter would switch its limit off."""
    assert _limited_reads(app) == set(LIMITED_READS)


def test_a_listed_read_is_still_limited_and_other_pages_are_not(make_app):
    """The calendar feed answers 429 after its 60 a minute; the login page (no limit) never does."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        feed = [client.get("/calendar/not-a-real-token.ics").status_code for _ in range(61)]
        login = {client.get("/login").status_code for _ in range(70)}
    assert set(feed[:60]) == {404} and feed[60] == 429
    assert login == {200}
