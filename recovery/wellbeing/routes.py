"""Views for "Looking after me": a loved one's own wellbeing checks, CRAFT worksheets and feelings page.

Every page here is the signed-in loved one's own and private: a person in recovery gets 404, and
there is nothing to share, so no page shows anyone else's records.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from recovery import support_groups
from recovery.accounts.auth import role_required
from recovery.accounts.models import LOVED_ONE
from recovery.forms import REFUSED, act_on, confirm_page, form_page
from recovery.wellbeing import services
from recovery.wellbeing.forms import FORMS, SteppingBackForm, WellbeingCheckForm
from recovery.wellbeing.models import GOOD_DAYS, PROBLEM_SOLVING, STEPPING_BACK, Worksheet

bp = Blueprint("wellbeing", __name__, url_prefix="/looking-after-me")


def loved_one_page(view):
    """Visitors log in; people in recovery get 404, as if the page did not exist."""
    return login_required(role_required(LOVED_ONE)(view))


def _groups():
    return support_groups.local_groups()


@bp.get("/")
@loved_one_page
def index():
    """The "Looking after me" page: my last wellbeing reading, my worksheets, and support for me."""
    return render_template("wellbeing/index.html", view=services.overview(current_user),
                           kinds=services.WORKSHEETS, groups=_groups())


@bp.get("/wellbeing")
@loved_one_page
def checks():
    """My wellbeing checks: the reading, a chart over time, a table of each part, and every check."""
    return render_template("wellbeing/checks.html", view=services.wellbeing(current_user), areas=services.AREAS,
                           groups=_groups())


@bp.route("/wellbeing/new", methods=["GET", "POST"])
@loved_one_page
def new_check():
    """Ask how happy I am with each part of my life this week, at most once a week, and save it."""
    view = services.wellbeing(current_user, limit=1)
    return form_page(
        WellbeingCheckForm(), "wellbeing/new_check.html",
        lambda f: services.record_check(current_user, f.scores, f.note.data, today=view.today),
        success=_("Saved. Thank you for taking a moment for yourself."),
        redirect_to=url_for("wellbeing.checks"),
        view=view, low_end=services.LOW_END, high_end=services.HIGH_END,
    )


@bp.get("/you-didnt-cause-it")
@loved_one_page
def not_your_fault():
    """A short page about a loved one's own feelings (guilt, anger) and finding support for themselves."""
    return render_template("wellbeing/not_your_fault.html", groups=_groups())


# --- Worksheets ------------------------------------------------------------------------------------------


def _new_worksheet(kind: str):
    form = FORMS[kind]()
    return form_page(
        form, "wellbeing/worksheet_form.html",
        lambda f: services.create_worksheet(current_user, kind, f.title.data, f.answers),
        success=_("Saved. It's private to you, and you can come back to it any time."),
        redirect_to=lambda sheet: url_for("wellbeing.worksheet", worksheet_id=sheet.id),
        kind=services.WORKSHEETS[kind], sheet=None,
    )


@bp.route("/good-days/new", methods=["GET", "POST"])
@loved_one_page
def new_good_days():
    """Plan small ways to notice a day without drinking or using."""
    return _new_worksheet(GOOD_DAYS)


@bp.route("/problem-solving/new", methods=["GET", "POST"])
@loved_one_page
def new_problem_solving():
    """Work through one problem in five steps."""
    return _new_worksheet(PROBLEM_SOLVING)


@bp.route("/stepping-back/new", methods=["GET", "POST"])
@loved_one_page
def new_stepping_back():
    """Stepping back: the safety questions first; the worksheet only when every answer is "no"."""
    return _stepping_back(None)


def _own(worksheet_id: int) -> Worksheet:
    return services.worksheet_of(current_user, worksheet_id)


@bp.get("/worksheets/<int:worksheet_id>")
@loved_one_page
def worksheet(worksheet_id: int):
    """Read one of my worksheets, ready to print."""
    sheet = _own(worksheet_id)
    return render_template("wellbeing/worksheet.html", sheet=sheet, kind=services.WORKSHEETS[sheet.kind],
                           safety_questions=services.SAFETY_QUESTIONS)


@bp.route("/worksheets/<int:worksheet_id>/edit", methods=["GET", "POST"])
@loved_one_page
def edit_worksheet(worksheet_id: int):
    """Change my words on a worksheet (stepping back asks its safety questions again first)."""
    sheet = _own(worksheet_id)
    if sheet.kind == STEPPING_BACK:
        return _stepping_back(sheet)
    form = FORMS[sheet.kind]()
    if request.method == "GET":
        form.fill_from(sheet)
    return form_page(
        form, "wellbeing/worksheet_form.html",
        lambda f: services.update_worksheet(sheet, f.title.data, f.answers),
        success=_("Saved."), redirect_to=url_for("wellbeing.worksheet", worksheet_id=sheet.id),
        kind=services.WORKSHEETS[sheet.kind], sheet=sheet,
    )


@bp.route("/worksheets/<int:worksheet_id>/delete", methods=["GET", "POST"])
@loved_one_page
def delete_worksheet(worksheet_id: int):
    """Delete one of my worksheets, after asking."""
    sheet = _own(worksheet_id)
    return confirm_page("wellbeing/delete.html", lambda: services.delete_worksheet(sheet),
                        success=_("The worksheet is deleted."), redirect_to=url_for("wellbeing.index"), sheet=sheet)


def _stepping_back(sheet: Worksheet | None):
    """Run stepping back's two pages: the safety questions alone, then (all "no") the worksheet with them hidden.

    Any answer that says danger, on either page, shows the "don't step back" page and saves nothing.
    """
    form = SteppingBackForm()
    context = {"kind": services.WORKSHEETS[STEPPING_BACK], "sheet": sheet,
               "safety_questions": services.SAFETY_QUESTIONS}
    template = "wellbeing/stepping_back.html"
    if request.method != "POST":
        return render_template(template, form=form, stage="safety", **context)
    if not form.on_worksheet:
        if not form.safety_answered():
            return render_template(template, form=form, stage="safety", **context), 422
        if not services.all_safe(form.safety):
            return _not_safe()
        if sheet is not None:
            form.fill_from(sheet)
        return render_template(template, form=form, stage="worksheet", **context)
    if not services.all_safe(form.safety):  # the hidden answers are checked again before anything is saved
        return _not_safe()
    if form.validate_on_submit():
        if sheet is None:
            saved = act_on(form, lambda f: services.create_worksheet(current_user, STEPPING_BACK, f.title.data,
                                                                     f.answers, f.safety))
        else:
            saved = act_on(form, lambda f: services.update_worksheet(sheet, f.title.data, f.answers, f.safety))
        if saved is not REFUSED:
            flash(_("Saved. It's private to you, and you can come back to it any time."), "success")
            return redirect(url_for("wellbeing.worksheet", worksheet_id=saved.id))
    return render_template(template, form=form, stage="worksheet", **context), 422


def _not_safe():
    """Say plainly not to step back, and where to get help now; the rest of the worksheet isn't offered."""
    return render_template("wellbeing/not_safe.html", groups=_groups())
