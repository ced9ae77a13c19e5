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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.__main__ import QUESTIONS, Fixture, prepare, project_server
from bench.load import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Fixture, Server, Path]]:
    """One server on one SQLite file for the module: an assessment being filled in."""
    home = tmp_path_factory.mktemp("writers")
    fixture = prepare(f"sqlite:///{home / 'assess.db'}")
    with project_server(fixture, 1, str(home)) as server:
        yield fixture, server, home


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


def test_concurrent_writes_on_the_loop_and_in_threads_all_land(served):
    """Answer PUTs run on the event loop when the lock is free; adding an action runs on the
    thread pool and commits once its response starts. Mixed, 48 at once, every one lands."""
    fixture, server, _home = served
    item = f"{server.url}/api/v1/zelfevaluaties/{fixture.concept}"

    def write(number: int) -> int:
        if number % 2:
            return call(f"{item}/acties", fixture, "POST", {"titel": f"A{number}"})
        question = QUESTIONS[number // 2 % len(QUESTIONS)]
        body = {"antwoord": "1", "toelichting": f"schrijver {number}"}
        return call(f"{item}/antwoorden/{question}", fixture, "PUT", body)

    with ThreadPoolExecutor(24) as pool:
        statuses = list(pool.map(write, range(48)))
    assert statuses == [200 if n % 2 == 0 else 201 for n in range(48)]
    listed = urllib.request.Request(
        f"{item}/acties", headers={"Authorization": f"Bearer {fixture.token}"}
    )
    with urllib.request.urlopen(listed, timeout=30) as response:
        titles = {a["titel"] for a in json.load(response)["items"]}
    assert titles >= {f"A{n}" for n in range(1, 48, 2)}
    saved = answers_of(item, fixture)
    assert {saved[q] for q in QUESTIONS} <= {f"schrijver {n}" for n in range(0, 48, 2)}


def test_a_save_waits_in_a_thread_while_another_process_writes_and_the_server_answers_on(
    served,
):
    fixture, server, home = served
    item = f"{server.url}/api/v1/zelfevaluaties/{fixture.concept}"
    other = sqlite3.connect(home / "assess.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a CLI command writing meanwhile
    with ThreadPoolExecutor(1) as pool:
        body = {"antwoord": "2", "toelichting": "na het wachten"}
        saving = pool.submit(call, f"{item}/antwoorden/A1", fixture, "PUT", body)
        time.sleep(0.5)
        assert not saving.done()  # waiting for the lock, on a thread
        started = time.monotonic()
        results = f"{server.url}/api/v1/zelfevaluaties/{fixture.submitted}/analyse"
        assert call(results, fixture) == 200
        assert call(f"{server.url}/health", fixture) == 200
        assert time.monotonic() - started < 1  # the event loop did not wait with it
        other.rollback()
        other.close()
        assert saving.result(timeout=30) == 200
    assert answers_of(item, fixture)["A1"] == "na het wachten"
