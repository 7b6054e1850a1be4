"""Run the fuzzers for longer than CI does, and report what they did.

    .venv/bin/python bench/fuzz/run.py                       # 5,000 examples per test, SQLite
    .venv/bin/python bench/fuzz/run.py --examples 1000 --only exchange
    .venv/bin/python bench/fuzz/run.py --database-url postgresql://postgres@127.0.0.1:5432/retroduce

Each fuzz module runs in its own pytest process with RETRODUCE_FUZZ_EXAMPLES set (every test of
the module then runs that many examples instead of CI's default) and a fresh RETRODUCE_HOME, as
scripts/test does. A module that runs past --timeout minutes is stopped and reported as a hang.
Per module: tests passed and failed, examples run (passing + failing, from Hypothesis's
statistics) and discarded as invalid, wall time, and the pytest process's peak RSS. With
--outcomes, the commonest refusals and results each test recorded (Hypothesis events) follow.
A failing example is kept in .hypothesis/ and replayed first by the next plain pytest run; add
the input to tests/corpus/ once it is fixed (see tests/corpus/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parents[2]
MODULES = {
    "importers": "tests/sources/importers/test_fuzzed_input.py",
    "extraction": "tests/documents/test_extraction_detect.py",
    "exchange": "tests/exchange/test_fuzzed_exchange.py",
}
_TEST = re.compile(r"^(tests/\S+::\S+):$")
_COUNTS = re.compile(r"- (\d+) passing, (\d+) failing, and (\d+) invalid test cases")
_EVENT = re.compile(r"^\s+\* ([\d.]+)%, (.+)$")


@dataclass
class Test:
    name: str
    examples: int = 0
    invalid: int = 0
    events: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class Run:
    module: str
    seconds: float
    peak_mib: float
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    hung: bool = False
    tests: dict[str, Test] = field(default_factory=dict)

    @property
    def examples(self) -> int:
        return sum(t.examples for t in self.tests.values())

    @property
    def invalid(self) -> int:
        return sum(t.invalid for t in self.tests.values())


def statistics(output: str) -> dict[str, Test]:
    """Hypothesis's --hypothesis-show-statistics report, summed over its phases."""
    tests: dict[str, Test] = {}
    current: Test | None = None
    for line in output.splitlines():
        if match := _TEST.match(line):
            current = tests.setdefault(match[1], Test(match[1]))
        elif current is not None and (match := _COUNTS.search(line)):
            current.examples += int(match[1]) + int(match[2])
            current.invalid += int(match[3])
        elif current is not None and (match := _EVENT.match(line)):
            current.events.append((float(match[1]), match[2]))
    return tests


def junit(path: Path) -> tuple[int, list[str]]:
    """Tests passed, and the names of those that failed or errored."""
    if not path.exists():
        return 0, []
    passed, failed = 0, []
    for case in ElementTree.parse(path).iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("name", "?"))
        elif case.find("skipped") is None:
            passed += 1
    return passed, failed


def run_module(key: str, examples: int, timeout: float, env: dict[str, str], seed: str) -> Run:
    home = Path(tempfile.mkdtemp(prefix="retroduce-fuzz-"))
    report = home / "junit.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        MODULES[key],
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
        f"--junitxml={report}",
    ]
    if seed:
        command.append(f"--hypothesis-seed={seed}")
    child_env = {**env, "RETRODUCE_FUZZ_EXAMPLES": str(examples), "RETRODUCE_HOME": str(home)}
    started = time.perf_counter()
    log = home / "pytest.log"
    with log.open("w", encoding="utf-8", errors="replace") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=child_env, stdout=out, stderr=subprocess.STDOUT
        )
        hung = False
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                hung = True
                process.send_signal(signal.SIGTERM)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.5)
    seconds = time.perf_counter() - started
    output = log.read_text(encoding="utf-8", errors="replace")
    passed, failed = junit(report)
    if not hung and os.waitstatus_to_exitcode(status) not in (0, 1) and not failed:
        failed = [f"pytest exited with {os.waitstatus_to_exitcode(status)}"]
    run = Run(key, seconds, usage.ru_maxrss / 1024, passed, failed, hung, statistics(output))
    if failed or hung:
        kept = ROOT / "bench" / "out" / f"fuzz-{key}.log"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log, kept)
        print(f"  output kept in {kept.relative_to(ROOT)}", flush=True)
    shutil.rmtree(home, ignore_errors=True)
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per test")
    parser.add_argument(
        "--only", action="append", choices=sorted(MODULES), help="run only these modules"
    )
    parser.add_argument("--timeout", type=float, default=120, help="minutes per module")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--seed", default="", help="--hypothesis-seed, to repeat a run")
    parser.add_argument("--outcomes", type=int, default=0, help="show each test's top N events")
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "RETRODUCE_HOME"}}
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"Fuzzing with {args.examples:,} examples per test on {database}; Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    runs = []
    for key in args.only or list(MODULES):
        print(f"- {key}: {MODULES[key]}", flush=True)
        run = run_module(key, args.examples, args.timeout * 60, env, args.seed)
        runs.append(run)
        state = "HUNG" if run.hung else ("FAILED " + ", ".join(run.failed) if run.failed else "ok")
        print(
            f"  {state}: {run.passed} tests passed, {run.examples:,} examples "
            f"({run.invalid:,} invalid) in {run.seconds:.0f} s, peak RSS {run.peak_mib:.0f} MiB",
            flush=True,
        )

    print("\n| module | tests passed | tests failed | examples | invalid | seconds | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        failed = "hung" if run.hung else str(len(run.failed))
        print(
            f"| {run.module} | {run.passed} | {failed} | {run.examples:,} | {run.invalid:,} "
            f"| {run.seconds:.0f} | {run.peak_mib:.0f} MiB |"
        )
    print(
        f"| **total** | {sum(r.passed for r in runs)} | {sum(len(r.failed) for r in runs)} "
        f"| {sum(r.examples for r in runs):,} | {sum(r.invalid for r in runs):,} "
        f"| {sum(r.seconds for r in runs):.0f} | |"
    )
    print("\nPer test (examples run):")
    for run in runs:
        for test in run.tests.values():
            print(f"  {test.examples:>7,}  {test.name}")
            for share, what in test.events[: args.outcomes]:
                print(f"           {share:5.1f}%  {what}")
    return 1 if any(r.failed or r.hung for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
