"""Cross-cutting HTTP behaviour: the headers every response carries, the request id and access
log line, and no trailing slashes."""

from __future__ import annotations

import logging
import re
import time
import uuid

from litestar.datastructures import Headers
from litestar.exceptions import NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, BeforeMessageSendHookHandler, Message, Receive, Scope, Send

from assess import logs

API_VERSION = "1.0.0"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
access = logging.getLogger("assess.access")

# Pages load scripts, styles and images only from /static: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP level 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


def response_headers(https: bool) -> BeforeMessageSendHookHandler:
    """The one place that sets the headers of every response: pages, API, files and errors.

    HSTS only where the service runs behind HTTPS (secure cookies), so a plain-http test or
    demo never tells a browser to refuse http on localhost for a year.
    """
    fixed = {**SECURITY_HEADERS, "API-Version": API_VERSION}
    if https:
        fixed["Strict-Transport-Security"] = HSTS
    # Encoded once: this runs for every response.
    raw = [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in fixed.items()
    ]
    names = {name for name, _value in raw}

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            kept = [pair for pair in message.get("headers", ()) if pair[0].lower() not in names]
            message["headers"] = [*kept, *raw]

    return add_headers


class RequestLog(ASGIMiddleware):
    """A request id for every request (the caller's `X-Request-ID` when it is sane), sent
    back in the response and put on every log line; one access line per request."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        given = Headers.from_scope(scope).get("x-request-id", "")
        current = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        raw_id = current.encode("latin-1")
        token = logs.request_id.set(current)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", raw_id)]
            await send(message)

        try:
            await next_app(scope, receive, send_with_id)
        finally:
            access.info(
                "request",
                extra={
                    "requestId": current,
                    "method": scope.get("method", ""),
                    "path": scope.get("path", ""),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            logs.request_id.reset(token)


class NoTrailingSlash(ASGIMiddleware):
    """A path ending in '/' is a different resource, and it does not exist: 404, no redirect."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # Litestar strips the trailing slash from scope["path"] while routing; raw_path keeps it.
        path = scope.get("raw_path", b"").split(b"?", 1)[0]
        if len(path) > 1 and path.endswith(b"/"):
            raise NotFoundException()
        await next_app(scope, receive, send)
