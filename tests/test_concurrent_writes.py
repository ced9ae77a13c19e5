"""Many colleagues writing at once against a real server on SQLite: every write lands.

A request's commit must never wait for a thread that a handler holds while it waits for the
write lock that commit would free (assess/web/deps.py). With the commit on the handlers' own
executor, 48 concurrent writes gave 36 times 503 and stalls of 50 s.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.__main__ import prepare, project_server

pytestmark = pytest.mark.slow


def test_concurrent_writes_outside_the_answer_put_all_land(tmp_path: Path):
    fixture = prepare(f"sqlite:///{tmp_path / 'assess.db'}")
    with project_server(fixture, 1, str(tmp_path)) as server:

        def add_action(number: int) -> int:
            request = urllib.request.Request(
                f"{server.url}/api/v1/zelfevaluaties/{fixture.concept}/acties",
                data=json.dumps({"titel": f"Actie {number}"}).encode(),
                headers={
                    "Authorization": f"Bearer {fixture.token}",
                    "Content-Type": "application/json",
                },
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(24) as pool:
            statuses = list(pool.map(add_action, range(48)))
        assert statuses == [201] * 48
        listed = urllib.request.Request(
            f"{server.url}/api/v1/zelfevaluaties/{fixture.concept}/acties",
            headers={"Authorization": f"Bearer {fixture.token}"},
        )
        with urllib.request.urlopen(listed, timeout=30) as response:
            titles = {a["titel"] for a in json.load(response)["items"]}
    assert titles >= {f"Actie {n}" for n in range(48)}
