"""Running `retroduce` as its own process, for the fresh-install and browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

RETRODUCE = [sys.executable, "-m", "retroduce.site"]


def run(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*RETRODUCE, *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float = 60, log_path: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback only)
            return
        except OSError:
            time.sleep(0.3)
    log = log_path.read_text() if log_path else ""
    raise AssertionError(f"{url} did not answer within {seconds}s\n{log}")


@pytest.fixture
def served_demo(fresh_install):
    """The demo loaded into a fresh install and served by `retroduce serve`; yields the base URL."""
    run(fresh_install, "demo", "--no-serve")
    port = _free_port()
    log_path = Path(fresh_install["RETRODUCE_HOME"]).parent / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [*RETRODUCE, "serve", "--port", str(port)], env=fresh_install, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base + "/login/", log_path=log_path)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)
