"""Queries that cross languages through the thesaurus, spelling variants, typo tolerance by
length, and ranking that forgives a missing word (the semantic leg is off here: see
test_search_semantic.py)."""

from __future__ import annotations

import pytest

from kmportal.search import service
from kmportal.search.facets import SearchRequest
from kmportal.search.thesaurus import Thesaurus, ThesaurusError, read_thesaurus
from kmportal.search.typos import edit_distance, max_typos
from tests.search.helpers import ANONYMOUS, found, notices, page_ids


@pytest.fixture
def domestic(practice, index):
    """The same topic, child domestic work, written in each of the four languages."""
    texts = {
        ("PY", "es"): ("Fin del criadazgo en Asunción", "Trabajo infantil doméstico en hogares."),
        ("BR", "pt"): ("Meninas fora da casa dos outros", "Trabalho infantil doméstico."),
        ("JM", "en"): ("Girls back to school in Kingston", "Child domestic work in homes."),
        ("HT", "fr"): ("Les restavèk retournent à l'école", "Travail domestique des enfants."),
    }
    return {
        lang: practice(code, title=title, summary=summary, language=lang, languages=[lang])
        for (code, lang), (title, summary) in texts.items()
    }


def test_a_portuguese_query_reaches_the_spanish_english_and_french_practices(client, domestic):
    response = client.get("/search", query_string={"q": "trabalho infantil doméstico"})
    assert set(page_ids(response)) == {p.id for p in domestic.values()}
    # The page's own language comes first, the others follow.
    assert page_ids(response)[0] == domestic["pt"].id
    html = response.get_data(as_text=True)
    assert "expanded" in notices(response)
    assert '<span lang="en" class="expansion">child domestic work</span>' in html
    assert "languages" in notices(response)  # "Results in Spanish, Portuguese, …"


def test_searching_only_the_typed_words_drops_the_other_languages(client, domestic):
    response = client.get(
        "/search", query_string={"q": "trabalho infantil doméstico", "expand": "0"}
    )
    # Only the words typed: the Spanish text shares two of them, English and French none.
    assert page_ids(response) == [domestic["pt"].id, domestic["es"].id]
    assert "expanded" not in notices(response)


def test_a_quoted_concept_is_also_matched_by_its_labels_as_phrases(domestic):
    assert set(found(ANONYMOUS, '"child domestic work"')) == {p.id for p in domestic.values()}


def test_spelling_variants_are_one_word(practice, index):
    british = practice("JM", title="Child labour in fishing", language="en", languages=["en"])
    american = practice("BZ", title="A program on child labor", language="en", languages=["en"])
    assert set(found(ANONYMOUS, "child labor")) == {british.id, american.id}
    assert set(found(ANONYMOUS, "programme")) == {american.id}


def test_typo_tolerance_grows_with_the_word(practice, index):
    shown = practice("CO", title="Escuelas cafeteras rurales", language="es", languages=["es"])
    assert found(ANONYMOUS, "cafeteeras") == [shown.id]  # 10 letters, 1 edit
    assert found(ANONYMOUS, "escuelsa") == [shown.id]  # 8 letters, a swap is one edit
    assert found(ANONYMOUS, "rurles") == [shown.id]  # 6 letters, 1 edit
    assert found(ANONYMOUS, "ruxalxs") == []  # 7 letters, 2 edits: too many
    assert found(ANONYMOUS, "escuelsa", country="BR") == []


def test_a_correctly_spelled_word_is_never_corrected_into_another_form_of_itself(practice, index):
    practice("CO", title="Escuela rural", language="es", languages=["es"])
    results = service.search(ANONYMOUS, SearchRequest(text="escuelas"))
    assert results.total == 1 and results.suggestion is None


def test_did_you_mean_is_offered_next_to_a_common_word(practice, index):
    for number in range(5):
        practice("CO", title=f"Trabajo infantil {number} en minas", language="es")
    results = service.search(ANONYMOUS, SearchRequest(text="trabajo infantil minsa"))
    assert results.suggestion == "trabajo infantil minas"
    assert results.total == 5


