"""Views for the circle: invitations, connections, sharing and the access log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery.circle import services
from recovery.circle.forms import InviteForm, SharingForm
from recovery.circle.models import ACTIVE, PAUSED, RELATIONSHIPS
from recovery.circle.permissions import AREAS, areas_for_role, connection_for_member, shared_through, sharing
from recovery.circle.shared import SHARED_VIEWS
from recovery.errors import Refused
from recovery.extensions import limiter
from recovery.forms import ButtonForm, button_only, choice_list, flash_refusal
from recovery.urls import external_url

bp = Blueprint("circle", __name__, url_prefix="/circle")


def _sharing_form(connection) -> SharingForm:
    form = SharingForm(prefix=f"c{connection.id}")
    form.areas.choices = choice_list((a.key, a.label) for a in areas_for_role(current_user.role))
    return form


@bp.get("/")
@login_required
def index():
    """Show the user's circle: connections, what each side shares, pending invitations."""
    connections = services.connections_of(current_user, include_ended=True)
    # Only the names of what the other member shares are shown here, not their content: nothing to log.
    shares = sharing(current_user, connections)
    forms = {}
    for c in connections:
        form = _sharing_form(c)
        form.areas.data = sorted(shares[c.id].mine)
        forms[c.id] = form
    return render_template(
        "circle/index.html",
        connections=connections,
        sharing=shares,
        sharing_forms=forms,
        invitations=services.pending_invitations(current_user),
        my_areas=areas_for_role(current_user.role),
        areas=AREAS,
        relationships=RELATIONSHIPS,
        button=ButtonForm(),
        new_link=request.args.get("new"),
    )


@bp.route("/invite", methods=["GET", "POST"])
@login_required
def invite():
    """Make a single-use invitation link to share with someone."""
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = services.create_invitation(current_user, form.relationship.data,
                                                           form.invitee_label.data or "")
        except Refused as refused:
            form.relationship.errors = [refused.message]
            return render_template("circle/invite.html", form=form), 422
        link = external_url("circle.invitation", token=token)  # from BASE_URL, never the request's Host
        # The link is shown once, now; only its hash is stored.
        return render_template("circle/invite_made.html", link=link, invitation=invitation,
                               relationships=RELATIONSHIPS)
    if request.method == "POST":
        return render_template("circle/invite.html", form=form), 422
    return render_template("circle/invite.html", form=form)


@bp.post("/invitations/<int:invitation_id>/cancel")
@login_required
@button_only
def cancel_invitation(invitation_id: int):
    """Cancel one of my pending invitations so its link stops working (a supporter's link too)."""
    back = url_for("supporters.mine") if request.form.get("back") == "supporters" else url_for("circle.index")
    try:
        services.cancel_invitation(current_user, invitation_id)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(back)
    flash(_("The invitation is cancelled. Its link no longer works."), "success")
    return redirect(back)


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def invitation(token: str):
    """Show an invitation; a signed-in user can accept or decline it."""
    invite = services.find_invitation(token)
    user = current_user if current_user.is_authenticated else None
    problem = services.invitation_problem(invite, user)
    form = ButtonForm()
    if request.method == "POST":
        if user is None or invite is None:
            abort(404)
        if not form.validate_on_submit():
            abort(400)
        if problem:
            return render_template("circle/invitation.html", invite=invite, problem=problem, form=form,
                                   relationships=RELATIONSHIPS, token=token), 409
        try:
            if request.form.get("answer") == "accept":
                connection = services.accept_invitation(token, user)
                other = connection.other(user.id).display_name
                flash(_("You're connected with %(name)s. Nothing is shared yet: each of you chooses what to share.",
                        name=other), "success")
                return redirect(url_for("circle.index") + f"#connection-{connection.id}")
            if request.form.get("answer") == "decline":
                services.decline_invitation(token, user)
                flash(_("You declined the invitation. The other person isn't told why."), "success")
                return redirect(url_for("dashboards.home"))
            abort(400)
        except Refused as refused:  # answered 409: the request's work is rolled back
            return render_template("circle/invitation.html", invite=invite, problem=refused.message, form=form,
                                   relationships=RELATIONSHIPS, token=token), 409
    status = 404 if invite is None else (410 if problem and user is None else 200)
    return render_template("circle/invitation.html", invite=invite, problem=problem, form=form,
                           relationships=RELATIONSHIPS, token=token), status


