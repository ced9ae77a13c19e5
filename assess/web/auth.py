"""Bearer-token authentication for the API, and role guards."""

from __future__ import annotations

from anyio.to_thread import run_sync
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Guard
from sqlalchemy.orm import Session, sessionmaker

from assess import services
from assess.access import Principal, Role
from assess.db.session import transaction

PUBLIC = {"exclude_from_auth": True}
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="zelfscan"'}


class BearerTokenAuth(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, token = connection.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthorizedException(
                "Meld u aan met een API-token: Authorization: Bearer <token>.",
                headers=BEARER_CHALLENGE,
            )
        factory = connection.app.state.session_factory
        principal = await run_sync(_lookup, factory, token.strip())
        if principal is None:
            raise NotAuthorizedException(
                "Het API-token is onbekend, verlopen of ingetrokken.", headers=BEARER_CHALLENGE
            )
        return AuthenticationResult(user=principal, auth=token)


def _lookup(factory: sessionmaker[Session], token: str) -> Principal | None:
    with transaction(factory) as session:
        return services.principal_for_token(session, token)


def roles(*allowed: Role) -> Guard:
    """A guard admitting only the given roles (403 otherwise)."""

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        if connection.user.role not in allowed:
            raise PermissionDeniedException("Uw rol geeft geen toegang tot deze gegevens.")

    return guard
