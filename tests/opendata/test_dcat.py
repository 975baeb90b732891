"""The DCAT-AP 3 catalogue: valid against the official shapes (shipped in data/), and the
same practices as the database's public catalogue, with their language-tagged text."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, Namespace

from tests.opendata.conftest import DATA

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SHAPES = DATA / "dcat-ap-3.0.0" / "dcat-ap-SHACL.ttl"


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES)


def _conforms(graph: Graph, shapes: Graph) -> None:
    conforms, _, text = validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text


def _datasets(graph: Graph) -> dict[str, URIRef]:
    return {
        str(graph.value(d, DCTERMS.identifier)): d for d in graph.subjects(RDF.type, DCAT.Dataset)
    }


def test_turtle_catalogue_conforms_and_matches_the_database(client, catalogue, shapes):
    response = client.get("/catalog.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    _conforms(graph, shapes)
    datasets = _datasets(graph)
    published = catalogue["published"]
    assert sorted(datasets) == sorted(f"http://localhost/practices/{p.id}" for p in published)
    for practice in published:
        dataset = datasets[f"http://localhost/practices/{practice.id}"]
        assert graph.value(dataset, DCTERMS.title) == Literal(
            practice.title, lang=practice.language
        )
        assert graph.value(dataset, DCTERMS.description) == Literal(
            practice.summary, lang=practice.language
        )
        assert graph.value(dataset, DCAT.landingPage) == URIRef(
            f"http://localhost/practices/{practice.id}"
        )


def test_json_ld_catalogue_is_the_same_graph(client, catalogue, shapes):
    turtle = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    response = client.get("/catalog.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    graph = Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    _conforms(graph, shapes)
    # Blank nodes (periods, contact points) differ by name only.
    assert len(graph) == len(turtle) and isomorphic(graph, turtle)


def test_themes_country_and_dates(client, catalogue):
    graph = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    coffee = catalogue["published"][1]
    dataset = _datasets(graph)[f"http://localhost/practices/{coffee.id}"]
    themes = {str(t) for t in graph.objects(dataset, DCAT.theme)}
    assert themes == {
        "http://localhost/vocabulary/themes/peti",
        "http://localhost/vocabulary/themes/ptap",
        "http://localhost/vocabulary/sectors/agriculture",
        "http://localhost/vocabulary/sectors/domestic_work",
        "http://publications.europa.eu/resource/authority/data-theme/SOCI",
    }
    assert graph.value(dataset, DCTERMS.spatial) == URIRef(
        "http://publications.europa.eu/resource/authority/country/COL"
    )
    issued = graph.value(dataset, DCTERMS.issued).toPython()
    assert issued == coffee.published_at.replace(microsecond=0)
    contact = graph.value(dataset, DCAT.contactPoint)
    assert str(graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) == (
        "mailto:enlace@example.org"
    )


def test_drafts_and_archived_practices_are_not_in_the_catalogue(client, catalogue):
    text = client.get("/catalog.ttl").get_data(as_text=True)
    for hidden in (catalogue["draft"], catalogue["archived"]):
        assert f"/practices/{hidden.id}#" not in text
        assert hidden.title not in text


def test_an_empty_catalogue_conforms(client, shapes):
    graph = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    assert not list(graph.subjects(RDF.type, DCAT.Dataset))
    _conforms(graph, shapes)


def test_the_catalogue_address_negotiates_the_format(client):
    response = client.get("/catalog", headers={"Accept": "application/ld+json"})
    assert response.status_code == 303 and response.location.endswith("/catalog.jsonld")
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.location.endswith("/catalog.ttl")
    assert client.get("/catalog", headers={"Accept": "%%garbage;;"}).status_code == 303


def test_the_shapes_refuse_a_dataset_without_a_title(client, catalogue, shapes):
    """The validation can fail: the same catalogue without one dataset's title does not conform."""
    graph = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    dataset = next(iter(_datasets(graph).values()))
    graph.remove((dataset, DCTERMS.title, None))
    conforms, _, text = validate(graph, shacl_graph=shapes, inference="none")
    assert not conforms and "title" in text
