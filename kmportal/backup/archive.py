"""The backup archive: one tar.gz holding the database copy, the uploads and manifest.json
(format version, creation time, engine, Alembic revision, rows per table, and the SHA-256 and
size of every other member). Reading verifies every member before anything is used."""

from __future__ import annotations

import hashlib
import io
import json
import os
import posixpath
import tarfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from kmportal.backup.engines import BackupError

FORMAT = "kmportal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
CHUNK = 1024 * 1024
MANIFEST_LIMIT = 64 * 1024 * 1024


class _HashingReader:
    """A file object that hashes what tarfile reads from it."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        return data


def write(output: Path, members: Iterable[tuple[str, Path]], manifest: dict) -> dict:
    """Write the archive atomically (a partial file renamed at the end); the manifest, last,
    lists the checksum of every member as it was written."""
    partial = output.with_name(output.name + ".partial")
    listed: dict[str, dict] = {}
    try:
        with tarfile.open(partial, "w:gz") as tar:
            for name, path in members:
                with path.open("rb") as stream:
                    info = tar.gettarinfo(fileobj=stream, arcname=name)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    reader = _HashingReader(stream)
                    tar.addfile(info, reader)
                listed[name] = {"sha256": reader.sha256.hexdigest(), "size": info.size}
            manifest = {**manifest, "members": listed}
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def extract_verified(archive: Path, into: Path) -> dict:
    """Unpack every member into `into` and return the manifest, or raise BackupError if the
    archive is unreadable, is not a kmportal backup, or any member differs from its
    checksum (then nothing outside `into` has been touched)."""
    seen: dict[str, dict] = {}
    manifest_data = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _checked_name(member)
                stream = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_data = stream.read(MANIFEST_LIMIT)
                    continue
                if name in seen:
                    raise BackupError(f"The archive holds {name} twice: not a kmportal backup.")
                seen[name] = _unpack(stream, into / name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{archive} cannot be read as a kmportal backup (a damaged or incomplete tar.gz "
            f"archive: {error.__class__.__name__}). Nothing was changed."
        ) from error
    manifest = _parse_manifest(manifest_data)
    _compare(manifest["members"], seen)
    return manifest


def _checked_name(member: tarfile.TarInfo) -> str:
    name = member.name
    normal = posixpath.normpath(name)
    if (
        not member.isfile()
        or name != normal
        or normal.startswith(("/", "../"))
        or normal == ".."
        or "\\" in name
    ):
        raise BackupError(f"Unexpected member in the archive: {name!r}. Nothing was changed.")
    return name


def _unpack(stream: BinaryIO, target: Path) -> dict:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _parse_manifest(data: bytes | None) -> dict:
    if data is None:
        raise BackupError("The archive has no manifest.json: it is not a kmportal backup.")
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise BackupError("The archive's manifest.json is not valid JSON.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive's manifest does not describe a kmportal backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.get('format_version')!r}; this version "
            f"of kmportal reads version {FORMAT_VERSION}."
        )
    if not isinstance(manifest.get("members"), dict):
        raise BackupError("The archive's manifest lists no members.")
    return manifest


def _compare(listed: dict, seen: dict) -> None:
    missing = sorted(set(listed) - set(seen))
    extra = sorted(set(seen) - set(listed))
    damaged = sorted(
        name
        for name in set(listed) & set(seen)
        if listed[name].get("sha256") != seen[name]["sha256"]
        or listed[name].get("size") != seen[name]["size"]
    )
    problems = []
    if damaged:
        problems.append(f"checksum mismatch in {', '.join(damaged[:5])}")
    if missing:
        problems.append(f"missing {', '.join(missing[:5])}")
    if extra:
        problems.append(f"not in the manifest: {', '.join(extra[:5])}")
    if problems:
        raise BackupError(
            "The archive is corrupted (" + "; ".join(problems) + "). Nothing was changed."
        )
