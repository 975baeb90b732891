import pytest

from kmportal.audit import service as audit
from kmportal.errors import InvalidTransition, PermissionDenied, ValidationError
from kmportal.practices import service
from kmportal.practices.data import snapshot
from kmportal.practices.enums import Criterion, EditStatus, Label, PracticeState
from kmportal.practices.workflow import STEPS, next_state
from tests.factories import GOOD_SCORES, practice_values


def test_focal_point_creates_a_draft_for_its_own_country(focal_br):
    practice = service.create_practice(focal_br, practice_values(country_code="CO"))
    assert practice.state is PracticeState.DRAFT
    assert practice.country_code == "BR"  # a focal point cannot create for another country
    assert practice.sectors == ["agriculture"]
    assert practice.tags == ["escola", "renda"]


def test_full_cycle_submit_return_resubmit_publish_archive(practices, focal_br, secretariat):
    practice = practices.make(focal_br)
    service.submit(focal_br, practice)
    assert practice.state is PracticeState.SUBMITTED
    service.return_to_author(secretariat, practice, "Añadan evidencia de resultados.")
    assert practice.state is PracticeState.RETURNED
    assert practice.return_comment == "Añadan evidencia de resultados."
    service.update_practice(focal_br, practice, practice_values(results="Nova evidência."))
    service.submit(focal_br, practice)
    service.publish(secretariat, practice, GOOD_SCORES)
    assert practice.state is PracticeState.PUBLISHED
    assert practice.return_comment is None
    assert practice.label is Label.GOOD
    service.archive(secretariat, practice)
    assert practice.state is PracticeState.ARCHIVED
    actions = [event.action for event in audit.history("practice", practice.id)]
    assert actions == [
        "practice.archive",
        "practice.publish",
        "practice.submit",
        "practice.update",
        "practice.return",
        "practice.submit",
        "practice.create",
    ]


@pytest.mark.parametrize(
    ("state", "step", "allowed"),
    [(state, step, state in STEPS[step].sources) for state in PracticeState for step in STEPS],
)
def test_transition_table_allows_and_refuses(state, step, allowed):
    if allowed:
        assert next_state(state, step) is STEPS[step].target
    else:
        with pytest.raises(InvalidTransition):
            next_state(state, step)


def test_refused_transition_changes_nothing(practices, focal_br, secretariat):
    practice = practices.make(focal_br)  # a draft cannot be published
    with pytest.raises(InvalidTransition):
        service.publish(secretariat, practice, GOOD_SCORES)
    assert practice.state is PracticeState.DRAFT
    assert [e.action for e in audit.history("practice", practice.id)] == ["practice.create"]


def test_incomplete_practice_cannot_be_submitted(focal_br):
    values = practice_values(results="", arguments={})
    practice = service.create_practice(focal_br, values)
    with pytest.raises(ValidationError) as error:
        service.submit(focal_br, practice)
    assert "results" in error.value.errors
    assert f"argument_{Criterion.EFFECTIVE.value}" in error.value.errors
    assert practice.state is PracticeState.DRAFT


def test_focal_point_cannot_publish_or_return(practices, focal_br):
    practice = practices.make(focal_br, "submitted")
    with pytest.raises(PermissionDenied):
        service.publish(focal_br, practice, GOOD_SCORES)
    with pytest.raises(PermissionDenied):
        service.return_to_author(focal_br, practice, "no")
    assert practice.state is PracticeState.SUBMITTED


def test_focal_point_cannot_edit_other_country_practice(practices, focal_br, focal_co):
    practice = practices.make(focal_br)
    with pytest.raises(PermissionDenied):
        service.update_practice(focal_co, practice, practice_values(title="Otro"))


