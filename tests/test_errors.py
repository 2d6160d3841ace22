"""Error pages in the site's own look."""

import pytest
from flask import abort


@pytest.mark.parametrize(("code", "words"), [(400, "didn't make sense"), (403, "isn't available"),
                                             (404, "couldn't find"), (429, "slow down"), (500, "on our side")])
def test_error_pages_use_the_site_look(make_app, code, words):
    """400, 403, 404, 429 and 500 each show a kind page with the help lines and no traceback."""
    app = make_app()

    @app.get("/boom")
    def boom():
        abort(code)

    with app.app_context():
        r = app.test_client().get("/boom")
    body = r.get_data(as_text=True).replace("&#39;", "'")
    assert r.status_code == code
    assert words in body and "Need help right now?" in body and "Quick exit" in body
    assert "Traceback" not in body


def test_unexpected_exception_is_a_kind_500(make_app):
    """An unexpected error shows the 500 page and rolls back."""
    app = make_app()

    @app.get("/crash")
    def crash():
        raise RuntimeError("unexpected")

    with app.app_context():
        r = app.test_client().get("/crash")
    assert r.status_code == 500 and "Nothing you did caused this" in r.get_data(as_text=True)
    assert "unexpected" not in r.get_data(as_text=True)
