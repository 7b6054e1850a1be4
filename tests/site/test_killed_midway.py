"""Reliability: an import, a merge, a restore or a theory freeze killed halfway (SIGKILL) leaves
the project exactly as it was before, and the database usable.

Each test sets up a fresh install with `retroduce` run as its own process, snapshots the whole
database (every table's rows) and the files under MEDIA_ROOT, then runs the operation in a
subprocess under the probe of tests/site/midway.py: after a chosen SQL statement inside the
operation (say the second INSERT of records) the probe reports how many writes the open
transaction holds and waits. The test then kills the process with SIGKILL, checks that the kill
hit a live process inside an open transaction that had written rows, and that the snapshot is
unchanged: same rows in every table, no file changed or removed. A file the killed process wrote
before its commit may be left on disk until the next start removes it, provided nothing in the
database refers to it. Finally `retroduce check` passes and the same operation, run again,
completes.

The archives restored here come from a SQLite source install built once per module (the demo,
then enlarged); on the PostgreSQL pass the fresh installs under test are PostgreSQL databases.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from retroduce.exchange import refi
from tests.serving import run
from tests.sources.ris_samples import ris_record

REPO = Path(__file__).resolve().parents[2]
MIDWAY = [sys.executable, "-m", "tests.site.midway"]
SLUG = "integrated-care-leadership"
PASSWORD = "a long enough password for the owner"


# --- processes -----------------------------------------------------------------------------------


def _env(env: dict) -> dict:
    return {
        **env,
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p),
    }


def helper(env: dict, *args: str) -> str:
    result = subprocess.run(
        [*MIDWAY, *args], env=_env(env), cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(env: dict) -> dict:
    return json.loads(helper(env, "snapshot"))


def _probe_line(fd: int, seconds: float) -> str | None:
    """The probe's line, or None when the process ended (the pipe closed) without writing it."""
    data = b""
    while b"\n" not in data:
        ready, _, _ = select.select([fd], [], [], seconds)
        if not ready:
            raise AssertionError(f"no word from the probe within {seconds}s")
        chunk = os.read(fd, 4096)
        if not chunk:
            return None
        data += chunk
    return data.decode().strip()


def kill_midway(env: dict, args: list[str], sql: str, after: int, log: Path) -> dict:
    """Run `python -m tests.site.midway ARGS…` until the `after`-th statement matching `sql` has
    run, SIGKILL it there, and return what the probe saw (writes in the open transaction)."""
    read, write = os.pipe()
    probe = {"PROBE_SQL": sql, "PROBE_AFTER": str(after), "PROBE_FD": str(write)}
    with open(log, "w") as out:
        process = subprocess.Popen(
            [*MIDWAY, *args],
            env={**_env(env), **probe},
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
            pass_fds=(write,),
        )
    os.close(write)
    try:
        line = _probe_line(read, 120)
        if line is None:
            process.wait(timeout=30)
            raise AssertionError(
                f"{' '.join(args)} ended (exit {process.returncode}) before statement {after} "
                f"matching {sql!r}: make its input larger\n{log.read_text()}"
            )
        assert line.startswith("PROBE midway "), line
        assert process.poll() is None, "the process should still be running when killed"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        os.close(read)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        process.stdin.close()
    state = json.loads(line.removeprefix("PROBE midway "))
    print(f"killed {' '.join(args[:2])} after {state['writes']} writes, at: {state['sql']}")
    return state


def assert_killed_inside_the_transaction(state: dict) -> None:
    """The kill hit the operation's own transaction, open and already written to."""
    assert state["in_atomic_block"] and not state["autocommit"], state
    assert state["writes"] > 0, state


def assert_unchanged(env: dict, before: dict) -> list[str]:
    """Every table as it was, no file changed or gone; returns the files the killed process left
    behind, none of which the database refers to."""
    after = snapshot(env)
    changed = {
        label: {"before": before["tables"].get(label), "after": rows}
        for label, rows in after["tables"].items()
        if before["tables"].get(label) != rows
    }
    assert not changed, f"tables changed by the killed operation: {changed}"
    gone = sorted(set(before["files"]) - set(after["files"]))
    altered = sorted(
        name
        for name in before["files"]
        if after["files"].get(name, before["files"][name]) != before["files"][name]
    )
    assert not gone and not altered, f"files removed {gone}, files changed {altered}"
    strays = sorted(set(after["files"]) - set(before["files"]))
    referenced = [name for name in strays if name in after["refs"]]
    assert not referenced, f"the database refers to files a killed operation wrote: {referenced}"
    if strays:
        print(f"unreferenced files left by the killed process: {strays}")
    return strays


