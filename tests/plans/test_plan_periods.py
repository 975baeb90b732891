"""Plan periods on the pages: the current one by default, the others on offer, the notice
when none is current, and the secretariat's plan editor (the one importer, audited)."""

from datetime import date

import sqlalchemy as sa
import yaml

from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.progress import queries as progress
from kmportal.reference import plancheck, planfile, plans, queries
from kmportal.reference.models import Plan, Target
from tests.plans.test_plan_files import shipped
from tests.test_reference_data import dump


def add_period(code="2025-2027", start="2025-07", end="2027-06", quantity=30):
    data = shipped()
    data["period"].update(code=code, start=start, end=end)
    target = data["objectives"][2]["results"][0]["targets"][0]
    first = plancheck.month_of(start)
    last = plancheck.month_of(end)
    target.update(
        quantity=quantity, start=first.isoformat(), end=plancheck.month_end(last).isoformat()
    )
    return plans.import_plan(planfile.parse(yaml.safe_dump(data))).plan


def test_the_current_period_is_the_one_today_is_in(app):
    later = add_period()
    assert queries.current_period(date(2016, 3, 1)).code == "2015-2016"
    assert queries.current_period(date(2026, 12, 1)) == later
    assert queries.current_period(date(2027, 7, 1)) is None
    assert queries.current_period(date(2016, 9, 30)).code == "2015-2016"
    assert queries.current_period(date(2016, 10, 1)) is None
    choice = queries.choose_period(None, date(2016, 3, 1))
    assert choice.plan.code == "2015-2016" and choice.is_current and not choice.none_current
    choice = queries.choose_period("2025-2027", date(2016, 3, 1))
    assert choice.plan == later and not choice.is_current
    # An unknown or odd ?period= is the default period, never an error.
    for odd in ("1999", "x" * 300, ""):
        assert queries.choose_period(odd, date(2016, 3, 1)).plan.code == "2015-2016"


def test_a_transfer_counts_toward_its_results_period_target(transfers, secretariat):
    old = transfers.make("transferred")  # recorded against 2015–2016's result, March 2016
    later = add_period()
    old_target = queries.current_target(plan=queries.plan_by_code("2015-2016"))
    new_target = queries.current_target(plan=later)
    assert old_target != new_target and old.result_id == old_target.result_id
    dates = {
        "proposed_on": date(2025, 8, 1),
        "agree": date(2025, 9, 1),
        "start": date(2025, 10, 1),
        "complete": date(2026, 2, 1),
    }
    # Today (2026) the new period is current: a new transfer is recorded against its result.
    new = transfers.make("transferred", provider="MX", recipient="PE", dates=dates)
    assert new.result_id == new_target.result_id
    board = progress.dashboard(secretariat, date(2026, 12, 1), plan=later)
    assert (board.target, board.counted, board.quantity) == (new_target, 1, 30)
    board = progress.dashboard(
        secretariat, date(2026, 12, 1), plan=old_target.result.objective.plan
    )
    assert (board.target, board.counted, board.quantity) == (old_target, 1, 15)
    # Against the old result but transferred in 2026: inside no period of its result.
    stray = transfers.make(
        "transferred",
        provider="CO",
        recipient="PE",
        dates=dates,
        result_id=str(old_target.result_id),
    )
    assert progress.dashboard(secretariat, plan=old_target.result.objective.plan).counted == 1
    assert stray.result_id == old_target.result_id


def test_the_dashboard_offers_the_periods(client, app):
    add_period()
    page = client.get("/dashboard?lang=en").get_data(as_text=True)  # today: 2026
    assert '<option value="2025-2027" selected>2025-2027 (current)</option>' in page
    assert 'counted-number">0</span> <span class="of">/ 30</span>' in page
    page = client.get("/dashboard?lang=en&period=2015-2016").get_data(as_text=True)
    assert '<option value="2015-2016" selected>' in page
    assert "/ 15</span>" in page and "not the current one" in page
    report = client.get("/dashboard/report?lang=en&period=2015-2016").get_data(as_text=True)
    assert "Work plan 2015-2016" in report
    plan_page = client.get("/plan?lang=en&period=2025-2027").get_data(as_text=True)
    assert "Work plan 2025-2027" in plan_page
    assert client.get("/dashboard?period=%27%22%3C").status_code == 200
    assert client.get("/dashboard?period=%00").status_code == 400  # the request guard's


