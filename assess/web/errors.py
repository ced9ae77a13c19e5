"""problem+json for every API error (RFC 9457), HTML error pages elsewhere."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from assess.errors import ServiceError, StaleVersion
from assess.framework.answers import Answer
from assess.framework.messages import in_dutch
from assess.i18n import N_
from assess.services.action_plan import ActionView
from assess.web.schemas.actions import Actie
from assess.web.schemas.assessments import Document
from assess.web.viewer import login_url

PROBLEM_JSON = "application/problem+json"
AnyRequest = Request[Any, Any, Any]
log = logging.getLogger(__name__)

TITLES = {
    400: N_("Ongeldig verzoek"),
    401: N_("Niet aangemeld"),
    403: N_("Geen toegang"),
    404: N_("Niet gevonden"),
    405: N_("Methode niet toegestaan"),
    409: N_("Conflict"),
    412: N_("Verouderde versie"),
    413: N_("Verzoek te groot"),
    415: N_("Verkeerd mediatype"),
    422: N_("Ongeldige invoer"),
    429: N_("Te veel verzoeken"),
    500: N_("Interne fout"),
    503: N_("Tijdelijk niet beschikbaar"),
}
DETAILS = {
    400: N_("Het verzoek kon niet worden gelezen. Controleer of de JSON geldig is."),
    401: N_("Meld u aan met een geldig API-token (Authorization: Bearer ...)."),
    403: N_("U heeft geen toegang tot deze gegevens."),
    404: N_("Deze bron bestaat niet."),
    405: N_("Deze methode is hier niet toegestaan."),
    413: N_("Het verzoek is te groot."),
    500: N_("Er ging iets mis aan onze kant. Probeer het later opnieuw."),
    503: N_("De database is even niet bereikbaar. Er is niets opgeslagen; probeer het zo opnieuw."),
}
RETRY_AFTER = "10"  # seconds; the pool reconnects by itself once the database is back


class InvalidParam(msgspec.Struct, rename="camel"):
    name: str
    reason: str


class Problem(msgspec.Struct, rename="camel", omit_defaults=True):
    status: int
    title: str
    detail: str
    type: str = "about:blank"
    invalid_params: list[InvalidParam] = []
    huidige_versie: int | None = None
    huidig_antwoord: dict[str, Any] | None = None
    huidige_actie: dict[str, Any] | None = None


def problems(*codes: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem+json answers a handler can give."""
    return {
        code: ResponseSpec(
            Problem, description=TITLES[code], media_type=PROBLEM_JSON, generate_examples=False
        )
        for code in codes
    }


def problem(
    status: int, detail: str, invalid: dict[str, str] | None = None, **extra: Any
) -> Response[Any]:
    body = Problem(
        status=status,
        title=TITLES.get(status, "Fout"),
        detail=detail,
        invalid_params=[InvalidParam(k, v) for k, v in (invalid or {}).items()],
        **extra,
    )
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON)


def _is_api(request: AnyRequest) -> bool:
    return request.url.path.startswith("/api/")


def _respond(request: AnyRequest, status: int, detail: str, **kwargs: Any) -> Response[Any]:
    if _is_api(request):
        return problem(status, detail, **kwargs)
    if status == 401:
        return Redirect(login_url(request), status_code=303)
    return Template(
        "error.html",
        context={"status": status, "title": TITLES.get(status, N_("Fout")), "detail": detail},
        status_code=status,
    )


def service_error(request: AnyRequest, exc: ServiceError) -> Response[Any]:
    extra: dict[str, Any] = {}
    if isinstance(exc, StaleVersion):
        extra["huidige_versie"] = exc.version
        if isinstance(exc.current, Answer):
            extra["huidig_antwoord"] = {
                "antwoord": exc.current.code,
                "regionaal": exc.current.regional,
                "toelichting": exc.current.explanation,
                "bewijs": exc.current.evidence,
                "documenten": [msgspec.to_builtins(Document.of(d)) for d in exc.current.documents],
            }
        if isinstance(exc.current, ActionView):
            extra["huidige_actie"] = msgspec.to_builtins(Actie.of(exc.current))
    return _respond(request, exc.status, exc.detail, invalid=exc.invalid_params, **extra)


def validation_error(request: AnyRequest, exc: ValidationException) -> Response[Any]:
    invalid: dict[str, str] = {}
    for item in exc.extra or []:
        if isinstance(item, dict):
            message, _, path = str(item.get("message", "")).partition(" - at `$.")
            name = item.get("key") or path.rstrip("`") or item.get("source") or "body"
            invalid[camel(str(name))] = in_dutch(message)
    return _respond(request, 400, N_("De invoer klopt niet. Zie invalidParams."), invalid=invalid)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    """Our own exceptions carry a Dutch detail; Litestar's carry the English status phrase."""
    status = exc.status_code
    own = exc.detail and exc.detail != HTTPStatus(status).phrase and status < 500
    detail = exc.detail if own and status != 400 else DETAILS.get(status, DETAILS[500])
    response = _respond(request, status, detail)
    response.headers.update(exc.headers or {})
    return response


def database_unavailable(request: AnyRequest, exc: Exception) -> Response[Any]:
    log.warning("database unavailable", extra={"error": type(exc).__name__})
    response = _respond(request, HTTP_503_SERVICE_UNAVAILABLE, DETAILS[503])
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def internal_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    log.error("unhandled error", exc_info=exc, extra={"path": request.url.path})
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR, DETAILS[500])


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ServiceError: service_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    OperationalError: database_unavailable,  # the server is down or SQLite stayed locked
    InterfaceError: database_unavailable,
    PoolTimeout: database_unavailable,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error,
    Exception: internal_error,
}
