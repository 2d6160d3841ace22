"""One unit of work per request: services flush, the request commits once after the view answered — or rolls back.

These routes stand for any view: they change rows the way services do (add and flush) and then
answer in each way a view can. What was saved is read back in a fresh session after the request.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import abort, flash, get_flashed_messages, redirect

from recovery.db import db, keep_changes, queue_write
from recovery.errors import NotFound, Refused
from recovery.forms import flash_refusal
from recovery.tracker.models import SmallWin
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def _win(owner_id: int, text: str) -> None:
    db.session.add(SmallWin(owner_id=owner_id, local_date=date(2026, 1, 1), text=text))
    db.session.flush()


def _saved(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(sa.select(SmallWin.text)))


@pytest.fixture
def uow_app(make_app):
    app = make_app()
    with app.app_context():
        owner_id = factories.make_user().id
        db.session.commit()

    @app.post("/uow/redirect")
    def saved_and_redirected():
        _win(owner_id, "redirect")
        flash("Saved.", "success")
        return redirect("/uow/next")

    @app.get("/uow/next")
    def next_page():
        return " | ".join(get_flashed_messages()) or "no message"

    @app.post("/uow/form-again")
    def form_shown_again():
        _win(owner_id, "form again")
        return "Please fix the form", 422

    @app.post("/uow/kept")
    def kept_although_refused():
        _win(owner_id, "counted try")
        keep_changes()
        return "Wrong password", 422

    @app.post("/uow/not-found")
    def half_done_then_404():
        _win(owner_id, "half done")
        raise NotFound(7)

    @app.post("/uow/abort")
    def half_done_then_abort():
        _win(owner_id, "aborted")
        abort(400)

    @app.post("/uow/crash")
    def half_done_then_crash():
        _win(owner_id, "crashed")
        flash("Saved.", "success")
        raise RuntimeError("a bug half-way")

    @app.post("/uow/refused-button")
    def refused_button():
        _win(owner_id, "begun before the refusal")
        flash_refusal(Refused("That can't be done now."))
        return redirect("/uow/next")

    @app.post("/uow/commit-fails")
    def commit_fails():
        _win(owner_id, "first")
        # A second row that breaks a rule only the database checks, left for the commit to flush.
        db.session.add(SmallWin(owner_id=owner_id, local_date=date(2026, 1, 1), text=None))
        flash("Saved.", "success")
        return redirect("/uow/next")

    @app.get("/uow/queued/<int:status>")
    def queued(status: int):
        queue_write("wins", lambda: _win(owner_id, f"queued {status}"))
        queue_write("wins", lambda: _win(owner_id, f"queued {status}"))  # same key: written once
        return "a page", status

    with app.app_context():  # the test client here needs one, as in tests/test_faults.py
        yield app


def test_a_view_that_answers_well_is_committed_once_after_it(uow_app):
    client = uow_app.test_client()
    response = client.post("/uow/redirect")
    assert response.status_code == 302
    assert _saved(uow_app) == ["redirect"]
    assert client.get("/uow/next").get_data(as_text=True) == "Saved."


@pytest.mark.parametrize(("path", "status"), [
    ("/uow/form-again", 422), ("/uow/not-found", 404), ("/uow/abort", 400), ("/uow/crash", 500),
])
def test_a_view_that_answers_an_error_leaves_nothing_half_saved(uow_app, path, status):
    client = uow_app.test_client()
    assert client.post(path).status_code == status
    assert _saved(uow_app) == []
    # And no "saved" message waits on the next page.
    assert client.get("/uow/next").get_data(as_text=True) == "no message"


def test_a_refusal_that_counts_a_try_keeps_only_what_it_asked_to_keep(uow_app):
    assert uow_app.test_client().post("/uow/kept").status_code == 422
    assert _saved(uow_app) == ["counted try"]


def test_a_refused_button_undoes_what_it_began_although_it_redirects(uow_app):
    client = uow_app.test_client()
    assert client.post("/uow/refused-button").status_code == 302
    assert _saved(uow_app) == []
    assert client.get("/uow/next").get_data(as_text=True) == "That can't be done now."


def test_a_commit_that_fails_shows_the_error_page_and_no_saved_message(uow_app):
    client = uow_app.test_client()
    response = client.post("/uow/commit-fails")
    assert response.status_code == 500
    assert "Saved." not in response.get_data(as_text=True)
    assert _saved(uow_app) == []
    assert client.get("/uow/next").get_data(as_text=True) == "no message"


@pytest.mark.parametrize(("status", "written"), [(200, ["queued 200"]), (404, [])])
def test_a_reading_page_queues_its_writes_for_the_one_commit_only_when_it_is_shown(uow_app, status, written):
    assert uow_app.test_client().get(f"/uow/queued/{status}").status_code == status
    assert _saved(uow_app) == written


# --- The shape of every route ----------------------------------------------------------------------------


def _route_files() -> list[Path]:
    return sorted((ROOT / "recovery").glob("*/routes.py"))


def test_routes_never_commit_roll_back_or_catch_a_missing_record():
    """Routes load, call a service and answer; the request's one commit (db.finish_request) saves the work."""
    found = []
    for path in _route_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"commit", "rollback", "delete", "add", "flush"} \
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "session":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} session.{node.attr}")
            if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Name) \
                    and node.type.id == "LookupError":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} except LookupError (loaders raise NotFound)")
    assert found == []


def test_button_only_posts_check_their_token_in_one_place():
    """`if not ButtonForm().validate_on_submit(): abort(400)` lives in forms.button_only, not in each route."""
    found = [f"{path.relative_to(ROOT)}" for path in _route_files()
             if "ButtonForm().validate_on_submit()" in path.read_text()]
    assert found == []


def test_routes_assign_no_attributes_of_loaded_records():
    """A state change (`setback.shared = ...`, `step.done = ...`) belongs in a service, not a route."""
    allowed_targets = {"data", "errors", "choices"}  # filling a form's fields is the route's job
    found = []
    for path in _route_files():
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AugAssign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr not in allowed_targets \
                        and not (isinstance(target.value, ast.Name) and target.value.id == "response"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{target.attr} =")
    assert found == []


def test_only_the_request_hook_the_job_runner_and_the_commands_commit():
    """Services flush; the request's one commit is db.finish_request (and db.commit_now, for the login count),
    and a background job's is the job runner's (jobs.Jobs._in_app), once the job returns."""
    committing = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "recovery").rglob("*.py")
                        if "migrations" not in path.parts and ".commit()" in path.read_text())
    assert committing == ["recovery/cli.py", "recovery/db.py", "recovery/jobs.py"]