@bp.post("/<int:connection_id>/sharing")
@login_required
def update_sharing(connection_id: int):
    """Save which of my areas this connection may see; applies on the next request."""
    connection = connection_for_member(current_user, connection_id, circle_only=True)
    form = _sharing_form(connection)
    if not form.validate_on_submit():
        flash(_("Please choose only from the list."), "error")
        return redirect(url_for("circle.index"), 303)
    try:
        added, removed = services.set_sharing(current_user, connection, set(form.areas.data or []))
    except Refused as refused:
        flash_refusal(refused)
        return redirect(url_for("circle.index"))
    other = connection.other(current_user.id).display_name
    if not added and not removed:
        flash(_("Nothing changed."), "info")
    else:
        now = ", ".join(AREAS[a].label.lower() for a in sorted(added))
        gone = ", ".join(AREAS[a].label.lower() for a in sorted(removed))
        if added and removed:
            said = _("Saved. %(name)s now sees %(added)s and no longer sees %(removed)s.", name=other, added=now,
                     removed=gone)
        elif added:
            said = _("Saved. %(name)s now sees %(added)s.", name=other, added=now)
        else:
            said = _("Saved. %(name)s no longer sees %(removed)s.", name=other, removed=gone)
        flash(said, "success")
    return redirect(url_for("circle.index"))


@bp.post("/<int:connection_id>/<action>")
@login_required
@button_only
def change_connection(connection_id: int, action: str):
    """Pause, resume or end a connection, or choose whether I'm asked to confirm check-ins."""
    connection = connection_for_member(current_user, connection_id, circle_only=True)
    actions = {"pause": services.pause_connection, "resume": services.resume_connection,
               "end": services.end_connection, "start-confirming": services.start_confirming,
               "stop-confirming": services.stop_confirming}
    if action not in actions:
        abort(404)
    try:
        actions[action](current_user, connection)
    except Refused as refused:
        flash_refusal(refused)
        return redirect(url_for("circle.index"))
    other = connection.other(current_user.id).display_name
    messages = {
        "pause": _("Paused. Nothing is shared with %(name)s until you resume. Your choices are kept.", name=other),
        "resume": _("Resumed. %(name)s can see what you chose to share again.", name=other),
        "end": _("The connection with %(name)s has ended. Nothing is shared either way any more.", name=other),
        "start-confirming": _("Saved. When %(name)s shares check-ins, you can say if you saw them.", name=other),
        "stop-confirming": _("Saved. Mend won't ask you to confirm %(name)s's check-ins. You can still look, "
                             "if they share them.", name=other),
    }
    flash(messages[action], "success")
    return redirect(url_for("circle.index"))


@bp.get("/<int:connection_id>/end")
@login_required
def confirm_end(connection_id: int):
    """Ask before ending a connection."""
    connection = connection_for_member(current_user, connection_id, circle_only=True)
    if connection.status not in (ACTIVE, PAUSED):
        abort(404)
    return render_template("circle/confirm_end.html", connection=connection, form=ButtonForm())


@bp.get("/<int:connection_id>/<area>")
@login_required
def shared_area(connection_id: int, area: str):
    """Show the other member's area, if they share it with me right now."""
    access = shared_through(current_user, connection_id, area)  # the visit is logged, saved with the one commit
    view = SHARED_VIEWS.get(area)
    if view is not None:
        return view(access)
    return render_template("circle/shared_area.html", connection=access.connection, owner=access.owner,
                           area=AREAS[area])


@bp.get("/access-log")
@login_required
def access_log():
    """Show who in my circle viewed which of my areas, and when."""
    return render_template("circle/access_log.html", rows=services.access_log(current_user, limit=200))
