"""Links built in templates: the remembered ones are the same as Flask's, wherever Mend is mounted."""

from __future__ import annotations

import pytest
from flask import render_template_string, url_for

from recovery import templating


@pytest.mark.parametrize("root", ["", "/mend", "/other/place"])
def test_remembered_links_follow_the_script_root(app, root):
    """A proxy that mounts Mend under a path (SCRIPT_NAME) gets its own links, not another mount's."""
    with app.test_request_context("/login", base_url=f"http://localhost{root}"):
        page = render_template_string("{{ url_for('pages.help') }} {{ url_for('static', filename='css/mend.css') }}")
        assert page == f"{url_for('pages.help')} {url_for('static', filename='css/mend.css')}"
        assert page.startswith(f"{root}/help ")


def test_links_with_values_are_built_each_time(app):
    with app.test_request_context("/"):
        first = render_template_string("{{ url_for('circle.shared_area', connection_id=3, area='tracker') }}")
        second = render_template_string("{{ url_for('circle.shared_area', connection_id=4, area='tracker') }}")
        external = render_template_string("{{ url_for('pages.help', _external=True) }}")
    assert first.endswith("/3/tracker") and second.endswith("/4/tracker")
    assert external.startswith("http")


def test_the_table_of_links_stays_small(app, monkeypatch):
    """Forged mount points can't grow it past its size; links past it are still right."""
    monkeypatch.setattr(templating, "LINK_CACHE_SIZE", 3)
    monkeypatch.setitem(app.extensions, "mend_links", {})
    for n in range(10):
        with app.test_request_context("/", base_url=f"http://localhost/m{n}"):
            assert templating.cached_url_for("pages.help") == f"/m{n}/help"
    assert len(app.extensions["mend_links"]) <= 3


def test_outside_a_request_links_are_flasks_own(app):
    """E-mails are rendered in a job, with no request: links come straight from Flask (external ones)."""
    with app.app_context():
        assert templating.cached_url_for("pages.help", _external=True).endswith("/help")


def _footer(html: str) -> str:
    return html[html.index('<div class="print-only print-help">'):html.index("</footer>")]


def test_each_reader_gets_the_footer_of_their_own_country(app, make_user, as_user):
    """The footer is drawn once per country and kept: a reader in Mexico after one in the US, and one in the
    US again, each see their own country's lines, the same as a freshly drawn footer."""
    from recovery.db import db

    us, mx = make_user("person", name="Robin"), make_user("loved_one", name="Casey")
    us.country, mx.country = "US", "MX"
    db.session.commit()
    pages = {}
    for who, user in (("us", us), ("mx", mx), ("us again", us)):
        pages[who] = _footer(as_user(user).get("/home").get_data(as_text=True))
    assert pages["us"] == pages["us again"]
    assert pages["us"] != pages["mx"]
    assert "988" in pages["us"] and "988" not in pages["mx"]
    for code, footer in (("US", pages["us"]), ("MX", pages["mx"])):
        with app.test_request_context("/home"):
            from flask import render_template

            from recovery.helplines import FINDER, for_country

            fresh = render_template("_footer.html", local_help=for_country(code), help_finder=FINDER)
        # The fresh one is drawn signed out: only the signed-in link differs.
        assert footer.replace('<a href="/talk/now">Words for a hard moment</a> · ', "") == _footer(fresh + "</footer>")


def test_signed_out_and_signed_in_footers_differ_only_by_their_link(app, make_user, as_user):
    out = _footer(app.test_client().get("/help").get_data(as_text=True))
    signed_in = _footer(as_user(make_user("person")).get("/help").get_data(as_text=True))
    assert "Words for a hard moment" in signed_in and "Words for a hard moment" not in out
    assert len(app.extensions["mend_footers"]) >= 2
