"""Operations: /health and /ready, a database outage answered with 503 and recovered from by
itself, request ids, and JSON logs without personal data."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import threading

import pytest
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from assess.app import create_app
from assess.config import Settings
from assess.db.session import make_engine
from assess.logs import JsonFormatter

from conftest import bearer

KEY = "k" * 32
PG = os.environ.get("ASSESS_TEST_DATABASE_URL")


def app_on(url: str):
    return create_app(Settings(database_url=url, secret_key=KEY, secure_cookies=False))


def test_health_answers_without_a_database():
    with TestClient(app_on("postgresql://postgres@127.0.0.1:1/nergens")) as client:
        response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_ready_when_the_database_answers_and_is_migrated(client):
    response = client.get("/ready")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_not_ready_without_database_or_migrations(tmp_path):
    for url, reason in [
        ("postgresql://postgres@127.0.0.1:1/nergens", "de database antwoordt niet"),
        (f"sqlite:///{tmp_path / 'leeg.db'}", "de database is niet bijgewerkt (assess db upgrade)"),
    ]:
        with TestClient(app_on(url)) as client:
            response = client.get("/ready")
        assert response.status_code == 503 and response.headers["retry-after"] == "10"
        assert response.json()["reden"] == reason


def test_an_outage_is_a_503_problem_not_a_500():
    with TestClient(app_on("postgresql://postgres@127.0.0.1:1/nergens")) as client:
        api = client.get("/api/v1/gemeenten", headers=bearer("zsm_x"))
        page = client.get("/")
    assert api.status_code == 503 and api.headers["content-type"] == "application/problem+json"
    assert api.headers["retry-after"] == "10" and "niet bereikbaar" in api.json()["detail"]
    assert page.status_code == 503 and "niet bereikbaar" in page.text


class Relay:
    """A TCP relay in front of PostgreSQL that can be cut and restored: an outage on demand."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target, self.port, self.sockets = target, 0, []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        for s in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets = []

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


@pytest.mark.skipif(not PG, reason="needs PostgreSQL (ASSESS_TEST_DATABASE_URL)")
def test_the_service_recovers_by_itself_after_an_outage(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL run shows it")
    real = make_url(PG)
    relay = Relay((real.host or "127.0.0.1", real.port or 5432))
    relay.start()
    url = real.set(port=relay.port).render_as_string(hide_password=False)
    with TestClient(app_on(url)) as client:
        assert client.get("/ready").status_code in (200, 503)  # connects through the relay
        relay.cut()
        assert client.get("/ready").status_code == 503
        assert client.get("/api/v1/gemeenten").status_code == 503
        relay.start()
        assert client.get("/ready").status_code in (200, 503)
        # back: the database answers again (migrated or not, it is reachable)
        assert client.get("/ready").json().get("reden") != "de database antwoordt niet"
    relay.cut()


def test_every_response_carries_a_request_id(client):
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/health", headers={"X-Request-ID": "<script>" * 20})
    assert len(made.headers["x-request-id"]) == 32 and "<" not in made.headers["x-request-id"]


def test_logs_are_json_with_the_request_id_and_nothing_personal(client, caplog):
    caplog.set_level(logging.INFO, logger="assess.access")
    client.get(
        "/inloggen?volgende=/zelfevaluaties/geheim&email=anna@zwolle.nl",
        headers={"X-Request-ID": "req-1"},
    )
    record = next(r for r in caplog.records if r.name == "assess.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["requestId"] == "req-1" and line["status"] == 200
    assert line["method"] == "GET" and line["path"] == "/inloggen"
    text = json.dumps(line)
    assert "anna" not in text and "geheim" not in text and "testclient" not in text


def test_an_error_log_keeps_its_type_and_stack_but_not_its_message():
    try:
        raise ValueError("toelichting: vertrouwelijke tekst")
    except ValueError:
        record = logging.LogRecord("assess", logging.ERROR, __file__, 1, "fout", None, None)
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["error"] == "ValueError" and "test_operations.py" in line["stack"][0]
    assert "vertrouwelijke" not in json.dumps(line)


def test_sql_parameters_stay_out_of_errors():
    engine = make_engine("sqlite://")
    with engine.connect() as connection:
        connection.exec_driver_sql("create table t (x integer primary key)")
        connection.exec_driver_sql("insert into t values (1)")
        with pytest.raises(IntegrityError) as caught:
            connection.execute(text("insert into t values (:x)"), {"x": 1})
    assert "[SQL parameters hidden" in str(caught.value)
