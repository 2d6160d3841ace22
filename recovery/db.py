"""The database object, the model base class and SQLite connection settings."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlalchemy.orm
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

log = logging.getLogger(__name__)

# Stable constraint names, so Alembic migrations match the models on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def once(build: Callable[[], sa.Executable]) -> Callable[[], sa.Executable]:
    """Build a statement the first time it is needed and keep it: for the queries every page runs.

    SQLAlchemy builds a statement and works out its cache key again each time code constructs one, which
    costs more than running a simple query on SQLite. A kept statement takes its values by name
    (`sa.bindparam("owner_id")`, `expanding=True` for a list), passed at each run:
    `db.session.scalar(_count_entries(), {"owner_id": user.id})`. Its cache key is worked out once.
    bench/README.md shows the difference per statement.
    """
    return functools.cache(build)


def insert_unless_present(model, unique: list[str], **values) -> None:
    """Insert a row unless one with the same `unique` columns exists, in one statement.

    Two workers that both find no row and both insert would make the second fail on the unique
    constraint (PostgreSQL) — so code that creates a row on first use calls this, then selects the
    row FOR UPDATE and changes it. SQLite's BEGIN IMMEDIATE already serialises writers; the upsert
    keeps both databases on one code path.
    """
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=unique))


def utcnow() -> datetime:
    """Return the current instant as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Store instants as naive UTC and always hand back aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base class of every Mend model."""

    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


class IdMixin:
    """An integer primary key."""

    id: Mapped[int] = mapped_column(primary_key=True)


def _wants_write_lock() -> bool:
    """Whether a new transaction should take SQLite's write lock up front.

    Yes for everything but the reading requests (GET, HEAD): form posts, commands, tests'
    own work — and a GET that has called prepare_to_write().
    """
    from flask import g, has_request_context, request

    if not has_request_context():
        return True
    return request.method not in ("GET", "HEAD") or bool(g.get("sqlite_write"))


def prepare_to_write() -> None:
    """Call before a reading request (GET) writes anything: a session touch, an access-log line, a cache.

    GETs read in a deferred transaction, so with WAL they run side by side. A deferred
    transaction that later writes can fail at once ("database is locked") if another worker
    wrote meanwhile — the busy timeout doesn't help then. So on SQLite this ends the read
    transaction (it wrote nothing) and the next statement begins with BEGIN IMMEDIATE; whatever
    was loaded before is expired and reloads when used. Outside GETs, and on PostgreSQL, it
    changes nothing.
    """
    from flask import g

    if _wants_write_lock():
        return
    g.sqlite_write = True
    if db.session.get_bind().dialect.name == "sqlite" and db.session().in_transaction():
        db.session.rollback()


def done_writing() -> None:
    """After a GET's write has been committed: go back to reading side by side."""
    from flask import g, has_request_context

    if has_request_context():
        g.pop("sqlite_write", None)


def configure_sqlite(engine: sa.engine.Engine, busy_timeout_ms: int) -> None:
    """Give SQLite WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE writes.

    This is SQLAlchemy's documented pysqlite recipe: the driver's own transaction
    handling is switched off so that SQLAlchemy emits BEGIN itself. Every transaction that
    may write starts with BEGIN IMMEDIATE, taking the write lock up front, so two gunicorn
    workers wait for each other (up to the busy timeout) instead of failing or silently
    losing an update when a read turns into a write. Reading requests (GET) begin deferred
    and read side by side; before one writes it calls prepare_to_write().
    """
    if engine.dialect.name != "sqlite":
        return

    path = engine.url.database if engine.url.database not in (None, "", ":memory:") else None

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        # SQLite quietly opens a file it may not write read-only, and the connection stays that way.
        if path is not None:
            record.info["opened_read_only"] = not os.access(path, os.W_OK)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")

    @sa.event.listens_for(engine, "checkout")
    def _reopen_once_writable(_dbapi_connection, record, _proxy):
        # Once the file may be written again, a connection opened read-only is replaced (the pool
        # retries with a new one), so writes work again without restarting the workers.
        if record.info.get("opened_read_only") and os.access(path, os.W_OK):
            raise sa.exc.DisconnectionError("the database file is writable again")

    @sa.event.listens_for(engine, "handle_error")
    def _discard_broken(context):
        # A write refused as read-only, a full disk, an I/O error: calling it a disconnect makes
        # SQLAlchemy throw this connection and the pool's older ones away, so the next request opens
        # fresh ones instead of failing until the worker restarts. Reconnecting to SQLite is cheap.
        if sqlite_connection_is_broken(context.original_exception):
            context.is_disconnect = True
            _release_write_lock(context)


def _release_write_lock(context) -> None:
    """End the failed transaction now: a closed SQLite connection whose failed statement is still
    referenced (by the traceback) lingers open, keeping the write lock and making every other
    worker wait out its busy timeout."""
    try:
        if context.connection is not None and not context.connection.invalidated:
            context.connection.connection.dbapi_connection.rollback()
    except Exception as exc:  # noqa: BLE001 (best effort; the connection is being thrown away anyway)
        log.warning("Could not roll back a broken SQLite connection (%s)", type(exc).__name__)


# SQLite result codes after which a connection is not worth keeping (the extended codes share these prefixes).
BROKEN_SQLITE_CODES = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_CORRUPT",
                       "SQLITE_NOTADB")


