"""Who is asking: bearer tokens for the API, a signed-in session for the pages; role guards
that both share."""

from __future__ import annotations

from typing import Any

from anyio.to_thread import run_sync
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.security.session_auth import SessionAuth
from litestar.types import Guard

from assess.access import BENCHMARK_READERS, Principal, Role
from assess.db.session import transaction
from assess.i18n import _
from assess.services import accounts, tokens

BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="zelfscan"'}
SESSION_USER = "gebruiker"
SESSION_LANGUAGE = "taal"
PUBLIC_PAGE = {"exclude_from_auth": True}  # opt of a page that needs no sign-in


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
        principal = await run_sync(_token_principal, connection, token.strip())
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


async def _session_principal(
    session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    user_id = session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    return await run_sync(_active_principal, connection, user_id)


def _active_principal(
    connection: ASGIConnection[Any, Any, Any, Any], user_id: int
) -> Principal | None:
    with transaction(connection.app.state.session_factory) as session:
        return accounts.active_principal(session, user_id, client_address(connection))


def session_auth(secret: bytes, secure: bool) -> SessionAuth[Principal, Any]:
    """Signed-in pages: an encrypted cookie session whose user is `request.user`.

    The API (bearer tokens), static files and the health check carry no session; public
    pages have a session (to sign in) but need no user (`PUBLIC_PAGE`).
    """
    machine_paths = ["/api", "/static", "/health"]
    return SessionAuth[Principal, Any](
        retrieve_user_handler=_session_principal,
        session_backend_config=CookieBackendConfig(
            secret=secret,
            key="zelfscan_sessie",
            max_age=8 * 3600,
            httponly=True,
            samesite="lax",
            secure=secure,
            exclude=machine_paths,
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
