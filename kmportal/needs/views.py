"""Needs pages: views parse, call one service function, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from kmportal.audit import service as audit
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.forms_util import apply_errors, select_choices
from kmportal.needs import matrix as needs_matrix
from kmportal.needs import service
from kmportal.needs.enums import NeedStatus
from kmportal.needs.forms import NeedForm
from kmportal.needs.permissions import can
from kmportal.practices.enums import Sector, Theme
from kmportal.reference import queries as reference

bp = Blueprint("needs", __name__, url_prefix="/needs", template_folder="templates")


@bp.route("/")
def index():
    filters = service.NeedFilters.from_args(request.args)
    return render_template(
        "needs/list.html",
        needs=service.list_needs(current_user, filters),
        filters=filters,
        countries=reference.member_countries(),
        themes=Theme,
        sectors=Sector,
        statuses=NeedStatus,
        may_create=can(current_user, "create"),
        may_see_matrix=can(current_user, "matrix"),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    service.authorize(current_user, "create")
    form = _need_form()
    if request.method == "GET":
        form.country_code.data = current_user.country_code
        form.language.data = current_user.language
    if form.validate_on_submit():
        need = apply_errors(form, lambda: service.create_need(current_user, form.values()))
        if need:
            flash(_("The need is saved."), "success")
            return redirect(url_for(".detail", need_id=need.id))
    return _render_form(form, None)


@bp.route("/<int:need_id>")
def detail(need_id: int):
    need = service.get_need(current_user, need_id)
    return render_template(
        "needs/detail.html",
        need=need,
        suggestions=service.suggestions(current_user, need),
        transfers=service.transfers_of_need(need),
        may_edit=can(current_user, "edit", need),
        may_ask=can(current_user, "express_interest", need),
        interest_form=FlaskForm() if current_user.is_authenticated else None,
        history=audit.history("need", need.id) if can(current_user, "history", need) else [],
    )


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    need = service.get_need(current_user, need_id, "edit")
    form = _need_form()
    if request.method == "GET":
        form.fill(service.values_to_edit(need))
    if form.validate_on_submit():
        changed = apply_errors(form, lambda: service.update_need(current_user, need, form.values()))
        if changed is not None:
            flash(_("The need is saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for(".detail", need_id=need.id))
    return _render_form(form, need)


@bp.route("/<int:need_id>/interest", methods=["POST"])
@login_required
def interest(need_id: int):
    need = service.get_need(current_user, need_id, "express_interest")
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        done = service.express_interest(current_user, need, request.form.get("practice_id"))
    except ValidationError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(str(message), "error")
        return redirect(url_for(".detail", need_id=need.id), 303)
    if done.created:
        flash(
            _("Interest expressed: the transfer is proposed to the country with the experience."),
            "success",
        )
    else:
        flash(
            _(
                "Your country has already asked for this practice (transfer #%(id)d).",
                id=done.transfer.id,
            ),
            "info",
        )
    return redirect(url_for(".detail", need_id=need.id), 303)


@bp.route("/matrix")
@login_required
def matrix():
    service.authorize(current_user, "matrix")
    return render_template("needs/matrix.html", matrix=needs_matrix.build())


def _need_form() -> NeedForm:
    form = NeedForm()
    locale = str(get_locale())
    form.country_code.choices = select_choices(
        (c.code, c.name(locale)) for c in reference.member_countries()
    )
    return form


def _render_form(form: NeedForm, need):
    status = 422 if form.errors or form.form_errors else 200
    return render_template("needs/form.html", form=form, need=need), status
