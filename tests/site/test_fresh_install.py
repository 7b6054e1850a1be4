"""The installed `retroduce` command, run as a separate process the way a newcomer runs it."""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.serving import run


def test_demo_no_serve_sets_up_a_new_home(fresh_install):
    result = run(fresh_install, "demo", "--no-serve")
    assert "Loaded the demo project integrated-care-leadership" in result.stdout
    home = Path(fresh_install["RETRODUCE_HOME"])
    assert (home / "secret_key").exists()
    assert "integrated-care-leadership" in run(fresh_install, "projects").stdout


def test_pending_migration_backs_up_sqlite_first(fresh_install):
    if "DATABASE_URL" in fresh_install:
        pytest.skip("the backup copies the SQLite file; PostgreSQL teams use pg_dump")
    run(fresh_install, "demo", "--no-serve")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "migrate",
            "theory",
            "zero",
            "--settings=retroduce.site.settings",
        ],
        env=fresh_install,
        check=True,
        capture_output=True,
    )
    result = run(fresh_install, "projects")
    assert "Backed up the database to" in result.stdout
    backups = list((Path(fresh_install["RETRODUCE_HOME"]) / "backups").glob("*.sqlite3"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as db:
        assert db.execute("select slug from core_project").fetchall() == [
            ("integrated-care-leadership",)
        ]


def test_serve_signs_in_and_runs_background_tasks_in_process(served_demo):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(path: str, data: dict, referer: str) -> str:
        token = next(c.value for c in jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(
            served_demo + path, data=body, headers={"Referer": referer}
        )
        return opener.open(request, timeout=10).read().decode()

    opener.open(served_demo + "/login/", timeout=10)
    dashboard = post(
        "/login/", {"username": "demo-owner", "password": "retroduce-demo"}, served_demo + "/login/"
    )
    assert "Developing programme theories of leadership" in dashboard

    history = "/p/integrated-care-leadership/history/"
    post(history + "audit", {}, served_demo + history)
    deadline = time.monotonic() + 30
    page = ""
    while time.monotonic() < deadline:
        page = opener.open(served_demo + history, timeout=10).read().decode()
        if "Audit trail complete" in page:
            break
        time.sleep(0.5)
    assert "Audit trail complete" in page
    assert re.search(r"all \d+ objects", page)
