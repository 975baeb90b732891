from decimal import Decimal

import pytest

from kmportal.audit import service as audit
from kmportal.errors import InvalidTransition, PermissionDenied, ValidationError
from kmportal.extensions import db
from kmportal.transfers import trainings
from kmportal.transfers.enums import TrainingModality
from kmportal.transfers.models import Training


def training_values(**overrides) -> dict:
    values = {
        "title": "Curso virtual sobre trabajo adolescente protegido",
        "provider": "OIT / CIF Turín",
        "modality": "virtual",
        "starts_on": "2016-02-01",
        "ends_on": "2016-03-15",
        "hours": "40",
        "description": "",
    }
    values.update(overrides)
    return values


def test_focal_point_records_a_training_and_its_own_participation(focal_br):
    training = trainings.create(focal_br, training_values(hours="1,5"))
    assert training.modality is TrainingModality.VIRTUAL and training.hours == Decimal("1.5")
    row = trainings.join(focal_br, training)
    assert (row.user_id, row.country_code) == (focal_br.id, "BR")
    actions = [e.action for e in audit.history("training", training.id)]
    assert actions == ["training.join", "training.create"]


def test_participation_is_recorded_once_and_after_the_training_started(focal_br):
    training = trainings.create(focal_br, training_values())
    trainings.join(focal_br, training)
    with pytest.raises(InvalidTransition):
        trainings.join(focal_br, training)
    upcoming = trainings.create(focal_br, training_values(starts_on="2099-01-01", ends_on=""))
    with pytest.raises(InvalidTransition):
        trainings.join(focal_br, upcoming)


def test_only_the_secretariat_records_someone_else(focal_br, focal_co, secretariat):
    training = trainings.create(secretariat, training_values())
    with pytest.raises(PermissionDenied):
        trainings.join(focal_br, training, participant_id=focal_co.id)
    trainings.join(secretariat, training, participant_id=focal_co.id)
    assert [p.country_code for p in training.participants] == ["CO"]
    with pytest.raises(PermissionDenied):
        trainings.leave(focal_br, training, focal_co.id)
    trainings.leave(focal_co, training, focal_co.id)
    assert training.participants == []


def test_only_the_author_or_the_secretariat_edits_a_training(focal_br, focal_co, secretariat):
    training = trainings.create(focal_br, training_values())
    with pytest.raises(PermissionDenied):
        trainings.update(focal_co, training, training_values(title="Otro"))
    assert trainings.update(secretariat, training, training_values(hours="42"))
    assert training.hours == Decimal("42.0")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"provider": ""}, "provider"),
        ({"modality": "telepathy"}, "modality"),
        ({"starts_on": ""}, "starts_on"),
        ({"ends_on": "2016-01-01"}, "ends_on"),
        ({"hours": "-3"}, "hours"),
        ({"hours": "many"}, "hours"),
    ],
)
def test_bad_training_is_refused(secretariat, values, field):
    with pytest.raises(ValidationError) as error:
        trainings.create(secretariat, training_values(**values))
    db.session.rollback()
    assert field in error.value.errors
    assert db.session.query(Training).count() == 0


def test_training_pages(client, auth, focal_br, focal_co):
    response = client.post("/trainings/new", data=training_values())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    auth.login(focal_br)
    response = client.post("/trainings/new", data=training_values(ends_on="2015-01-01"))
    assert response.status_code == 422
    assert "cannot end before it starts" in response.get_data(as_text=True)
    response = client.post("/trainings/new", data=training_values())
    training_id = int(response.headers["Location"].rsplit("/", 1)[1])
    response = client.post(f"/trainings/{training_id}/participants", data={})
    assert response.status_code == 303
    page = client.get(f"/trainings/{training_id}").get_data(as_text=True)
    assert "1 focal point took part" in page and focal_br.name in page
    auth.logout()
    page = client.get(f"/trainings/{training_id}").get_data(as_text=True)
    assert focal_br.name not in page  # who took part is for the Network
    assert client.get("/trainings/").status_code == 200  # the list is public
