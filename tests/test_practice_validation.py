"""Validation keeps the scores; the history reads in the reader's language; what changed
since a practice was returned."""

import io
import re

import pytest
from flask_babel import force_locale

from kmportal.audit import service as audit
from kmportal.errors import ValidationError
from kmportal.practices import history, service
from kmportal.practices.enums import Criterion, PracticeState
from tests.factories import GOOD_SCORES, practice_values
from tests.test_attachments import PDF

SOME_SCORES = {"innovative": "3", "effective": "1", "relevant": "2"}


def scored_form(scores=SOME_SCORES, **extra):
    data = {f"v-score_{name}": value for name, value in scores.items()}
    data.update(extra)
    return data


def test_return_keeps_the_scores_and_audits_them(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    service.return_to_author(secretariat, practice, "Falta evidencia.", SOME_SCORES)
    assert practice.state is PracticeState.RETURNED
    assert practice.scores[Criterion.EFFECTIVE] == 1
    assert practice.scores[Criterion.SUSTAINABLE] is None
    event = audit.history("practice", practice.id)[0]
    assert event.action == "practice.return"
    assert event.changes["score_effective"] == [None, 1]
    assert event.changes["state"] == ["submitted", "returned"]


def test_return_refuses_a_bad_score_and_changes_nothing(practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    with pytest.raises(ValidationError) as error:
        service.return_to_author(secretariat, practice, "", {"effective": "9"})
    assert set(error.value.errors) == {"comment", "score_effective"}
    assert practice.state is PracticeState.SUBMITTED


def test_one_form_returns_with_scores(client, auth, practices, focal_br, secretariat):
    practice = practices.make(focal_br, "submitted")
    auth.login(secretariat)
    page = client.get(f"/practices/{practice.id}/validate?lang=en").get_data(as_text=True)
    assert page.count('<form method="post" class="form"') == 1
    assert 'name="v-send_back"' in page and 'name="v-publish"' in page
    response = client.post(
        f"/practices/{practice.id}/validate",
        data=scored_form(**{"v-comment": "Añadan evidencia.", "v-send_back": "1"}),
    )
    assert response.status_code == 302
    assert practice.state is PracticeState.RETURNED
    assert practice.scores[Criterion.INNOVATIVE] == 3
    # The next validation starts from the kept scores.
    service.submit(focal_br, practice)
    page = client.get(f"/practices/{practice.id}/validate").get_data(as_text=True)
    assert '<option selected value="3">3</option>' in page


@pytest.mark.parametrize("address", ["/practices/{id}", "/practices/{id}/edit"])
def test_author_sees_scores_and_comment_of_a_returned_practice(
    client, auth, practices, focal_br, secretariat, address
):
    practice = practices.make(focal_br, "submitted")
    service.return_to_author(secretariat, practice, "Añadan evidencia.", {"effective": 1})
    auth.login(focal_br)
    html = client.get(address.format(id=practice.id) + "?lang=en").get_data(as_text=True)
    assert "Añadan evidencia." in html
    assert 'class="num">1</td>' in html


def test_another_country_sees_no_scores_of_a_returned_practice(
    client, auth, practices, focal_br, focal_co, secretariat
):
    practice = practices.make(focal_br, "submitted")
    service.return_to_author(secretariat, practice, "Añadan evidencia.", {"effective": 1})
    service.publish(secretariat, practices.make(focal_co, "submitted"), GOOD_SCORES)
    auth.login(focal_co)
    assert client.get(f"/practices/{practice.id}").status_code == 403


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("es", ["Costos", "Resultados y evidencia"]),
        ("pt", ["Custos", "Resultados e evidências"]),
        ("fr", ["Coûts", "Résultats et données probantes"]),
    ],
)
def test_history_shows_translated_labels_with_old_and_new(
    client, auth, practices, focal_br, lang, words
):
    practice = practices.make(focal_br)
    service.update_practice(
        focal_br,
        practice,
        practice_values(cost_notes="USD 55 por família.", outcomes=["prevention", "worst_forms"]),
    )
    auth.login(focal_br)
    html = client.get(f"/practices/{practice.id}?lang={lang}").get_data(as_text=True)
    history_html = html[html.index('class="history"') :]
    assert words[0] in history_html
    assert "USD 40 por família e mês." in history_html and "USD 55 por família." in history_html
    for internal in ("cost_notes", "outcomes", "activity_ids", "sdg_87"):
        assert f"<strong>{internal}</strong>" not in history_html


