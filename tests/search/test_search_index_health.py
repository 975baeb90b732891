"""The index is derived data: rebuilt when missing or unreadable, checked for drift, and
never the cause of an error page."""

import os
import shutil
import time

from kmportal.extensions import db
from kmportal.search import service
from tests.search.helpers import ANONYMOUS, found, notices, page_ids


def test_missing_index_is_built_on_the_first_search(client, practice):
    shown = practice("CO", title="Huertos escolares", language="es")
    assert not service.current_index().exists()
    response = client.get("/search?q=huertos")
    assert response.status_code == 200
    assert page_ids(response) == [shown.id]
    assert notices(response) == []


def test_deleted_index_is_rebuilt_without_an_error(client, practice, index):
    shown = practice("CO", title="Huertos escolares", language="es")
    shutil.rmtree(index.path)
    response = client.get("/search?q=huertos")
    assert response.status_code == 200
    assert page_ids(response) == [shown.id]


def test_unreadable_index_is_rebuilt_without_an_error(client, practice, index, caplog):
    shown = practice("CO", title="Huertos escolares", language="es")
    for toc in index.path.glob("*.toc"):
        toc.write_bytes(b"\x00garbage, not a table of contents")
    index.forget_reader()
    response = client.get("/search?q=huertos")
    assert response.status_code == 200
    assert page_ids(response) == [shown.id]
    assert "unreadable" in caplog.text
    assert service.check().in_step


def test_damaged_segment_is_rebuilt_without_an_error(client, practice, index):
    shown = practice("CO", title="Huertos escolares", language="es")
    for segment in index.path.glob("*.seg"):
        segment.write_bytes(b"\x00" * 64)
    index.forget_reader()
    response = client.get("/search?q=huertos")
    assert response.status_code == 200
    assert page_ids(response) == [shown.id]


def test_large_missing_index_is_rebuilt_in_the_background_with_a_notice(client, practice, app):
    shown = practice("CO", title="Huertos escolares", language="es")
    app.config["SEARCH_INLINE_REBUILD_LIMIT"] = 0
    index = service.current_index()
    index.mark_rebuilding(True)  # as if another worker had just started the rebuild
    response = client.get("/search?q=huertos")
    assert response.status_code == 200
    assert "rebuilding" in notices(response)
    index.mark_rebuilding(False)
    response = client.get("/search?q=huertos")  # this worker starts it now
    service.wait_for_rebuild(timeout=30)
    assert page_ids(client.get("/search?q=huertos")) == [shown.id]
    assert not index.is_rebuilding()


def test_stale_rebuild_marker_of_a_dead_worker_is_cleared(index):
    index.mark_rebuilding(True)
    assert index.is_rebuilding()  # just written: the rebuilder may not hold the lock yet
    marker = index.path / "REBUILDING"
    an_hour_ago = time.time() - 3600
    os.utime(marker, (an_hour_ago, an_hour_ago))
    assert not index.is_rebuilding()  # old, and nobody holds the write lock: it died
    assert not marker.exists()


def test_practice_page_without_an_index_shows_no_similar_practices(client, practice):
    shown = practice("CO", title="Huertos escolares", language="es")
    response = client.get(f"/practices/{shown.id}")
    assert response.status_code == 200
    assert "similar-title" not in response.get_data(as_text=True)


def test_practice_page_with_a_damaged_index_still_renders(client, practice, index):
    shown = practice("CO", title="Huertos escolares", language="es")
    practice("PE", title="Huertos escolares comunitarios", language="es")
    for toc in index.path.glob("*.toc"):
        toc.write_bytes(b"garbage")
    index.forget_reader()
    assert client.get(f"/practices/{shown.id}").status_code == 200


def test_reindex_command_rebuilds_with_a_progress_bar(runner, practice, index):
    for number in range(3):
        practice("CO", title=f"Huertos {number}", language="es")
    shutil.rmtree(index.path)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing practices" in result.output
    assert "Indexed 3 practices." in result.output
    assert len(found(ANONYMOUS, "huertos")) == 3


def test_reindex_if_missing_leaves_a_present_index_alone(runner, index):
    result = runner.invoke(args=["search", "reindex", "--if-missing"])
    assert result.exit_code == 0
    assert "nothing to do" in result.output


def test_reindex_if_missing_builds_a_missing_index(runner, practice):
    practice("CO", title="Huertos escolares", language="es")
    result = runner.invoke(args=["search", "reindex", "--if-missing"])
    assert result.exit_code == 0
    assert "missing: rebuilding" in result.output
    assert "Indexed 1 practices." in result.output


def test_check_command_lists_missing_extra_and_stale_and_exits_non_zero(
    runner, practice, index, monkeypatch
):
    kept = practice("CO", title="Huertos escolares", language="es")
    removed = practice("PE", title="Comedores escolares", language="es")
    added = practice("MX", title="Becas escolares", language="es")
    monkeypatch.setattr(
        service, "apply_changes", lambda ids, token=None: None
    )  # the index stops following
    kept.title = "Huertos escolares cambiados"
    db.session.delete(removed)
    db.session.commit()
    practice("BO", title="Nueva práctica", language="es")
    monkeypatch.undo()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"stale (1): {kept.id}" in result.output
    assert f"extra (1): {removed.id}" in result.output
    assert "missing (1):" in result.output
    assert added.id not in service.check().stale


def test_check_command_passes_when_in_step(runner, practice, index):
    practice("CO", title="Huertos escolares", language="es")
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0
    assert "in step" in result.output


def test_check_command_fails_without_an_index(runner, practice):
    practice("CO", title="Huertos escolares", language="es")
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert "missing" in result.output
