"""Request-scoped dependencies: one database transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator

from anyio.to_thread import run_sync
from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy.orm import Session

Db = NamedDependency[Session]


def client_source(request: Request) -> str:
    """Where a request comes from, for the audit log."""
    return request.client.host if request.client else ""


async def provide_session(request: Request) -> AsyncIterator[Session]:
    """The request owns the transaction: commit on success, roll back on any error.

    Commit, rollback and close run in a worker thread so the event loop never blocks on them.
    """
    session: Session = request.app.state.session_factory()
    try:
        yield session
        await run_sync(session.commit)
    except BaseException:
        await run_sync(session.rollback)
        raise
    finally:
        await run_sync(session.close)
