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
from kmportal.practices import data as practice_data
from kmportal.practices import history, queries, reading, service
from kmportal.practices.enums import Sector, Theme
from kmportal.practices.forms import (
    ActionForm,
    AttachmentForm,
    DecisionForm,
    PracticeForm,
    ValidateForm,
)
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
        practice = apply_errors(
            form,
            lambda: service.create_practice(
                current_user, form.values(), document=form.uploaded_document()
            ),
        )
        if practice:
            flash(_("The draft is saved. Submit it when it is complete."), "success")
            return redirect(url_for(".detail", practice_id=practice.id))
    return _render_form(form, None)


@bp.route("/<int:practice_id>")
def detail(practice_id: int):
    practice = service.get_practice(current_user, practice_id)
    return render_template(
        "practices/detail.html",
        practice=practice,
        view=reading.practice_view(current_user, practice),
        # Only signed-in people get forms: building one makes a CSRF token, which would keep
        # an anonymous reader's page out of the shared page cache (kmportal/pagecache).
        action_form=ActionForm() if current_user.is_authenticated else None,
        attachment_form=AttachmentForm() if current_user.is_authenticated else None,
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
    except ValidationError as error:
        db.session.rollback()
        return _render_incomplete(practice, error)
    flash(_("Submitted. The Technical Secretariat will validate it."), "success")
    return redirect(url_for(".detail", practice_id=practice.id))


@bp.route("/<int:practice_id>/validate", methods=["GET", "POST"])
@login_required
def validate(practice_id: int):
    practice = service.get_practice(current_user, practice_id, "publish")
    form = ValidateForm(prefix="v")
    if form.validate_on_submit():
        if form.send_back.data:
            action = lambda: service.return_to_author(  # noqa: E731
                current_user, practice, form.comment.data, form.scores()
            )
            message = _("The practice is returned to its author, with its scores.")
        else:
            action = lambda: service.publish(  # noqa: E731
                current_user, practice, form.scores(), form.comment.data or None
            )
            message = _("The practice is published.")
        if apply_errors(form, action):
            flash(message, "success")
            return redirect(url_for(".detail", practice_id=practice.id))
    elif request.method == "GET":
        for criterion, score in practice.scores.items():
            getattr(form, f"score_{criterion.value}").data = "" if score is None else str(score)
    return render_template(
        "practices/validate.html",
        practice=practice,
        form=form,
        view=reading.practice_view(current_user, practice),
    ), 422 if form.errors or form.form_errors else 200


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
    practice, edit = service.get_edit(current_user, practice_id, edit_id)
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
    changes = history.proposed_changes(practice, edit)
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


def _render_incomplete(practice, error: ValidationError):
    """The edit form, each field the submission still needs marked and in the error summary."""
    form = _practice_form()
    form.fill(service.values_to_edit(current_user, practice))
    form.form_errors.append(
        _("The practice is not complete yet: fill in the fields below, then submit again.")
    )
    for name, message in error.errors.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [str(message)]
        else:
            form.form_errors.append(str(message))
    return _render_form(form, practice)


def _render_form(form: PracticeForm, practice):
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "practices/form.html",
        form=form,
        practice=practice,
        options=reading.form_options(current_user, practice),
        needs=practice_data.requirements(),
        activity_groups=reading.activity_groups(),
        view=reading.practice_view(current_user, practice, with_history=False)
        if practice
        else None,
    ), status
