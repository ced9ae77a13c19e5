"""For monitors and load balancers: /health (the process answers; no database) and /ready
(the database answers and is at the newest migration; 503 with Retry-After otherwise)."""

from __future__ import annotations

import logging
from typing import Any

from anyio.to_thread import run_sync
from litestar import Request, get
from litestar.response import Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assess.db.migrate import is_current_on
from assess.web.errors import RETRY_AFTER

log = logging.getLogger(__name__)


@get("/health", include_in_schema=False, sync_to_thread=False)
def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", include_in_schema=False)
async def ready(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    problem = await run_sync(_database_problem, request.app.state.session_factory)
    if problem is None:
        return Response({"status": "ok"})
    return Response(
        {"status": "niet gereed", "reden": problem},
        status_code=503,
        headers={"Retry-After": RETRY_AFTER},
    )


def _database_problem(factory: sessionmaker[Session]) -> str | None:
    try:
        with factory() as session:
            current = is_current_on(session.connection())
    except SQLAlchemyError as exc:
        log.warning("database unreachable", extra={"error": type(exc).__name__})
        return "de database antwoordt niet"
    return None if current else "de database is niet bijgewerkt (assess db upgrade)"
