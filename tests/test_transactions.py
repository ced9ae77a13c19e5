"""A request commits only when its response is a success (assess/web/deps.py)."""

from __future__ import annotations

import pytest
from litestar import Litestar, Response, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import FromQuery
from litestar.testing import TestClient
from sqlalchemy import func, select

from assess.db.models import AuditEvent
from assess.web.deps import Db, end_transaction, provide_session


@get("/schrijf", sync_to_thread=True)
def write_then_answer(
    db: Db, status: FromQuery[int], fail: FromQuery[bool] = False
) -> Response[str]:
    """Changes the database, then answers with the status asked for (or raises)."""
    db.add(AuditEvent(action="test.write", object_type="test", object_id=str(status)))
    db.flush()
    if fail:
        raise RuntimeError("the handler fails after writing")
    return Response("klaar", status_code=status)


@pytest.fixture
def tiny_app(factory):
    app = Litestar(
        route_handlers=[write_then_answer],
        dependencies={"db": Provide(provide_session)},
        before_send=[end_transaction],
        state=State({"session_factory": factory}),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def written(connection) -> int:
    query = select(func.count()).select_from(AuditEvent).filter_by(action="test.write")
    return connection.execute(query).scalar_one()


@pytest.mark.parametrize(
    ("status", "kept"), [(200, 1), (201, 1), (303, 1), (400, 0), (404, 0), (409, 0), (500, 0)]
)
def test_only_a_success_commits(tiny_app, connection, status, kept):
    response = tiny_app.get("/schrijf", params={"status": status}, follow_redirects=False)
    assert response.status_code == status
    assert written(connection) == kept


def test_an_exception_after_a_write_commits_nothing(tiny_app, connection):
    response = tiny_app.get("/schrijf", params={"status": 200, "fail": True})
    assert response.status_code == 500
    assert written(connection) == 0
