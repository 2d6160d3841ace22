"""Views for accounts: register (and the sign-in link it mails), log in and out, settings, sessions, password reset."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from recovery import audit, helplines, i18n, mail, yourdata
from recovery.accounts import services
from recovery.accounts.auth import (
    current_session_id,
    forget_known_device,
    keep_known_device,
    known_device_token,
    log_in,
    log_out,
)
from recovery.accounts.forms import (
    DeleteForm,
    EmailChangeForm,
    ExportForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    common_zones_json,
)
from recovery.audit import KINDS
from recovery.db import keep_changes
from recovery.errors import Refused
from recovery.extensions import limiter
from recovery.forms import ButtonForm, button_only, form_page, refuse, show_refusal
from recovery.i18n import lazy_gettext as _l
from recovery.security import safe_next
from recovery.urls import external_url

bp = Blueprint("accounts", __name__)

CALENDAR_CHANGED = _l("Your calendar link has changed too, so the old one no longer works: to keep your "
                      "commitments in your calendar, make a new link under Settings, Calendar.")


def _calendar_note(message: str, changed: bool) -> str:
    """A message, followed (when the calendar link was changed) by the words telling someone so."""
    return f"{message} {CALENDAR_CHANGED}" if changed else message


def auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


def _invalid(template: str, **context):
    """Show a form again with its errors (422: the request was understood but not accepted)."""
    return render_template(template, **context), 422


def _refused(template: str, form, refused: Refused, **context):
    """Show a form again after a service said no.

    A wrong re-entered password is counted and audited (SECURITY.md 30): the password check comes
    before any change, so committing keeps only that count. Any other refusal rolls back.
    """
    if isinstance(refused, services.ReauthRefused):
        keep_changes()
        field = form.password if refused.field == "current_password" and "password" in form else None
        if field is not None:
            field.errors = [*field.errors, refused.message]
        else:
            show_refusal(form, refused)
    else:
        refuse(form, refused)
    return _invalid(template, form=form, **context)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register():
    """Create an account, answering the same whether or not the email is already used."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.home"))
    form = RegisterForm()
    i18n.fit_form(form)
    if request.method == "GET":
        if form.language:
            form.language.data = i18n.browser_language()
        form.timezone.data = current_app.config["DEFAULT_TIMEZONE"]
        # A first guess; in the browser, mend.js guesses again from the browser's own time zone.
        form.country.data = helplines.suggested_country(form.timezone.data)
        role = request.args.get("role")
        if role in ("person", "loved_one", "supporter"):
            form.role.data = role
    next_url = safe_next(request.values.get("next"))
    if form.validate_on_submit():
        try:
            created = services.register(form.display_name.data, form.email.data, form.password.data,
                                        form.role.data, form.timezone.data, form.country.data,
                                        form.supporter_kind.data or "",
                                        # No answer (a page from before the question): the browser's.
                                        language=(form.language.data or i18n.browser_language())
                                        if form.language else "")
        except Refused as refused:
            show_refusal(form, refused)
            return _invalid_registration(form, next_url)
        email = services.normalize_email(form.email.data)
        if not mail.mail_enabled():
            # Without mail nothing can prove the address is theirs: everyone is sent to log in, so a
            # known email answers like a new one (SECURITY.md 4).
            flash(_("Thank you. Your account is ready: log in to start. "
                    "If this email already had an account, use that account's password."), "success")
            # The email is not carried over to the login form: it would have to sit in the cookie.
            return redirect(url_for("accounts.login", next=next_url))
        # Queued, not sent: mail leaves after the commit, so both answers take the same time (SECURITY.md 28).
        if created is None:
            _mail_someone_tried_to_sign_up(email, next_url)
        else:
            _mail_sign_in_link(created, next_url)
        return render_template("accounts/register_sent.html", email=email, next_url=next_url)
    if request.method == "POST":
        return _invalid_registration(form, next_url)
    form.timezone.list_first(form.country.data)
    return render_template("accounts/register.html", form=form, next_url=next_url, suggest_country=True,
                           zone_countries_json=json.dumps(helplines.zone_countries()),
                           common_zones_json=common_zones_json())


