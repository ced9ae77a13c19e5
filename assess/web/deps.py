"""One database session per request, committed only when the response is a success.

`provide_session` opens the session; `end_transaction`, a Litestar before-send hook, commits
it when the response status is known: 2xx and 3xx commit, anything else rolls back. So a
handler that turns a refused use case into an error page or a problem leaves the database
as it was, wherever in the request the change was made. An exception rolls back at once.

The commit runs on anyio's thread pool, not on the executor the sync handlers run on: a
handler waiting for SQLite's write lock must never keep the commit that frees it from a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from anyio.to_thread import run_sync
from litestar import Request
from litestar.di import NamedDependency
from litestar.types import Message, Scope
from sqlalchemy.orm import Session

from assess.access import Principal

Db = NamedDependency[Session]
SESSION_KEY = "assess.db_session"


def viewer(request: Request[Principal, Any, Any]) -> Principal:
    """The authenticated principal of a request (bearer token or signed-in session)."""
    return request.user


def min_group_size(request: Request[Any, Any, Any]) -> int:
    return int(request.app.state.settings.min_group_size)


async def provide_session(request: Request[Any, Any, Any]) -> AsyncIterator[Session]:
    session: Session = request.app.state.session_factory()
    state = request.scope.setdefault("state", {})
    state[SESSION_KEY] = session
    try:
        yield session
    except BaseException:
        state.pop(SESSION_KEY, None)
        await run_sync(_finish, session, False)
        raise


async def end_transaction(message: Message, scope: Scope) -> None:
    """Commit on 2xx/3xx, roll back otherwise, when the response starts."""
    if message["type"] != "http.response.start":
        return
    session = scope.get("state", {}).pop(SESSION_KEY, None)
    if session is not None:
        await run_sync(_finish, session, message["status"] < 400)


def commit_now(request: Request[Any, Any, Any]) -> None:
    """Commit the request's session here, where the handler's work ran, instead of in a hop
    back to the thread pool once the response starts. For work that has its successful
    response in hand (`web/inline.py: committed`; under SQLite a save then holds the write
    lock for less)."""
    session = request.scope.get("state", {}).pop(SESSION_KEY, None)
    if session is not None:
        _finish(session, True)


def _finish(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
