"""A background task killed midway (the worker gets SIGKILL) is reported as interrupted, not left
"running" for ever, and the work can be done again.

The worker is `retroduce worker` as its own process, stopped by the probe of tests/site/midway.py
inside the task's transaction and killed there. The next worker to start (here
`retroduce worker --until-empty`) finds the dead worker's task and marks it failed: the import
says it was interrupted and kept nothing, and a stage's retrain flag is cleared so votes queue
retrains again (before, one killed retrain stopped prioritisation for good).
"""

from __future__ import annotations

import json

from retroduce.core.interrupted import INTERRUPTED
from retroduce.screening.tasks import RETRAIN_INTERRUPTED
from tests.serving import run
from tests.site.test_killed_midway import (
    SLUG,
    archives,  # noqa: F401 (the module's fixture: one demo archive for every install)
    assert_killed_inside_the_transaction,
    helper,
    install_with,
    kill_midway,
    ris_text,
)


def tasks(env: dict) -> dict:
    return json.loads(helper(env, "tasks", SLUG))


def test_killed_import_is_reported_interrupted_and_can_be_run_again(
    fresh_install,
    archives,  # noqa: F811
    tmp_path,
):
    env = fresh_install
    install_with(env, archives.project)
    ris = tmp_path / "big.ris"
    ris.write_text(ris_text(3000, "Queued"))
    records = tasks(env)["records"]
    helper(env, "queue-import", SLUG, str(ris))
    state = kill_midway(env, ["cli", "worker"], r'^INSERT INTO "sources_record"', 2, tmp_path / "w")
    assert_killed_inside_the_transaction(state)
    stuck = tasks(env)
    assert stuck["imports"][-1][:2] == ["big.ris", "running"]  # what the page showed: for ever
    assert stuck["records"] == records

    started = run(env, "worker", "--until-empty")
    assert "was interrupted when its worker stopped" in started.stdout
    after = tasks(env)
    assert after["imports"][-1] == ["big.ris", "failed", INTERRUPTED]
    assert ["Importing big.ris", "failed", INTERRUPTED] in after["progress"]
    assert after["records"] == records

    helper(env, "queue-import", SLUG, str(ris))
    run(env, "worker", "--until-empty")
    again = tasks(env)
    assert again["imports"][-1][:2] == ["big.ris", "done"]
    assert again["records"] == records + 3000


def test_killed_retrain_no_longer_stops_prioritisation(
    fresh_install,
    archives,  # noqa: F811
    tmp_path,
):
    env = fresh_install
    install_with(env, archives.project)
    ris = tmp_path / "more.ris"
    ris.write_text(ris_text(40, "Screened"))
    run(env, "import", SLUG, str(ris))  # records nobody has voted on yet
    helper(env, "vote", SLUG, "4")
    assert tasks(env)["rankings"] == [["ta", True, 0]]  # a retrain is queued
    state = kill_midway(
        env, ["cli", "worker"], r'^INSERT INTO "screening_shortlisted"', 1, tmp_path / "w"
    )
    assert_killed_inside_the_transaction(state)
    assert tasks(env)["rankings"] == [["ta", True, 0]]  # flagged as queued, and nothing runs it

    run(env, "worker", "--until-empty")
    after = tasks(env)
    assert after["rankings"] == [["ta", False, 0]]
    # Its progress row says nobody needs to act, not "start it again".
    assert ["Re-ranking records", "failed", RETRAIN_INTERRUPTED] in after["progress"]
    helper(env, "vote", SLUG, "1")  # the next vote queues a retrain again
    assert tasks(env)["rankings"] == [["ta", True, 0]]
    run(env, "worker", "--until-empty")
    assert tasks(env)["rankings"] == [["ta", False, 5]]