def _mail_sign_in_link(user, next_url: str | None) -> None:
    """Email a new account its one-time sign-in link, in the language they chose; the page to land on
    afterwards travels in the link."""
    token = services.create_sign_in_link(user)
    link = external_url("accounts.sign_in_link", token=token, next=next_url)  # never from the request's Host
    with i18n.speaking(user.language):
        mail.queue_mail(user.email, _("Start using Mend"), "\n\n".join([
            _("Hello %(name)s,", name=user.display_name),
            _("Welcome to Mend. Open this link to start. It works once, for one hour:"),
            link,
            _("If the link has stopped working, log in with your email and password instead:"),
            external_url("accounts.login", next=next_url),
            _("If you didn't sign up to Mend, you can ignore this email.")]))


def _mail_someone_tried_to_sign_up(email: str, next_url: str | None) -> None:
    """Tell an account's owner that someone signed up with their email; nothing more, no account is made.
    (In the language of the page the sign-up came from: the same answer, however the account is set.)"""
    mail.queue_mail(email, _("Someone tried to sign up to Mend with your email"), "\n\n".join([
        _("Someone tried to make a new Mend account with this email address."),
        _("If it was you, you already have an account. Log in here:"),
        external_url("accounts.login", next=next_url),
        _("Forgot your password? Choose a new one here:"),
        external_url("accounts.reset_request"),
        _("If it wasn't you, you don't need to do anything.")]))


def _invalid_registration(form: RegisterForm, next_url: str | None):
    """Show the sign-up form again; a country left out is guessed from the chosen time zone."""
    if not form.country.data:
        form.country.data = helplines.suggested_country(form.timezone.data)
    form.timezone.list_first(form.country.data)
    return _invalid("accounts/register.html", form=form, next_url=next_url,
                    zone_countries_json=json.dumps(helplines.zone_countries()),
                    common_zones_json=common_zones_json())


@bp.get("/start/<token>")
def sign_in_link(token: str):
    """The page behind the link mailed after sign-up: one button that logs in.

    Opening it changes nothing and leaves the link unused (mail scanners open links); the button does it.
    """
    next_url = safe_next(request.args.get("next"))
    link = services.find_sign_in_link(token)
    if link is None:
        return render_template("accounts/sign_in_invalid.html", next_url=next_url), 404
    with i18n.speaking(services.language_of_link(link)):  # the language they chose when they signed up
        return render_template("accounts/sign_in_link.html", form=ButtonForm(), token=token, next_url=next_url)


