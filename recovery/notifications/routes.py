"""Views for reminders: the settings tab, the "What's new" list, unsubscribing, and "Reach out"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery import mail
from recovery.amends import services as amends_services
from recovery.circle import services as circle
from recovery.circle.models import ACTIVE
from recovery.errors import NotFound
from recovery.extensions import limiter
from recovery.forms import REFUSED, ButtonForm, act_on, button_only, confirm_page
from recovery.notifications import services
from recovery.notifications.forms import CircleAlertForm, RemindersForm, parse_time, time_value
from recovery.notifications.words import words_for

bp = Blueprint("notifications", __name__)

def _reminders_form(form: RemindersForm | None = None) -> RemindersForm:
    if form is None:
        form = RemindersForm()
        if not form.is_submitted():
            found = services.settings_for(current_user)
            form.by_email.data, form.daily_on.data = found.by_email, found.daily_on
            form.daily_time.data = time_value(found.daily_time)
            form.weekly_on.data, form.weekly_day.data = found.weekly_on, str(found.weekly_day)
            form.circle_on.data = found.circle_on
            form.quiet_start.data, form.quiet_end.data = time_value(found.quiet_start), time_value(found.quiet_end)
            form.full_wording.data, form.calendar_alarm.data = found.full_wording, found.calendar_alarm
    return form


def _own_connections(connections=None):
    """The person's active connections: the loved ones they can choose for alerts."""
    connections = circle.connections_of(current_user) if connections is None else connections
    return [c for c in connections if c.status == ACTIVE and c.person_id == current_user.id]


def _page(form: RemindersForm | None = None, alert_form: tuple[int, CircleAlertForm] | None = None):
    form = _reminders_form(form)
    everyone = circle.connections_of(current_user)
    connections = _own_connections(everyone) if current_user.is_person else []
    alerts = services.alerts_by_connection(current_user, connections)
    ruled_out = amends_services.contact_ruled_out(current_user, connections)
    alert_forms = []
    for c in connections:
        if c.id in ruled_out:
            alert_forms.append((c, None))  # contact is ruled out: no choices offered
            continue
        if alert_form is not None and alert_form[0] == c.id:
            alert_forms.append((c, alert_form[1]))
            continue
        f = CircleAlertForm(formdata=None)
        alert = alerts.get(c.id)
        f.quiet_days.data = str(alert.quiet_days) if alert and alert.quiet_days else ""
        f.reach_out.data = bool(alert and alert.reach_out)
        alert_forms.append((c, f))
    set_up_for_me = {} if current_user.is_person else services.alert_set_up_for(current_user, everyone)
    return render_template("notifications/settings.html", form=form, alert_forms=alert_forms,
                           set_up_for_me=set_up_for_me, connections=everyone,
                           push_devices=services.devices(current_user), mail_enabled=mail.mail_enabled(),
                           ruled_out_words=_(services.RULED_OUT),
                           button=ButtonForm())


@bp.route("/settings/reminders", methods=["GET", "POST"])
@login_required
def settings():
    """Choose what Mend sends, how and when; everything is off until chosen."""
    form = _reminders_form()
    if form.validate_on_submit():
        result = act_on(form, lambda f: services.save_settings(
            current_user, by_email=f.by_email.data, daily_on=f.daily_on.data,
            daily_time=parse_time(f.daily_time.data), weekly_on=f.weekly_on.data,
            weekly_day=int(f.weekly_day.data), circle_on=f.circle_on.data,
            quiet_start=parse_time(f.quiet_start.data), quiet_end=parse_time(f.quiet_end.data),
            full_wording=f.full_wording.data, calendar_alarm=f.calendar_alarm.data))
        if result is not REFUSED:
            flash(_("Saved. You can change these any time."), "success")
            return redirect(url_for("notifications.settings"))
        return _page(form), 422
    if request.method == "POST":
        return _page(form), 422
    return _page(form)


@bp.post("/settings/reminders/circle/<int:connection_id>")
@login_required
def circle_alert(connection_id: int):
    """For one loved one: tell them after N days without a check-in, and whether "Reach out" goes to them."""
    if not current_user.is_person:
        abort(404)
    connection = next((c for c in _own_connections() if c.id == connection_id), None)
    if connection is None:
        raise NotFound()
    form = CircleAlertForm()
    if form.validate_on_submit():
        days = int(form.quiet_days.data) if form.quiet_days.data else None
        if act_on(form, lambda f: services.set_alert(current_user, connection, days, f.reach_out.data)) \
                is not REFUSED:
            flash(_("Saved what %(name)s hears from Mend.", name=connection.loved_one.display_name), "success")
            return redirect(url_for("notifications.settings") + f"#alert-{connection.id}")
    return _page(alert_form=(connection.id, form)), 422


@bp.post("/settings/reminders/not-now")
@login_required
@button_only
def not_now():
    """Put the first-week reminders prompt away."""
    services.put_prompt_away(current_user)
    flash(_("Okay. You can turn on reminders any time in Settings."), "success")
    return redirect(url_for("dashboards.home"))


@bp.get("/whats-new")
@login_required
def index():
    """Everything Mend sent this person, newest first (nothing depends on email or push working)."""
    items = services.recent(current_user)
    shown = [(n, words_for(n, current_user.is_person)) for n in items]
    return render_template("notifications/index.html", items=shown, button=ButtonForm(),
                           unread=sum(1 for n in items if n.read_at is None))


@bp.post("/whats-new/read")
@login_required
@button_only
def mark_read():
    services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def unsubscribe(token: str):
    """Stop one kind of email from a link in it, without logging in; the same answer for every valid link."""
    found = services.read_unsubscribe(token)
    if found is None:
        return render_template("notifications/unsubscribe_invalid.html"), 404
    user_id, choice = found
    return confirm_page("notifications/unsubscribe.html", lambda: services.unsubscribe(user_id, choice),
                        success=_("Done. Mend won't send you these emails any more."),
                        redirect_to=url_for("notifications.unsubscribed"),
                        what=_(services.UNSUBSCRIBE_CHOICES[choice]))


@bp.get("/unsubscribed")
def unsubscribed():
    return render_template("notifications/unsubscribed.html")


@bp.route("/reach-out", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def reach_out():
    """One tap: tell the loved ones the person chose that they would like to hear from them."""
    if not current_user.is_person:
        abort(404)
    chosen = services.reach_out_to(current_user)
    form = ButtonForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if act_on(form, lambda f: services.reach_out(current_user)) is REFUSED:
            return render_template("notifications/reach_out.html", form=form, chosen=chosen), 422
        flash(_("Sent. They'll see that you would like to hear from them."), "success")
        return redirect(url_for("notifications.reach_out", sent=1))
    return render_template("notifications/reach_out.html", form=form, chosen=chosen, sent=request.args.get("sent"))