# --- inputs --------------------------------------------------------------------------------------


def ris_text(n: int, label: str, duplicates: int = 0) -> str:
    """`n` distinct records, then the first `duplicates` of them again (exact duplicates, which
    the import's deduplication merges)."""
    records = [
        ris_record(
            f"{label} study {i}: how leaders of team {i % 97} build trust across services ({i})",
            [f"Author{i}, Alex", f"Coauthor{i % 131}, Blake"],
            str(1990 + i % 30),
            f"Journal of {label} Care {i % 40}",
            doi=f"10.5555/{label.lower()}.{i}",
            volume=str(i % 50 + 1),
            pages=f"{i % 300 + 1}-{i % 300 + 12}",
        )
        for i in range(n)
    ]
    return "".join(records + records[:duplicates])


def coded_qdpx(name: str, sources: int, passages: int) -> bytes:
    """A REFI-QDA project as another tool writes it: its own codes, text sources, and coded
    passages (two codes each); all GUIDs new to the project it is merged into."""

    def guid() -> str:
        return str(uuid.uuid4())

    themes = tuple(refi.Code(guid=guid(), name=f"Theme {i}", color="#336699") for i in range(12))
    items = []
    for s in range(sources):
        sentences = [
            f"Interview {s}, passage {k}: the {name} leaders listened, so the teams trusted them. "
            for k in range(passages)
        ]
        selections, start = [], 0
        for k, sentence in enumerate(sentences):
            codes = (themes[k % 12].guid, themes[(k + 1 + s % 11) % 12].guid)
            selections.append(
                refi.TextSelection(
                    guid=guid(),
                    name=f"Passage {k}",
                    start=start,
                    end=start + len(sentence) - 1,
                    code_guids=codes,
                )
            )
            start += len(sentence)
        items.append(
            refi.Source(
                guid=guid(),
                name=f"{name} interview {s}",
                kind="text",
                plain_text="".join(sentences),
                selections=tuple(selections),
            )
        )
    model = refi.Project(
        name=f"{name} interviews",
        codebook=(refi.Code(guid=guid(), name=f"{name} themes", children=themes),),
        sources=tuple(items),
        notes=(refi.Note(guid=guid(), name="About", text=f"The {name} interviews, coded."),),
    )
    return refi.write_qdpx(model)


@dataclass(frozen=True)
class Archives:
    project: Path  # the demo project, with 60 more components in its current theory version
    big: Path  # the same project with 1,500 records too


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> Archives:
    """Archives made by a source install (SQLite, whatever the database under test)."""
    folder = tmp_path_factory.mktemp("source")
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["RETRODUCE_HOME"] = str(folder / "home")
    made = Archives(folder / "project.zip", folder / "big.zip")
    run(env, "demo", "--no-serve")
    helper(env, "enlarge", SLUG, "60")
    run(env, "export", SLUG, "--format", "archive", "--out", str(made.project))
    records = folder / "archived.ris"
    records.write_text(ris_text(1500, "Archived"))
    run(env, "import", SLUG, str(records))
    run(env, "export", SLUG, "--format", "archive", "--out", str(made.big))
    return made


def install_with(env: dict, archive: Path | None) -> None:
    run(env, "createuser", "owner", "--password", PASSWORD)
    if archive is not None:
        restored = run(env, "restore", str(archive), "--owner", "owner")
        assert restored.stdout.strip().splitlines()[-1] == SLUG


# --- the operations ------------------------------------------------------------------------------


