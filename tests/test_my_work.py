"""My work: what awaits each person, oldest first, each a link with what to do; its count in
the navigation; the old address and signing in lead there; a fixed number of queries."""

from datetime import date, datetime, timedelta

import pytest

from kmportal.extensions import db
from kmportal.mywork.service import count, my_work
from kmportal.practices import service as practices_service
from kmportal.transfers import confirmations
from tests.conftest import PASSWORD
from tests.factories import practice_values
from tests.querycount import count_queries
from tests.transfers.factories import DATES, TransferFactory

TODAY = date(2016, 4, 1)  # after the factory's transfers, before their follow-ups fall due


@pytest.fixture
def transfers(app, secretariat):
    return TransferFactory(secretariat)


@pytest.fixture(autouse=True)
def english(app, client):
    from flask_babel import refresh

    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()
    with client.session_transaction() as session:
        session["lang"] = "en"


@pytest.fixture
def focal_mx(app):
    from kmportal.auth.models import Role
    from tests.conftest import make_user

    return make_user("focal.mx@example.org", Role.FOCAL_POINT, "MX", "es")


def kinds(items):
    return [item.kind for item in items]


def test_nothing_awaits_someone_not_signed_in(app):
    from flask_login import AnonymousUserMixin

    assert my_work(AnonymousUserMixin()) == []


def test_a_focal_point_sees_its_countrys_work_oldest_first(
    transfers, practices, focal_br, focal_co, secretariat
):
    requested = transfers.make("proposed", author=focal_co)  # Brazil is to agree
    started = transfers.make("in_progress", recipient="MX")  # Brazil may mark it transferred
    unconfirmed = transfers.make("transferred", recipient="PE", confirmed=False)
    returned = practices.make(focal_br, "returned", title="Devolvida")
    draft = practices.make(focal_br, "draft", title="Rascunho")
    practices.make(focal_co, "draft", title="Borrador de Colombia")  # another country's
    items = my_work(focal_br, TODAY)
    assert kinds(items) == ["agree", "complete", "confirm", "returned", "draft"]
    assert [item.since for item in items] == sorted(item.since for item in items)
    assert items[0].params == {"transfer_id": requested.id}
    assert items[1].params == {"transfer_id": started.id}
    assert (items[2].endpoint, items[2].params) == (
        "transfers.confirm",
        {"transfer_id": unconfirmed.id},
    )
    assert [items[3].params, items[4].params] == [
        {"practice_id": returned.id},
        {"practice_id": draft.id},
    ]


def test_the_country_that_asked_waits_rather_than_agrees(transfers, focal_co):
    transfers.make("proposed", author=focal_co)
    assert my_work(focal_co, TODAY) == []


def test_follow_ups_due_and_overdue_for_the_country(transfers, focal_co, focal_mx):
    transfer = transfers.make("transferred")
    due = sorted(transfer.follow_ups, key=lambda f: f.due_on)
    soon = due[0].due_on - timedelta(days=10)
    assert kinds(my_work(focal_co, soon)) == ["follow_up_due"]
    later = my_work(focal_co, due[-1].due_on + timedelta(days=1))
    assert kinds(later) == ["follow_up_overdue"] * len(due)
    assert later[0].params == {"transfer_id": transfer.id, "due": due[0].id}
    assert my_work(focal_mx, soon) == []


def test_changes_decided_recently_are_news_to_their_country(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    practices_service.update_practice(focal_br, practice, practice_values(title="Novo título"))
    practices_service.decide_edit(secretariat, practice.pending_edit, False, "Sem evidência.")
    today = datetime.utcnow().date()
    assert kinds(my_work(focal_br, today)) == ["edit_rejected"]
    assert my_work(focal_br, today + timedelta(days=31)) == []


def test_the_secretariat_sees_what_awaits_it_across_countries(
    transfers, practices, focal_br, focal_co, secretariat
):
    submitted = practices.make(focal_co, "submitted", title="Enviada")
    practices.make(focal_br, "draft")  # drafts are the countries' own
    published = practices.make(focal_br, "published")
    practices_service.update_practice(focal_br, published, practice_values(title="Outro"))
    unconfirmed = transfers.make("transferred", confirmed=False)
    confirmations.confirm(secretariat, unconfirmed, "provider", "Acta.", DATES["complete"])
    transfers.make("proposed", recipient="MX")  # the countries agree, not the secretariat
    overdue = my_work(secretariat, date(2030, 1, 1))
    assert kinds(overdue)[:1] == ["confirm"]
    assert kinds(overdue).count("follow_up_overdue") == len(unconfirmed.follow_ups)
    assert {"validate", "review_edit"} <= set(kinds(overdue))
    assert next(i for i in overdue if i.kind == "validate").params == {"practice_id": submitted.id}
    assert "draft" not in kinds(overdue) and "agree" not in kinds(overdue)
    assert "follow_up_overdue" not in kinds(my_work(secretariat, TODAY))


def test_the_page_lists_links_with_what_to_do_and_the_navigation_counts(
    client, auth, transfers, focal_br, focal_co
):
    transfer = transfers.make("proposed", author=focal_co)
    auth.login(focal_br)
    page = client.get("/work").get_data(as_text=True)
    assert f'href="/transfers/{transfer.id}"' in page
    assert "Agree to the transfer (record its funding first), or cancel it." in page
    assert f'<span class="count-badge">{count(focal_br)}</span>' in page
    assert count(focal_br) == 1
    auth.logout()
    auth.login(focal_co)
    page = client.get("/work").get_data(as_text=True)
    assert "Nothing awaits you." in page and "count-badge" not in page


def test_the_old_address_and_signing_in_lead_to_my_work(client, auth, focal_br):
    assert client.get("/work").status_code == 302  # to the log-in page
    response = auth.login(focal_br)
    assert response.headers["Location"] == "/work"
    assert client.get("/practices/mine").headers["Location"] == "/work"
    auth.logout()
    response = client.post(
        "/login?next=/transfers/", data={"email": focal_br.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/transfers/"


@pytest.mark.parametrize("odd", ["/work?page=abc", "/work?lang=xx", "/work/", "/work?x=%00"])
def test_odd_addresses_are_never_a_500(client, auth, focal_br, odd):
    auth.login(focal_br)
    assert client.get(odd).status_code < 500


def test_queries_do_not_grow_with_the_work(
    client, auth, transfers, practices, secretariat, focal_br
):
    def queries() -> tuple[int, int]:
        db.session.expunge_all()
        with count_queries() as counted:
            response = client.get("/work")
        db.session.expunge_all()
        db.session.add_all([secretariat, focal_br])
        assert response.status_code == 200
        return counted.count, response.get_data(as_text=True).count('class="work-')

    def work(n, offset):
        for number in range(n):
            practices.make(focal_br, "submitted", title=f"Prática {offset + number}")
            transfers.make(
                "transferred",
                practice=transfers.practice("BR", title=f"Transferida {offset + number}"),
                confirmed=False,
            )

    auth.login(secretariat)
    work(1, 0)
    few, shown_few = queries()
    work(5, 1)
    many, shown_many = queries()
    assert shown_many > shown_few
    assert many == few