def sqlite_connection_is_broken(error: BaseException | None) -> bool:
    """Tell whether a driver error means the SQLite connection should be thrown away (not a busy lock)."""
    name = getattr(error, "sqlite_errorname", None)
    return isinstance(name, str) and name.startswith(BROKEN_SQLITE_CODES)


def discard_failed_transaction() -> None:
    """Roll the request's transaction back; if even that fails, throw its connection away.

    A rollback on a connection the server has closed (PostgreSQL restarted, an administrator ended
    it) raises in turn. In an error handler or at teardown that must not turn a kind error page
    into the server's bare one, so the session is closed with its connections invalidated instead.
    """
    try:
        db.session.rollback()
    except Exception as exc:  # noqa: BLE001 (any failure here means: drop the connection)
        log.warning("Rollback failed (%s); discarding the database connection", type(exc).__name__)
        try:
            db.session.invalidate()
        except Exception as again:  # noqa: BLE001
            log.warning("Discarding the database connection failed too (%s)", type(again).__name__)


def end_request_session(_exc: BaseException | None = None) -> None:
    """At the end of every app context: close the session without letting a failed rollback escape."""
    discard_failed_transaction()
    try:
        db.session.remove()
    except Exception as exc:  # noqa: BLE001 (the request is over; a broken connection must not become an error page)
        log.warning("Closing the database session failed (%s); discarding it", type(exc).__name__)
        try:
            db.session.invalidate()
            db.session.remove()
        except Exception as again:  # noqa: BLE001
            log.warning("Discarding the database session failed too (%s)", type(again).__name__)


# --- One unit of work per request ----------------------------------------------------------------
# Services change objects and flush; they never commit. After the view has answered, finish_request
# commits the request's work once — or rolls it back when the answer is an error — so a route never
# commits, and a step that fails half-way leaves nothing behind. Reading pages that write (a session
# touch, an access-log line) declare it with prepare_to_write(); caches they worked out are queued in
# db.session.info["cache_writes"] and written in that same commit.

KEEP_CHANGES = "keep_changes"  # flask.g flag: commit although the answer is a 4xx (see keep_changes)
QUEUED_WRITES = "queued_writes"  # db.session.info: key -> the writes queue_write() put off until the commit
WROTE = "wrote"  # db.session.info flag: something was flushed since the last commit or rollback


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_write(session, _flush_context):
    session.info[WROTE] = True


@sa.event.listens_for(sa.orm.Session, "do_orm_execute")
def _note_statement_write(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def keep_changes() -> None:
    """Keep what this request wrote although it answers with an error (a counted wrong password).

    The check that refuses comes before any other change, so only that count is kept.
    """
    from flask import g

    g.setdefault(KEEP_CHANGES, True)


def queue_write(key: str, write) -> None:
    """Queue a write a reading page needs (its access-log lines) for the request's one commit.

    `write()` runs once per key in finish_request, after the page is built and only if the page is
    shown, so a page reads everything before it writes. It declares its own write with prepare_to_write().
    """
    db.session.info.setdefault(QUEUED_WRITES, {})[key] = write


def finish_request(response):
    """After every request: commit its one unit of work if it went well, else roll it back.

    "Went well" is an answer below 400 (a page, a redirect after a form), or a refusal that asked
    to keep its count. A commit that fails turns the answer into the kind error page (errors.py), with
    no "saved" message left behind; a reading page's own cache that can't be saved is simply worked
    out again next time.
    """
    from flask import g, request, session

    queued = db.session.info.pop(QUEUED_WRITES, {})
    if response.status_code >= 400 and not g.pop(KEEP_CHANGES, False):
        db.session.info.pop("cache_writes", None)
        db.session.info.pop(WROTE, None)
        discard_failed_transaction()
        done_writing()
        return response
    try:
        for write in queued.values():
            write()
    except Exception:
        discard_failed_transaction()
        session.pop("_flashes", None)
        done_writing()
        raise
    session_ = db.session()
    cache_only = request.method in ("GET", "HEAD") and not (
        db.session.info.pop(WROTE, False) or session_.new or session_.dirty or session_.deleted)
    if db.session.info.get("cache_writes"):
        prepare_to_write()
        apply_cache_writes()
    try:
        db.session.commit()
    except sa.exc.OperationalError as exc:
        discard_failed_transaction()
        if cache_only:
            # Only progress worked out while reading was to be saved: the page itself is fine.
            log.warning("Could not save cached progress (%s); it will be worked out again", type(exc).__name__)
            return response
        session.pop("_flashes", None)  # nothing was saved, so no "saved" message may follow
        raise
    except Exception:
        discard_failed_transaction()
        session.pop("_flashes", None)
        raise
    finally:
        done_writing()
    return response


def commit_now() -> None:
    """Save the request's work so far, before slow work that must not hold the write lock.

    Only for a step whose record must outlive what comes next (a login try is counted before the
    slow password check). Everything else waits for finish_request.
    """
    db.session.commit()


def apply_cache_writes() -> None:
    """Write the caches services worked out (see finish_request), in the current transaction."""
    for model, row_id, values in db.session.info.pop("cache_writes", ()):
        db.session.execute(sa.update(model).where(model.id == row_id).values(**values))