def test_one_missing_word_ranks_a_practice_after_the_complete_matches(practice, index):
    complete = practice("CO", title="Cosecha de café y escuela rural", language="es")
    partial = practice("PE", title="Cosecha de café en la sierra", language="es")
    practice("MX", title="Pesca artesanal", language="es")
    assert found(ANONYMOUS, "cosecha café escuela") == [complete.id, partial.id]
    hits = service.search(ANONYMOUS, SearchRequest(text="cosecha café escuela")).hits
    assert [hit.complete for hit in hits] == [True, False]


def test_a_clause_most_practices_match_does_not_decide_the_rank(practice, index):
    # "trabajo infantil" is in most practices of this catalogue: the one about fishing that
    # never says it outranks a complete match that mentions fishing in passing.
    for number in range(7):
        practice("CO", title=f"Trabajo infantil {number} en la ciudad", language="es")
    passing = practice(
        "PE",
        title="Trabajo infantil rural",
        description="Talleres en escuelas rurales. " * 30 + "Se habló también de la pesca.",
        language="es",
    )
    fishing = practice(
        "HN",
        title="Pesca segura sin niños en el mar",
        summary="Las cooperativas de pesca acuerdan que ningún niño embarca en la pesca.",
        language="es",
    )
    ranked = found(ANONYMOUS, "trabajo infantil pesca")
    assert ranked[:2] == [fishing.id, passing.id]
    hits = service.search(ANONYMOUS, SearchRequest(text="trabajo infantil pesca")).hits
    # It is still shown as missing a word.
    assert [hit.complete for hit in hits[:2]] == [False, True]


def test_a_word_of_a_concepts_label_is_never_corrected(practice, index):
    # No practice says "canne", and "cane" is one edit away: the French label is still read
    # as the concept sugar cane, not as a typo of "cane".
    spanish = practice("SV", title="Zafra sin niños en la caña de azúcar", language="es")
    english = practice("BZ", title="Sugar cane farmers keep children in school", language="en")
    results = service.search(ANONYMOUS, SearchRequest(text="canne à sucre"))
    assert {hit.practice.id for hit in results.hits} == {spanish.id, english.id}
    assert results.suggestion is None


def test_or_joins_whole_sides(practice, index):
    both = practice("CO", title="Pesca y minería", language="es")
    mining_school = practice("PE", title="Escuela minera", language="es")
    fishing = practice("MX", title="Pesca artesanal", language="es")
    # (pesca minería) OR (escuela minera): not pesca AND (minería OR escuela) AND minera.
    ids = found(ANONYMOUS, "pesca minería OR escuela minera")
    assert ids[:2] in ([both.id, mining_school.id], [mining_school.id, both.id])
    assert fishing.id in ids  # matches one word of a two-word side: after the full matches
    assert ids.index(fishing.id) == 2


def test_exclusions_still_hold(practice, index):
    gold = practice("PE", title="Minería de oro artesanal", language="es")
    tin = practice("BO", title="Minería de estaño", language="es")
    assert found(ANONYMOUS, "minería -oro") == [tin.id]
    assert gold.id not in found(ANONYMOUS, "minería NOT oro")


@pytest.mark.parametrize(
    "text",
    [
        "Kinderarbeit in der Landwirtschaft",
        "детский труд",
        "OR",
        '"unbalanced',
        "@@@ ###",
        "x" * 5000,
    ],
)
def test_queries_the_thesaurus_does_not_know_get_a_page(client, domestic, text):
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200
    assert "<h1>" in response.get_data(as_text=True)


