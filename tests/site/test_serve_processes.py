"""`retroduce serve --processes N`: several server processes share the port, a dead one is
replaced, and stopping the server stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.serving import RETRODUCE, WebUser, _free_port, _wait_for, run

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="several processes need fork()")


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _until(check, seconds: float = 20):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError("gave up waiting")


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


HISTORY = "/p/integrated-care-leadership/history/"


def test_two_processes_serve_replace_a_dead_one_and_stop_together(fresh_install, tmp_path):
    run(fresh_install, "demo", "--no-serve")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "serve.log", "w") as log:
        server = subprocess.Popen(
            [*RETRODUCE, "serve", "--port", str(port), "--processes", "2"],
            env=fresh_install,
            stdout=log,
            stderr=log,
        )
        try:
            _wait_for(base + "/login/", log_path=tmp_path / "serve.log")
            # Two web processes and the task worker, which yields the cores to them.
            first = _until(lambda: len(kids := _children(server.pid)) == 3 and kids)
            assert sorted(_niceness(pid) for pid in first) == [0, 0, 10]
            reviewer = WebUser(base, "demo-reviewer")
            for _ in range(10):  # the kernel hands these to either process
                assert "leadership for integrated health" in reviewer.get("/")
            owner = WebUser(base, "demo-owner")
            owner.post(HISTORY + "audit", {})  # a background task, run by the worker process
            owner.wait_for_text(HISTORY, "Audit trail complete")

            os.kill(first[0], signal.SIGKILL)  # one dies: another takes its place
            replaced = _until(
                lambda: len(kids := _children(server.pid)) == 3 and first[0] not in kids and kids
            )
            assert first[1] in replaced and first[2] in replaced
            assert "leadership for integrated health" in reviewer.get("/")
            assert "starting another" in (tmp_path / "serve.log").read_text()
        finally:
            server.terminate()
            server.wait(timeout=20)
    assert server.returncode == 0
    for pid in replaced:
        assert (
            not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        )
    with pytest.raises(OSError):
        WebUser(base, "demo-reviewer")
