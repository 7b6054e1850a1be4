"""Running `retroduce` as its own process, for the fresh-install and browser tests."""

from __future__ import annotations

import contextlib
import http.cookiejar
import socket
import subprocess
import sys
import time
import urllib.parse
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


@contextlib.contextmanager
def serving(env: dict, *extra: list[str]):
    """`retroduce serve` on a free port, plus any extra `retroduce` processes; yields the base URL."""
    port = _free_port()
    log_path = Path(env["RETRODUCE_HOME"]).parent / "server.log"
    with open(log_path, "w") as log:
        commands = [["serve", "--port", str(port)], *extra]
        processes = [
            subprocess.Popen([*RETRODUCE, *c], env=env, stdout=log, stderr=log) for c in commands
        ]
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base + "/login/", log_path=log_path)
            yield base
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)


@pytest.fixture
def served_demo(fresh_install):
    """The demo loaded into a fresh install and served by `retroduce serve`; yields the base URL."""
    run(fresh_install, "demo", "--no-serve")
    with serving(fresh_install) as base:
        yield base


class WebUser:
    """A signed-in visitor speaking plain HTTP, with cookies and CSRF tokens like a browser."""

    def __init__(self, base: str, username: str, password: str = "retroduce-demo") -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get("/login/")
        self.landing = self.post("/login/", {"username": username, "password": password})

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=10).read().decode()

    def post(self, path: str, data: dict) -> str:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        return self.opener.open(request, timeout=10).read().decode()

    def wait_for_text(self, path: str, text: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        page = ""
        while time.monotonic() < deadline:
            page = self.get(path)
            if text in page:
                return page
            time.sleep(0.5)
        raise AssertionError(f"{text!r} did not appear on {path} within {seconds}s")
