"""Training pages: the list, one training with who took part, recording a training and
one's participation. Each view parses, calls one service function, renders."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kmportal.forms_util import apply_errors, select_choices
from kmportal.transfers import trainings as service
from kmportal.transfers.forms import ActionForm, ParticipantForm, TrainingForm
from kmportal.transfers.permissions import can_training

bp = Blueprint("trainings", __name__, url_prefix="/trainings", template_folder="templates")


@bp.route("/")
def index():
    return render_template(
        "transfers/trainings/list.html",
        trainings=service.trainings(),
        can_create=can_training(current_user, "create"),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    service.authorize(current_user, "create")
    form = TrainingForm()
    if form.validate_on_submit():
        training = apply_errors(form, lambda: service.create(current_user, form.values()))
        if training:
            flash(_("The training is recorded."), "success")
            return redirect(url_for(".detail", training_id=training.id))
    return _render_form(form, None)


@bp.route("/<int:training_id>")
def detail(training_id: int):
    training = service.get_training(current_user, training_id)
    participant_form = ParticipantForm()
    if can_training(current_user, "manage_participants", training):
        participant_form.user_id.choices = select_choices(
            (user.id, f"{user.name} ({user.country_code})") for user in service.focal_points()
        )
    return render_template(
        "transfers/trainings/detail.html",
        training=training,
        can=lambda action: can_training(current_user, action, training),
        participant_form=participant_form,
        action_form=ActionForm(),
    )


@bp.route("/<int:training_id>/edit", methods=["GET", "POST"])
@login_required
def edit(training_id: int):
    training = service.get_training(current_user, training_id, "edit")
    form = TrainingForm()
    if request.method == "GET":
        form.fill(service.snapshot(training))
    if form.validate_on_submit():
        saved = apply_errors(
            form, lambda: service.update(current_user, training, form.values()) or "unchanged"
        )
        if saved:
            flash(_("The training is saved."), "success")
            return redirect(url_for(".detail", training_id=training.id))
    return _render_form(form, training)


@bp.route("/<int:training_id>/participants", methods=["POST"])
@login_required
def join(training_id: int):
    training = service.get_training(current_user, training_id, "join")
    form = ParticipantForm()
    if not form.validate_on_submit():
        abort(400)
    service.join(current_user, training, request.form.get("user_id"))
    flash(_("The participation is recorded."), "success")
    return redirect(url_for(".detail", training_id=training.id), 303)


@bp.route("/<int:training_id>/participants/<int:user_id>/remove", methods=["POST"])
@login_required
def leave(training_id: int, user_id: int):
    training = service.get_training(current_user, training_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    service.leave(current_user, training, user_id)
    flash(_("The participation is removed."), "success")
    return redirect(url_for(".detail", training_id=training.id), 303)


def _render_form(form: TrainingForm, training):
    status = 422 if form.errors or form.form_errors else 200
    return render_template("transfers/trainings/form.html", form=form, training=training), status
