"""Team load benchmark, step 3: `retroduce serve` on loopback under locust, then the counts.

    .venv/bin/python bench/load/run.py [--state /tmp/retroduce-load-XXXX/state.json]
        [--screen-seconds 180] [--page-seconds 60] [--wait 1-5] [--users 20]
        [--scenarios screen,records,document,diagram] [--worker inprocess|separate] [--drop]

Run with the project's interpreter after bench/load/setup.py (the newest state.json under /tmp is
used by default). It starts `retroduce serve --host 127.0.0.1` as its own process against the
setup's PostgreSQL database, with the in-process task worker on (RETRODUCE_INPROCESS_WORKER=1, the
default), so every vote queues a prioritisation retrain that runs inside the server while it
serves (with --processes N > 1, in the server's own low-priority worker process); `--worker separate` runs `retroduce worker` beside it instead. Then, for each scenario,
locust (from bench/load/.venv, created with locust from PyPI on first use) runs headless with
`--users` simulated reviewers for a fixed time (bench/load/locustfile.py says what each does).

After each scenario it counts, straight from the database: the decisions stored by the
simulated accounts (against locust's successful decision POSTs: none may be lost) and the
retrain tasks that started, finished or failed during it. It prints one table (requests,
failures, p50/p95/p99 in ms, from every request's own time, not locust's rounded buckets) and
writes everything to results-<time>.json in the setup's home. `--drop` drops the database and
deletes the home at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from latest import latest_state

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RETRODUCE = Path(sys.executable).with_name("retroduce")
VENV = HERE / ".venv"
LOCUST = VENV / "bin" / "locust"
LOCUST_VERSION = "2.47.0"
DECISION = "screen: decision + next record"
BACKGROUND = "background: decision + next record"
PY_SPY_VERSION = "0.4.1"
SPY_DELAY = 20  # seconds into the screening scenario


def _ensure_locust() -> None:
    if LOCUST.exists() and (VENV / "bin" / "py-spy").exists():
        return
    if not LOCUST.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [
            str(VENV / "bin" / "pip"),
            "install",
            "-q",
            f"locust=={LOCUST_VERSION}",
            f"py-spy=={PY_SPY_VERSION}",  # --py-spy: where the server's threads are
        ],
        check=True,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, seconds: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}; see its log")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback only)
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _cpu_seconds(pid: int) -> float:
    """CPU seconds of the process and of its live children (`serve --processes N` forks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Database:
    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)

    def one(self, sql: str, *params: object) -> tuple:
        return self.conn.execute(sql, params).fetchone()

    def decisions(self, usernames: list[str]) -> int:
        return self.one(
            "SELECT count(*) FROM screening_decision d JOIN auth_user u ON u.id = d.reviewer_id"
            " WHERE u.username = ANY(%s) AND NOT d.withdrawn",
            usernames,
        )[0]

    def spread(self, usernames: list[str], since: dt.datetime) -> tuple[int, int]:
        """Distinct records among these accounts' decisions since then, and the most on one."""
        row = self.one(
            "SELECT count(DISTINCT record_id), coalesce(max(n), 0) FROM (SELECT d.record_id,"
            " count(*) OVER (PARTITION BY d.record_id) AS n FROM screening_decision d"
            " JOIN auth_user u ON u.id = d.reviewer_id"
            " WHERE u.username = ANY(%s) AND d.created_at >= %s) AS recent",
            usernames,
            since,
        )
        return row[0], row[1]

    def duplicates(self) -> int:
        """Pairs of live decisions by one reviewer on one record and stage (must be 0)."""
        return self.one(
            "SELECT count(*) FROM (SELECT 1 FROM screening_decision GROUP BY record_id, stage,"
            " reviewer_id HAVING count(*) > 1) AS twice"
        )[0]

    def retrains(self, since: dt.datetime) -> dict[str, object]:
        rows = self.conn.execute(
            "SELECT status, started_at, finished_at FROM django_tasks_database_dbtaskresult"
            " WHERE task_path LIKE %s AND (started_at >= %s OR finished_at >= %s)",
            ("%retrain_task", since, since),
        ).fetchall()
        finished = [r for r in rows if r[0] == "SUCCESSFUL"]
        seconds = [(r[2] - r[1]).total_seconds() for r in finished if r[1] and r[2]]
        ranking = self.one(
            "SELECT r.labelled, r.trained_at, r.seconds, jsonb_array_length(o.ids)"
            " FROM screening_ranking r LEFT JOIN screening_rankedorder o"
            " ON o.project_id = r.project_id AND o.stage = r.stage WHERE r.stage = 'ta'"
        )
        waiting = self.one(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE task_path LIKE %s AND status = 'READY'",
            "%retrain_task",
        )[0]
        return {
            "waiting_at_end": waiting,  # queued, not started: the design allows one per stage
            "finished": len(finished),
            "failed": sum(1 for r in rows if r[0] == "FAILED"),
            "running_at_end": sum(1 for r in rows if r[0] == "RUNNING"),
            "median_seconds": statistics.median(seconds) if seconds else None,
            "max_seconds": max(seconds) if seconds else None,
            "labelled": ranking[0] if ranking else None,
            "trained_at": ranking[1].isoformat() if ranking and ranking[1] else None,
            "ranked_records": ranking[3] if ranking else None,
        }

    def now(self) -> dt.datetime:
        return self.one("SELECT now()")[0]


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(share * len(sorted_values) + 0.4999))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def _stats(samples: Path, seconds: float) -> dict[str, dict[str, float]]:
    by_name: dict[str, list[tuple[float, bool]]] = {}
    for line in samples.read_text().splitlines():
        name, ms, ok, *_when = json.loads(line)
        by_name.setdefault(name, []).append((ms, ok))
    out = {}
    for name, rows in by_name.items():
        times = sorted(ms for ms, _ in rows)
        out[name] = {
            "requests": len(rows),
            "failures": sum(1 for _, ok in rows if not ok),
            "ok": sum(1 for _, ok in rows if ok),
            "p50": _percentile(times, 0.50),
            "p95": _percentile(times, 0.95),
            "p99": _percentile(times, 0.99),
            "max": times[-1],
            "mean": statistics.fmean(times),
            "per_second": len(rows) / seconds,
        }
    return out


