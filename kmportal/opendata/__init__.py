"""Open data: the public catalogue as DCAT-AP 3 (JSON-LD and Turtle), CSV and JSON; an Atom
feed of newly published practices; the transfers as IATI 2.03 activities; schema.org and
Dublin Core metadata in the head of each practice page.

Everything here is what an anonymous reader may see, read through the rules that already
exist (kmportal.practices.queries.published, kmportal.transfers.permissions and
queries.shown_practice): the exports are the same for everyone, whoever asks."""

from __future__ import annotations


def init_app(app) -> None:
    from kmportal.opendata.service import EXTENSION, BuiltFiles
    from kmportal.opendata.views import bp

    app.register_blueprint(bp)
    app.extensions[EXTENSION] = BuiltFiles()
    app.config.setdefault(
        "OPENDATA_PUBLISHER",
        "Regional Initiative Latin America and the Caribbean Free of Child Labour",
    )
    # The IATI organisation identifier of the reporting organisation: the Initiative's
    # Technical Secretariat is hosted by the ILO (XM-DAC-41302); change it when another
    # organisation publishes the portal's transfers.
    app.config.setdefault("OPENDATA_IATI_REPORTING_ORG", "XM-DAC-41302")
    app.config.setdefault("OPENDATA_IATI_REPORTING_ORG_TYPE", "40")
    app.jinja_env.globals["practice_metadata"] = practice_metadata


def practice_metadata(practice):
    """The schema.org and Dublin Core metadata of a practice page (templates' head block)."""
    from kmportal.opendata.metadata import practice_head

    return practice_head(practice)
