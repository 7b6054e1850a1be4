"""The installed `retroduce` command, run as a separate process the way a newcomer runs it."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import WebUser, run, serving


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


HISTORY = "/p/integrated-care-leadership/history/"


def test_serve_signs_in_and_runs_background_tasks_in_process(served_demo):
    owner = WebUser(served_demo, "demo-owner")
    assert "Developing programme theories of leadership" in owner.landing
    owner.post(HISTORY + "audit", {})
    page = owner.wait_for_text(HISTORY, "Audit trail complete")
    assert re.search(r"all \d+ objects", page)


def test_team_setup_runs_tasks_in_a_separate_worker(fresh_install):
    run(fresh_install, "demo", "--no-serve")
    env = {**fresh_install, "RETRODUCE_INPROCESS_WORKER": "0"}
    with serving(env, ["worker"]) as base:
        owner = WebUser(base, "demo-owner")
        owner.post(HISTORY + "audit", {})
        owner.wait_for_text(HISTORY, "Audit trail complete")
