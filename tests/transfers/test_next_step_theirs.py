"""Whose turn a transfer's next step is (next_step.is_theirs): the rule the API's `yours`
reads, so the pages and the API agree."""

from __future__ import annotations

from flask_login import AnonymousUserMixin

from kmportal.auth.models import Role
from kmportal.reference.models import Country
from kmportal.transfers.next_step import AGREE, CANCELLED, DONE, NextStep, is_theirs
from tests.conftest import make_user


def test_a_named_country_s_focal_point_and_otherwise_the_secretariat(app, focal_br, secretariat):
    focal_co = make_user("co@example.org", Role.FOCAL_POINT, "CO")
    brazil = app.extensions["sqlalchemy"].session.get(Country, "BR")
    step = NextStep(AGREE, (brazil,))
    assert is_theirs(focal_br, step) and not is_theirs(focal_co, step)
    assert not is_theirs(secretariat, step)
    assert is_theirs(secretariat, NextStep(AGREE)) and not is_theirs(focal_br, NextStep(AGREE))
    for kind in (DONE, CANCELLED):
        assert not is_theirs(secretariat, NextStep(kind)) and not is_theirs(
            focal_br, NextStep(kind)
        )
    assert not is_theirs(AnonymousUserMixin(), step)
