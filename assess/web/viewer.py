"""Who is looking at a page: the signed-in user from the session cookie, and their language."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.orm import Session

from assess import i18n, services
from assess.access import Principal
from assess.errors import NotFound

SESSION_USER = "gebruiker"
SESSION_LANGUAGE = "taal"


def current_viewer(request: Request, db: NamedDependency[Session]) -> Principal:
    """The signed-in, still active user; 401 (a redirect to the login page) otherwise."""
    user_id = request.session.get(SESSION_USER) if "session" in request.scope else None
    if user_id is None:
        raise NotAuthorizedException()
    try:
        return services.principal_of(services.active_user(db, user_id))
    except NotFound:
        request.clear_session()
        raise NotAuthorizedException() from None


def sign_in(request: Request, principal: Principal, language: str) -> None:
    request.clear_session()  # a fresh session on every sign-in
    request.set_session({SESSION_USER: principal.user_id, SESSION_LANGUAGE: language})


def login_url(request: Request) -> str:
    return f"/inloggen?volgende={quote(request.url.path)}"


class LanguageMiddleware(ASGIMiddleware):
    """Pages speak the language kept in the session (Dutch by default)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        session = scope.get("session") or {}
        with i18n.language(session.get(SESSION_LANGUAGE, i18n.DEFAULT)):
            await next_app(scope, receive, send)
