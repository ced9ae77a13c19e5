"""Server-side sessions for the pages: a Litestar store on the database, a new session id at
every sign-in, an idle timeout (renewed by every request) and an absolute one (in auth.py).

Logout deletes the session row, so a copied cookie is worthless afterwards; a password change
raises the user's session epoch, which ends every other session of that user.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from anyio.to_thread import run_sync
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession

from assess.db import web_sessions

IDLE_SECONDS = 60 * 60  # an hour without a request ends the session
ABSOLUTE_SECONDS = 10 * 60 * 60  # a working day, however busy
STORE_NAME = "sessions"
NEW_SESSION = "assess.new_session"  # scope state flag: give this response a fresh session id
FRESH_ID = "assess.fresh_session_id"
LOADED = "assess.loaded_session"  # (data, expires_at) as read at the start of the request
# An unchanged session is written again (its idle time renewed) at most this often.
RENEW_AFTER = timedelta(minutes=5)
PRUNE_CHANCE = 0.01  # one new session in a hundred clears out the expired ones


class DatabaseStore(Store):
    """Litestar's store interface over `web_sessions`, read through the app's current
    session factory (tests swap it for one inside their transaction)."""

    def __init__(self, state: State) -> None:
        self.state = state

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found = await self.load(key)
        return found[0] if found else None

    async def load(self, key: str) -> tuple[bytes, datetime] | None:
        return await run_sync(web_sessions.load, self.state.session_factory, key)

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        await run_sync(
            web_sessions.save,
            self.state.session_factory,
            key,
            data,
            _seconds(expires_in) or IDLE_SECONDS,
        )

    async def delete(self, key: str) -> None:
        await run_sync(web_sessions.remove, self.state.session_factory, key)

    async def delete_all(self) -> None:
        raise NotImplementedError("sessions end one by one, or by expiry")

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        return await run_sync(web_sessions.remaining_seconds, self.state.session_factory, key)

    async def prune(self) -> None:
        await run_sync(web_sessions.prune, self.state.session_factory)


def _seconds(value: int | timedelta | None) -> int | None:
    return int(value.total_seconds()) if isinstance(value, timedelta) else value


def start_new_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Ask for a fresh session id on this response (sign-in): the old id, which someone else
    may have planted or seen, is deleted with its data."""
    connection.scope.setdefault("state", {})[NEW_SESSION] = True


class RotatingSessionBackend(ServerSideSessionBackend):
    def _store(self, connection: ASGIConnection[Any, Any, Any, Any]) -> DatabaseStore:
        store = self.config.get_store_from_app(connection.scope["app"])
        if not isinstance(store, DatabaseStore):
            raise TypeError(f"the session store '{self.config.store}' must be a DatabaseStore")
        return store

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        found = await self._store(connection).load(session_id) if session_id else None
        if found is None:
            return {}
        connection.scope.setdefault("state", {})[LOADED] = found
        return self.deserialize_data(found[0])

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        state = connection.scope.setdefault("state", {})
        if not scope_session and scope_session is not Empty:
            if not connection.cookies.get(self.config.key):
                return  # a visitor who never signed in: no row, no cookie
            scope_session = Empty  # emptied (signed out): delete the row, clear the cookie
        new = state.pop(NEW_SESSION, False)
        if not new and self._unchanged(scope_session, state.get(LOADED), connection):
            return  # a page view: no write, unless the idle time needs renewing
        if new:
            store = self._store(connection)
            if old := connection.cookies.get(self.config.key):
                await store.delete(old)
            state[FRESH_ID] = self.generate_session_id()
            if random.random() < PRUNE_CHANCE:
                await store.prune()
        await super().store_in_message(scope_session, message, connection)

    def _unchanged(
        self,
        scope_session: ScopeSession,
        loaded: tuple[bytes, datetime] | None,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> bool:
        if scope_session is Empty or loaded is None:
            return False
        data, expires_at = loaded
        renewed_lately = (
            expires_at - datetime.now(UTC) > timedelta(seconds=IDLE_SECONDS) - RENEW_AFTER
        )
        return renewed_lately and self.serialize_data(scope_session, connection.scope) == data

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        fresh = connection.scope.get("state", {}).get(FRESH_ID)  # wins over the cookie's id
        return fresh or super().get_session_id(connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend
