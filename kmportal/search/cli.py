"""`flask search reindex` and `flask search check`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from whoosh.index import LockError

from kmportal.search import documents, semantic, service

search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
@click.option(
    "--if-missing",
    is_flag=True,
    help="Only rebuild when the index is missing or unreadable (for start-up scripts).",
)
def reindex_command(if_missing: bool):
    """Rebuild the search index from the database."""
    index = service.current_index()
    if if_missing:
        try:
            index.check_readable()
        except service.IndexUnavailable as unavailable:
            click.echo(f"The search index is {unavailable.reason}: rebuilding it.")
        else:
            index.flush_journal(documents.load_documents)
            replayed = service.replay_journal()
            if replayed:
                click.echo(f"Replayed {replayed} practice changes left by a stopped worker.")
            click.echo("The search index is present: nothing to do.")
            _fill_vectors()
            return
    total = documents.indexed_count()
    try:
        with click.progressbar(length=total, label="Indexing practices") as bar:
            count = service.reindex(on_document=lambda: bar.update(1))
    except LockError:
        click.echo("The index is locked by another rebuild: try again when it ends.", err=True)
        raise SystemExit(1) from None
    click.echo(f"Indexed {count} practices.")
    _report_semantic_leg()


def _fill_vectors() -> None:
    """Vectors missing or stale after a crash or a lost file: computed now."""
    drift = semantic.check()
    if drift is not None and not drift.in_step:
        encoded = semantic.rebuild()
        click.echo(f"Practice vectors brought up to date ({encoded} encoded).")


def _report_semantic_leg() -> None:
    reason = semantic.off_reason()
    if reason:
        click.echo(f"Semantic search is off: {reason}. Search uses words and the thesaurus.")
    else:
        click.echo("Practice vectors are up to date (semantic search on).")


@search_cli.command("check")
def check_command():
    """List practices missing from the index, extra in it, or stale; exit 1 on any drift."""
    report = service.check()
    if report.unavailable:
        click.echo(f"The search index is {report.unavailable}.", err=True)
    drift = {"missing": report.missing, "extra": report.extra, "stale": report.stale}
    for name, ids in drift.items():
        if ids:
            click.echo(f"{name} ({len(ids)}): {', '.join(str(i) for i in ids)}")
    vectors = semantic.check()
    if vectors is None:
        click.echo(f"Semantic search is off: {semantic.off_reason()}.")
    else:
        for name in ("missing", "extra", "stale"):
            ids = getattr(vectors, name)
            if ids:
                click.echo(f"vectors {name} ({len(ids)}): {', '.join(str(i) for i in ids)}")
    if not report.in_step or (vectors is not None and not vectors.in_step):
        click.echo("The index has drifted: run `flask search reindex`.", err=True)
        raise SystemExit(1)
    click.echo("The search index is in step with the database.")
