"""What a person may see of a practice and may do next, as data (practices.reading)."""

import pytest
from flask_babel import force_locale
from flask_login import AnonymousUserMixin

from kmportal.practices import reading, service
from tests.factories import practice_values

ANONYMOUS = AnonymousUserMixin()


@pytest.fixture
def people(focal_br, focal_co, secretariat):
    return {"anonymous": ANONYMOUS, "own": focal_br, "other": focal_co, "secretariat": secretariat}


@pytest.mark.parametrize(
    ("who", "steps", "scores", "history"),
    [
        ("anonymous", (), True, False),
        ("other", (), True, True),
        ("own", ("edit",), True, True),
        ("secretariat", ("edit", "attach", "archive"), True, True),
    ],
)
def test_published_practice_as_each_reader_sees_it(
    practices, people, focal_br, who, steps, scores, history
):
    practice = practices.make(focal_br, "published")
    view = reading.practice_view(people[who], practice)
    assert view.steps == steps
    assert view.show_scores is scores  # a labelled practice shows its scores to everyone
    assert view.show_history is history
    assert bool(view.revisions) is history
    assert view.next_step is None
    assert view.pending_edit is None


@pytest.mark.parametrize(
    ("who", "scores", "comment", "steps"),
    [
        ("own", True, True, ("edit", "attach", "submit")),
        ("secretariat", True, True, ("edit", "attach", "submit", "archive")),
    ],
)
def test_returned_practice_as_its_readers_see_it(
    practices, people, focal_br, secretariat, who, scores, comment, steps
):
    practice = practices.make(focal_br, "submitted")
    service.return_to_author(secretariat, practice, "Falta evidencia.", {"effective": 1})
    view = reading.practice_view(people[who], practice)
    assert view.show_scores is scores
    assert (view.return_comment == "Falta evidencia.") is comment
    assert view.steps == steps
    effective = next(line for line in view.criteria if line.criterion.value == "effective")
    assert effective.score == 1


def test_unlabelled_scores_are_hidden_from_readers_outside(practices, people, focal_br):
    practice = practices.make(focal_br, "submitted")
    view = reading.practice_view(people["own"], practice)
    assert view.show_scores is False
    assert all(line.score is None for line in view.criteria)
    assert reading.practice_view(people["secretariat"], practice).steps == (
        "edit",
        "attach",
        "validate",
        "archive",
    )


def test_pending_edit_is_seen_by_author_and_secretariat_only(practices, people, focal_br):
    practice = practices.make(focal_br, "published")
    service.update_practice(focal_br, practice, practice_values(title="Outro título"))
    for who, sees in (("anonymous", False), ("other", False), ("own", True), ("secretariat", True)):
        view = reading.practice_view(people[who], practice)
        assert (view.pending_edit is not None) is sees, who
        assert ("review_edit" in view.steps) is (who == "secretariat")


@pytest.mark.parametrize(
    ("state", "who", "sentence", "yours"),
    [
        ("draft", "own", "Draft: waiting for Brazil to complete and submit it.", True),
        ("draft", "secretariat", "Draft: waiting for Brazil to complete and submit it.", False),
        ("submitted", "own", "Waiting for the Technical Secretariat to validate it.", False),
        ("submitted", "secretariat", "Waiting for the Technical Secretariat to validate it.", True),
        ("returned", "own", "Returned to Brazil: waiting for its changes.", True),
        ("returned", "secretariat", "Returned to Brazil: waiting for its changes.", False),
        ("published", "anonymous", None, False),
        ("archived", "secretariat", None, False),
    ],
)
def test_next_step_sentence_per_state_and_reader(
    practices, people, focal_br, state, who, sentence, yours
):
    practice = practices.make(focal_br, state)
    with force_locale("en"):
        step = reading.practice_view(people[who], practice).next_step
    if sentence is None:
        assert step is None
    else:
        assert (step.text, step.yours) == (sentence, yours)


def test_next_step_for_a_change_waiting_for_review(practices, people, focal_br):
    practice = practices.make(focal_br, "published")
    service.update_practice(focal_br, practice, practice_values(title="Outro título"))
    with force_locale("en"):
        own = reading.practice_view(people["own"], practice).next_step
        secretariat = reading.practice_view(people["secretariat"], practice).next_step
        public = reading.practice_view(people["anonymous"], practice).next_step
    assert own.text == "A change is waiting for review by the Technical Secretariat."
    assert (own.yours, secretariat.yours) == (False, True)
    assert public is None


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("es", "Devuelta a Brasil: a la espera de sus cambios."),
        ("pt", "Devolvida ao país de origem (Brasil): aguardando as suas alterações."),
        ("fr", "Renvoyée au pays d’origine (Brésil) : en attente de ses modifications."),
    ],
)
def test_practice_page_says_who_must_act_next(client, auth, practices, focal_br, lang, sentence):
    practice = practices.make(focal_br, "returned")
    auth.login(focal_br)
    html = client.get(f"/practices/{practice.id}?lang={lang}").get_data(as_text=True)
    assert sentence in html
    assert 'class="next-step your-turn"' in html


def test_form_says_beforehand_when_a_save_is_held_for_review(practices, people, focal_br):
    published = practices.make(focal_br, "published")
    draft = practices.make(focal_br)
    assert reading.form_options(people["own"], published).held_for_review is True
    assert reading.form_options(people["secretariat"], published).held_for_review is False
    assert reading.form_options(people["own"], draft).held_for_review is False
    assert reading.form_options(people["own"], published).attach is False
    new = reading.form_options(people["own"])
    assert (new.attach, new.choose_country) == (True, False)
    assert reading.form_options(people["secretariat"]).choose_country is True
