"""Cross-cutting HTTP behaviour: the API-Version header and no trailing slashes."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

API_VERSION = "1.0.0"


async def add_api_version(message: Message, scope: Scope) -> None:
    if message["type"] == "http.response.start":
        MutableScopeHeaders.from_message(message)["API-Version"] = API_VERSION


class NoTrailingSlash(ASGIMiddleware):
    """A path ending in '/' is a different resource, and it does not exist: 404, no redirect."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # Litestar strips the trailing slash from scope["path"] while routing; raw_path keeps it.
        path = scope.get("raw_path", b"").split(b"?", 1)[0]
        if len(path) > 1 and path.endswith(b"/"):
            raise NotFoundException()
        await next_app(scope, receive, send)
