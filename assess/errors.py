"""Typed errors raised by services; the web layer turns them into problem+json."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    title = "Ongeldig verzoek"

    def __init__(self, detail: str, invalid_params: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        self.invalid_params = invalid_params or {}


class NotFound(ServiceError):
    status = 404
    title = "Niet gevonden"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"


class InvalidInput(ServiceError):
    status = 400
    title = "Ongeldige invoer"


class StaleVersion(ServiceError):
    """The client saved on top of a version that is no longer current."""

    status = 412
    title = "Verouderde versie"

    def __init__(self, detail: str, current: Any = None, version: int | None = None):
        super().__init__(detail)
        self.current = current
        self.version = version


class Forbidden(ServiceError):
    status = 403
    title = "Geen toegang"
