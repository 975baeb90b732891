"""Transfer pages: the list, proposing, the transfer page and its workflow steps,
confirmations and follow-ups. Each view parses, calls one service function, renders."""

from datetime import date

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kmportal.attachments.download import send_attachment
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.forms_util import apply_errors, select_choices
from kmportal.ids import page_number
from kmportal.practices.enums import Theme
from kmportal.reference import queries as reference
from kmportal.transfers import confirmations, followups, proposals, queries, service, visibility
from kmportal.transfers import data as transfer_data
from kmportal.transfers.counting import counts_toward_target
from kmportal.transfers.enums import FundingMode, Modality, Origin, TransferStatus
from kmportal.transfers.forms import (
    ConfirmForm,
    EvidenceForm,
    FollowUpForm,
    StepForm,
    TransferForm,
)
from kmportal.transfers.permissions import can
from kmportal.transfers.workflow import STEPS, next_status

bp = Blueprint("transfers", __name__, url_prefix="/transfers", template_folder="templates")


@bp.route("/")
def index():
    filters = queries.TransferFilters.from_args(request.args)
    target = reference.current_target()
    page = queries.page(
        filters,
        target,
        request.args.get("page", 1, type=page_number),
        current_app.config["PER_PAGE"],
    )
    return render_template(
        "transfers/list.html",
        page=page,
        filters=filters,
        actions=visibility.list_actions(current_user),
        target=target,
        counts=lambda transfer: counts_toward_target(transfer, target),
        countries=reference.member_countries(),
        statuses=TransferStatus,
        funding_modes=FundingMode,
        modalities=Modality,
        themes=Theme,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def propose():
    # Opened from a practice's page (?practice=ID, kept when the form posts back) or with a
    # practice picker (the practice_id field).
    practice_id = request.args.get("practice")
    practice = proposals.practice_for_proposal(current_user, practice_id) if practice_id else None
    form = _transfer_form(practice=practice)
    if request.method == "GET":
        form.fill(proposals.proposal_defaults(current_user, practice))
    if form.validate_on_submit():
        transfer = apply_errors(
            form,
            lambda: service.propose(
                current_user,
                practice or proposals.practice_to_transfer(current_user, form.practice_id.data),
                form.values(),
            ),
        )
        if transfer:
            flash(_("The transfer is proposed."), "success")
            return redirect(url_for(".detail", transfer_id=transfer.id))
    return _render_form(form, None, practice)


@bp.route("/<int:transfer_id>")
def detail(transfer_id: int):
    transfer = service.get_transfer(current_user, transfer_id)
    target = reference.current_target()
    return render_template(
        "transfers/detail.html",
        view=visibility.transfer_view(current_user, transfer, target, date.today()),
        transfer=transfer,
        target=target,
        all_steps=STEPS,
        # Forms (and so a CSRF token) only for signed-in people: see kmportal/pagecache.
        **(_detail_forms() if current_user.is_authenticated else {}),
        today=date.today(),
    )


def _detail_forms() -> dict:
    return {"step_form": StepForm(), "confirm_form": ConfirmForm(), "evidence_form": EvidenceForm()}


@bp.route("/<int:transfer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(transfer_id: int):
    transfer = service.get_transfer(current_user, transfer_id, "edit")
    form = _transfer_form(transfer=transfer)
    if request.method == "GET":
        form.fill(transfer_data.form_values(transfer_data.snapshot(transfer)))
    if form.validate_on_submit():
        saved = apply_errors(
            form, lambda: service.update(current_user, transfer, form.values()) or "unchanged"
        )
        if saved:
            flash(_("The transfer is saved."), "success")
            return redirect(url_for(".detail", transfer_id=transfer.id))
    return _render_form(form, transfer, transfer.practice)


@bp.route("/<int:transfer_id>/steps/<step>", methods=["GET", "POST"])
@login_required
def step(transfer_id: int, step: str):
    if step not in STEPS:
        abort(404)
    transfer = service.get_transfer(current_user, transfer_id, step)
    next_status(transfer.status, step)  # a refused step is a 409, before any form
    form = StepForm()
    form.label_for(step)
    if request.method == "GET":
        form.on.data = date.today().isoformat()
    if form.validate_on_submit():
        done = apply_errors(
            form,
            lambda: service.move(
                current_user,
                transfer,
                step,
                on=form.on.data,
                note=form.note.data,
                reason=form.reason.data,
                lessons=form.lessons.data,
                confirm=bool(form.confirm.data),
            ),
        )
        if done:
            flash(_("The transfer is now “%(status)s”.", status=transfer.status.label), "success")
            return redirect(url_for(".detail", transfer_id=transfer.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "transfers/step.html",
        transfer=transfer,
        step_name=step,
        step=STEPS[step],
        form=form,
        confirms_for=confirmations.confirms_with_complete(current_user, transfer),
    ), status


@bp.route("/<int:transfer_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(transfer_id: int):
    transfer = service.get_transfer(current_user, transfer_id, "confirm")
    form = ConfirmForm()
    if request.method == "GET":
        form.on.data = date.today().isoformat()
    if form.validate_on_submit():
        done = apply_errors(
            form,
            lambda: confirmations.confirm(
                current_user, transfer, form.side.data or None, form.note.data, form.on.data
            ),
        )
        if done:
            flash(_("The confirmation is recorded."), "success")
            return redirect(url_for(".detail", transfer_id=transfer.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "transfers/confirm.html",
        transfer=transfer,
        form=form,
        on_behalf=can(current_user, "confirm_on_behalf", transfer),
        confirming_for=confirmations.confirming_country(current_user, transfer),
    ), status


@bp.route("/<int:transfer_id>/follow-ups/new", methods=["GET", "POST"])
@login_required
def record_follow_up(transfer_id: int):
    transfer = service.get_transfer(current_user, transfer_id, "follow_up")
    followups.refuse_unless_followable(transfer)
    form = FollowUpForm()
    due_id = form.due_id.data or request.args.get("due")
    pending = followups.get_follow_up(current_user, transfer, due_id) if due_id else None
    if request.method == "GET":
        form.done_on.data = date.today().isoformat()
        form.due_id.data = str(pending.id) if pending else ""
    if form.validate_on_submit():
        files = [(f.stream, f.filename) for f in form.evidence.data or [] if f and f.filename]
        done = apply_errors(
            form,
            lambda: followups.record(current_user, transfer, form.values(), pending, files),
        )
        if done:
            flash(_("The follow-up is recorded."), "success")
            return redirect(url_for(".detail", transfer_id=transfer.id, _anchor="timeline"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "transfers/follow_up_form.html", transfer=transfer, pending=pending, form=form
    ), status


@bp.route("/<int:transfer_id>/follow-ups/<int:follow_up_id>/evidence", methods=["POST"])
@login_required
def attach_evidence(transfer_id: int, follow_up_id: int):
    transfer = service.get_transfer(current_user, transfer_id, "follow_up")
    follow_up = followups.get_follow_up(current_user, transfer, follow_up_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        flash(_("Choose a file to attach."), "error")
    else:
        try:
            followups.attach(current_user, follow_up, upload.stream, upload.filename)
            flash(_("The evidence is attached."), "success")
        except ValidationError as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(str(message), "error")
    return redirect(url_for(".detail", transfer_id=transfer.id, _anchor="timeline"), 303)


@bp.route("/evidence/<int:attachment_id>")
def evidence(attachment_id: int):
    return send_attachment(followups.get_evidence(current_user, attachment_id))


@bp.route("/follow-ups")
@login_required
def due():
    country = followups.due_country(current_user, request.args.get("country"))
    page = followups.due_list(
        current_user,
        request.args.get("page", 1, type=page_number),
        current_app.config["PER_PAGE"],
        country,
    )
    return render_template(
        "transfers/due.html",
        page=page,
        country=reference.get_country(country) if country else None,
        countries=reference.member_countries() if current_user.is_secretariat else [],
        counts=followups.due_counts(country),
        today=date.today(),
        soon=followups.DUE_SOON_DAYS,
    )


def _transfer_form(practice=None, transfer=None) -> TransferForm:
    form = TransferForm()
    locale = str(get_locale())
    countries = [("", "—")] + [(c.code, c.name(locale)) for c in reference.member_countries()]
    form.provider_code.choices = select_choices(countries)
    form.recipient_code.choices = select_choices(countries)
    form.result_id.choices = select_choices([("", "—")] + reference.result_choices())
    if practice is None and transfer is None:
        form.practice_id.choices = select_choices(
            [("", "—")]
            + [(p.id, f"{p.title} ({p.country_code})") for p in queries.published_practices()]
        )
    return form


def _render_form(form: TransferForm, transfer, practice):
    status = 422 if form.errors or form.form_errors else 200
    if transfer is not None:
        origin, countries_editable = None, service.may_change_countries(current_user, transfer)
    else:
        origin = proposals.proposal_origin(current_user, practice) if practice else None
        countries_editable = True
    asking = proposals.asking_country(current_user, practice) if transfer is None else None
    return render_template(
        "transfers/form.html",
        form=form,
        transfer=transfer,
        practice=practice,
        origin=origin,
        origins=Origin,
        countries_editable=countries_editable,
        asking_country=asking,
        currencies=transfer_data.currency_codes(),
    ), status