def test_a_broken_thesaurus_line_is_refused_with_its_number(tmp_path):
    path = tmp_path / "thesaurus.tsv"
    path.write_text(
        "# concept\tdomain\tes\tpt\ten\tfr\n"
        "child_labour\tforms\ttrabajo infantil\ttrabalho infantil\tchild labour\t"
        "travail des enfants\n"
        "broken\tforms\tsolo español\n",
        encoding="utf-8",
    )
    with pytest.raises(ThesaurusError, match="line 3: expected 6 tab-separated columns"):
        read_thesaurus(path)
    path.write_text("x\tforms\ta\tb\t\td\n", encoding="utf-8")
    with pytest.raises(ThesaurusError, match="line 1: no en label"):
        read_thesaurus(path)


def test_the_shipped_thesaurus_is_large_and_complete():
    thesaurus = Thesaurus.load()
    assert len(thesaurus) >= 300
    assert all(
        all(concept.labels[lang] for lang in ["es", "pt", "en", "fr"])
        for concept in thesaurus.concepts
    )


def test_concepts_are_found_as_each_language_analyses_them():
    thesaurus = Thesaurus.load()
    ids = lambda text: [m.concept.id for m in thesaurus.find(text.split())]  # noqa: E731
    assert "child_labour" in ids("trabajos infantiles")  # plurals
    assert "child_labour" in ids("trabajo infantil en la cosecha")
    assert "child_labour" in ids("child labor")  # spelling variant


def test_a_concept_is_found_by_its_longest_label_that_matches():
    thesaurus = Thesaurus.load()
    # "school feeding programmes" (singular and spelling variant aside) is a label of the
    # concept, as "school feeding" is: the whole run is the concept, no word left over.
    spans = [
        (m.concept.id, m.first, m.last) for m in thesaurus.find(["school", "feeding", "program"])
    ]
    assert spans == [("school_meals", 0, 2)]


@pytest.mark.parametrize(
    ("word", "typos"), [("mina", 0), ("minas", 1), ("cafetera", 1), ("cafeteras", 2)]
)
def test_typos_forgiven_by_length(word, typos):
    assert max_typos(word) == typos


def test_a_swap_of_neighbouring_letters_is_one_edit():
    assert edit_distance("escuelsa", "escuelas") == 1
    assert edit_distance("colehita", "colheita") == 1
    assert edit_distance("ruarles", "rurales") == 1
    assert edit_distance("ruxalxs", "rurales") == 2


def test_an_excluded_concept_is_left_out_in_the_other_languages_too(practice, index):
    shops = practice("CL", title="Inspección del trabajo en comercios", language="es")
    practice("BO", title="Inspección del trabajo en la minería", language="es")
    practice("GY", title="Labour inspection in mining camps", language="en")
    english_shops = practice("TT", title="Labour inspection in shops", language="en")
    # "minería" names the concept mining: its English label is left out as well.
    ids = found(ANONYMOUS, "inspección del trabajo NOT minería")
    assert set(ids) == {shops.id, english_shops.id}


def test_an_excluded_commodity_is_left_out_in_the_other_languages(practice, index):
    tin = practice("BO", title="Minería del estaño en las cooperativas de Potosí", language="es")
    practice("PE", title="Minería artesanal de oro en Madre de Dios", language="es")
    practice("GY", title="Child labour in gold mining in the interior", language="en")
    practice("BR", title="Crianças fora da mineração de ouro no Tapajós", language="pt")
    # "oro" names the concept gold mining: "gold" and "ouro" are what was left out too.
    assert found(ANONYMOUS, "minería -oro") == [tin.id]


def test_the_language_of_a_query_is_read_from_its_corrected_words(practice, index):
    practice("PY", title="Trabajo infantil doméstico en Asunción", language="es")
    practice("BR", title="Trabalho infantil doméstico em Recife", language="pt")
    with service.current_index().reading() as reading:
        # "trabjo" is no word; corrected, "trabajo" is Spanish ("infantil" and "doméstico"
        # are Spanish and Portuguese alike).
        plan = service.planner().plan("trabjo infantil doméstico", reading.searcher)
    assert plan.corrections == {"trabjo": "trabajo"}
    assert plan.language == "es"


