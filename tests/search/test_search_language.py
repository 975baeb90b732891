"""Finding what a person means, in Spanish, Portuguese, English or French, with or without
accents, singular or plural; and a sensible page whatever is typed."""

import pytest

from tests.search.helpers import ANONYMOUS, found, notices, page_ids


@pytest.fixture
def corpus(practice):
    """One published practice per language, each about something different."""
    return {
        "es": practice(
            "CO",
            title="Educación para niños y niñas en zonas mineras",
            summary="La escuela como alternativa a la minería artesanal.",
            description="Becas escolares y transporte rural.",
            language="es",
            languages=["es"],
        ),
        "pt": practice(
            "BR",
            title="Erradicação do trabalho infantil na agricultura familiar",
            summary="Crianças na escola em vez da colheita.",
            description="Assistência técnica às famílias.",
            language="pt",
            languages=["pt"],
        ),
        "en": practice(
            "JM",
            title="Safe schools for children in fishing communities",
            summary="Keeping every child in class during the fishing season.",
            description="Boats inspected by labour officers.",
            language="en",
            languages=["en"],
        ),
        "fr": practice(
            "HT",
            title="Protection des enfants en domesticité",
            summary="Les écoles accueillent les enfants placés chez des familles.",
            description="Accompagnement des familles d'accueil.",
            language="fr",
            languages=["fr"],
        ),
    }


def test_accentless_query_finds_accented_practice(corpus):
    assert found(ANONYMOUS, "educacion") == [corpus["es"].id]
    assert found(ANONYMOUS, "mineria") == [corpus["es"].id]


def test_ninos_finds_ninos_and_ninas(corpus, practice):
    girls = practice("PE", title="Niña trabajadora del hogar", language="es", languages=["es"])
    # The words as typed (the thesaurus would add "children", "crianças"…: see
    # test_search_cross_language.py).
    assert set(found(ANONYMOUS, "ninos", expand=False)) == {corpus["es"].id, girls.id}


def test_accented_query_finds_text_typed_without_accents(practice):
    plain = practice("PE", title="Mineria informal y escuela", language="es", languages=["es"])
    assert found(ANONYMOUS, "minería") == [plain.id]


@pytest.mark.parametrize(
    ("query", "language"),
    [
        ("escuelas", "es"),  # plural query, singular text
        ("educaciones", "es"),
        ("criança", "pt"),  # singular query, plural text
        ("agriculturas", "pt"),
        ("school", "en"),
        ("child", "en"),
        ("enfant", "fr"),
        ("école", "fr"),
    ],
)
def test_plural_and_singular_find_each_other(corpus, query, language):
    assert corpus[language].id in found(ANONYMOUS, query)


def test_portuguese_query_finds_portuguese_practice(corpus):
    assert found(ANONYMOUS, "trabalho infantil") == [corpus["pt"].id]


def test_each_language_is_stemmed_as_itself(corpus):
    assert found(ANONYMOUS, "fishing communities") == [corpus["en"].id]
    assert found(ANONYMOUS, "familles accueil") == [corpus["fr"].id]


def test_title_match_ranks_above_body_match(practice):
    in_body = practice(
        "CO",
        title="Programa rural",
        summary="Apoyo a familias.",
        description="Incluye cooperativas de café y acompañamiento.",
        language="es",
        languages=["es"],
    )
    in_title = practice(
        "PE",
        title="Cooperativas de café sin trabajo infantil",
        summary="Apoyo a familias.",
        description="Acompañamiento.",
        language="es",
        languages=["es"],
    )
    assert found(ANONYMOUS, "cooperativas") == [in_title.id, in_body.id]


def test_phrase_query_needs_the_words_together(practice):
    together = practice("CO", title="Trabajo infantil en la pesca", language="es")
    apart = practice("PE", title="Trabajo decente y erradicación infantil", language="es")
    assert set(found(ANONYMOUS, "trabajo infantil")) == {together.id, apart.id}
    assert found(ANONYMOUS, '"trabajo infantil"') == [together.id]


def test_or_finds_either_word_and_minus_leaves_one_out(corpus):
    either = set(found(ANONYMOUS, "minería OR colheita"))
    assert either == {corpus["es"].id, corpus["pt"].id}
    assert found(ANONYMOUS, "escuela -minería") == []
    assert found(ANONYMOUS, "escola -minería") == [corpus["pt"].id]


