"""The demo needs: at least 12 countries, in their own languages, loaded by `flask demo load`."""

from __future__ import annotations

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.needs.enums import NeedStatus
from kmportal.needs.models import Need


def test_demo_load_records_needs_of_twelve_countries_in_four_languages(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    needs = list(db.session.scalars(sa.select(Need)))
    assert len({n.country_code for n in needs}) >= 12
    assert {n.language for n in needs} == {"es", "pt", "en", "fr"}
    assert all(n.status is NeedStatus.PUBLISHED and n.is_demo for n in needs)
    by_country = {n.country_code: n.language for n in needs}
    assert by_country["HT"] == "fr" and by_country["JM"] == "en" and by_country["BR"] == "pt"
    assert "needs" in result.output
