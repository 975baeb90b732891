"""The data version: one row that every committing transaction that wrote anything bumps,
in that same transaction. Every worker reads it, so a page cached by one worker is known
to be out of date as soon as any worker (or the CLI) commits a change.

- after_flush and do_orm_execute (bulk UPDATE/DELETE/INSERT through the session) note that
  the transaction wrote;
- before_commit of the outermost transaction flushes what is pending, then bumps the row:
  the row is the last one the transaction locks, so writers that wait for it hold no lock
  another writer could wait on (no deadlock), and the bump commits or rolls back with the
  change itself;
- the end of the outermost transaction forgets the note.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kmportal.extensions import db

WROTE = "kmportal.pagecache.wrote"
ROW_ID = 1


class DataVersion(db.Model):
    """A counter of committed changes (one row, id 1)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)


# Databases built without the migrations (db.create_all in tests and benchmarks) get the row too.
sa.event.listen(
    DataVersion.__table__,
    "after_create",
    sa.DDL(f"INSERT INTO data_version (id, version) VALUES ({ROW_ID}, 0)"),
)


def current_version() -> int | None:
    """The committed data version through the session (None when the row is missing)."""
    row = db.session.connection().exec_driver_sql(_READ).first()
    return None if row is None else row[0]


class VersionReader:
    """Reads the committed data version on every anonymous request, cheaply: each thread
    keeps a connection of its own in autocommit mode (no pool checkout, no transaction), so
    it always sees the latest commit. Read before the page's own queries, so the page is at
    least as new as the version it is kept under. A broken connection (a database restart)
    is replaced once; a second failure is raised like any database error."""

    def __init__(self):
        self._local = threading.local()

    def read(self, engine) -> int | None:
        for attempt in (1, 2):
            connection = getattr(self._local, "connection", None)
            if connection is None or self._local.engine is not engine:
                connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                self._local.connection, self._local.engine = connection, engine
            try:
                row = connection.exec_driver_sql(_READ).first()
                return None if row is None else row[0]
            except sa.exc.DBAPIError:
                self._local.connection = None
                connection.invalidate()
                if attempt == 2:
                    raise
        return None


_READ = f"SELECT version FROM data_version WHERE id = {ROW_ID}"


def after_flush(session, _flush_context) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


def do_orm_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def before_cursor_execute(conn, _cursor, statement, _parameters, _context, _many) -> None:
    # Writes that bypass the session's bookkeeping (SQL on its connection) count too.
    if statement.lstrip()[:6].upper() in _WRITES:
        conn.info[WROTE] = True


def _forget_connection_write(conn) -> None:
    conn.info.pop(WROTE, None)


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})


def before_commit(session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()
    wrote = session.info.pop(WROTE, False)
    if not wrote and session.get_transaction() is not None:
        wrote = session.connection().info.pop(WROTE, False)
    if wrote:
        session.execute(
            sa.update(DataVersion)
            .where(DataVersion.id == ROW_ID)
            .values(version=DataVersion.version + 1)
        )
    session.info.pop(WROTE, None)


def after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


_HOOKS = {
    "after_flush": after_flush,
    "do_orm_execute": do_orm_execute,
    "before_commit": before_commit,
    "after_transaction_end": after_transaction_end,
}


def install(engine) -> None:
    """Listen on the portal's session factory (once per process) and on its engine."""
    for name, hook in _HOOKS.items():
        if not sa.event.contains(db.session, name, hook):
            sa.event.listen(db.session, name, hook)
    for name, hook in (
        ("before_cursor_execute", before_cursor_execute),
        ("begin", _forget_connection_write),
        ("commit", _forget_connection_write),
        ("rollback", _forget_connection_write),
    ):
        if not sa.event.contains(engine, name, hook):
            sa.event.listen(engine, name, hook)
