"""Many colleagues writing at once against a real server on SQLite: every write lands.

A request's commit must never wait for a thread that a handler holds while it waits for the
write lock that commit would free (assess/web/deps.py). With the commit on the handlers' own
executor, 48 concurrent writes gave 36 times 503 and stalls of 50 s. Nor may work on the event
loop (web/inline.py) wait for a lock whose holder needs the loop to commit.
"""

from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.__main__ import QUESTIONS, Fixture, prepare, project_server

pytestmark = pytest.mark.slow


def call(url: str, fixture: Fixture, method: str = "GET", body: object = None) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {fixture.token}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def answers_of(url: str, fixture: Fixture) -> dict[str, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {fixture.token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return {a["vraagId"]: a["toelichting"] for a in json.load(response)["antwoorden"]}


def test_concurrent_writes_on_the_loop_and_in_threads_all_land(tmp_path: Path):
    """Answer PUTs run on the event loop when the lock is free; adding an action runs on the
    thread pool and commits once its response starts. Mixed, 48 at once, every one lands."""
    fixture = prepare(f"sqlite:///{tmp_path / 'assess.db'}")
    item = f"/api/v1/zelfevaluaties/{fixture.concept}"
    with project_server(fixture, 1, str(tmp_path)) as server:

        def write(number: int) -> int:
            if number % 2:
                return call(f"{server.url}{item}/acties", fixture, "POST", {"titel": f"A{number}"})
            question = QUESTIONS[number // 2 % len(QUESTIONS)]
            body = {"antwoord": "1", "toelichting": f"schrijver {number}"}
            return call(f"{server.url}{item}/antwoorden/{question}", fixture, "PUT", body)

        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(write, range(48)))
        assert statuses == [200 if n % 2 == 0 else 201 for n in range(48)]
        listed = urllib.request.Request(
            f"{server.url}{item}/acties", headers={"Authorization": f"Bearer {fixture.token}"}
        )
        with urllib.request.urlopen(listed, timeout=30) as response:
            titles = {a["titel"] for a in json.load(response)["items"]}
        saved = answers_of(f"{server.url}{item}", fixture)
    assert titles >= {f"A{n}" for n in range(1, 48, 2)}
    assert {saved[q] for q in QUESTIONS} <= {f"schrijver {n}" for n in range(0, 48, 2)}


def test_a_save_waits_in_a_thread_while_another_process_writes_and_the_server_answers_on(
    tmp_path: Path,
):
    fixture = prepare(f"sqlite:///{tmp_path / 'assess.db'}")
    item = f"/api/v1/zelfevaluaties/{fixture.concept}"
    with project_server(fixture, 1, str(tmp_path)) as server:
        other = sqlite3.connect(tmp_path / "assess.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # a CLI command writing meanwhile
        with ThreadPoolExecutor(1) as pool:
            body = {"antwoord": "2", "toelichting": "na het wachten"}
            saving = pool.submit(call, f"{server.url}{item}/antwoorden/A1", fixture, "PUT", body)
            time.sleep(0.5)
            assert not saving.done()  # waiting for the lock, on a thread
            started = time.monotonic()
            assert call(f"{server.url}{item}/analyse", fixture) in (200, 409)
            assert call(f"{server.url}/health", fixture) == 200
            assert time.monotonic() - started < 1  # the event loop did not wait with it
            other.rollback()
            other.close()
            assert saving.result(timeout=30) == 200
        assert answers_of(f"{server.url}{item}", fixture)["A1"] == "na het wachten"