def test_a_concept_typed_in_order_is_also_searched_as_a_phrase(practice, index):
    from whoosh import query as wq

    practice("PY", title="El criadazgo, una forma de trabajo infantil doméstico", language="es")
    with service.current_index().reading() as reading:
        plan = service.planner().plan("trabjo infantil doméstico", reading.searcher)
    (clause,) = plan.sides[0].clauses
    assert clause.concept == "child_domestic_work"

    def phrases(node):
        if isinstance(node, wq.Phrase):
            yield node.fieldname, tuple(node.words)
        for child in node.children():
            yield from phrases(child)

    # The words as typed (corrected), in order, weigh as much as the words anywhere: a
    # practice that says "trabajo infantil" here and "doméstico" there comes after.
    assert ("body_es", ("trabaj", "infantil", "domest")) in set(phrases(clause.query))


def test_a_typo_inside_a_quoted_phrase_is_forgiven_and_offered(practice, index):
    shown = practice("PE", title="Trabajo infantil en la minería", language="es")
    results = service.search(ANONYMOUS, SearchRequest(text='"trabjo infantil"'))
    assert [hit.practice.id for hit in results.hits] == [shown.id]
    assert results.suggestion == '"trabajo infantil"'


def test_a_code_with_digits_is_never_corrected_into_another_code(practice, index):
    practice("PE", title="Lote palabra0x1 final", language="es")
    for text in ("palabra0x2", '"lote palabra0x2 final"'):
        results = service.search(ANONYMOUS, SearchRequest(text=text))
        assert results.hits == [] and results.suggestion is None, text


def test_a_same_language_exact_match_stays_above_a_semantically_closer_translation(
    practice, index, monkeypatch
):
    """The product rule of the fusion: a practice in the query's language that says in its
    title what was asked comes first, even when the semantic leg ranks an equivalent in
    another language first among close cosines; the equivalent follows."""
    spanish = practice(
        "PY",
        title="Trabajo infantil doméstico: fin del criadazgo en Asunción",
        summary="Las familias dejan de recibir niñas para el servicio de la casa.",
        language="es",
        languages=["es"],
    )
    portuguese = practice(
        "BR",
        title="Trabalho infantil doméstico nas casas de família do Recife",
        summary="Meninas voltam para a escola e para as suas famílias.",
        language="pt",
        languages=["pt"],
    )
    others = [
        practice("HT", title="Pêche artisanale sans enfants", language="fr", languages=["fr"]),
        practice("JM", title="Fishing cooperatives keep boys at school", language="en"),
        practice("BZ", title="Cocoa farms without child workers", language="en"),
    ]
    nearest = [portuguese, *others, spanish]  # the semantic leg: the translation first

    def neighbours(reading, text, scope):
        return [reading.docnum_of(p.id) for p in nearest]

    monkeypatch.setattr(service.semantic, "neighbours_of_text", neighbours)
    assert found(ANONYMOUS, "trabajo infantil doméstico")[:2] == [spanish.id, portuguese.id]
    # A boolean query asks for logic, not for one practice that says it all: the fused
    # order alone decides there.
    assert found(ANONYMOUS, "trabajo infantil doméstico NOT minería")[0] == portuguese.id


def test_the_best_fused_exact_match_leads_and_the_rest_keep_the_fused_order():
    from kmportal.search.ranking import Ranked, fuse

    lexical = [Ranked(10, 0, 3.0), Ranked(11, 0, 2.0), Ranked(12, 0, 1.0)]
    semantic = [12, 11, 13]
    fused = fuse(lexical, semantic)
    assert fused == [12, 11, 10, 13]
    assert fuse(lexical, semantic, lead={10}) == [10, 12, 11, 13]
    assert fuse(lexical, semantic, lead={10, 11}) == [11, 12, 10, 13]
    assert fuse(lexical, semantic, lead={99}) == fused  # not found: nothing leads
