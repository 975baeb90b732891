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
from kmportal.audit import service as audit
from kmportal.extensions import db
from kmportal.forms_util import apply_errors, select_choices
from kmportal.ids import page_number
from kmportal.practices import data as practice_data
from kmportal.practices import queries, service
from kmportal.practices.enums import Criterion, PracticeState, Sector, Theme
from kmportal.practices.forms import (
    ActionForm,
    AttachmentForm,
    DecisionForm,
    PracticeForm,
    ReturnForm,
    ValidateForm,
)
from kmportal.practices.models import PendingEdit
from kmportal.practices.permissions import can
from kmportal.practices.workflow import allowed_steps
from kmportal.reference import queries as reference

bp = Blueprint("practices", __name__, url_prefix="/practices", template_folder="templates")


@bp.route("/")
def index():
    filters = queries.CatalogueFilters.from_args(request.args)
    page = queries.catalogue(
        filters, request.args.get("page", 1, type=page_number), current_app.config["PER_PAGE"]
    )
    return render_template(
        "practices/list.html",
        page=page,
        filters=filters,
        countries=reference.member_countries(),
        themes=Theme,
        sectors=Sector,
        years=queries.years_covered(),
    )


@bp.route("/mine")
@login_required
def worklist():
    # The old address of "My work" (kmportal/mywork), kept for bookmarks.
    return redirect(url_for("mywork.index"), 301)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    service.authorize(current_user, "create")
    form = _practice_form()
    if request.method == "GET":
        form.country_code.data = current_user.country_code
        form.language.data = current_user.language
    if form.validate_on_submit():
        practice = apply_errors(form, lambda: service.create_practice(current_user, form.values()))
        if practice:
            flash(_("The draft is saved. Submit it when it is complete."), "success")
            return redirect(url_for(".detail", practice_id=practice.id))
    return _render_form(form, None)


@bp.route("/<int:practice_id>")
def detail(practice_id: int):
    practice = service.get_practice(current_user, practice_id)
    history = (
        audit.history("practice", practice.id) if can(current_user, "history", practice) else []
    )
    return render_template(
        "practices/detail.html",
        practice=practice,
        history=history,
        steps=allowed_steps(practice.state),
        can=lambda action: can(current_user, action, practice),
        # Only signed-in people get forms: building one makes a CSRF token, which would keep
        # an anonymous reader's page out of the shared page cache (kmportal/pagecache).
        action_form=ActionForm() if current_user.is_authenticated else None,
        attachment_form=AttachmentForm() if current_user.is_authenticated else None,
        criteria=Criterion,
        states=PracticeState,
    )


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
@login_required
def edit(practice_id: int):
    practice = service.get_practice(current_user, practice_id, "edit")
    form = _practice_form()
    if request.method == "GET":
        form.fill(service.values_to_edit(current_user, practice))
    if form.validate_on_submit():
        update = apply_errors(
            form, lambda: service.update_practice(current_user, practice, form.values())
        )
        if update is not None:
            if update.outcome is not service.UpdateOutcome.HELD_FOR_REVIEW:
                flash(_("The practice is saved."), "success")
            else:
                flash(
                    _(
                        "Your change is waiting for the secretariat's review. The published "
                        "version stays visible until then."
                    ),
                    "info",
                )
            return redirect(url_for(".detail", practice_id=practice.id))
    return _render_form(form, practice)


@bp.route("/<int:practice_id>/submit", methods=["POST"])
@login_required
def submit(practice_id: int):
    practice = service.get_practice(current_user, practice_id, "submit")
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.submit(current_user, practice)
    except service.ValidationError as error:
        db.session.rollback()
        for message in error.errors.values():
            flash(str(message), "error")
        flash(_("The practice is not complete yet: edit it, then submit again."), "error")
        return redirect(url_for(".edit", practice_id=practice.id))
    flash(_("Submitted. The Technical Secretariat will validate it."), "success")
    return redirect(url_for(".detail", practice_id=practice.id))


@bp.route("/<int:practice_id>/validate", methods=["GET", "POST"])
@login_required
def validate(practice_id: int):
    practice = service.get_practice(current_user, practice_id, "publish")
    form, return_form = ValidateForm(prefix="v"), ReturnForm(prefix="r")
    if form.publish.data and form.validate_on_submit():
        done = apply_errors(
            form,
            lambda: service.publish(current_user, practice, form.scores(), form.note.data or None),
        )
        if done:
            flash(_("The practice is published."), "success")
            return redirect(url_for(".detail", practice_id=practice.id))
    elif return_form.send_back.data and return_form.validate_on_submit():
        done = apply_errors(
            return_form,
            lambda: service.return_to_author(current_user, practice, return_form.comment.data),
        )
        if done:
            flash(_("The practice is returned to its author."), "success")
            return redirect(url_for(".detail", practice_id=practice.id))
    elif request.method == "GET":
        for criterion, score in practice.scores.items():
            getattr(form, f"score_{criterion.value}").data = "" if score is None else str(score)
    status = 422 if form.errors or return_form.errors else 200
    return render_template(
        "practices/validate.html", practice=practice, form=form, return_form=return_form
    ), status


@bp.route("/<int:practice_id>/archive", methods=["POST"])
@login_required
def archive(practice_id: int):
    practice = service.get_practice(current_user, practice_id, "archive")
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    service.archive(current_user, practice, form.note.data or None)
    flash(_("The practice is archived."), "success")
    return redirect(url_for(".detail", practice_id=practice.id))


@bp.route("/<int:practice_id>/edits/<int:edit_id>", methods=["GET", "POST"])
@login_required
def review_edit(practice_id: int, edit_id: int):
    practice = service.get_practice(current_user, practice_id, "review_edit")
    edit = db.get_or_404(PendingEdit, edit_id)
    if edit.practice_id != practice.id:
        abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        accept = bool(form.accept.data)
        done = apply_errors(
            form, lambda: service.decide_edit(current_user, edit, accept, form.comment.data)
        )
        if done:
            flash(
                _("The change is accepted and published.")
                if accept
                else _("The change is rejected."),
                "success",
            )
            return redirect(url_for(".detail", practice_id=practice.id))
    changes = audit.diff(practice_data.snapshot(practice), edit.data)
    return render_template(
        "practices/review_edit.html", practice=practice, edit=edit, changes=changes, form=form
    ), 422 if form.errors else 200


@bp.route("/<int:practice_id>/attachments", methods=["POST"])
@login_required
def attach(practice_id: int):
    practice = service.get_practice(current_user, practice_id, "attach")
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        flash(_("Choose a file to attach."), "error")
        return redirect(url_for(".detail", practice_id=practice.id)), 303
    try:
        service.add_attachment(current_user, practice, upload.stream, upload.filename)
    except service.ValidationError as error:
        for message in error.errors.values():
            flash(str(message), "error")
        return redirect(url_for(".detail", practice_id=practice.id), 303)
    flash(_("The document is attached."), "success")
    return redirect(url_for(".detail", practice_id=practice.id), 303)


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int):
    return send_attachment(service.get_attachment(current_user, attachment_id))


def _practice_form() -> PracticeForm:
    form = PracticeForm()
    locale = str(get_locale())
    form.country_code.choices = select_choices(
        (c.code, c.name(locale)) for c in reference.member_countries()
    )
    form.activity_ids.choices = select_choices(
        (activity.id, f"{activity.code} {activity.text}")
        for activity in reference.plan_activities()
    )
    return form


def _render_form(form: PracticeForm, practice):
    status = 422 if form.errors or form.form_errors else 200
    return render_template("practices/form.html", form=form, practice=practice), status
