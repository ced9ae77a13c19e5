"""X-Forwarded-For is believed only from ASSESS_TRUSTED_PROXIES: a real `assess serve` on
loopback, signing in with a forged header, and the address the audit log records."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from test_cli import ASSESS, run
from test_demo import free_port, wait_until_healthy

pytestmark = pytest.mark.slow
PASSWORD = "kraanvogel-lantaarn-7"
FORGED = "203.0.113.9"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("proxies")
    assert run(home, "db", "upgrade").returncode == 0
    added = run(
        home,
        "user",
        "add",
        "a@vng.nl",
        "--role",
        "analist",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    return home


def signed_in_address(home: Path, trusted: str) -> str:
    port = free_port()
    env = {
        **os.environ,
        "ASSESS_DATA_DIR": str(home / "data"),
        "ASSESS_SECRET_KEY": "s" * 32,
        "ASSESS_SECURE_COOKIES": "false",
        "ASSESS_TRUSTED_PROXIES": trusted,
    }
    env.pop("ASSESS_DATABASE_URL", None)
    server = subprocess.Popen(
        [str(ASSESS), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(server, base, seconds=30)
        with httpx.Client(base_url=base) as client:
            form = client.get("/inloggen").text
            token = re.search(r'name="_csrf_token" value="([^"]+)"', form).group(1)
            done = client.post(
                "/inloggen",
                data={"email": "a@vng.nl", "wachtwoord": PASSWORD, "_csrf_token": token},
                headers={"X-Forwarded-For": FORGED},
            )
            assert done.status_code == 303, done.text
    finally:
        server.terminate()
        server.wait(timeout=15)
    with sqlite3.connect(home / "data" / "assess.db") as db:
        rows = db.execute(
            "select source from audit_events where action = 'user.login' order by id desc"
        ).fetchall()
    return rows[0][0]


def test_a_forged_forwarded_header_is_ignored_by_default(home):
    assert signed_in_address(home, "") == "127.0.0.1"


def test_a_configured_proxy_is_believed(home):
    assert signed_in_address(home, "127.0.0.1") == FORGED
