"""The baseline of the quality benchmarks: the practices indexed with plain Whoosh
(StandardAnalyzer, title/summary/body, no stemming, no expansion), built the same way for
bench/relevance.py and bench/matchmaking.py."""

from __future__ import annotations

from pathlib import Path


def build_index(records: list[dict], folder: Path, body_parts: tuple[str, ...]):
    """An index in `folder`/plain-whoosh of the published records (key and country stored),
    their `body_parts` joined as the body."""
    from whoosh import fields, index
    from whoosh.analysis import StandardAnalyzer

    schema = fields.Schema(
        key=fields.ID(stored=True),
        country=fields.ID(stored=True),
        title=fields.TEXT(analyzer=StandardAnalyzer()),
        summary=fields.TEXT(analyzer=StandardAnalyzer()),
        body=fields.TEXT(analyzer=StandardAnalyzer()),
    )
    path = folder / "plain-whoosh"
    path.mkdir()
    ix = index.create_in(str(path), schema)
    writer = ix.writer()
    for practice in records:
        if practice.get("state", "published") != "published":
            continue
        writer.add_document(
            key=practice["key"],
            country=practice.get("country", ""),
            title=practice["title"],
            summary=practice["summary"],
            body="\n".join(str(practice.get(part) or "") for part in body_parts),
        )
    writer.commit()
    return ix
