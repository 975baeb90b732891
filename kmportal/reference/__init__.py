"""Reference data: member countries, the work plan, its results, activities and targets."""

from dataclasses import dataclass


def init_app(app) -> None:
    from kmportal.reference import models  # noqa: F401
    from kmportal.reference.cli import plan_cli, reference_cli
    from kmportal.reference.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(reference_cli)
    app.cli.add_command(plan_cli)
    # A global rather than context: macros imported without context can call it too.
    app.jinja_env.globals["country_name"] = country_name
    from kmportal.reference.phrases import for_country, of_country, the_country

    app.jinja_env.globals.update(
        of_country=of_country, for_country=for_country, the_country=the_country
    )
    app.jinja_env.globals["plan_text"] = plan_text
    app.jinja_env.globals["language_in_sentence"] = language_in_sentence


def country_name(country) -> str:
    """A country's name in the reader's language ("" for none)."""
    from flask_babel import get_locale

    return country.name(str(get_locale())) if country else ""


@dataclass
class PlanText:
    """A text of a work plan as a page shows it: in the reader's language when the plan has
    a translation (then `official` names the official language), else the official text."""

    text: str
    lang: str
    official: str | None = None

    @property
    def translated(self) -> bool:
        return self.official is not None


def plan_text(row, column: str, plan, official_only: bool = False) -> PlanText:
    """`row`'s text `column` (name, description, text, title...) for the reader."""
    from flask_babel import get_locale

    official = getattr(plan, "official_language", None) or "es"
    locale = str(get_locale())
    translated = None if official_only or locale == official else row.text_in(column, locale)
    if translated:
        return PlanText(translated, locale, official)
    return PlanText(getattr(row, column) or "", official)


def language_in_sentence(code: str) -> str:
    """A language's name for the middle of a sentence ("Spanish", "espagnol", "espanhol")."""
    from flask_babel import get_locale

    from kmportal.languages import LANGUAGE_NAMES

    name = str(LANGUAGE_NAMES.get(code, code))
    return name if str(get_locale()) == "en" else name.lower()
