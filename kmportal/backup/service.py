"""Backups the Secretariat can restore: one archive with the database (copied by the
engine's own consistent method), the uploaded files and a manifest of counts and checksums.

- `create_backup`: never overwrites a file; the archive appears complete or not at all.
- `restore_backup`: checks every checksum before changing anything; restores only into an
  empty instance (no rows outside alembic_version, no uploaded files) unless forced; the same
  engine as the backup's; then the uploads, then the search index is rebuilt from the
  restored database. Stop the portal's workers while restoring.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import current_app

from kmportal.backup import archive, engines
from kmportal.backup.engines import BOOKKEEPING_TABLES, BackupError
from kmportal.extensions import db

log = logging.getLogger(__name__)

__all__ = ["BackupError", "BackupSummary", "create_backup", "restore_backup"]


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    engine: str
    revision: str | None
    rows: int
    tables: int
    uploads: int
    indexed: int | None = None


def create_backup(output: Path) -> BackupSummary:
    """Write the archive to `output` (a new file)."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists: choose another file name.")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    engine_name = engines.supported(db.engine)
    db.session.remove()
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".kmportal-backup-") as staging:
        dump_name = engines.DUMP_NAMES[engine_name]
        dump_path = Path(staging) / dump_name
        state = engines.dump(db.engine, dump_path, current_app.config.get("PG_BIN_DIR"))
        uploads = _upload_files()
        members = [(dump_name, dump_path)] + [
            (f"{archive.UPLOADS}/{name}", path) for name, path in uploads
        ]
        manifest = archive.write(output, members, _manifest(engine_name, dump_name, state))
    log.info("Backup written to %s (%d members)", output, len(manifest["members"]))
    return BackupSummary(
        output, engine_name, state.revision, sum(state.row_counts.values()),
        len(state.row_counts), len(uploads),
    )  # fmt: skip


def _manifest(engine_name: str, dump_name: str, state: engines.DatabaseState) -> dict:
    return {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kmportal_version": _kmportal_version(),
        "engine": engine_name,
        "server_version": state.server_version,
        "alembic_revision": state.revision,
        "database": {"member": dump_name, "method": engines.DUMP_FORMATS[engine_name]},
        "row_counts": state.row_counts,
    }


def _kmportal_version() -> str | None:
    try:
        return version("kmportal")
    except PackageNotFoundError:
        return None


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _upload_files() -> list[tuple[str, Path]]:
    """Every stored file (not the `.part` files of uploads still being written)."""
    root = _upload_dir()
    if not root.is_dir():
        return []
    return sorted(
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and path.suffix != ".part"
    )


def restore_backup(archive_path: Path, force: bool = False) -> BackupSummary:
    """Restore the archive into this instance, then rebuild the search index."""
    engine_name = engines.supported(db.engine)
    uploads = _upload_dir()
    uploads.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()
    with tempfile.TemporaryDirectory(dir=uploads.parent, prefix=".kmportal-restore-") as staging:
        staging = Path(staging)
        manifest = archive.extract_verified(Path(archive_path), staging)
        _check_compatible(manifest, engine_name)
        if not force:
            _refuse_non_empty(uploads)
        counts = manifest["row_counts"]
        engines.restore(
            db.engine,
            staging / manifest["database"]["member"],
            set(counts),
            current_app.config.get("PG_BIN_DIR"),
        )
        _replace_uploads(staging / archive.UPLOADS, uploads)
    restored = engines.current_state(db.engine).row_counts
    if restored != counts:
        differ = sorted(name for name in set(counts) | set(restored)
                        if counts.get(name) != restored.get(name))  # fmt: skip
        raise BackupError(f"The restored database differs from the backup in {differ}.")
    indexed = _rebuild_search_index()
    files = sum(1 for name in manifest["members"] if name.startswith(archive.UPLOADS + "/"))
    log.warning("Backup %s restored (revision %s)", archive_path, manifest["alembic_revision"])
    return BackupSummary(
        Path(archive_path), engine_name, manifest["alembic_revision"],
        sum(counts.values()), len(counts), files, indexed,
    )  # fmt: skip


def _check_compatible(manifest: dict, engine_name: str) -> None:
    if manifest.get("engine") != engine_name:
        raise BackupError(
            f"This backup is of a {manifest.get('engine')} database and this instance uses "
            f"{engine_name}: restore it into a {manifest.get('engine')} instance."
        )
    database = manifest.get("database") or {}
    if database.get("member") not in manifest["members"]:
        raise BackupError("The archive's manifest names no database copy.")
    if not isinstance(manifest.get("row_counts"), dict):
        raise BackupError("The archive's manifest has no row counts.")


def _refuse_non_empty(uploads: Path) -> None:
    counts = engines.current_state(db.engine).row_counts
    filled = {
        name: rows for name, rows in counts.items() if rows and name not in BOOKKEEPING_TABLES
    }
    if filled:
        sample = ", ".join(f"{name}: {rows}" for name, rows in sorted(filled.items())[:4])
        raise BackupError(
            f"The database is not empty ({sample}…). Restore into an empty instance, or "
            "pass --force to replace its content. Nothing was changed."
        )
    if uploads.is_dir() and any(path.is_file() for path in uploads.rglob("*")):
        raise BackupError(
            f"The uploads folder {uploads} is not empty. Restore into an empty instance, or "
            "pass --force to replace it. Nothing was changed."
        )


def _replace_uploads(restored: Path, uploads: Path) -> None:
    """Put the restored files in place of the current folder (renames in one file system)."""
    if not restored.is_dir():
        restored.mkdir()
    previous = uploads.with_name(uploads.name + ".before-restore")
    shutil.rmtree(previous, ignore_errors=True)
    if uploads.exists():
        uploads.rename(previous)
    restored.rename(uploads)
    shutil.rmtree(previous, ignore_errors=True)


def _rebuild_search_index() -> int:
    from kmportal.search import service as search

    return search.reindex()
