"""`assess demo` end to end: set-up, a serving app, and reuse on the second run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

ASSESS = Path(sys.executable).with_name("assess")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ASSESS_DATA_DIR": str(data_dir)}
    for name in ("ASSESS_DATABASE_URL", "ASSESS_SECRET_KEY"):
        env.pop(name, None)
    process = subprocess.Popen(
        [str(ASSESS), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(process, base, seconds=90)
    return process, base


def wait_until_healthy(process: subprocess.Popen, base: str, seconds: float) -> None:
    """Until `base`/health answers; fails the test when the server stops or never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server stopped: {process.stdout.read() if process.stdout else ''}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("server did not start in time")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=20)
    return output


def test_demo_serves_and_reuses_its_data(tmp_path):
    process, base = start_demo(tmp_path)
    try:
        gemeenten = httpx.get(f"{base}/api/v1/gemeenten").json()
        assert gemeenten["totaal"] == 342
        home = httpx.get(base).text
        assert "Zelfscan aanpak mensenhandel" in home
    finally:
        first = stop(process)
    assert "synthetische zelfevaluaties aangemaakt" in first
    for role in ("medewerker", "analist", "beheerder"):
        assert f"{role}@demo.zelfscan.nl" in first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600

    process, _ = start_demo(tmp_path)
    second = stop(process)
    assert "Demodata bestond al en wordt hergebruikt." in second
