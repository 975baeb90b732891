"""Home page, health check, language choice (the locale selector) and error pages."""


def init_app(app) -> None:
    from flask_babel import get_locale

    from kmportal.extensions import babel
    from kmportal.main import formatting, language
    from kmportal.main.views import bp, select_locale

    babel.init_app(app, locale_selector=select_locale)
    formatting.init_app(app)  # after Babel: its date filters replace Flask-Babel's
    language.init_app(app)  # the language picked wins, before and after signing in
    app.register_blueprint(bp)

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
