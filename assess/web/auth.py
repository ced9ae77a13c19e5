"""Who is asking: bearer tokens for the API, a signed-in session for the pages; role guards
that both share."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from litestar import Controller, Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.security.session_auth import SessionAuth
from litestar.types import Guard

from assess.access import BENCHMARK_READERS, Principal, Role
from assess.db.session import transaction
from assess.i18n import _
from assess.services import accounts, tokens
from assess.web.inline import inline_or_in_thread
from assess.web.sessions import ABSOLUTE_SECONDS, IDLE_SECONDS, STORE_NAME, RotatingSessionConfig

BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="zelfscan"'}
SESSION_USER = "gebruiker"
SESSION_LANGUAGE = "taal"
SESSION_EPOCH = "generatie"  # the user's session epoch at sign-in
SESSION_SINCE = "sinds"  # when the session signed in (Unix time), for the absolute timeout


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """Where a request comes from, for the audit log and the login throttle."""
    return connection.client.host if connection.client else ""


class BearerTokenAuth(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        scheme, _space, token = connection.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException(
                "Meld u aan met een API-token: Authorization: Bearer <token>.",
                headers=BEARER_CHALLENGE,
            )
        principal = await inline_or_in_thread(
            connection, partial(_token_principal, connection, token.strip())
        )
        if principal is None:
            raise NotAuthorizedException(
                "Het API-token is onbekend, verlopen of ingetrokken.", headers=BEARER_CHALLENGE
            )
        return AuthenticationResult(user=principal, auth=token)


def _token_principal(
    connection: ASGIConnection[Any, Any, Any, Any], token: str
) -> Principal | None:
    with transaction(connection.app.state.session_factory) as session:
        return tokens.principal_for(session, token, client_address(connection))


def signed_in_session(user_id: int, epoch: int, language: str) -> dict[str, Any]:
    """The data of a fresh signed-in session."""
    return {
        SESSION_USER: user_id,
        SESSION_EPOCH: epoch,
        SESSION_SINCE: int(time.time()),
        SESSION_LANGUAGE: language,
    }


async def _session_principal(
    session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    user_id, epoch, since = (session.get(k) for k in (SESSION_USER, SESSION_EPOCH, SESSION_SINCE))
    if not (isinstance(user_id, int) and isinstance(epoch, int) and isinstance(since, int)):
        return None
    if time.time() - since > ABSOLUTE_SECONDS:
        return None
    return await inline_or_in_thread(
        connection, partial(_active_principal, connection, user_id, epoch)
    )


def _active_principal(
    connection: ASGIConnection[Any, Any, Any, Any], user_id: int, epoch: int
) -> Principal | None:
    with transaction(connection.app.state.session_factory) as session:
        return accounts.active_principal(session, user_id, client_address(connection), epoch)


async def recognise_signed_in(request: Request[Any, Any, Any]) -> None:
    """Public pages need no sign-in but show who is signed in, in the same header as the rest."""
    session = request.scope.get("session")
    if not isinstance(session, dict) or session.get(SESSION_USER) is None:
        return
    if principal := await _session_principal(session, request):
        request.scope["user"] = principal


class PublicPages(Controller):
    """Pages that need no sign-in (the home page, sign-in itself, accessibility)."""

    include_in_schema = False
    opt = {"exclude_from_auth": True}
    before_request = staticmethod(recognise_signed_in)


def session_auth(secure: bool) -> SessionAuth[Principal, Any]:
    """Signed-in pages: a server-side session (web/sessions.py) whose user is `request.user`.

    The API (bearer tokens), static files and the health checks carry no session; public
    pages have a session (to sign in) but need no user (`PUBLIC_PAGE`).
    """
    machine_paths = ["/api", "/static", "/health", "/ready"]
    return SessionAuth[Principal, Any](
        retrieve_user_handler=_session_principal,
        session_backend_config=RotatingSessionConfig(
            key="zelfscan_sessie",
            max_age=IDLE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=secure,
            exclude=machine_paths,
            store=STORE_NAME,
        ),
        exclude=[f"^{path}" for path in machine_paths],
    )


def roles(*allowed: Role) -> Guard:
    """A guard admitting only the given roles (403 otherwise), for API and pages alike."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        if connection.scope.get("method") == "OPTIONS":  # asks what is allowed, reads nothing
            return
        if connection.user.role not in allowed:
            raise PermissionDeniedException(_("Uw rol geeft geen toegang tot deze gegevens."))

    return guard


BENCHMARK_GUARD = roles(*BENCHMARK_READERS)
