"""The OpenAPI document at /api/v1/openapi.json, as the NL API Design Rules want it.

Litestar builds the document from the handlers; this module serves it and finishes it:
paths relative to the server URL `/api/v1` (the major version in the URL), the `API-Version`
header on every response, a contact, and `additionalProperties: false` on request bodies
(every input struct forbids unknown fields, so the document says so). Litestar's own
documentation router is mounted on a hidden path and answers 404 there, so an unknown
`/api/v1/...` path is a problem+json 404 like every other API error.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from litestar import Request, Router, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, Contact, SecurityScheme, Server
from litestar.response import Response

from assess.exports import FORMATS, ExportFormat
from assess.web.middleware import API_VERSION

BASE = "/api/v1"
HIDDEN = "/api/v1/_openapi"
MEDIA_TYPE = "application/json"
DOCUMENT_KEY = "openapi_document"
SCHEMAS = "#/components/schemas/"
# Operations that answer a file in one of several formats (Litestar documents only one).
FILE_RESPONSES = {"exportBenchmark": tuple(FORMATS.values())}
# Operations whose body is a file the handler reads itself (Litestar documents no body).
FILE_BODIES = {"postWerkboek": FORMATS[ExportFormat.XLSX]}
# OpenAPI links: what a client (and schemathesis's stateful phase) can do next with an answer,
# so the document describes the officer's path: create -> answer -> submit -> analyse -> report.
_ASSESSMENT = {"zelfevaluatie_id": "$response.body#/id"}
_SAME = {"zelfevaluatie_id": "$request.path.zelfevaluatie_id"}
LINKS: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    # operation: (status, parameters for the next operations, next operations)
    "createZelfevaluatie": (
        "201",
        _ASSESSMENT,
        ("getZelfevaluatie", "putAntwoord", "putDeling", "putRegio", "indienenZelfevaluatie"),
    ),
    "putAntwoord": ("200", _SAME, ("getAntwoord", "indienenZelfevaluatie", "getAnalyse")),
    "indienenZelfevaluatie": ("200", _SAME, ("getAnalyse", "getVergelijking", "getRapport")),
}
API_VERSION_HEADER = {
    "description": "De versie van de API die antwoordde (semver).",
    "schema": {"type": "string", "example": API_VERSION},
}


def _never(_connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
    raise NotFoundException()


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Zelfscan mensenhandel API",
        version=API_VERSION,
        description="Zelfevaluatie van de gemeentelijke aanpak van mensenhandel.",
        contact=Contact(name="VNG, Zelfscan mensenhandel", url="https://vng.nl/"),
        path=HIDDEN,
        openapi_router=Router(HIDDEN, route_handlers=[], include_in_schema=False, guards=[_never]),
        render_plugins=[JsonRenderPlugin()],
        servers=[Server(url=BASE)],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="API-token van `assess token create` of de webpagina Account.",
                )
            }
        ),
    )


@get(f"{BASE}/openapi.json", include_in_schema=False, sync_to_thread=False)
def openapi_document(request: Request[Any, Any, Any]) -> Response[bytes]:
    state = request.app.state
    if DOCUMENT_KEY not in state:  # built once per app, on the first request
        state[DOCUMENT_KEY] = msgspec.json.encode(finish(request.app.openapi_schema.to_schema()))
    return Response(state[DOCUMENT_KEY], media_type=MEDIA_TYPE)


def finish(generated: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(generated)
    document["paths"] = {
        path.removeprefix(BASE) or "/": item
        for path, item in document.get("paths", {}).items()
        if path.startswith(BASE)
    }
    components = document.setdefault("components", {})
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    schemas = components.get("schemas", {})
    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for response in operation["responses"].values():
                response.setdefault("headers", {})["API-Version"] = {
                    "$ref": "#/components/headers/API-Version"
                }
            for name in _body_schemas(operation):
                schemas[name]["additionalProperties"] = False
            if link := LINKS.get(operation.get("operationId", "")):
                status, parameters, targets = link
                operation["responses"][status]["links"] = {
                    target[0].upper() + target[1:]: {
                        "operationId": target,
                        "parameters": parameters,
                    }
                    for target in targets
                }
            if media_type := FILE_BODIES.get(operation.get("operationId", "")):
                binary = {"schema": {"type": "string", "format": "binary"}}
                operation["requestBody"] = {"required": True, "content": {media_type: binary}}
            if formats := FILE_RESPONSES.get(operation.get("operationId", "")):
                binary = {"schema": {"type": "string", "format": "binary"}}
                operation["responses"]["200"]["content"] = dict.fromkeys(formats, binary)
    return document


def _body_schemas(operation: dict[str, Any]) -> list[str]:
    """The component names of an operation's JSON body; an optional body (`X | None`) is
    documented as X, not required, since it is left out rather than sent as `null`."""
    body = operation.get("requestBody", {})
    names = []
    for media in body.get("content", {}).values():
        schema = media.get("schema", {})
        choices = schema.get("oneOf", [schema])
        refs = [c["$ref"] for c in choices if "$ref" in c]
        if len(refs) == 1 and {"type": "null"} in choices:
            media["schema"] = {"$ref": refs[0]}
            body["required"] = False
        names += [ref.rsplit("/", 1)[-1] for ref in refs if ref.startswith(SCHEMAS)]
    return names
