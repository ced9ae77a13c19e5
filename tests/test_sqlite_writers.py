"""SQLite writers of one process take turns; on the event loop a write never waits its turn.

`without_waiting` is what lets web/inline.py run short work on the event loop: a write there
must fail at once when the write lock is taken (by this process or another), never wait for it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from assess.db.session import BUSY_TIMEOUT, make_engine, without_waiting, would_wait

INSERT = text("INSERT INTO note (body) VALUES ('x')")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE note (body TEXT)"))
    yield engine
    engine.dispose()


def busy_timeout(connection: object) -> int:
    return connection.exec_driver_sql("PRAGMA busy_timeout").scalar()  # type: ignore[attr-defined,no-any-return]


def notes(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM note")).scalar_one()


def test_without_waiting_a_free_write_lock_is_taken_and_the_busy_timeout_comes_back(engine):
    with without_waiting(), engine.connect() as connection:
        connection.execute(INSERT)
        assert busy_timeout(connection) == 0  # another process's writer: fail, do not wait
        connection.commit()
        assert busy_timeout(connection) == int(BUSY_TIMEOUT * 1000)
    assert notes(engine) == 1


def test_without_waiting_a_write_fails_at_once_while_a_writer_of_this_process_holds_the_lock(
    engine,
):
    with engine.connect() as holder:
        holder.execute(INSERT)  # holds the write lock until it commits
        started = time.monotonic()
        with without_waiting(), engine.connect() as impatient:
            with pytest.raises(OperationalError) as refused:
                impatient.execute(INSERT)
            impatient.rollback()
        assert would_wait(refused.value)
        assert time.monotonic() - started < 0.5
        holder.commit()
    with without_waiting(), engine.connect() as connection:  # the lock is free again
        connection.execute(INSERT)
        connection.commit()
    assert notes(engine) == 2


def test_without_waiting_a_write_fails_at_once_while_another_process_holds_the_lock(
    engine, tmp_path: Path
):
    other = sqlite3.connect(tmp_path / "writers.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # as a CLI command or a second worker would
    try:
        started = time.monotonic()
        with without_waiting(), engine.connect() as impatient:
            with pytest.raises(OperationalError) as refused:
                impatient.execute(INSERT)
            impatient.rollback()
            assert busy_timeout(impatient) == int(BUSY_TIMEOUT * 1000)
        assert would_wait(refused.value)
        assert time.monotonic() - started < 0.5
    finally:
        other.rollback()
        other.close()
    assert notes(engine) == 0


def test_other_threads_still_wait_their_turn_while_one_writes_without_waiting(engine):
    """The flag belongs to the thread that set it: a pool thread still queues for the lock."""
    landed: list[int] = []
    with without_waiting(), engine.connect() as holder:
        holder.execute(INSERT)

        def patient() -> None:
            with engine.connect() as connection:
                connection.execute(INSERT)
                connection.commit()
                landed.append(1)

        writer = threading.Thread(target=patient)
        writer.start()
        time.sleep(0.2)
        assert landed == []  # waiting for the lock, not refused
        holder.commit()
        writer.join(timeout=BUSY_TIMEOUT)
    assert landed == [1]
    assert notes(engine) == 2


def test_a_real_error_is_not_taken_for_a_wait(engine):
    with engine.connect() as connection, pytest.raises(OperationalError) as failed:
        connection.execute(text("INSERT INTO missing (body) VALUES ('x')"))
    assert not would_wait(failed.value)
