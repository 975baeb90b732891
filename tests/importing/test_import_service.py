"""The import goes through the practices service: drafts of the row's country, published
rows for the secretariat's scored rows, updates by external id, all or nothing."""

import pytest
import sqlalchemy as sa

from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.practices.enums import PracticeState
from kmportal.practices.importing.models import PracticeExternalId
from kmportal.practices.models import Practice
from tests.importing.helpers import SCORES, csv_bytes, row, run


def practice_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Practice))


def test_focal_point_rows_become_drafts_of_its_country(focal_br):
    report = run(focal_br, csv_bytes([row(), row(external_id="ilo-2", title="Outra")]))
    assert report.committed and report.counts["created"] == 2, report.to_dict()
    practice = db.session.scalar(sa.select(Practice).order_by(Practice.id))
    assert practice.state is PracticeState.DRAFT and practice.country_code == "BR"
    assert practice.sectors == ["domestic_work", "agriculture"]
    assert practice.actors == ["government"] and practice.languages == ["pt", "es"]
    assert practice.theme.value == "peti" and practice.sdg_87 is True


def test_focal_point_cannot_import_another_country(focal_br):
    report = run(focal_br, csv_bytes([row(), row(external_id="x", country="Colombia")]))
    refused = report.to_dict()["rows"][1]
    assert refused["outcome"] == "refused" and refused["status"] == 403
    assert "BR" in refused["errors"]["country"]
    assert not report.committed and practice_count() == 0


def test_skip_bad_rows_imports_the_good_ones(focal_br):
    data = csv_bytes([row(), row(external_id="x", country="CO"), row(external_id="y", title="")])
    report = run(focal_br, data, skip_bad_rows=True)
    assert report.committed and report.counts["created"] == 1 and report.refused == 2
    assert practice_count() == 1
    refused = report.to_dict()["rows"][2]
    assert refused["row"] == 4 and "title" in refused["errors"]


def test_a_row_refused_after_it_was_created_is_undone(secretariat):
    """The draft is created, then publishing refuses a score: the row's savepoint goes."""
    bad = row(external_id="bad", **{**SCORES, "score_effective": "7"})
    report = run(secretariat, csv_bytes([row(**SCORES), bad]), skip_bad_rows=True)
    assert report.counts["created"] == 1 and report.refused == 1, report.to_dict()
    assert "score_effective" in report.to_dict()["rows"][1]["errors"]
    assert practice_count() == 1
    assert db.session.scalar(sa.select(Practice)).state is PracticeState.PUBLISHED


def test_secretariat_scored_rows_are_published(secretariat):
    report = run(secretariat, csv_bytes([row(**SCORES)]))
    assert report.rows[0].state == "published"
    practice = db.session.scalar(sa.select(Practice))
    assert practice.label is not None and practice.published_at is not None


def test_focal_point_scores_are_refused(focal_br):
    report = run(focal_br, csv_bytes([row(**SCORES)]))
    assert report.refused == 1 and report.to_dict()["rows"][0]["status"] == 403


def test_second_import_updates_by_external_id(focal_br):
    run(focal_br, csv_bytes([row()]))
    report = run(focal_br, csv_bytes([row(title="Novo título")]))
    assert report.counts["updated"] == 1 and practice_count() == 1
    assert db.session.scalar(sa.select(Practice)).title == "Novo título"
    again = run(focal_br, csv_bytes([row(title="Novo título")]))
    assert again.counts["unchanged"] == 1
    other_source = run(focal_br, csv_bytes([row()]), source="other")
    assert other_source.counts["created"] == 1 and practice_count() == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PracticeExternalId)) == 2


def test_update_keeps_the_columns_the_file_leaves_out(focal_br):
    run(focal_br, csv_bytes([row()]))
    run(focal_br, csv_bytes([{"external_id": "ilo-1", "title": "Só o título"}]))
    practice = db.session.scalar(sa.select(Practice))
    assert practice.title == "Só o título" and practice.institution.startswith("Ministério")


def test_another_countrys_practice_is_not_updated(focal_br, focal_co, secretariat):
    run(secretariat, csv_bytes([row()]))
    report = run(focal_co, csv_bytes([row(title="Hack")]))
    assert report.refused == 1 and report.to_dict()["rows"][0]["status"] == 403
    assert db.session.scalar(sa.select(Practice)).title != "Hack"


def test_duplicate_external_ids_in_one_file(focal_br):
    report = run(focal_br, csv_bytes([row(), row()]))
    message = report.to_dict()["rows"][1]["errors"]["external_id"]
    assert "row 2" in message and practice_count() == 0


def test_dry_run_reports_and_writes_nothing(focal_br):
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    report = run(focal_br, csv_bytes([row(), row(external_id="b")]), dry_run=True)
    assert report.counts["created"] == 2 and not report.committed
    assert practice_count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_audited_per_practice_and_summary(focal_br):
    run(focal_br, csv_bytes([row(), row(external_id="b")]))
    actions = list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("practice.create") == 2
    summary = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "practice.import"))
    assert summary.changes["created"] == [None, 2] and summary.actor_id == focal_br.id


def test_errors_use_the_files_column_names_and_language(focal_br):
    report = run(focal_br, csv_bytes([{"External ID": "a", "Title": "", "Theme": "nada"}]))
    errors = report.to_dict()["rows"][0]["errors"]
    assert "Theme" in errors and "nada" in errors["Theme"]
    report = run(focal_br, csv_bytes([{"External ID": "a", "Title": "", "Theme": "peti"}]))
    errors = report.to_dict()["rows"][0]["errors"]
    assert "Title" in errors and "Summary" not in errors and "summary" in errors


def test_messages_in_the_callers_language(focal_br):
    report = run(focal_br, csv_bytes([row(country="Colombia")]), locale="fr")
    assert report.to_dict()["rows"][0]["errors"]["country"] == (
        "Vous ne pouvez importer que des pratiques de votre propre pays (BR)."
    )


def test_external_id_is_unique_per_source_in_the_database(focal_br):
    run(focal_br, csv_bytes([row()]))
    practice_id = db.session.scalar(sa.select(Practice.id))
    db.session.add(
        PracticeExternalId(source="import", external_id="ilo-1", practice_id=practice_id)
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_focal_point_cannot_move_its_practice_to_another_country(focal_br):
    run(focal_br, csv_bytes([row()]))
    report = run(focal_br, csv_bytes([row(country="CO", title="Movida")]))
    assert report.refused == 1 and report.to_dict()["rows"][0]["status"] == 403
    assert db.session.scalar(sa.select(Practice.country_code)) == "BR"
