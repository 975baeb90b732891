"""The reference pages: the member countries, a country's page and the work plan.

The country page and the plan page compose other capabilities on purpose: they are the
places where a country's (or an activity's) practices, transfers and follow-ups meet. The
views read the practices through practices.queries; the transfer panels come from the
transfers and progress packages (see the panel contract in kmportal/templates/README.md).
Reference data itself (reference.models, queries, service) imports none of them.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from kmportal.extensions import db
from kmportal.forms_util import apply_errors
from kmportal.languages import LANGUAGE_NAMES, LANGUAGES
from kmportal.practices import queries as practice_queries
from kmportal.reference import plan_text, planforms, plans, queries, service
from kmportal.reference.models import Target

bp = Blueprint("reference", __name__, template_folder="templates")


@bp.route("/countries/")
def countries():
    return render_template("reference/countries.html", countries=queries.member_countries())


@bp.route("/countries/<code>")
def country(code: str):
    found = queries.get_country(code)
    if found is None:
        abort(404)
    if code != found.code:  # "uy" is Uruguay too, at its one address
        return redirect(url_for(".country", code=found.code), 301)
    practices = practice_queries.country_practices(current_user, found.code)
    return render_template("reference/country.html", country=found, practices=practices)


class ScheduleForm(FlaskForm):
    """The schedule grid's checkboxes are read from request.form ("month"); this is its CSRF."""


@bp.route("/plan", methods=["GET", "POST"])
def plan():
    choice = queries.choose_period(request.args.get("period"))
    found = choice.plan
    form = ScheduleForm()
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if found is None:
            abort(404)
        if not form.validate_on_submit():
            abort(400)
        cells = request.form.getlist("month")
        changed = apply_errors(form, lambda: service.set_schedule(current_user, found, cells))
        if changed is not None:
            flash(
                ngettext(
                    "The schedule of %(num)d activity is saved.",
                    "The schedule of %(num)d activities is saved.",
                    changed,
                )
                if changed
                else _("The schedule is unchanged."),
                "success",
            )
            return redirect(url_for(".plan", period=found.code, _anchor="schedule"), 303)
    official_only = request.args.get("text") == "official"
    return render_template(
        "reference/plan.html",
        plan=found,
        choice=choice,
        official_only=official_only,
        translated=bool(found)
        and not official_only
        and plan_text(found, "title", found).translated,
        form=form,
        marked=service.schedule(found) if found else set(),
        cell_key=service.cell_key,
        practices=practice_queries.practices_by_activity(found) if found else {},
        can_schedule=getattr(current_user, "is_secretariat", False),
    ), 422 if form.form_errors else 200


class PlanFileForm(FlaskForm):
    text = TextAreaField(_l("Plan file (YAML or JSON)"))


@bp.route("/plan/edit", methods=["GET", "POST"])
@login_required
def edit_plan():
    """The secretariat edits a plan period (or creates one) as its plan file: the same
    importer, checks and audit as `flask plan import`."""
    if not current_user.is_secretariat:
        abort(403)
    form = PlanFileForm()
    if request.method == "GET":
        form.text.data = plans.draft_text(request.args.get("period"), bool(request.args.get("new")))
    elif form.validate_on_submit():
        report = apply_errors(
            form, lambda: plans.import_text(form.text.data or "", "plan.yaml", current_user)
        )
        if report is not None:
            flash(
                _(
                    "Plan %(code)s saved: %(created)d added, %(updated)d updated.",
                    code=report.plan.code,
                    created=len(report.created),
                    updated=len(report.updated),
                ),
                "success",
            )
            return redirect(url_for(".plan", period=report.plan.code), 303)
    else:
        abort(400)
    return render_template("reference/plan_edit.html", form=form), 422 if form.form_errors else 200


class PeriodForm(FlaskForm):
    code = StringField(_l("Code of the plan period"), description=_l("For example 2017-2018."))
    start = StringField(_l("First month"), description=_l("YYYY-MM, for example 2017-01."))
    end = StringField(_l("Last month"), description=_l("YYYY-MM, for example 2018-12."))
    official_language = SelectField(_l("Official language"))
    title = TextAreaField(_l("Title, in the official language"))
    place_and_date = StringField(_l("Place and date of adoption"))


@bp.route("/plan/periods/new", methods=["GET", "POST"])
@login_required
def new_period():
    """A new, empty plan period; its contents are then written in the plan editor."""
    if not current_user.is_secretariat:
        abort(403)
    form = PeriodForm()
    form.official_language.choices = [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    if form.validate_on_submit():
        created = apply_errors(form, lambda: planforms.create_period(current_user, form.data))
        if created is not None:
            flash(
                _(
                    "The plan period %(code)s is created: write its objectives, results,"
                    " activities and targets in the plan editor.",
                    code=created.code,
                ),
                "success",
            )
            return redirect(url_for(".edit_plan", period=created.code), 303)
    return render_template("reference/plan_form.html", form=form, title=_("New plan period")), (
        422 if form.errors or form.form_errors else 200
    )


class TargetForm(FlaskForm):
    quantity = StringField(_l("Target quantity"))
    start = StringField(_l("Start of the target's period"), description=_l("YYYY-MM-DD."))
    end = StringField(_l("End of the target's period"), description=_l("YYYY-MM-DD."))


@bp.route("/plan/targets/<int:target_id>", methods=["GET", "POST"])
@login_required
def edit_target(target_id: int):
    if not current_user.is_secretariat:
        abort(403)
    target = db.session.get(Target, target_id) or abort(404)
    form = TargetForm()
    if request.method == "GET":
        form.quantity.data = str(target.quantity)
        form.start.data, form.end.data = (
            target.period_start.isoformat(),
            target.period_end.isoformat(),
        )
    elif form.validate_on_submit():
        changed = apply_errors(form, lambda: planforms.set_target(current_user, target, form.data))
        if changed is not None:
            flash(
                _("The target is saved.") if changed else _("The target is unchanged."), "success"
            )
            plan = target.result.objective.plan
            return redirect(url_for(".plan", period=plan.code), 303)
    title = _("Target of result %(code)s", code=target.result.code)
    return render_template("reference/plan_form.html", form=form, title=title), (
        422 if form.errors or form.form_errors else 200
    )
