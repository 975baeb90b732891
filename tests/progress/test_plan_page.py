"""The plan page: objectives, results, activities, the month grid the secretariat marks, and
for each result and activity the transfers and practices linked to it."""

from datetime import date

import sqlalchemy as sa

from kmportal.audit import service as audit
from kmportal.extensions import db
from kmportal.practices import service as practices
from kmportal.reference import queries
from kmportal.reference.models import ActivityMonth
from kmportal.reference.service import cell_key
from tests.factories import GOOD_SCORES, practice_values


def marked() -> set:
    return set(db.session.execute(sa.select(ActivityMonth.activity_id, ActivityMonth.month)))


def test_the_grid_shows_the_plans_months_unmarked_at_first(client):
    page = client.get("/plan").get_data(as_text=True)
    assert page.count('<th scope="col" class="month">') == 12
    assert '<th scope="colgroup" colspan="3" class="year">2015</th>' in page
    assert '<th scope="colgroup" colspan="9" class="year">2016</th>' in page
    assert "The months of each activity have not been set yet." in page
    assert 'type="checkbox"' not in page


def test_secretariat_marks_the_months(client, auth, secretariat):
    plan = queries.current_plan()
    activity = plan.objectives[2].results[0].activities[2]
    october, march = date(2015, 10, 1), date(2016, 3, 1)
    auth.login(secretariat)
    assert 'type="checkbox"' in client.get("/plan").get_data(as_text=True)
    cells = [cell_key(activity.id, october), cell_key(activity.id, march)]
    response = client.post("/plan", data={"month": cells})
    assert response.status_code == 303
    assert marked() == {(activity.id, october), (activity.id, march)}
    event = audit.history("plan", plan.id)[0]
    assert event.changes == {activity.code: [[], ["2015-10", "2016-03"]]}
    client.post("/plan", data={"month": cells[:1]})
    assert marked() == {(activity.id, october)}
    auth.logout()
    page = client.get("/plan").get_data(as_text=True)
    assert page.count('class="cell marked"') == 1


def test_a_cell_outside_the_plan_changes_nothing(client, auth, secretariat):
    auth.login(secretariat)
    response = client.post("/plan", data={"month": ["999999:2015-10", "1:2030-01"]})
    assert response.status_code == 422
    assert "not in the plan" in response.get_data(as_text=True)
    assert marked() == set()


def test_focal_points_read_the_schedule_but_do_not_set_it(client, auth, focal_br):
    auth.login(focal_br)
    assert client.post("/plan", data={"month": []}).status_code == 403


def test_objective_3_shows_linked_practices_and_transfers(client, transfers, secretariat):
    plan = queries.current_plan()
    activity = plan.objectives[2].results[0].activities[0]
    practice = practices.create_practice(
        secretariat, practice_values(title="Práctica vinculada", activity_ids=[activity.id])
    )
    practices.submit(secretariat, practice)
    practices.publish(secretariat, practice, GOOD_SCORES)
    transfer = transfers.make("transferred", practice=practice)
    page = client.get("/plan").get_data(as_text=True)
    assert "1 good practice serves this activity" in page
    assert "1 transfer recorded against this result" in page
    assert f'href="/transfers/{transfer.id}"' in page