def test_publishing_needs_every_score_in_range(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    scores = {**GOOD_SCORES, "effective": 5}
    del scores["efficient"]
    with pytest.raises(ValidationError) as error:
        service.publish(secretariat, practice, scores)
    assert set(error.value.errors) == {"score_effective", "score_efficient"}
    assert practice.state is PracticeState.SUBMITTED


def test_return_needs_a_comment(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    with pytest.raises(ValidationError):
        service.return_to_author(secretariat, practice, "  ")
    assert practice.state is PracticeState.SUBMITTED


def test_edit_of_published_practice_is_held_for_review(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Título novo")).edit
    assert edit is not None and edit.status is EditStatus.PENDING
    assert practice.title != "Título novo"  # the published version stays visible
    assert practice.pending_edit is edit
    service.decide_edit(secretariat, edit, accept=True)
    assert practice.title == "Título novo"
    assert edit.status is EditStatus.ACCEPTED
    assert practice.state is PracticeState.PUBLISHED


def test_rejected_edit_leaves_published_text(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Título novo")).edit
    with pytest.raises(ValidationError):
        service.decide_edit(secretariat, edit, accept=False, comment="")
    service.decide_edit(secretariat, edit, accept=False, comment="Sin fuente.")
    assert edit.status is EditStatus.REJECTED
    assert practice.title != "Título novo"


def test_secretariat_edit_of_published_practice_applies_directly(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    update = service.update_practice(secretariat, practice, practice_values(title="Corregido"))
    assert update == service.PracticeUpdate(service.UpdateOutcome.APPLIED)
    assert practice.title == "Corregido"


def test_revision_records_who_when_and_fields(practices, focal_br):
    practice = practices.make(focal_br)
    service.update_practice(
        focal_br, practice, practice_values(title="Outro título", sectors=["mining"])
    )
    event = audit.history("practice", practice.id)[0]
    assert event.actor_id == focal_br.id
    assert event.at is not None
    assert event.changes["title"][1] == "Outro título"
    assert event.changes["sectors"] == [["agriculture"], ["mining"]]
    assert "summary" not in event.changes


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("title", "", "title"),
        ("period_end", "2001", "period_end"),  # before the start (2010)
        ("period_start", "dos mil", "period_start"),
        ("theme", "nonsense", "theme"),
        ("sectors", ["space"], "sectors"),
        ("language", "de", "language"),
        ("activity_ids", ["999999"], "activity_ids"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(practices, focal_br, field, value, error_field):
    practice = practices.make(focal_br)
    before = practice.title
    with pytest.raises(ValidationError) as error:
        service.update_practice(focal_br, practice, practice_values(**{field: value}))
    assert error_field in error.value.errors
    assert practice.title == before


def test_archiving_closes_the_change_waiting_for_review(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Novo")).edit
    service.archive(secretariat, practice)
    assert edit.status is EditStatus.REJECTED
    assert practice.pending_edit is None


def test_held_edit_cannot_be_accepted_onto_an_archived_practice(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    edit = service.update_practice(focal_br, practice, practice_values(title="Novo")).edit
    practice.state = PracticeState.ARCHIVED  # archived by any path, the edit still pending
    with pytest.raises(InvalidTransition):
        service.decide_edit(secretariat, edit, accept=True)
    assert practice.title != "Novo"


def test_focal_point_edits_its_pending_change_not_the_published_text(
    practices, focal_br, secretariat
):
    practice = practices.make(focal_br, "published")
    service.update_practice(focal_br, practice, practice_values(title="Novo"))
    assert service.values_to_edit(focal_br, practice)["title"] == "Novo"
    assert service.values_to_edit(secretariat, practice)["title"] == practice.title


def test_update_says_whether_it_applied_held_or_changed_nothing(practices, focal_br):
    draft = practices.make(focal_br, "draft")
    same = service.update_practice(focal_br, draft, snapshot(draft))
    assert same == service.PracticeUpdate(service.UpdateOutcome.UNCHANGED)
    applied = service.update_practice(focal_br, draft, {**snapshot(draft), "title": "Nuevo"})
    assert applied == service.PracticeUpdate(service.UpdateOutcome.APPLIED)
    published = practices.make(focal_br, "published")
    held = service.update_practice(focal_br, published, {**snapshot(published), "title": "Nuevo"})
    assert held.outcome is service.UpdateOutcome.HELD_FOR_REVIEW
    assert held.edit is published.pending_edit and held.edit is not None
