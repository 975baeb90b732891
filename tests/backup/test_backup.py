"""`flask backup create` and `flask backup restore` on SQLite: a round trip finds every
record and file again; a damaged archive or a non-empty instance is refused unchanged.
(PostgreSQL: tests/slow/test_backup_postgres.py.)"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.backup import service as backup
from kmportal.extensions import db
from kmportal.search import service as search
from tests.backup.content import inventory, populate
from tests.conftest import base_config


@pytest.fixture
def filled(app, secretariat):
    populate(secretariat)
    return inventory()


@pytest.fixture
def archive(filled, tmp_path) -> Path:
    path = tmp_path / "backup.tar.gz"
    backup.create_backup(path)
    return path


def empty_instance(tmp_path: Path, migrated: bool = False):
    """A second instance: its own SQLite file, uploads and index; no tables unless migrated."""
    root = tmp_path / "restored"
    root.mkdir(exist_ok=True)
    app = create_app(base_config(root, f"sqlite:///{root / 'kmportal.sqlite3'}"))
    if migrated:
        with app.app_context():
            upgrade()
    return app


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def rewrite(path: Path, contents: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_archive_holds_database_uploads_and_a_manifest(archive, filled):
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    assert manifest["format"] == "kmportal-backup" and manifest["format_version"] == 1
    assert manifest["engine"] == "sqlite"
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["row_counts"]["practice"] == len(filled["practices"])
    assert manifest["row_counts"]["follow_up"] == len(filled["follow_ups"])
    assert manifest["row_counts"]["audit_event"] == len(filled["audit"])
    uploads = [name for name in contents if name.startswith("uploads/")]
    assert len(uploads) == len(filled["attachments"]) == 2
    assert set(manifest["members"]) == set(contents) - {"manifest.json"}
    assert contents["database.sqlite3"].startswith(b"SQLite format 3\0")


def test_round_trip_restores_every_record_and_file_and_the_index(archive, filled, tmp_path):
    target = empty_instance(tmp_path)
    with target.app_context():
        summary = backup.restore_backup(archive)
        assert inventory() == filled
        assert summary.indexed == len(filled["practices"])
        assert search.check().in_step
        db.session.remove()
        db.engine.dispose()


def test_restore_into_a_migrated_but_empty_instance(archive, filled, tmp_path):
    target = empty_instance(tmp_path, migrated=True)
    with target.app_context():
        backup.restore_backup(archive)
        assert inventory() == filled
        db.engine.dispose()


def test_non_empty_database_is_refused_unless_forced(archive, filled, app, tmp_path):
    target = empty_instance(tmp_path, migrated=True)
    with target.app_context():
        from kmportal.auth.models import Role
        from tests.conftest import make_user

        make_user("someone@example.org", Role.SECRETARIAT)
        before = inventory()
        with pytest.raises(backup.BackupError, match="not empty.*--force"):
            backup.restore_backup(archive)
        assert inventory() == before
        backup.restore_backup(archive, force=True)
        assert inventory() == filled
        db.engine.dispose()


def test_corrupted_archive_is_refused_and_changes_nothing(archive, tmp_path):
    contents = members(archive)
    name = next(n for n in contents if n.startswith("uploads/"))
    contents[name] = contents[name][:-1] + b"!"
    rewrite(archive, contents)
    target = empty_instance(tmp_path)
    database = tmp_path / "restored" / "kmportal.sqlite3"
    with target.app_context():
        with pytest.raises(backup.BackupError, match="corrupted.*checksum.*Nothing was changed"):
            backup.restore_backup(archive)
        assert not database.exists() or database.stat().st_size == 0
        assert not list(Path(target.config["UPLOAD_DIR"]).glob("*"))
        db.engine.dispose()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda path: path.write_bytes(b"not an archive"), "cannot be read"),
        (lambda path: path.write_bytes(path.read_bytes()[:-200]), "cannot be read"),
        (lambda path: rewrite(path, {"x.txt": b"x"}), "no manifest"),
    ],
)
def test_unreadable_or_foreign_archives_are_refused(archive, tmp_path, damage, message):
    damage(archive)
    target = empty_instance(tmp_path)
    with target.app_context():
        with pytest.raises(backup.BackupError, match=message):
            backup.restore_backup(archive)
        db.engine.dispose()


def test_a_member_missing_from_the_manifest_is_refused(archive, tmp_path):
    contents = members(archive)
    contents["uploads/planted.pdf"] = b"%PDF-1.4 planted"
    rewrite(archive, contents)
    target = empty_instance(tmp_path)
    with target.app_context(), pytest.raises(backup.BackupError, match="not in the manifest"):
        backup.restore_backup(archive)


def test_unsafe_member_names_are_refused(archive, tmp_path):
    contents = members(archive)
    contents["../escape.txt"] = b"x"
    rewrite(archive, contents)
    target = empty_instance(tmp_path)
    with target.app_context(), pytest.raises(backup.BackupError, match="Unexpected member"):
        backup.restore_backup(archive)
    assert not (tmp_path / "escape.txt").exists()


def test_an_existing_output_file_is_never_overwritten(app, tmp_path):
    path = tmp_path / "exists.tar.gz"
    path.write_bytes(b"keep me")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.create_backup(path)
    assert path.read_bytes() == b"keep me"


def test_commands_create_and_restore(runner, filled, tmp_path):
    path = tmp_path / "cli.tar.gz"
    result = runner.invoke(args=["backup", "create", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and path.exists()
    again = runner.invoke(args=["backup", "restore", str(path)])
    assert again.exit_code == 1
    assert "not empty" in again.output
    forced = runner.invoke(args=["backup", "restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert "Restored" in forced.output
    assert inventory() == filled
