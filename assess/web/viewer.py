"""The signed-in session of the pages: signing in and out, and the page language."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from assess import i18n
from assess.services.accounts import Account
from assess.web.auth import SESSION_LANGUAGE, signed_in_session
from assess.web.sessions import start_new_session


def sign_in(request: Request[Any, Any, Any], account: Account) -> None:
    """A fresh session, under a new id, for a user who just proved who they are."""
    start_new_session(request)
    request.set_session(signed_in_session(account.id, account.session_epoch, account.language))


def login_url(request: Request[Any, Any, Any]) -> str:
    return f"/inloggen?volgende={quote(request.url.path)}"


class LanguageMiddleware(ASGIMiddleware):
    """Pages speak the language kept in the session (Dutch by default)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        session = scope.get("session")
        language = session.get(SESSION_LANGUAGE) if isinstance(session, dict) else None
        with i18n.language(language or i18n.DEFAULT):
            await next_app(scope, receive, send)
