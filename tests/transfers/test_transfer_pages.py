"""The transfer pages, used as people use them: from the practice page to the timeline."""

import io
import re

import pytest

from kmportal.extensions import db
from kmportal.transfers.enums import TransferStatus
from kmportal.transfers.models import Transfer
from tests.transfers.factories import transfer_values

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_practice_page_offers_the_right_entry_point(client, auth, transfers, focal_br, focal_co):
    practice = transfers.practice("BR")
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Transfers of this practice" not in page  # nothing to show anonymous readers yet
    auth.login(focal_co)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Ask for this practice for Colombia" in page
    auth.logout()
    auth.login(focal_br)
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert "Offer this practice to a country" in page


def test_interested_country_asks_for_a_practice(client, auth, transfers, focal_co):
    practice = transfers.practice("BR")
    auth.login(focal_co)
    form = client.get(f"/transfers/new?practice={practice.id}").get_data(as_text=True)
    assert "Colombia asks Brazil for this practice." in form and 'name="provider_code"' in form
    response = client.post(
        "/transfers/new",
        data=transfer_values(practice_id=practice.id, provider_code="BR", recipient_code="CO"),
    )
    assert response.status_code == 302
    transfer = db.session.query(Transfer).one()
    assert (transfer.provider_code, transfer.recipient_code) == ("BR", "CO")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Requested by the interested country" in page
    assert f"/transfers/{transfer.id}/steps/agree" not in page  # Brazil agrees, not Colombia