def _spy_summary(path: Path, top: int = 25) -> list[tuple[str, float]]:
    """Share of samples in which each Retroduce (or Django ORM) function is on the stack."""
    inclusive: dict[str, int] = {}
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        frames = {
            f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].split("/")[-1] + ")"
            for f in stack.split(";")
            if " (" in f and ("retroduce/" in f or "django/db/models/query.py" in f)
        }
        for frame in frames:
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
    ranked = sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]
    return [(name, count / max(1, total)) for name, count in ranked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path)
    parser.add_argument("--screen-seconds", type=int, default=180)
    parser.add_argument("--page-seconds", type=int, default=60)
    parser.add_argument("--wait", default="1-5", help="think time in seconds, 'min-max' or 'n'")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--scenarios", default="screen,records,document,diagram")
    parser.add_argument("--worker", choices=["inprocess", "separate"], default="inprocess")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    parser.add_argument(
        "--src",
        type=Path,
        help="serve the retroduce package from this src folder instead (PYTHONPATH), for A/B runs",
    )
    parser.add_argument(
        "--py-spy",
        type=int,
        default=0,
        metavar="SECONDS",
        help="sample the server with py-spy for this long, from 20 s into the screening scenario",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="`retroduce serve --processes N`: server processes sharing the port",
    )
    parser.add_argument(
        "--vote-via",
        choices=["htmx", "form"],
        default="htmx",
        help="htmx: the vote as the page's script sends it, answered with the next record "
        "(default, what a browser does); form: the plain form, a redirect and a page load",
    )
    parser.add_argument(
        "--py-spy-idle",
        action="store_true",
        help="with --py-spy: sample waiting threads too (where requests wait, not only work)",
    )
    args = parser.parse_args()

    _ensure_locust()
    state_path = args.state or latest_state()
    state = json.loads(state_path.read_text())
    home = Path(state["home"])
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        **state["env"],
        "RETRODUCE_INPROCESS_WORKER": "1" if args.worker == "inprocess" else "0",
    }
    env.pop("RETRODUCE_DEBUG", None)
    if args.src:
        env["PYTHONPATH"] = str(args.src.resolve())
    reviewers = state["reviewers"][: args.users]
    if len(reviewers) < args.users:
        raise SystemExit(f"The setup made {len(reviewers)} reviewers; run it with --reviewers.")

    log = (home / f"serve-{stamp}.log").open("w")
    server = subprocess.Popen(
        [
            str(RETRODUCE),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--processes",
            str(args.processes),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    worker = None
    if args.worker == "separate":
        worker = subprocess.Popen(
            [str(RETRODUCE), "worker"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
        )
    db = Database(state["env"]["DATABASE_URL"])
    results: dict[str, object] = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": db.one("SHOW server_version")[0],
            "kernel": platform.release(),
        },
        "setup": {k: state[k] for k in ("records", "unique_records", "document_pages", "timings")},
        "options": vars(args) | {"state": str(state_path)},
        "scenarios": {},
    }
    try:
        _wait_for(f"{host}/login/", 120, server)
        print(f"retroduce serve (pid {server.pid}) answers on {host}; worker: {args.worker}")
        for scenario in args.scenarios.split(","):
            seconds = args.screen_seconds if scenario == "screen" else args.page_seconds
            samples = home / f"samples-{stamp}-{scenario}.jsonl"
            locust_env = {
                **os.environ,
                "LOAD_SCENARIO": scenario,
                "LOAD_SLUG": state["slug"],
                "LOAD_USERS": ",".join(reviewers),
                "LOAD_OWNER": state["owner"],
                "LOAD_PASSWORD": state["password"],
                "LOAD_DOCUMENT": str(state["document"]),
                "LOAD_PAGES": str(state["document_pages"]),
                "LOAD_RECORD_PAGES": str(max(1, state["records"] // 50)),
                "LOAD_WAIT": args.wait,
                "LOAD_VOTE_VIA": args.vote_via,
                "LOAD_SAMPLES": str(samples),
            }
            classes = ["Team"] if scenario == "screen" else ["Team", "BackgroundScreener"]
            users = args.users + (len(classes) - 1)
            before_team = db.decisions(reviewers)
            before_owner = db.decisions([state["owner"]])
            since = db.now()
            cpu0, (busy0, total0) = _cpu_seconds(server.pid), _machine_busy()
            children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            # Autovacuum is off on this machine's PostgreSQL: analyse as it would have.
            db.one("SELECT 1")
            db.conn.execute("ANALYZE")
            spy: list[subprocess.Popen] = []
            if args.py_spy and scenario == "screen":
                # Started once the sign-ins (password hashing) are over.
                timer = threading.Timer(
                    SPY_DELAY,
                    lambda spy=spy: spy.append(
                        subprocess.Popen(
                            [
                                str(VENV / "bin" / "py-spy"),
                                "record",
                                "--pid",
                                str(server.pid),
                                "--duration",
                                str(args.py_spy),
                                "--format",
                                "raw",
                                "--output",
                                str(home / f"py-spy-{stamp}.txt"),
                                "--nonblocking",
                                "--rate",
                                "50",
                                "--subprocesses",
                                *(["--idle"] if args.py_spy_idle else []),
                            ],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        )
                    ),
                )
                timer.start()
            started = time.monotonic()
            print(f"\n== {scenario}: {users} users for {seconds} s, think time {args.wait} s")
            subprocess.run(
                [
                    str(LOCUST),
                    "-f",
                    str(HERE / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(users),
                    "--run-time",
                    f"{seconds}s",
                    "--stop-timeout",
                    "60",
                    "--host",
                    host,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    *classes,
                ],
                env=locust_env,
                cwd=HERE,
                check=False,
            )
            elapsed = time.monotonic() - started
            if spy:
                spy[0].wait(timeout=60)
                results["py_spy"] = _spy_summary(home / f"py-spy-{stamp}.txt")
            cpu1, (busy1, total1) = _cpu_seconds(server.pid), _machine_busy()
            children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            locust_cpu = (children1.ru_utime + children1.ru_stime) - (
                children0.ru_utime + children0.ru_stime
            )
            busy_core_seconds = (busy1 - busy0) / os.sysconf("SC_CLK_TCK")
            stats = _stats(samples, elapsed)
            team_posts = stats.get(DECISION, {}).get("ok", 0)
            owner_posts = stats.get(BACKGROUND, {}).get("ok", 0)
            results["scenarios"][scenario] = {
                "seconds": elapsed,
                "users": users,
                "stats": stats,
                "decisions": {
                    "posted_ok": team_posts,
                    "stored": db.decisions(reviewers) - before_team,
                    "background_posted_ok": owner_posts,
                    "background_stored": db.decisions([state["owner"]]) - before_owner,
                    "duplicate_rows": db.duplicates(),
                    # With one vote required, every decision should be on its own record.
                    "distinct_records": db.spread(reviewers, since)[0],
                    "most_votes_on_one_record": db.spread(reviewers, since)[1],
                },
                "retrains": db.retrains(since),
                "server_cpu_seconds": cpu1 - cpu0,
                "locust_cpu_seconds": locust_cpu,
                # Everything else that ran: PostgreSQL (ours and others') and other jobs.
                "rest_cpu_seconds": busy_core_seconds - (cpu1 - cpu0) - locust_cpu,
                "machine_busy_share": (busy1 - busy0) / max(1, total1 - total0),
                "load_average": os.getloadavg(),
            }
    finally:
        server.send_signal(signal.SIGINT)
        if worker is not None:
            worker.send_signal(signal.SIGINT)
        for process in (server, worker):
            if process is None:
                continue
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
        out = home / f"results-{stamp}.json"
        out.write_text(json.dumps(results, indent=2, default=str))
        db.conn.close()

    _print(results)
    if results.get("py_spy"):
        print(
            "\nWhere the server's threads were (py-spy: share of busy samples with it on the stack):"
        )
        for name, share in results["py_spy"]:
            print(f"  {share:6.1%}  {name}")
    print(f"\nResults: {out}")
    if args.drop:
        subprocess.run(
            [sys.executable, str(HERE / "setup.py"), "--drop", str(state_path)], check=True
        )


def _print(results: dict) -> None:
    print(
        "\n| scenario | endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for scenario, outcome in results["scenarios"].items():
        for name, s in sorted(outcome["stats"].items()):
            if name.startswith("login"):
                continue
            print(
                f"| {scenario} ({outcome['users']} users) | {name} | {s['requests']:,} "
                f"| {s['failures']} | {s['per_second']:.1f} | {s['p50']:.0f} | {s['p95']:.0f} "
                f"| {s['p99']:.0f} | {s['max']:.0f} |"
            )
    print(
        "\n| scenario | decisions posted (ok) | stored | background posted / stored "
        "| retrains finished | failed | median / max retrain s | CPU s: server / locust / rest "
        "| machine busy | load avg |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scenario, outcome in results["scenarios"].items():
        d, r = outcome["decisions"], outcome["retrains"]
        times = (
            f"{r['median_seconds']:.1f} / {r['max_seconds']:.1f}"
            if r["median_seconds"] is not None
            else "-"
        )
        print(
            f"| {scenario} | {d['posted_ok']:,} | {d['stored']:,} "
            f"| {d['background_posted_ok']} / {d['background_stored']} | {r['finished']} "
            f"| {r['failed']} | {times} | {outcome['server_cpu_seconds']:.0f} / "
            f"{outcome['locust_cpu_seconds']:.0f} / {outcome['rest_cpu_seconds']:.0f} "
            f"| {outcome['machine_busy_share']:.0%} | {outcome['load_average'][0]:.1f} |"
        )
    for scenario, outcome in results["scenarios"].items():
        r = outcome["retrains"]
        print(
            f"{scenario}: retrain tasks queued and waiting at the end: {r['waiting_at_end']}"
            " (at most 1 by design)"
        )
    for scenario, outcome in results["scenarios"].items():
        d = outcome["decisions"]
        if d["stored"]:
            print(
                f"\n{scenario}: the {d['stored']:,} decisions stored fell on {d['distinct_records']:,}"
                f" distinct records (at most {d['most_votes_on_one_record']} on one record)."
            )
    dup = max(o["decisions"]["duplicate_rows"] for o in results["scenarios"].values())
    print(f"\nRecords with two live decisions by one reviewer at one stage: {dup}")


if __name__ == "__main__":
    main()