def test_only_excluded_words_list_everything_else(corpus):
    assert set(found(ANONYMOUS, "-minería")) == {corpus[lang].id for lang in ("pt", "en", "fr")}


WEIRD_INPUTS = [
    '"unbalanced quote',
    "AND",
    "OR OR OR",
    "NOT",
    "niños AND",
    "((((",
    "))",
    "-",
    '""',
    "*:*",
    "title:educación",
    "x^2 [a TO b] {c}",
    "a" * 5000,
    "palabra " * 800,
    "<script>alert(1)</script>",
    "'; DROP TABLE practice; --",
    "%00\u202e",  # a real NUL is refused before any view (tests/test_request_input.py)
    "😀 niños 🎈",
    "l'enfant d'abord",
    "educación/trabajo\\infantil",
    "ODS 8.7",
]


@pytest.mark.parametrize("query", WEIRD_INPUTS)
def test_any_input_gets_a_sensible_page(client, practice, query):
    practice("CO", title="Educación de niños y niñas", language="es")
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_long_query_is_shortened_with_a_notice(client, corpus):
    response = client.get("/search", query_string={"q": "educación " + "palabra " * 100})
    assert response.status_code == 200
    assert "shortened" in notices(response)


def test_query_of_common_words_lists_everything_with_a_notice(client, corpus):
    response = client.get("/search", query_string={"q": "de la"})
    assert "common_words" in notices(response)
    assert len(page_ids(response)) == 4


def test_matched_words_are_highlighted_and_the_rest_escaped(client, practice):
    practice("CO", title="Escuela <b>abierta</b> & segura", language="es", languages=["es"])
    html = client.get("/search?q=escuelas").get_data(as_text=True)
    assert '<mark class="match term0">Escuela</mark> &lt;b&gt;abierta&lt;/b&gt; &amp;' in html


def test_accentless_query_highlights_the_accented_word(client, corpus):
    html = client.get("/search?q=educacion").get_data(as_text=True)
    assert ">Educación</mark>" in html


def test_a_typo_finds_the_close_spelling_and_offers_it(client, corpus):
    response = client.get("/search", query_string={"q": "colehita"})
    html = response.get_data(as_text=True)
    assert page_ids(response) == page_ids(client.get("/search?q=colheita")) != []
    assert "did-you-mean" in html and ">colheita</a>" in html


def test_did_you_mean_never_points_at_hidden_practices(client, auth, practice, focal):
    practice("CO", "draft", title="Programa confidencial Quetzalcoatl", language="es")
    client.get("/language/en")
    response = client.get("/search", query_string={"q": "Quetzalcoatel"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "No practice matches your search" in html
    assert "did-you-mean" not in html
    assert "quetzalcoatl" not in html.lower()
    auth.login(focal("CO"))  # Colombia's focal point may read the draft: the word is offered
    html = client.get("/search", query_string={"q": "Quetzalcoatel"}).get_data(as_text=True)
    assert "did-you-mean" in html and ">quetzalcoatl</a>" in html


def test_empty_result_suggests_removing_a_filter_and_browsing_by_country(client, corpus):
    client.get("/language/en")
    html = client.get("/search?q=educacion&country=BR").get_data(as_text=True)
    assert "No practice matches your search" in html
    assert 'href="/search?q=educacion"' in html  # the same words without the filter
    assert 'href="/countries' in html


def test_portuguese_short_plurals_meet_their_singulars(practice):
    from kmportal.search.schema import word_forms

    # Snowball leaves "ruas" whole (its ending lies before the stemmer's RV region).
    assert word_forms("pt", "ruas") == word_forms("pt", "rua")
    assert word_forms("pt", "vias") == word_forms("pt", "via")
    # "pais" may be "país" typed without its accent: never the plural of "pai" here.
    assert word_forms("pt", "país")[0] != word_forms("pt", "pai")[0]
    assert word_forms("pt", "pais")[0] != word_forms("pt", "pai")[0]
    street = practice(
        "BR", title="Crianças em trabalho nas ruas de São Paulo", language="pt", languages=["pt"]
    )
    assert found(ANONYMOUS, '"trabalho na rua"') == [street.id]
