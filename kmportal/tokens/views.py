"""The account page of API tokens: views parse, call one service function, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from kmportal.errors import Conflict
from kmportal.extensions import db
from kmportal.forms_util import apply_errors
from kmportal.tokens import service
from kmportal.tokens.forms import TokenForm

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens", template_folder="templates")


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    created = raw = None
    if form.validate_on_submit():
        made = apply_errors(form, lambda: service.create_token(current_user, **form.values()))
        if made:
            created, raw = made
            form = TokenForm(formdata=None)
    status = 422 if form.errors or form.form_errors else 200
    response = make_response(
        render_template(
            "tokens/index.html",
            form=form,
            tokens=service.list_tokens(current_user),
            created=created,
            raw_token=raw,
            revoke_form=FlaskForm(),
        ),
        status,
    )
    # The raw token is in this page once: never keep it in a cache or the browser's history.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        token = service.revoke_token(current_user, token_id)
    except Conflict as refused:  # a second click: the first one revoked it
        db.session.rollback()
        flash(str(refused.message), "info")
    else:
        flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for(".index"), 303)
