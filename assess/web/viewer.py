"""The signed-in session of the pages: signing in and out, and the page language."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from assess import i18n
from assess.access import Principal
from assess.web.auth import SESSION_LANGUAGE, SESSION_USER


def sign_in(request: Request[Any, Any, Any], principal: Principal, language: str) -> None:
    request.clear_session()  # a fresh session on every sign-in
    request.set_session({SESSION_USER: principal.user_id, SESSION_LANGUAGE: language})


def login_url(request: Request[Any, Any, Any]) -> str:
    return f"/inloggen?volgende={quote(request.url.path)}"


class LanguageMiddleware(ASGIMiddleware):
    """Pages speak the language kept in the session (Dutch by default)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        session = scope.get("session")
        language = session.get(SESSION_LANGUAGE) if isinstance(session, dict) else None
        with i18n.language(language or i18n.DEFAULT):
            await next_app(scope, receive, send)
