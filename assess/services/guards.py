"""Checks that several use cases share: refuse with Forbidden unless the principal may."""

from __future__ import annotations

from assess.access import Principal
from assess.errors import Forbidden


def require_administrator(who: Principal, message: str) -> None:
    if not who.administers:
        raise Forbidden(message)


def require_benchmark_reader(who: Principal, message: str) -> None:
    if not who.sees_benchmark:
        raise Forbidden(message)