def test_no_current_period_the_dashboard_says_so_and_shows_the_last(client, auth, secretariat):
    page = client.get("/dashboard?lang=en").get_data(as_text=True)  # 2026: none is current
    assert "No plan period is current today. This is the last one, 2015-2016" in page
    assert "/ 15</span>" in page
    assert "flask plan import" not in page  # how to add one: for the secretariat
    auth.login(secretariat)
    page = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "flask plan import FILE" in page and "/plan/edit?new=1" in page


def test_the_secretariat_edits_a_plan_on_the_web_audited(client, auth, secretariat):
    auth.login(secretariat)
    page = client.get("/plan/edit?period=2015-2016&lang=en").get_data(as_text=True)
    assert "practices_transferred" in page and "Gestión del conocimiento" in page
    data = shipped()
    data["objectives"][2]["results"][0]["targets"][0]["quantity"] = 18
    data["objectives"][3]["results"][0]["activities"].append(
        {
            "code": "4.1.8",
            "text": {"es": "Nueva actividad", "en": "New activity"},
            "months": ["2016-02"],
        }
    )
    response = client.post("/plan/edit", data={"text": yaml.safe_dump(data, allow_unicode=True)})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Target)).quantity == 18
    plan = queries.plan_by_code("2015-2016")
    assert plan.objectives[3].results[0].activities[7].text == "Nueva actividad"
    event = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert (event.action, event.actor_id) == ("plan.import", secretariat.id)
    assert event.changes["created"] == ["4.1.8"]


def test_the_editor_refuses_a_bad_file_with_its_lines_and_changes_nothing(
    client, auth, secretariat
):
    auth.login(secretariat)
    data = shipped()
    data["objectives"][2]["results"][0]["targets"][0]["quantity"] = 0
    data["objectives"][0]["results"][0]["activities"][0]["months"] = ["2017-01"]
    before = dump()
    response = client.post("/plan/edit?lang=en", data={"text": yaml.safe_dump(data)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "targets[0].quantity): The target must be a whole number greater than 0." in page
    assert "outside the plan period" in page and "line " in page
    assert dump() == before
    for text in ("", "{", "period: 3", "- a\n- b", "period: !!python/name:os.system"):
        assert client.post("/plan/edit", data={"text": text}).status_code == 422
    assert dump() == before


def test_a_new_period_from_the_editor(client, auth, secretariat):
    auth.login(secretariat)
    draft = client.get("/plan/edit?new=1").get_data(as_text=True)
    assert "2016-10" in draft and "2017-09" in draft
    text = plans.draft_text(new=True).replace("code: ''", "code: 2016-2017", 1)
    assert client.post("/plan/edit", data={"text": text}).status_code == 303
    later = queries.plan_by_code("2016-2017")
    assert (later.first_month, later.last_month) == (date(2016, 10, 1), date(2017, 9, 1))
    assert queries.current_target(plan=later).period_end == date(2017, 9, 30)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 2


def test_only_the_secretariat_edits_plans(client, auth, focal_br):
    assert client.get("/plan/edit").status_code == 302  # to the log-in page
    auth.login(focal_br)
    assert client.get("/plan/edit").status_code == 403
    before = dump()
    assert client.post("/plan/edit", data={"text": yaml.safe_dump(shipped())}).status_code == 403
    assert dump() == before


def test_a_transfer_may_be_recorded_against_any_periods_result(app):
    assert [label for _id, label in queries.result_choices()][3] == (
        "3.1 Quince (15) buenas prácticas transferidas entre países"
    )
    later = add_period()
    labels = [label for _id, label in queries.result_choices()]
    assert len(labels) == 12 and labels[0].startswith("2025-2027 · 1.1 ")  # current first
    assert labels[10].startswith("2015-2016 · 3.2 ")
    assert later.objectives[0].results[0].id == queries.result_choices()[0][0]


def test_a_transfer_page_shows_its_result_in_the_readers_language(client, transfers):
    transfer = transfers.make("transferred")
    page = client.get(f"/transfers/{transfer.id}?lang=pt").get_data(as_text=True)
    assert '<span lang="pt" class="unofficial">Quinze (15) boas práticas transferidas' in page
    assert "/plan?period=2015-2016" in page
    spanish = client.get(f"/transfers/{transfer.id}?lang=es").get_data(as_text=True)
    assert '<span lang="es">Quince (15) buenas prácticas transferidas' in spanish