@bp.post("/start/<token>")
@limiter.limit(auth_limit)
@button_only
def use_sign_in_link(token: str):
    """Use the sign-in link once and log in exactly as a right password does; go home or to a safe `next`."""
    next_url = safe_next(request.values.get("next"))
    try:
        user, device_token = services.use_sign_in_link(token, known_device_token())
    except Refused:
        return render_template("accounts/sign_in_invalid.html", next_url=next_url), 404
    if current_user.is_authenticated:
        log_out()  # someone else was logged in on this browser: their session ends first
    log_in(user)
    response = redirect(next_url or url_for("dashboards.home"))
    keep_known_device(response, device_token)
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def login():
    """Log in with email and password."""
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("dashboards.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = services.begin_login(form.email.data, request.remote_addr, known_device_token())
        try:
            user, device_token = services.finish_login(attempt, form.password.data)
        except Refused as refused:
            keep_changes()  # the audit event
            form.form_errors.append(refused.message)
            return _invalid("accounts/login.html", form=form, next_url=next_url)
        log_in(user)
        response = redirect(next_url or url_for("dashboards.home"))
        keep_known_device(response, device_token)
        return response
    if request.method == "POST":
        return _invalid("accounts/login.html", form=form, next_url=next_url)
    return render_template("accounts/login.html", form=form, next_url=next_url)


@bp.post("/logout")
def logout():
    """End this session for good: the old cookie will not work again.

    With `quick=1` ("Quick exit and log out") the browser then leaves for the neutral quick-exit page.
    """
    form = ButtonForm()
    quick = request.form.get("quick") == "1"
    if form.validate_on_submit() and current_user.is_authenticated:
        audit.record(current_user.id, "logout")
        log_out()
        if not quick:
            flash(_("You're logged out. Take care."), "success")
    if quick:
        # Leave no trace on a shared browser: the known-device cookie goes too (the next login is from a "new" device).
        response = _leave_for(current_app.config["QUICK_EXIT_URL"])
        forget_known_device(response)
    else:
        response = redirect(url_for("pages.index"))
    # The browser empties its caches of this site too (the service worker's copies of the app's shell).
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def _leave_for(url: str) -> Response:
    """Send the browser on to another site after a form post.

    The CSP's form-action 'self' stops a form post from being redirected to another site, so
    this answers with a blank page that moves on by itself (Refresh), with a plain link as well.
    """
    response = Response(render_template("pages/leave.html", url=url))
    response.headers["Refresh"] = f"0; url={url}"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """Change name, time zone and the country of my help lines."""
    form = ProfileForm(obj=current_user)
    i18n.fit_form(form)
    if request.method == "GET":  # show the country in use: "" follows the server, anything unknown is "somewhere else"
        form.country.data = helplines.normalize(form.country.data) if form.country.data else helplines.server_country()
        if form.language:  # and the language in use
            form.language.data = i18n.language_of(current_user)
    form.timezone.list_first(form.country.data)
    return form_page(
        form, "accounts/settings.html",
        lambda f: services.update_profile(current_user, f.display_name.data, f.timezone.data, f.country.data,
                                          language=f.language.data if f.language else None),
        success=lambda _result: _saved(),
        redirect_to=url_for("accounts.settings"), common_zones_json=common_zones_json(),
    )


def _saved() -> str:
    """"Saved.", in the language just chosen: the page's own was worked out before the change."""
    with i18n.speaking(i18n.language_of(current_user)):
        return _("Saved.")


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password and log out every other device."""
    return form_page(
        PasswordChangeForm(), "accounts/password.html",
        lambda f: services.change_password(current_user, f.current_password.data, f.new_password.data,
                                           keep_session_id=current_session_id()),
        success=lambda calendar_changed: _calendar_note(
            _("Your password is changed. Any other devices are now logged out."), calendar_changed),
        redirect_to=url_for("accounts.settings"),
    )


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
@limiter.limit(auth_limit, methods=["POST"])
def change_email():
    """Change the email address after re-entering the password; other devices are logged out."""
    form = EmailChangeForm()
    if request.method == "GET":
        form.email.data = current_user.email
    if form.validate_on_submit():
        try:
            changed = services.change_email(current_user, form.password.data, form.email.data,
                                            keep_session_id=current_session_id())
        except Refused as refused:
            return _refused("accounts/email.html", form, refused)
        flash(_("Your email address is changed. Any other devices are now logged out.") if changed
              else _("That is already your email address."), "success")
        return redirect(url_for("accounts.settings"))
    if request.method == "POST":
        return _invalid("accounts/email.html", form=form)
    return render_template("accounts/email.html", form=form)


@bp.get("/settings/sessions")
@login_required
def sessions():
    """List the devices logged in to this account."""
    return render_template("accounts/sessions.html", rows=services.list_sessions(current_user),
                           current_id=current_session_id(), form=ButtonForm())


@bp.post("/settings/sessions/<int:session_id>/revoke")
@login_required
def revoke_session(session_id: int):
    """Log out one device."""
    form = ButtonForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.sessions"))
    services.revoke_session(current_user, session_id)
    if session_id == current_session_id():
        log_out()
        flash(_("You're logged out on this device."), "success")
        return redirect(url_for("pages.index"))
    flash(_("That device is logged out."), "success")
    return redirect(url_for("accounts.sessions"))


@bp.post("/settings/sessions/revoke-others")
@login_required
def revoke_other_sessions():
    """Log out every device but this one, and change the calendar link."""
    form = ButtonForm()
    if form.validate_on_submit():
        count, calendar_changed = services.log_out_other_devices(current_user, current_session_id())
        message = _("Every other device is logged out.") if count else _("No other devices were logged in.")
        flash(_calendar_note(message, calendar_changed), "success")
    return redirect(url_for("accounts.sessions"))


@bp.get("/settings/activity")
@login_required
def activity():
    """Show the account's recent security events."""
    return render_template("accounts/activity.html", events=services.recent_events(current_user), kinds=KINDS)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def reset_request():
    """Ask for a password reset link; the answer never says whether the email has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and mail.mail_enabled():
            token = services.create_reset_token(user)
            link = external_url("accounts.reset", token=token)  # never from the request's Host
            with i18n.speaking(user.language):  # in their own language, whatever the page's
                mail.queue_mail(user.email, _("Reset your Mend password"), "\n\n".join([
                    _("Hello %(name)s,", name=user.display_name),
                    _("Use this link to choose a new password. It works once, for one hour:"),
                    link,
                    _("If you didn't ask for this, you can ignore this email.")]))
        return render_template("accounts/reset_sent.html", mail_enabled=mail.mail_enabled())
    if request.method == "POST":
        return _invalid("accounts/reset_request.html", form=form, mail_enabled=mail.mail_enabled())
    return render_template("accounts/reset_request.html", form=form, mail_enabled=mail.mail_enabled())


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def reset(token: str):
    """Choose a new password with a single-use link."""
    if services.find_reset(token) is None:
        return render_template("accounts/reset_invalid.html"), 404
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user, calendar_changed = services.reset_password(token, form.password.data)
        except Refused as refused:
            refuse(form, refused)  # a weak password beside its field; a used link at the top
            return _invalid("accounts/reset.html", form=form)
        flash(_calendar_note(_("Your password is changed. Please log in with it."), calendar_changed), "success")
        return redirect(url_for("accounts.login"))
    if request.method == "POST":
        return _invalid("accounts/reset.html", form=form)
    return render_template("accounts/reset.html", form=form)


@bp.route("/settings/export", methods=["GET", "POST"])
@login_required
@limiter.limit(auth_limit, methods=["POST"])
def export():
    """Download everything I wrote as JSON, or see it as a printable page, after re-entering my password."""
    form = ExportForm()
    if form.validate_on_submit():
        try:
            services.check_password(current_user, form.password.data)
        except Refused as refused:
            return _refused("accounts/export.html", form, refused)
        content = yourdata.export(current_user)
        yourdata.record_export(current_user)
        if request.form.get("format") == "print":
            return render_template("accounts/export_print.html", d=yourdata.for_paper(content),
                                   words=yourdata.export_words())
        body = json.dumps(content, ensure_ascii=False, indent=2)
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": 'attachment; filename="mend-my-data.json"'})
    if request.method == "POST":
        return _invalid("accounts/export.html", form=form)
    return render_template("accounts/export.html", form=form)


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(auth_limit, methods=["POST"])
def delete_account():
    """Delete my account and everything I wrote, after my password and a typed confirmation."""
    form = DeleteForm()
    if form.validate_on_submit():
        try:
            yourdata.delete_account(current_user, form.password.data, form.confirm.data)
        except Refused as refused:
            return _refused("accounts/delete.html", form, refused)
        logout_user()
        session.clear()
        flash(_("Your account and everything you wrote are deleted. Take good care of yourself."), "success")
        return redirect(url_for("pages.index"))
    if request.method == "POST":
        return _invalid("accounts/delete.html", form=form)
    return render_template("accounts/delete.html", form=form)
