"""The public catalogue as DCAT-AP 3: one dcat:Catalog, one dcat:Dataset per published
practice (title and description tagged with the practice's language), themes from the
portal's own concept schemes (PETI/PTAP, sectors) and the EU data theme SOCI, the country
as spatial coverage (EU country authority), dates, publisher, contact point, landing page,
and the practice page and its documents as distributions. Validated against the official
DCAT-AP 3.0.0 SHACL shapes by tests/opendata/test_dcat.py."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kmportal.opendata import records
from kmportal.practices.models import Practice

EU = "http://publications.europa.eu/resource/authority/"
EU_COUNTRY = Namespace(EU + "country/")
EU_LANGUAGE = Namespace(EU + "language/")
EU_FILE_TYPE = Namespace(EU + "file-type/")
EU_THEME = Namespace(EU + "data-theme/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = Namespace("https://www.iana.org/assignments/media-types/")
# Child labour, its prevention and the protection of adolescent workers: "population and society".
DATA_THEME = "SOCI"
SCHEMES = {
    "themes": {"en": "Themes of the Regional Initiative (PETI, PTAP)"},
    "sectors": {"en": "Sectors of child labour"},
}
MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")
PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "vcard": VCARD,
    "xsd": XSD,
}


def catalogue_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    catalog = URIRef(records.root_url() + "catalog")
    publisher = _publisher(graph)
    _describe_catalog(graph, catalog, publisher)
    practices = records.published_practices()
    for practice in practices:
        graph.add((catalog, DCAT.dataset, _dataset(graph, practice, publisher)))
    if practices:
        graph.add((catalog, DCTERMS.modified, _datetime(max(p.updated_at for p in practices))))
    return graph


def _describe_catalog(graph: Graph, catalog: URIRef, publisher: URIRef) -> None:
    title = _publisher_name() + " – good practices"
    description = (
        "Good practices against child labour validated by the Technical Secretariat of the "
        "Regional Initiative."
    )
    homepage = _typed(graph, records.root_url(), FOAF.Document)
    for predicate, value in (
        (RDF.type, DCAT.Catalog),
        (DCTERMS.title, Literal(title, lang="en")),
        (DCTERMS.description, Literal(description, lang="en")),
        (DCTERMS.publisher, publisher),
        (FOAF.homepage, homepage),
    ):
        graph.add((catalog, predicate, value))
    for language in records.ISO_639_2.values():
        language_uri = _typed(graph, EU_LANGUAGE[language], DCTERMS.LinguisticSystem)
        graph.add((catalog, DCTERMS.language, language_uri))
    for scheme in SCHEMES:
        graph.add((catalog, DCAT.themeTaxonomy, _scheme(graph, scheme)))
    graph.add((catalog, DCAT.themeTaxonomy, _eu_theme_scheme(graph)))


def serialise(graph: Graph, fmt: str) -> bytes:
    if fmt == "json-ld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=1).encode("utf-8")
    return graph.serialize(format="turtle").encode("utf-8")


def _dataset(graph: Graph, practice: Practice, publisher) -> URIRef:
    landing = records.practice_url(practice.id)
    dataset = URIRef(landing + "#dataset")
    language = practice.language
    for predicate, value in (
        (RDF.type, DCAT.Dataset),
        (DCTERMS.identifier, Literal(landing)),
        (DCTERMS.title, Literal(practice.title, lang=language)),
        (DCTERMS.description, Literal(practice.summary or practice.description, lang=language)),
        (DCTERMS.publisher, publisher),
        (DCAT.landingPage, _typed(graph, landing, FOAF.Document)),
        (DCTERMS.modified, _datetime(practice.updated_at)),
    ):
        graph.add((dataset, predicate, value))
    if practice.published_at:
        graph.add((dataset, DCTERMS.issued, _datetime(practice.published_at)))
    for code in records.unique_languages(practice):
        if code in records.ISO_639_2:
            uri = _typed(graph, EU_LANGUAGE[records.ISO_639_2[code]], DCTERMS.LinguisticSystem)
            graph.add((dataset, DCTERMS.language, uri))
    for tag in practice.tags:
        graph.add((dataset, DCAT.keyword, Literal(tag, lang=language)))
    _themes(graph, dataset, practice)
    _spatial(graph, dataset, practice)
    _temporal(graph, dataset, practice)
    _contact(graph, dataset, practice)
    _distributions(graph, dataset, practice, landing)
    return dataset


def _themes(graph: Graph, dataset, practice: Practice) -> None:
    for code in records.THEME_CONCEPTS[practice.theme]:
        graph.add((dataset, DCAT.theme, _concept(graph, "themes", code)))
    for code in records.sector_values(practice):
        graph.add((dataset, DCAT.theme, _concept(graph, "sectors", code)))
    graph.add((dataset, DCAT.theme, _eu_theme(graph)))


def _spatial(graph: Graph, dataset, practice: Practice) -> None:
    code = records.alpha_3(practice.country_code)
    if code is None:
        return
    location = EU_COUNTRY[code]
    graph.add((location, RDF.type, DCTERMS.Location))
    for language, name in _country_names(practice.country).items():
        graph.add((location, SKOS.prefLabel, Literal(name, lang=language)))
    graph.add((dataset, DCTERMS.spatial, location))


def _country_names(country) -> dict[str, str]:
    return {language: country.name(language) for language in records.ISO_639_2}


def _temporal(graph: Graph, dataset, practice: Practice) -> None:
    if not practice.period_start:
        return
    period = URIRef(records.practice_url(practice.id) + "#period")
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(str(practice.period_start), datatype=XSD.gYear)))
    if practice.period_end:
        graph.add((period, DCAT.endDate, Literal(str(practice.period_end), datatype=XSD.gYear)))
    graph.add((dataset, DCTERMS.temporal, period))


def _contact(graph: Graph, dataset, practice: Practice) -> None:
    """The practice's contact as the page shows it (free text: a name, an address or both);
    an e-mail address in it becomes vcard:hasEmail."""
    text = (practice.contact or practice.institution or "").strip()
    if not text:
        return
    kind = URIRef(records.practice_url(practice.id) + "#contact")
    graph.add((kind, RDF.type, VCARD.Kind))
    graph.add((kind, VCARD.fn, Literal(text, lang=practice.language)))
    email = next((word.strip("<>(),;") for word in text.split() if "@" in word), None)
    if email and " " not in email:
        graph.add((kind, VCARD.hasEmail, URIRef("mailto:" + email)))
    graph.add((dataset, DCAT.contactPoint, kind))


def _distributions(graph: Graph, dataset, practice: Practice, landing: str) -> None:
    """The practice page itself (HTML), and each document attached to the practice."""
    page = URIRef(landing + "#html")
    graph.add((page, RDF.type, DCAT.Distribution))
    graph.add((page, DCAT.accessURL, _resource(graph, landing)))
    graph.add((page, DCAT.mediaType, _typed(graph, IANA["text/html"], DCTERMS.MediaType)))
    graph.add((page, DCTERMS.format, _typed(graph, EU_FILE_TYPE.HTML, DCTERMS.MediaTypeOrExtent)))
    graph.add((dataset, DCAT.distribution, page))
    for attachment in practice.attachments:
        url = records.attachment_url(attachment.id)
        distribution = URIRef(url)
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(attachment.original_name)))
        graph.add((distribution, DCAT.accessURL, _resource(graph, url)))
        graph.add((distribution, DCAT.downloadURL, _resource(graph, url)))
        graph.add(
            (distribution, DCAT.byteSize, Literal(attachment.size, datatype=XSD.nonNegativeInteger))
        )
        if MEDIA_TYPE.fullmatch(attachment.content_type or ""):
            graph.add(
                (
                    distribution,
                    DCAT.mediaType,
                    _typed(graph, IANA[attachment.content_type], DCTERMS.MediaType),
                )
            )
        graph.add((dataset, DCAT.distribution, distribution))


def _publisher(graph: Graph):
    agent = URIRef(records.root_url() + "#publisher")
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(_publisher_name(), lang="en")))
    return agent


def _publisher_name() -> str:
    from flask import current_app

    return current_app.config["OPENDATA_PUBLISHER"]


def _scheme(graph: Graph, scheme: str) -> URIRef:
    uri = URIRef(records.scheme_uri(scheme))
    graph.add((uri, RDF.type, SKOS.ConceptScheme))
    for language, title in SCHEMES[scheme].items():
        graph.add((uri, DCTERMS.title, Literal(title, lang=language)))
    return uri


def _concept(graph: Graph, scheme: str, code: str) -> URIRef:
    uri = URIRef(records.concept_uri(scheme, code))
    if (uri, RDF.type, SKOS.Concept) not in graph:
        graph.add((uri, RDF.type, SKOS.Concept))
        graph.add((uri, SKOS.notation, Literal(code)))
        graph.add((uri, SKOS.inScheme, _scheme(graph, scheme)))
        for language, label in records.concept_labels(scheme, code).items():
            graph.add((uri, SKOS.prefLabel, Literal(label, lang=language)))
    return uri


def _eu_theme_scheme(graph: Graph) -> URIRef:
    uri = URIRef(EU + "data-theme")
    graph.add((uri, RDF.type, SKOS.ConceptScheme))
    graph.add((uri, DCTERMS.title, Literal("Data theme", lang="en")))
    return uri


def _eu_theme(graph: Graph) -> URIRef:
    uri = EU_THEME[DATA_THEME]
    if (uri, RDF.type, SKOS.Concept) not in graph:
        graph.add((uri, RDF.type, SKOS.Concept))
        graph.add((uri, SKOS.prefLabel, Literal("Population and society", lang="en")))
        graph.add((uri, SKOS.inScheme, _eu_theme_scheme(graph)))
    return uri


def _typed(graph: Graph, uri, rdf_type) -> URIRef:
    uri = URIRef(str(uri))
    graph.add((uri, RDF.type, rdf_type))
    return uri


def _resource(graph: Graph, url: str) -> URIRef:
    return _typed(graph, url, RDFS.Resource)


def _datetime(value) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)
