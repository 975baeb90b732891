"""Each database engine's own consistent copy: SQLite's online backup API, and pg_dump /
pg_restore for PostgreSQL. The row counts and the Alembic revision are read from the very
state that is copied (the backup file, or the snapshot pg_dump is given)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from kmportal.errors import DomainError

ALEMBIC_TABLE = "alembic_version"
# Tables a freshly migrated database already fills (the page cache's one-row data version):
# they do not make an instance "not empty".
BOOKKEEPING_TABLES = frozenset({ALEMBIC_TABLE, "data_version"})
DUMP_NAMES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DUMP_FORMATS = {"sqlite": "sqlite3 online backup", "postgresql": "pg_dump custom format"}
TOOL_TIMEOUT = 6 * 3600


class BackupError(DomainError):
    """A backup or a restore that cannot go ahead; nothing was changed."""

    status_code = 409


@dataclass(frozen=True)
class DatabaseState:
    row_counts: dict[str, int]
    revision: str | None
    server_version: str


def supported(engine: sa.Engine) -> str:
    name = engine.dialect.name
    if name not in DUMP_NAMES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    if name == "sqlite" and not sqlite_path(engine):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def dump(engine: sa.Engine, target: Path, bin_dir: str | None = None) -> DatabaseState:
    """Write a consistent copy of the whole database to `target`."""
    if supported(engine) == "sqlite":
        return _dump_sqlite(engine, target)
    return _dump_postgresql(engine, target, bin_dir)


def restore(engine: sa.Engine, source: Path, tables: set[str], bin_dir: str | None = None):
    """Replace the database's content with the copy in `source` (its tables: `tables`)."""
    engine.dispose()
    if supported(engine) == "sqlite":
        _restore_sqlite(engine, source)
    else:
        _restore_postgresql(engine, source, tables, bin_dir)
    engine.dispose()


def read_state(connection: sa.Connection) -> DatabaseState:
    """Rows per table, the Alembic revision and the server version, on this connection."""
    inspector = sa.inspect(connection)
    names = sorted(inspector.get_table_names())
    counts = {
        name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
        for name in names
    }
    revision = None
    if ALEMBIC_TABLE in names:
        revision = connection.scalar(sa.text(f"SELECT version_num FROM {ALEMBIC_TABLE}"))
    version = ".".join(str(part) for part in connection.dialect.server_version_info or ())
    return DatabaseState(counts, revision, version)


def current_state(engine: sa.Engine) -> DatabaseState:
    with engine.connect() as connection:
        return read_state(connection)


# SQLite ----------------------------------------------------------------------------------


def sqlite_path(engine: sa.Engine) -> str | None:
    database = engine.url.database
    return None if not database or database == ":memory:" else database


def _dump_sqlite(engine: sa.Engine, target: Path) -> DatabaseState:
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()
    copy_engine = sa.create_engine(f"sqlite:///{target}", poolclass=sa.pool.NullPool)
    try:
        return current_state(copy_engine)
    finally:
        copy_engine.dispose()


def _restore_sqlite(engine: sa.Engine, source: Path) -> None:
    # The backup API writes every page of the destination in one transaction: the database
    # becomes the copy as a whole, or stays as it was if this fails.
    origin = sqlite3.connect(source)
    destination = sqlite3.connect(sqlite_path(engine), timeout=30)
    try:
        origin.backup(destination)
    finally:
        destination.close()
        origin.close()


# PostgreSQL ------------------------------------------------------------------------------


def _dump_postgresql(engine: sa.Engine, target: Path, bin_dir: str | None) -> DatabaseState:
    pg_dump = find_pg_tool("pg_dump", _server_major(engine), bin_dir)
    dsn, env = libpq_target(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # pg_dump reads the same snapshot as the counts below, while this transaction lives.
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            state = read_state(connection)
            _run(
                [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", "--file", str(target), "--dbname", dsn],
                env,
            )  # fmt: skip
    return state


def _restore_postgresql(engine: sa.Engine, source: Path, tables: set[str], bin_dir) -> None:
    pg_restore = find_pg_tool("pg_restore", _server_major(engine), bin_dir)
    _drop_tables_not_in(engine, tables)
    dsn, env = libpq_target(engine)
    # One transaction: the archive's tables are dropped (--clean) and recreated with their
    # rows, or, on any error, the database stays as it was.
    _run(
        [pg_restore, "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--clean", "--if-exists", "--dbname", dsn, str(source)],
        env,
    )  # fmt: skip


def _drop_tables_not_in(engine: sa.Engine, tables: set[str]) -> None:
    metadata = sa.MetaData()
    metadata.reflect(engine)
    extra = [table for name, table in metadata.tables.items() if name not in tables]
    if extra:
        metadata.drop_all(engine, tables=extra)


def libpq_target(engine: sa.Engine) -> tuple[str, dict]:
    """The libpq URI for pg_dump/pg_restore, with the password in the environment (never on
    a command line that `ps` shows)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _server_major(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.text("SHOW server_version_num"))) // 10000


def find_pg_tool(name: str, server_major: int, bin_dir: str | None = None) -> str:
    """The newest `name` (pg_dump, pg_restore) at least as new as the server: PG_BIN_DIR when
    set, else Debian's /usr/lib/postgresql/<version>/bin, else the PATH."""
    if bin_dir:
        candidates = [str(Path(bin_dir) / name)]
    else:
        versioned = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
        candidates = sorted(versioned, key=_version_in_path, reverse=True)
        on_path = shutil.which(name)
        if on_path:
            candidates.append(on_path)
    found = []
    for candidate in candidates:
        major = _tool_major(candidate)
        if major is None:
            continue
        if major >= server_major:
            return candidate
        found.append(f"{candidate} ({major})")
    if found:
        raise BackupError(
            f"{name} must be version {server_major} or newer; found only {', '.join(found)}."
        )
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client tools (postgresql-client) or set "
        "KMPORTAL_PG_BIN_DIR to the directory that holds it."
    )


def _version_in_path(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([\d.]+)/bin/", path)
    return tuple(int(part) for part in match[1].split(".")) if match else (0,)


def _tool_major(path: str) -> int | None:
    try:
        output = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    return int(match[1]) if match else None


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"{Path(command[0]).name} could not run: {error}") from error
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip()[-1000:]
        raise BackupError(f"{Path(command[0]).name} failed: {message}")
