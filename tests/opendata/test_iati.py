"""The transfers as IATI 2.03 activities: valid against the official schema (shipped in
data/), one activity per transfer with the roles, status and dates the rules say."""

from __future__ import annotations

import pytest
from lxml import etree

from kmportal.transfers.models import Transfer
from tests.opendata.conftest import DATA

XSD = DATA / "iati-2.03" / "iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def exchanges(transfers):
    return {
        "cost_shared": transfers.make("transferred", funding_mode="cost_shared"),
        "triangular": transfers.make(
            "cancelled",
            recipient="MX",
            modality="triangular",
            partner_name="Agencia de cooperación",
            funding_mode="third_party",
            third_party_name="Fondo regional",
        ),
        "provider": transfers.make("in_progress", recipient="PE", funding_mode="provider_funded"),
        "recipient": transfers.make("proposed", recipient="UY"),
    }


def _activities(client, schema) -> dict[int, etree._Element]:
    response = client.get("/exports/transfers.iati.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.get_data())
    schema.assertValid(root)
    return {int(a.findtext("iati-identifier").rsplit("-T", 1)[1]): a for a in root}


def _roles(activity) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = {}
    for org in activity.findall("participating-org"):
        roles.setdefault(org.get("role"), []).append(org.findtext("narrative"))
    return roles


def test_export_is_valid_iati_and_has_every_transfer(client, exchanges, schema):
    activities = _activities(client, schema)
    assert sorted(activities) == sorted(t.id for t in Transfer.query.all())
    for transfer in exchanges.values():
        activity = activities[transfer.id]
        assert activity.find("recipient-country").get("code") == transfer.recipient_code
        assert activity.find("sector").attrib == {"vocabulary": "8", "code": "8.7"}
        assert activity.find("tag").attrib == {"vocabulary": "3", "code": "8.7"}
        roles = _roles(activity)
        assert roles["3"] == [f"Government of {transfer.provider.name('en')}"]
        assert roles["4"] == [f"Government of {transfer.recipient.name('en')}"]


def test_funding_role_follows_the_funding_mode(client, exchanges, schema):
    activities = _activities(client, schema)
    assert _roles(activities[exchanges["cost_shared"].id])["1"] == [
        "Government of Brazil",
        "Government of Colombia",
    ]
    assert _roles(activities[exchanges["triangular"].id])["1"] == ["Fondo regional"]
    assert _roles(activities[exchanges["provider"].id])["1"] == ["Government of Brazil"]
    assert _roles(activities[exchanges["recipient"].id])["1"] == ["Government of Uruguay"]


def test_status_collaboration_and_dates(client, exchanges, schema):
    activities = _activities(client, schema)

    def summary(name):
        activity = activities[exchanges[name].id]
        return (
            activity.find("activity-status").get("code"),
            activity.find("collaboration-type").get("code"),
            [(d.get("type"), d.get("iso-date")) for d in activity.findall("activity-date")],
        )

    assert summary("cost_shared") == ("3", "1", [("2", "2016-01-11"), ("4", "2016-03-15")])
    assert summary("triangular") == ("5", "8", [("1", "2015-10-20"), ("4", "2016-02-01")])
    assert summary("provider") == ("2", "1", [("2", "2016-01-11")])
    assert summary("recipient") == ("1", "1", [("1", "2015-10-20")])


def test_identifiers_are_stable(client, exchanges, schema):
    first = sorted(a.findtext("iati-identifier") for a in _activities(client, schema).values())
    again = sorted(a.findtext("iati-identifier") for a in _activities(client, schema).values())
    assert first == again
    assert f"XM-DAC-41302-KMPORTAL-T{exchanges['recipient'].id}" in first


def test_no_amounts_and_a_withdrawn_practice_is_not_named(client, transfers, secretariat, schema):
    from kmportal.practices import service as practices

    transfer = transfers.make("transferred", funding_mode="recipient_funded")
    practices.archive(secretariat, transfer.practice, "Superada.")
    activity = _activities(client, schema)[transfer.id]
    titles = [n.text for n in activity.find("title")]
    assert transfer.practice.title not in titles and "Practice withdrawn" in titles
    assert activity.find("budget") is None and activity.find("transaction") is None


def test_the_schema_refuses_a_broken_activity(client, exchanges, schema):
    root = etree.fromstring(client.get("/exports/transfers.iati.xml").get_data())
    activity = root[0]
    activity.remove(activity.find("activity-status"))
    assert not schema.validate(root)


def test_an_empty_export_is_an_empty_list(client):
    """No transfer yet: the root alone (IATI's schema wants at least one activity, README)."""
    response = client.get("/exports/transfers.iati.xml")
    root = etree.fromstring(response.get_data())
    assert response.status_code == 200 and root.tag == "iati-activities" and len(root) == 0
