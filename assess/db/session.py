"""Engine and session setup for SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and pick the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **options: Any) -> Engine:
    normalised = normalise_url(url)
    parsed = make_url(normalised)
    if parsed.get_backend_name() == "sqlite":
        arguments = options.setdefault("connect_args", {})
        arguments.setdefault("factory", _queued_connection_class())
        if parsed.database not in (None, "", ":memory:"):
            # work on the event loop (web/inline.py) must never wait for a pooled connection;
            # a SQLite connection is a file handle, so more of them cost next to nothing
            options.setdefault("max_overflow", -1)
    else:
        options.setdefault("pool_pre_ping", True)  # a restarted server: reconnect by itself
    options.setdefault("hide_parameters", True)  # no user text in logs or error messages
    engine = create_engine(normalised, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


BUSY_TIMEOUT = 5.0  # seconds a writer waits for SQLite's write lock


class _QueuedConnection(sqlite3.Connection):
    """A SQLite connection whose writers wait in line, in this process, for the write lock.

    SQLite lets one writer in at a time; a blocked writer polls with growing sleeps (the busy
    timeout), so under load some saves waited a second while the lock was mostly free. Here a
    writer takes a lock shared by the engine's connections before its first write and gives it
    back at commit or rollback, so the next one starts the moment it is free. Writers in other
    processes still meet the busy timeout.
    """

    queue: threading.Lock  # set per engine by _queued_connection_class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holding = False
        self.impatient = False  # took the lock without waiting; busy timeout lowered to 0

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or _QueuedCursor)

    def enter_for(self, statement: str) -> None:
        if self.holding or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        if not getattr(_this_thread, "without_waiting", False):
            self.holding = self.queue.acquire(timeout=BUSY_TIMEOUT)
            return
        if not self.queue.acquire(blocking=False):
            raise WriteWouldWait("another writer of this process holds the write lock")
        self.holding = self.impatient = True
        super().execute("PRAGMA busy_timeout=0")  # a writer in another process: fail at once

    def leave(self, *, closing: bool = False) -> None:
        if self.impatient and not closing:
            super().execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        self.impatient = False
        if self.holding:
            self.holding = False
            self.queue.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.leave()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave(closing=True)


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_this_thread = threading.local()


class WriteWouldWait(sqlite3.OperationalError):
    """A write under `without_waiting` found the write lock taken."""


@contextmanager
def without_waiting() -> Iterator[None]:
    """SQLite writes on this thread take the write lock only when it is free: otherwise they
    raise at once (`would_wait` tells) instead of waiting their turn."""
    _this_thread.without_waiting = True
    try:
        yield
    finally:
        _this_thread.without_waiting = False


def would_wait(error: BaseException) -> bool:
    """Whether an error means only that a write under `without_waiting` found the lock taken
    (by this process, or, SQLite's busy error, by another)."""
    cause = getattr(error, "orig", error)
    if isinstance(cause, WriteWouldWait):
        return True
    code = getattr(cause, "sqlite_errorcode", 0) if isinstance(cause, sqlite3.Error) else 0
    return code & 0xFF == sqlite3.SQLITE_BUSY


class _QueuedCursor(sqlite3.Cursor):
    connection: _QueuedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> _QueuedCursor:
        self.connection.enter_for(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> _QueuedCursor:
        self.connection.enter_for(sql)
        return super().executemany(sql, parameters)


def _queued_connection_class() -> type[_QueuedConnection]:
    """One queue per engine: its connections take turns; other engines do not wait on it."""
    return type("QueuedConnection", (_QueuedConnection,), {"queue": threading.Lock()})


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit can be lost to
    # a power cut (never to a crash of the process), and the file stays consistent.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    with factory() as session, session.begin():
        yield session