def test_history_values_are_labels_codes_and_short_texts(app, practices, focal_br):
    practice = practices.make(focal_br)
    with force_locale("en"):
        changes = _readable_sample()
        by_name = {change.name: change for change in changes}
        assert by_name["argument_effective"].label == "How it meets “Effective”"
    assert by_name["outcomes"].new == "Prevention, Ending the worst forms of child labour"
    assert (by_name["sdg_87"].old, by_name["sdg_87"].new) == ("Yes", "No")
    assert by_name["description"].old == "—"
    assert by_name["description"].new.endswith("…") and len(by_name["description"].new) <= 161
    assert "argument_relevant" not in by_name  # "" and missing are the same: no change
    assert by_name["state"].new == "Returned with comments"
    assert changes[0].name == "state"  # the form's order, state first
    assert practice.id


def _readable_sample():
    return history.readable(
        {
            "outcomes": [["prevention"], ["prevention", "worst_forms"]],
            "sdg_87": [True, False],
            "description": ["", "palavra " * 100],
            "arguments": [{"effective": "a"}, {"effective": "b", "relevant": ""}],
            "state": ["submitted", "returned"],
        }
    )


def test_history_shows_activity_codes(app, practices, focal_br):
    from kmportal.reference.queries import plan_activities

    first, second = plan_activities()[:2]
    shown = history.show("activity_ids", [first.id, second.id])
    assert shown == f"{first.code}, {second.code}"


def test_secretariat_sees_what_changed_since_the_return(
    client, auth, practices, focal_br, secretariat
):
    practice = practices.make(focal_br, "returned")
    service.update_practice(focal_br, practice, practice_values(results="Nova evidência."))
    service.update_practice(focal_br, practice, practice_values(results="Evidência final."))
    for name in ("a.pdf", "b.pdf"):
        service.add_attachment(focal_br, practice, io.BytesIO(PDF), name)
    service.submit(focal_br, practice)
    changed = history.changed_since_return(practice.id)
    assert changed[-1].name == "attachment" and changed[-1].new == "a.pdf, b.pdf"
    assert [(c.name, c.old, c.new) for c in changed[:-1]] == [
        (
            "results",
            "Redução de 30% do trabalho infantil nos municípios atendidos.",
            "Evidência final.",
        )
    ]
    auth.login(secretariat)
    for address in (
        f"/practices/{practice.id}?lang=en",
        f"/practices/{practice.id}/validate?lang=en",
    ):
        html = client.get(address).get_data(as_text=True)
        section = html[html.index("Changed since it was returned") :]
        assert "Results and evidence" in section and "Evidência final." in section


def test_nothing_changed_since_return_when_edits_cancel_out(practices, focal_br):
    practice = practices.make(focal_br, "returned")
    service.update_practice(focal_br, practice, practice_values(results="Outra."))
    service.update_practice(focal_br, practice, practice_values())
    assert history.changed_since_return(practice.id) == []
    assert history.changed_since_return(practices.make(focal_br).id) == []


def test_review_of_a_held_change_shows_labels(client, auth, practices, focal_br, secretariat):
    practice = practices.make(focal_br, "published")
    update = service.update_practice(focal_br, practice, practice_values(cost_notes="Grátis."))
    auth.login(secretariat)
    html = client.get(f"/practices/{practice.id}/edits/{update.edit.id}?lang=en").get_data(
        as_text=True
    )
    assert '<th scope="row">Costs</th>' in html and "Grátis." in html
    assert client.get(f"/practices/{practice.id}/edits/{update.edit.id + 99}").status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"v-send_back": "1", "v-comment": "Mais evidência.", "v-score_effective": "9"},
        {"v-send_back": "1", "v-comment": "Mais evidência.", "v-score_effective": "<b>"},
        {"v-publish": "1", "v-score_effective": "2"},
        {"v-send_back": "1", "v-comment": "   "},
    ],
)
def test_bad_validation_input_changes_nothing(client, auth, practices, focal_br, secretariat, data):
    practice = practices.make(focal_br, "submitted")
    auth.login(secretariat)
    response = client.post(f"/practices/{practice.id}/validate?lang=en", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'class="error"' in html and 'class="error-summary"' in html
    assert re.search(r'<a href="#v-(score_[a-z_]+|comment)">', html)
    assert practice.state is PracticeState.SUBMITTED
    assert all(score is None for score in practice.scores.values())
    assert [e.action for e in audit.history("practice", practice.id)][0] == "practice.submit"


def test_creation_is_listed_without_its_fields(practices, focal_br):
    practice = practices.make(focal_br)
    (created,) = history.revisions(practice.id)
    assert created.changes == []
