"""HTTP load on loopback: real servers in their own processes, wrk as the load generator.

wrk (Debian package `wrk`) runs in its own process, bounded in time, with a Lua script that
spreads the requests over several paths; wrk itself counts the answers that are not 2xx/3xx.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    refused: int  # responses other than 2xx or 3xx, and socket errors


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        sys.exit("wrk ontbreekt: installeer het Debian-pakket 'wrk' (apt-get install wrk).")
    return found


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes, the largest one (MB)."""
        pids = [self.process.pid, *_children(self.process.pid)]
        sizes = [_rss_kb(pid) for pid in pids]
        return max(sizes, default=0) / 1024


@contextmanager
def serve(args: list[str], env: Mapping[str, str], health: str) -> Iterator[Server]:
    """Start a server (uvicorn arguments), wait until `health` answers, stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", *args, "--port", str(port), "--no-access-log"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=log, stderr=log, cwd=ROOT
        )
        server = Server(process, f"http://127.0.0.1:{port}")
        try:
            _wait_until_up(server, health, log)
            yield server
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(server: Server, health: str, log: object) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            log.seek(0)  # type: ignore[attr-defined]
            sys.exit(f"server stopped: {log.read().decode(errors='replace')[-2000:]}")  # type: ignore[attr-defined]
        try:
            with urllib.request.urlopen(server.url + health, timeout=2):
                return
        except urllib.error.HTTPError as error:  # up, but broken: waiting will not help
            sys.exit(f"server on {server.url} answers {error.code} on {health}")
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server did not start on {server.url}")


LUA = """
local paths = {%(paths)s}
local method, token, body = "%(method)s", "%(token)s", '%(body)s'
local n = 0
request = function()
  n = n + 1
  local headers = {["Authorization"] = "Bearer " .. token}
  local payload = nil
  if method == "PUT" then
    headers["Content-Type"] = "application/json"
    payload = body
  end
  return wrk.format(method, paths[(n %% #paths) + 1], headers, payload)
end
done = function(summary, latency, requests)
  io.write(string.format("P50 %%f\\nP99 %%f\\n", latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(
    url: str,
    paths: list[str],
    *,
    method: str = "GET",
    token: str = "",
    body: str = "",
    connections: int,
    seconds: float,
) -> Load:
    """Load `url` with wrk for `seconds`."""
    wrk = require_wrk()
    listed = ", ".join(f'"{p}"' for p in paths)
    script = LUA % {"paths": listed, "method": method, "token": token, "body": body}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        threads = min(2, connections)
        done = subprocess.run(
            [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", file.name, url],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(file.name)
    if done.returncode != 0:
        sys.exit(f"wrk failed against {url}: {done.stderr.strip() or done.stdout.strip()}")
    return _parse(done.stdout)


def _parse(output: str) -> Load:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    refused_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    refused = int(refused_match.group(1)) if refused_match else 0
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if errors:
        refused += sum(int(n) for n in errors.groups())
    p50 = float(re.search(r"P50 ([\d.]+)", output).group(1)) / 1000  # type: ignore[union-attr]
    p99 = float(re.search(r"P99 ([\d.]+)", output).group(1)) / 1000  # type: ignore[union-attr]
    return Load(rate, p50, p99, total, refused)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found += [int(entry.name), *_children(int(entry.name))]
    return found


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) if match else 0
