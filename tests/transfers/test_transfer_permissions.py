"""The permission table, both ways: every action × every role, on a BR → CO transfer."""

import pytest

from kmportal.errors import PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import proposals, service
from kmportal.transfers.enums import Origin, TransferStatus
from kmportal.transfers.models import Transfer
from kmportal.transfers.permissions import PERMISSIONS, can
from tests.transfers.factories import transfer_values

ROLES = ("anonymous", "provider", "recipient", "other", "secretariat")
Y, N = True, False
# action: (anonymous, provider, recipient, other, secretariat), for a transfer requested by
# the recipient (so the provider agrees to it).
EXPECTED = {
    "read": (Y, Y, Y, Y, Y),
    "read_full": (N, Y, Y, Y, Y),
    "propose": (N, Y, Y, N, Y),
    "record_other_provider": (N, N, N, N, Y),
    "edit": (N, Y, Y, N, Y),
    "change_countries": (N, N, N, N, Y),
    "correct_confirmed": (N, N, N, N, Y),
    "agree": (N, Y, N, N, Y),
    "start": (N, Y, Y, N, Y),
    "complete": (N, Y, Y, N, Y),
    "adopt": (N, N, Y, N, Y),
    "institutionalise": (N, N, Y, N, Y),
    "cancel": (N, Y, Y, N, Y),
    "confirm": (N, Y, Y, N, Y),
    "confirm_on_behalf": (N, N, N, N, Y),
    "follow_up": (N, Y, Y, N, Y),
}


@pytest.fixture
def people(focal_br, focal_co, focal_mx, secretariat):
    from flask_login import AnonymousUserMixin

    return {
        "anonymous": AnonymousUserMixin(),
        "provider": focal_br,
        "recipient": focal_co,
        "other": focal_mx,
        "secretariat": secretariat,
    }


def test_every_action_is_in_the_expected_table():
    assert set(EXPECTED) == set(PERMISSIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(people, action, role):
    transfer = Transfer(
        provider_code="BR",
        recipient_code="CO",
        origin=Origin.REQUEST,
        status=TransferStatus.PROPOSED,
    )
    assert can(people[role], action, transfer) is EXPECTED[action][ROLES.index(role)]


@pytest.mark.parametrize(
    ("origin", "agreeing"),
    [(Origin.REQUEST, "provider"), (Origin.OFFER, "recipient"), (Origin.RECORD, "both")],
)
def test_the_country_that_did_not_start_the_transfer_agrees_to_it(people, origin, agreeing):
    transfer = Transfer(provider_code="BR", recipient_code="CO", origin=origin)
    assert can(people["provider"], "agree", transfer) is (agreeing in ("provider", "both"))
    assert can(people["recipient"], "agree", transfer) is (agreeing in ("recipient", "both"))


def test_only_the_secretariat_edits_a_cancelled_transfer(people):
    transfer = Transfer(
        provider_code="BR",
        recipient_code="CO",
        origin=Origin.REQUEST,
        status=TransferStatus.CANCELLED,
    )
    assert not can(people["provider"], "edit", transfer)
    assert can(people["secretariat"], "edit", transfer)


def test_focal_point_cannot_act_on_other_countries_transfer(transfers, focal_mx):
    transfer = transfers.make("in_progress")
    with pytest.raises(PermissionDenied):
        service.move(focal_mx, transfer, "complete")
    with pytest.raises(PermissionDenied):
        service.update(focal_mx, transfer, transfer_values())
    assert transfer.status is TransferStatus.IN_PROGRESS


def test_focal_point_cannot_propose_between_two_other_countries(transfers, focal_mx):
    practice = transfers.practice("BR")
    with pytest.raises(ValidationError) as error:
        service.propose(focal_mx, practice, {"recipient_code": "CO"})
    db.session.rollback()
    assert set(error.value.errors) == {"recipient_code"}
    assert db.session.query(Transfer).count() == 0
    # Mexico asking for a Brazilian practice (the recipient left out) makes Mexico the
    # recipient: allowed.
    asked = service.propose(focal_mx, practice, {})
    assert asked.recipient_code == "MX"


def test_focal_point_cannot_edit_itself_out_of_a_transfer(transfers, focal_co):
    transfer = transfers.make("proposed", author=focal_co)
    with pytest.raises(PermissionDenied):
        service.update(focal_co, transfer, transfer_values(recipient_code="PE"))
    assert transfer.recipient_code == "CO"


def test_the_service_says_how_each_user_may_start_a_transfer(
    people, transfers, practices, focal_br
):
    """The practice page and the proposal form ask the service rather than re-derive it."""
    practice = transfers.practice("BR")
    expected = {
        "anonymous": None,
        "provider": Origin.OFFER,
        "recipient": Origin.REQUEST,
        "other": Origin.REQUEST,
        "secretariat": Origin.RECORD,
    }
    for role, origin in expected.items():
        assert proposals.proposal_origin(people[role], practice) is origin, role
        assert proposals.proposal_origin(people[role], practices.make(focal_br, "draft")) is None
    asked = proposals.proposal_defaults(people["recipient"], practice)
    assert (asked["provider_code"], asked["recipient_code"]) == ("BR", "CO")
    offered = proposals.proposal_defaults(people["provider"], practice)
    assert offered["provider_code"] == "BR" and "recipient_code" not in offered
