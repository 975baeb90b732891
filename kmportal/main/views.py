from flask import (
    Blueprint,
    current_app,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import get_locale

from kmportal.api import errors as api_errors
from kmportal.extensions import db
from kmportal.main import language
from kmportal.operations.health import check_health
from kmportal.practices import queries as practice_queries
from kmportal.practices.queries import CatalogueFilters
from kmportal.reference import queries as reference

bp = Blueprint("main", __name__, template_folder="templates")


@bp.route("/")
def home():
    latest = db.session.scalars(practice_queries.published(CatalogueFilters()).limit(6)).all()
    return render_template(
        "main/home.html",
        latest=latest,
        plan=reference.current_plan(),
        target=reference.current_target(),
    )


@bp.route("/healthz")
def healthz():
    """The database, the search index and free disk: 200 when all are well, else 503."""
    health = check_health()
    response = jsonify(health.as_dict())
    response.status_code = 200 if health.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/language/<code>")
def set_language(code: str):
    """Remember the reader's language choice (and store it as a signed-in person's preference:
    main/language.py), then go back where they were (same site only)."""
    if code in current_app.config["LANGUAGES"]:
        language.pick(code)
    target = request.referrer or "/"
    host = request.host_url
    return redirect(target if target.startswith(host) else "/")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, background work: the portal's default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.args.get("lang") in languages:
        return request.args["lang"]
    if api_errors.is_api_request():
        return _api_locale(languages)
    if session.get("lang") in languages:
        return session["lang"]
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    # The signed-in person's language, remembered for pages that cannot load them (outage.py).
    if session.get("user_lang") in languages:
        return session["user_lang"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _api_locale(languages) -> str:
    """A program states its language in Accept-Language; else the token owner's language."""
    from flask_login import current_user

    if request.accept_languages:
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale())
