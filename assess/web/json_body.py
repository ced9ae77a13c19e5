"""JSON request bodies read strictly, before Litestar converts them.

Litestar converts a body leniently (`"2026"` becomes 2026, a text/plain body is parsed as
JSON). The API promises its schema, so every body is first decoded here as the handler's own
type with msgspec in strict mode; whatever fails is a 4xx problem, never a 500:
a wrong media type (415), malformed JSON or invalid UTF-8, nesting too deep to read, a NUL
character (PostgreSQL cannot store it), or a value of the wrong type (400).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_415_UNSUPPORTED_MEDIA_TYPE

from assess.errors import InvalidInput
from assess.i18n import _

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
INTEGRAL_FLOAT = "Expected `int`, got `float`"
# An escaped NUL (\u0000) that is not itself an escaped backslash followed by "u0000".
_ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def is_json(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


async def read_json_strictly(request: Request[Any, Any, Any]) -> None:
    """A before-request hook for the API routers."""
    field = request.route_handler.parsed_data_field
    if request.method not in WITH_BODY or field is None:
        return
    body = await request.body()
    if not body:  # an optional body left out; Litestar answers when it was required
        return
    if not is_json(request.headers.get("Content-Type", "")):
        raise HTTPException(
            _("Stuur de gegevens als JSON (Content-Type: application/json)."),
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )
    if b"\x00" in body or _ESCAPED_NUL.search(body):
        raise InvalidInput(
            _("De tekst bevat een NUL-teken (\\u0000). Haal het weg en probeer opnieuw."),
            {"body": _("NUL-tekens zijn niet toegestaan.")},
        )
    try:
        _decode_strictly(body, field.annotation)
    except RecursionError:
        raise InvalidInput(_("De JSON is te diep genest om te lezen.")) from None
    except msgspec.ValidationError as exc:
        raise ValidationException(extra=[{"message": str(exc), "source": "body"}]) from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise InvalidInput(
            _("Het verzoek is geen geldige JSON in UTF-8. Controleer de tekens en haakjes.")
        ) from None


def _decode_strictly(body: bytes, kind: Any) -> None:
    """Strict, except that JSON Schema's integer includes `2026.0`: a whole number written with
    a fraction is read as the integer it is (and `2026.5` or `"2026"` still are not)."""
    try:
        msgspec.json.decode(body, type=kind, strict=True)
    except msgspec.ValidationError as exc:
        if not str(exc).startswith(INTEGRAL_FLOAT):
            raise
        msgspec.convert(_whole_numbers(msgspec.json.decode(body)), kind, strict=True)


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value
