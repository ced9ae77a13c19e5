"""Short database work on the event loop where SQLite lets it run without waiting.

Under load, a hop to the thread pool cost more than the work itself: with SQLite, every
statement lets go of the GIL and the loop and the pool's threads take turns for it (measured:
an answer PUT at 32 connections went from 0.09 to 0.16 of the bare app without its hops).
So on SQLite short work runs here, on the loop, when it cannot wait: in WAL mode reads never
wait, and a write takes the write lock only when it is free (`db.session.without_waiting`).
When it is taken, by a thread of this process or by another process, the work is rolled back
and runs again on the thread pool, where it waits its turn as before. Nothing on the loop
ever waits for a lock another request holds, so no request can wait for the loop it blocks.

PostgreSQL is a server across a network: its work always runs on the thread pool.
Only for short work (a few milliseconds): anything longer belongs on the thread pool anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Request
from litestar.concurrency import sync_to_thread
from litestar.connection import ASGIConnection
from sqlalchemy.orm import Session

from assess.db.session import without_waiting, would_wait
from assess.web.deps import commit_now

T = TypeVar("T")


async def inline_or_in_thread(
    connection: ASGIConnection[Any, Any, Any, Any],
    work: Callable[[], T],
    session: Session | None = None,
) -> T:
    """Run `work` here on SQLite when it needs no wait, otherwise on the thread pool.
    `session`: the request's session that `work` uses, rolled back before a second try."""
    if connection.app.state.engine.dialect.name == "sqlite":
        try:
            with without_waiting():
                return work()
        except Exception as error:
            if session is not None:
                session.rollback()  # gives back the write lock at once; never waits
            if not would_wait(error):
                raise
    return await sync_to_thread(work)


async def committed(request: Request[Any, Any, Any], session: Session, work: Callable[[], T]) -> T:
    """A handler's `work` on the request's `session`, committed as soon as it is done (its
    response in hand): on its own thread or here, so no further hop ends the transaction."""

    def work_and_commit() -> T:
        result = work()
        commit_now(request)
        return result

    return await inline_or_in_thread(request, work_and_commit, session)
