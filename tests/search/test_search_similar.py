"""Similar practices on a practice page: more-like-this over the index, other countries
first."""

from kmportal.search import service
from kmportal.search.similar import similar_practices
from tests.search.helpers import ANONYMOUS


def test_similar_practices_put_other_countries_first(client, practice):
    shown = practice(
        "CO",
        title="Cooperativas de café sin trabajo infantil",
        language="es",
        summary="Escuelas rurales durante la cosecha de café.",
    )
    same_country = practice(
        "CO",
        title="Cooperativas de café y escuelas rurales",
        language="es",
        summary="Cosecha de café con escuelas rurales abiertas.",
    )
    abroad = practice(
        "PE",
        title="Escuelas rurales en la cosecha de café",
        language="es",
        summary="Cooperativas cafeteras sin trabajo infantil.",
    )
    practice("MX", title="Pesca artesanal segura", language="es", summary="Lanchas.")
    service.ensure_index()
    similar = similar_practices(ANONYMOUS, shown)
    assert [p.id for p in similar][:2] == [abroad.id, same_country.id]
    assert shown.id not in [p.id for p in similar]
    html = client.get(f"/practices/{shown.id}").get_data(as_text=True)
    assert 'id="similar-title"' in html
    assert f'href="/practices/{abroad.id}"' in html


def test_similar_practices_come_from_the_index_kept_in_step(client, practice, index):
    shown = practice("CO", title="Cooperativas de café", language="es")
    assert similar_practices(ANONYMOUS, shown) == []
    other = practice("PE", title="Cooperativas de café peruanas", language="es")
    assert [p.id for p in similar_practices(ANONYMOUS, shown)] == [other.id]