def test_bad_proposal_shows_the_message_next_to_the_field(client, auth, transfers, secretariat):
    practice = transfers.practice("BR")
    auth.login(secretariat)
    response = client.post(
        "/transfers/new",
        data=transfer_values(
            practice_id=practice.id,
            recipient_code="BR",
            amount_provider="-1",
            currency_provider="USD",
            amount_recipient="100",
            currency_recipient="ZZZ",
        ),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "must differ from the country with the experience" in page
    assert "An amount cannot be negative." in page
    assert "“ZZZ” is not an ISO 4217 currency code." in page
    assert page.count('class="field has-error') >= 3
    assert db.session.query(Transfer).count() == 0


def test_steps_move_the_transfer_and_a_bad_date_is_shown_on_the_form(
    client, auth, transfers, focal_br
):
    transfer = transfers.make("agreed")
    auth.login(focal_br)
    response = client.post(f"/transfers/{transfer.id}/steps/start", data={"on": "2015-01-01"})
    assert response.status_code == 422
    assert "Cannot be before “Agreed on”" in response.get_data(as_text=True)
    assert transfer.status is TransferStatus.AGREED
    response = client.post(f"/transfers/{transfer.id}/steps/start", data={"on": "2016-01-11"})
    assert response.status_code == 302
    assert transfer.status is TransferStatus.IN_PROGRESS
    # A refused step is a conflict, before any form.
    assert client.get(f"/transfers/{transfer.id}/steps/agree").status_code == 409
    assert client.get(f"/transfers/{transfer.id}/steps/teleport").status_code == 404


def test_cancelling_from_the_web_keeps_the_reason_and_lessons(client, auth, transfers, focal_co):
    transfer = transfers.make("in_progress")
    auth.login(focal_co)
    response = client.post(f"/transfers/{transfer.id}/steps/cancel", data={"on": "2016-02-01"})
    assert response.status_code == 422
    assert "Say why the transfer is cancelled." in response.get_data(as_text=True)
    client.post(
        f"/transfers/{transfer.id}/steps/cancel",
        data={"on": "2016-02-01", "reason": "Cambio de gobierno.", "lessons": "Firmar antes."},
    )
    auth.logout()
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Cambio de gobierno." in page and "Firmar antes." in page  # failures teach too
    listing = client.get("/transfers/?status=cancelled").get_data(as_text=True)
    assert f"/transfers/{transfer.id}" in listing


def test_confirmation_page_for_focal_point_and_secretariat(client, auth, transfers, secretariat):
    transfer = transfers.make("transferred", confirmed=False)
    auth.login(secretariat)
    response = client.post(f"/transfers/{transfer.id}/confirm", data={"side": "provider"})
    assert response.status_code == 422
    assert "Say on what grounds" in response.get_data(as_text=True)
    client.post(
        f"/transfers/{transfer.id}/confirm",
        data={"side": "provider", "note": "Carta del ministerio.", "on": "2016-04-01"},
    )
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Brazil confirmed on Apr 1, 2016" in page
    assert "(Technical Secretariat) on the country" in page and "Carta del ministerio." in page
    assert "Colombia has not confirmed yet." in page


def test_timeline_shows_the_whole_history(client, auth, transfers, focal_co):
    transfer = transfers.make("transferred")
    auth.login(focal_co)
    response = client.post(
        f"/transfers/{transfer.id}/follow-ups/new?due={transfer.follow_ups[0].id}",
        data={
            "due_id": str(transfer.follow_ups[0].id),
            "done_on": "2016-09-20",
            "stage": "piloting",
            "summary": "Piloto en Huila.",
            "next_step": "Evaluación",
            "next_due_on": "2016-12-01",
            "evidence": (io.BytesIO(PDF), "piloto.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"') :]
    for words in (
        "Proposed",
        "Agreed",
        "In progress",
        "Exchange starts",
        "Transferred",
        "Confirmed by Brazil",
        "Follow-up: Piloting",
        "Piloto en Huila.",
        "piloto.pdf",
        "Follow-up overdue",
        "Evaluación",
    ):
        assert words in timeline, words
    assert timeline.index("Proposed") < timeline.index("Transferred") < timeline.index("Piloting")
    auth.logout()
    public = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Piloto en Huila." not in public  # follow-ups are for the Network


def test_follow_up_form_shows_errors_next_to_fields(client, auth, transfers, focal_co):
    transfer = transfers.make("transferred")
    auth.login(focal_co)
    response = client.post(
        f"/transfers/{transfer.id}/follow-ups/new",
        data={"done_on": "2099-01-01", "stage": "", "summary": ""},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose the stage reached." in page and "Say what was done." in page
    assert all(f.is_pending for f in transfer.follow_ups)


def test_transfer_list_filters(client, transfers):
    counted = transfers.make("transferred")
    transfers.make("proposed", provider="MX", recipient="PE")
    page = client.get("/transfers/").get_data(as_text=True)
    assert "2 transfers" in page
    page = client.get("/transfers/?counted=yes").get_data(as_text=True)
    assert "1 transfer" in page and f"/transfers/{counted.id}" in page
    page = client.get("/transfers/?country=pe&status=proposed&theme=nonsense").get_data(
        as_text=True
    )
    assert "1 transfer" in page
    assert "export" in page and "country=PE" in page  # the exports carry the filters


def test_due_page_lists_the_countrys_follow_ups(client, auth, transfers, focal_co, focal_mx):
    transfer = transfers.make("transferred")
    auth.login(focal_co)
    page = client.get("/transfers/follow-ups").get_data(as_text=True)
    assert "Follow-ups due for Colombia" in page
    assert page.count(f"/transfers/{transfer.id}/follow-ups/new?due=") == 3
    auth.logout()
    auth.login(focal_mx)
    page = client.get("/transfers/follow-ups").get_data(as_text=True)
    assert "Nothing to follow up." in page


def test_edit_form_round_trips(client, auth, transfers, focal_br):
    transfer = transfers.make("agreed", amount_provider="1500", currency_provider="BRL")
    auth.login(focal_br)
    page = client.get(f"/transfers/{transfer.id}/edit").get_data(as_text=True)
    assert 'value="1500.00"' in page and 'value="BRL"' in page
    assert '<input type="hidden" name="provider_code" value="BR">' in page  # fixed once agreed


def test_secretariat_picks_a_country_on_the_due_page(client, auth, transfers, secretariat):
    transfers.make("transferred")
    transfers.make("transferred", provider="MX", recipient="PE")
    auth.login(secretariat)
    page = client.get("/transfers/follow-ups").get_data(as_text=True)
    assert "Follow-ups due, all countries" in page and page.count("Record it") == 6
    page = client.get("/transfers/follow-ups?country=pe").get_data(as_text=True)
    assert "Follow-ups due for Peru" in page and page.count("Record it") == 3


def test_focal_point_sees_only_its_countrys_due_list(client, auth, transfers, focal_co):
    transfers.make("transferred", provider="MX", recipient="PE")
    auth.login(focal_co)
    page = client.get("/transfers/follow-ups?country=PE").get_data(as_text=True)
    assert "Follow-ups due for Colombia" in page and "Record it" not in page


def test_proposal_without_a_practice_asks_for_one(client, auth, transfers, secretariat):
    transfers.practice("BR")
    auth.login(secretariat)
    response = client.post("/transfers/new", data=transfer_values(practice_id=""))
    assert response.status_code == 422
    assert "Choose a published practice." in response.get_data(as_text=True)


def test_asking_form_keeps_the_countries_hidden(client, auth, transfers, focal_co):
    practice = transfers.practice("BR")
    auth.login(focal_co)
    page = client.get(f"/transfers/new?practice={practice.id}").get_data(as_text=True)
    assert '<input type="hidden" name="provider_code" value="BR">' in page
    assert '<input type="hidden" name="recipient_code" value="CO">' in page
    assert "<select" not in page.split('name="purpose"')[0].split("<form")[-1]


def test_proposal_form_follows_the_practices_read_rule(
    client, auth, transfers, practices, focal_br, focal_co, secretariat
):
    """/transfers/new?practice=ID showed a Brazilian draft's title to Colombia's focal point."""
    draft = practices.make(focal_br, "draft", title="Borrador reservado de Brasil")
    archived = practices.make(focal_br, "archived", title="Practica retirada de Brasil")
    own_draft = practices.make(focal_co, "draft", title="Borrador propio de Colombia")
    auth.login(focal_co)
    for practice in (draft, archived):
        response = client.get(f"/transfers/new?practice={practice.id}")
        assert response.status_code == 403  # as on /practices/<id>
        assert practice.title not in response.get_data(as_text=True)
    assert client.get(f"/transfers/new?practice={own_draft.id}").status_code == 409
    response = client.post("/transfers/new", data=transfer_values(practice_id=draft.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a published practice." in page
    assert draft.title not in page
    auth.logout()
    auth.login(secretariat)
    assert client.get(f"/transfers/new?practice={draft.id}").status_code == 409
    assert client.get(f"/transfers/new?practice={transfers.practice('BR').id}").status_code == 200
    assert db.session.query(Transfer).count() == 0


def test_asking_for_another_country_is_refused_on_the_form(client, auth, transfers, focal_co):
    """Colombia's focal point posted BR → AR and got BR → CO without a word."""
    practice = transfers.practice("BR")
    auth.login(focal_co)
    response = client.post(
        f"/transfers/new?practice={practice.id}",
        data=transfer_values(practice_id=practice.id, provider_code="BR", recipient_code="AR"),
    )
    assert response.status_code == 422
    assert "You ask for a practice for your own country" in response.get_data(as_text=True)
    assert db.session.query(Transfer).count() == 0


def test_focal_points_see_the_countries_of_a_proposed_transfer_as_fixed(
    client, auth, transfers, focal_co, secretariat
):
    transfer = transfers.make("proposed", author=focal_co)
    auth.login(focal_co)
    page = client.get(f"/transfers/{transfer.id}/edit").get_data(as_text=True)
    assert '<input type="hidden" name="recipient_code" value="CO">' in page
    response = client.post(
        f"/transfers/{transfer.id}/edit",
        data=transfer_values(provider_code="CO", recipient_code="BR"),
    )
    assert response.status_code == 403
    assert (transfer.provider_code, transfer.recipient_code) == ("BR", "CO")
    auth.logout()
    auth.login(secretariat)
    page = client.get(f"/transfers/{transfer.id}/edit").get_data(as_text=True)
    assert '<select id="recipient_code" name="recipient_code"' in page


def test_confirmation_notes_are_for_the_network(client, auth, transfers, focal_co):
    transfer = transfers.make("transferred")  # confirmed on both countries' behalf, with a note
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Brazil confirmed on" in page
    assert "Acta de la reunión de la Red." not in page
    assert "on the country" not in page
    auth.login(focal_co)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Acta de la reunión de la Red." in page and "on the country" in page


def test_the_confirm_button_is_for_who_may_still_confirm(
    client, auth, transfers, focal_br, focal_co
):
    from kmportal.transfers import confirmations

    transfer = transfers.make("transferred", confirmed=False)
    confirmations.confirm(focal_br, transfer)
    button = f'href="/transfers/{transfer.id}/confirm"'
    auth.login(focal_br)
    assert button not in client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    auth.logout()
    auth.login(focal_co)
    assert button in client.get(f"/transfers/{transfer.id}").get_data(as_text=True)


WITHDRAWN_TITLE = "Programa retirado de Brasil"
PUBLIC_PAGES = [
    "/transfers/{id}",
    "/transfers/",
    "/dashboard/report",
    "/countries/BR",
    "/countries/CO",
    "/plan",
    "/exports/transfers.csv",
    "/exports/transfers.xlsx",
]
NETWORK_PAGES = ["/transfers/follow-ups", "/exports/follow-ups.csv", "/exports/follow-ups.xlsx"]


def _text(response) -> str:
    if response.mimetype.startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).active
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for row in sheet.iter_rows(values_only=True)
        )
    return response.get_data(as_text=True)


def _lists_the_transfer(url: str, text: str, transfer_id: int) -> bool:
    """The page shows this transfer: its heading, its link, its number in the report's first
    column, or its number as the first cell of an export's row."""
    if url.startswith("/exports/"):
        return re.search(rf"^{transfer_id}[, ]", text, re.MULTILINE) is not None
    if url == "/dashboard/report":
        return f'<td class="num">{transfer_id}</td>' in text
    if url == "/transfers/{id}":
        return f"Transfer #{transfer_id}</p>" in text
    return f'href="/transfers/{transfer_id}"' in text


@pytest.mark.parametrize(
    ("role", "shown"),
    [("anonymous", False), ("recipient", False), ("provider", True), ("secretariat", True)],
)
def test_a_withdrawn_practice_is_named_only_to_those_who_may_read_it(
    client, auth, transfers, focal_br, focal_co, secretariat, role, shown
):
    """An archived practice's title stayed on the public transfer pages and exports."""
    from kmportal.practices import service as practice_service

    practice = transfers.practice("BR", title=WITHDRAWN_TITLE)
    transfer = transfers.make("transferred", practice=practice)
    practice_service.archive(secretariat, practice)
    user = {"recipient": focal_co, "provider": focal_br, "secretariat": secretariat}.get(role)
    pages = PUBLIC_PAGES
    if user is not None:
        auth.login(user)
        pages = PUBLIC_PAGES + NETWORK_PAGES
    for url in pages:
        response = client.get(url.format(id=transfer.id))
        assert response.status_code == 200, url
        text = _text(response)
        assert _lists_the_transfer(url, text, transfer.id), url
        assert (WITHDRAWN_TITLE in text) is shown, url
        assert ("Practice withdrawn" in text) is not shown, url
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert (f'href="/practices/{practice.id}"' in page) is shown