def test_import_killed_midway_leaves_the_project_as_it_was(fresh_install, archives, tmp_path):
    env = fresh_install
    install_with(env, archives.project)
    ris = tmp_path / "big.ris"
    ris.write_text(ris_text(4000, "Imported", duplicates=40))
    before = snapshot(env)
    for sql, after in (
        (r'^INSERT INTO "sources_record"', 2),  # saving the records
        (r'^INSERT INTO "sources_duplicatepair"', 1),  # then merging their duplicates
    ):
        state = kill_midway(env, ["cli", "import", SLUG, str(ris)], sql, after, tmp_path / "log")
        assert_unchanged(env, before)  # no records, no origins, no import batch, no events
        assert_killed_inside_the_transaction(state)
    run(env, "check", SLUG)
    result = run(env, "import", SLUG, str(ris))
    assert "imported 4,040 records" in result.stdout
    assert "merged 40 duplicates automatically" in result.stdout


def test_restore_killed_midway_adds_nothing(fresh_install, archives, tmp_path):
    env = fresh_install
    install_with(env, None)
    other = tmp_path / "other.qdpx"
    other.write_bytes(coded_qdpx("Other", sources=2, passages=3))
    slug = run(env, "restore", str(other)).stdout.strip().splitlines()[-1]  # a project already here
    coded = tmp_path / "coded.qdpx"
    coded.write_bytes(coded_qdpx("Restored", sources=20, passages=10))
    before = snapshot(env)
    strays: list[str] = []
    for file, sql, after in (
        (archives.big, r'^INSERT INTO "sources_record"', 2),  # restoring the records
        (archives.big, r'^INSERT INTO "core_event"', 1),  # the archived event log, near the end
        (coded, r'^INSERT INTO "coding_fragmentcode"', 200),  # a .qdpx restored, half coded
    ):
        state = kill_midway(
            env, ["cli", "restore", str(file), "--owner", "owner"], sql, after, tmp_path / "log"
        )
        strays += assert_unchanged(env, before)  # no project, no accounts, no rows of any kind
        assert_killed_inside_the_transaction(state)
    assert any(name.startswith("documents/") for name in strays)  # the .qdpx's sources, written
    # The next start removes the files the killed restores wrote, and nothing else.
    assert "left by an import or restore that was killed" in run(env, "check", slug).stdout
    assert snapshot(env)["files"] == before["files"]
    restored = run(env, "restore", str(archives.big), "--owner", "owner")
    assert restored.stdout.strip().splitlines()[-1] == SLUG
    assert "1500 records" in restored.stdout
    run(env, "check", SLUG)


def test_merge_killed_midway_leaves_the_project_as_it_was(fresh_install, archives, tmp_path):
    env = fresh_install
    install_with(env, archives.project)
    coded = tmp_path / "coded.qdpx"
    coded.write_bytes(coded_qdpx("Merged", sources=30, passages=10))
    before = snapshot(env)
    state = kill_midway(
        env,
        ["cli", "import", SLUG, str(coded)],
        r'^INSERT INTO "coding_fragmentcode"',
        300,  # of 600: halfway through the coded passages
        tmp_path / "log",
    )
    assert_unchanged(env, before)  # no codes, documents, fragments, codings or events
    assert_killed_inside_the_transaction(state)
    run(env, "check", SLUG)
    result = run(env, "import", SLUG, str(coded))
    assert f"Merged coded.qdpx into {SLUG}" in result.stdout
    assert "30 documents added" in result.stdout and "300 fragments added" in result.stdout


def test_theory_freeze_killed_midway_freezes_nothing(fresh_install, archives, tmp_path):
    env = fresh_install
    install_with(env, archives.project)
    before = snapshot(env)
    versions = before["versions"][SLUG]
    assert versions == [[1, True, 8], [2, False, versions[1][2]]] and versions[1][2] > 60
    for sql, after in (
        (r'^UPDATE "theory_theoryversion" SET "frozen"', 1),  # the current version frozen
        (r'^INSERT INTO "theory_component"', 30),  # its components being carried over
    ):
        state = kill_midway(env, ["freeze", SLUG], sql, after, tmp_path / "log")
        assert_unchanged(env, before)
        assert_killed_inside_the_transaction(state)  # and v2 still open, with no v3
    run(env, "check", SLUG)
    assert helper(env, "freeze", SLUG).strip() == "3"
    n = versions[1][2]
    assert snapshot(env)["versions"][SLUG] == [[1, True, 8], [2, True, n], [3, False, n]]
