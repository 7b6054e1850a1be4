"""Team load benchmark, where the time goes: each measured page once more, alone, in-process.

    .venv/bin/python bench/load/profile_pages.py [--state STATE] [--runs 5] [--profile] [--slowest N]

Against the setup's database (bench/load/setup.py), as one signed-in reviewer through Django's
test client (no server, no concurrency): for the screening page (GET, and POST + the next record),
the records list, the document viewer and the theory diagram it prints the best and median time
of --runs, the number of SQL queries and the time spent in them, and the rows fetched by the
largest query. --profile adds cProfile's top functions (cumulative) for each page.

The votes it posts are cast by a separate account, profile-reviewer (created if missing), so they
never count towards the load run's reviewers.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

from latest import latest_state

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--slowest", type=int, default=0, help="print each page's N slowest SQL")
    args = parser.parse_args()
    state_path = args.state or latest_state()
    state = json.loads(state_path.read_text())
    os.environ.update(state["env"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "retroduce.site.settings"
    sys.path.insert(0, str(HERE.parent.parent / "src"))
    from retroduce.site import runtime

    runtime.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from retroduce.core import services
    from retroduce.core.models import Project, Role
    from retroduce.screening.models import Decision

    settings.ALLOWED_HOSTS.append("testserver")
    project = Project.objects.get(slug=state["slug"])
    User = get_user_model()
    user = User.objects.filter(username="profile-reviewer").first()
    if user is None:
        services.create_user("profile-reviewer", state["password"])
        owner = User.objects.get(username=state["owner"])
        services.add_member(project, owner, "profile-reviewer", Role.REVIEWER)
        user = User.objects.get(username="profile-reviewer")
    client = Client()
    client.force_login(user)
    slug = state["slug"]
    screen = f"/p/{slug}/screening/ta/"
    import re

    record_id = re.compile(r'name="record" value="(\d+)"')

    offered = [record_id.search(client.get(screen).content.decode()).group(1)]

    def post_vote() -> object:
        """The vote on the record offered last, and the redirect to the next one."""
        answer = client.post(screen, {"record": offered[-1], "vote": "exclude"}, follow=True)
        offered.append(record_id.search(answer.content.decode()).group(1))
        return answer

    def post_vote_htmx() -> object:
        """The vote as the page's script posts it: answered with the next record, no redirect."""
        answer = client.post(
            screen, {"record": offered[-1], "vote": "exclude"}, headers={"HX-Request": "true"}
        )
        offered.append(record_id.search(answer.content.decode()).group(1))
        return answer

    deep = client.get(f"/p/{slug}/sources/records/?page=1000").content.decode()
    next_from_1000 = re.search(r'href="\?([^"]*)" rel="next"', deep).group(1).replace("&amp;", "&")
    pages = {
        "screening page (GET)": lambda: client.get(screen),
        "decision POST + redirect + next record": post_vote,
        "decision POST answered with the next record (htmx)": post_vote_htmx,
        "records list, page 1,000": lambda: client.get(f"/p/{slug}/sources/records/?page=1000"),
        "records list, Next from page 1,000": lambda: client.get(
            f"/p/{slug}/sources/records/?{next_from_1000}"
        ),
        "document viewer, page 150": lambda: client.get(
            f"/p/{slug}/documents/{state['document']}/?page=150"
        ),
        "theory diagram": lambda: client.get(f"/p/{slug}/theory/diagram/"),
    }
    print(
        f"{state['records']:,} records; {Decision.objects.filter(project=project).count():,} "
        "decisions in the project\n"
    )
    print("| page | best ms | median ms | queries | ms in SQL | slowest query: rows (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    profiles = {}
    for label, call in pages.items():
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            elapsed = (time.perf_counter() - started) * 1000
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        rows = _largest(queries.captured_queries, connection)
        print(
            f"| {label} | {min(times):.0f} | {statistics.median(times):.0f} "
            f"| {len(queries.captured_queries)} | {sql_ms:.0f} | {rows} |"
        )
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[
            : args.slowest
        ]:
            print(f"    {float(query['time']) * 1000:.1f} ms: {query['sql'][:600]}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            call()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("PROFILE_SORT", "cumulative")
            ).print_stats(int(os.environ.get("PROFILE_TOP", "25")))
            profiles[label] = (elapsed, out.getvalue())
    for label, (_elapsed, text) in profiles.items():
        print(f"\n### {label}\n{text}")


def _largest(captured: list[dict], connection) -> str:  # noqa: ANN001
    """Re-run the slowest SELECT and count its rows."""
    selects = [q for q in captured if q["sql"].lstrip().upper().startswith("SELECT")]
    if not selects:
        return "-"
    slowest = max(selects, key=lambda q: float(q["time"]))
    with connection.cursor() as cursor:
        cursor.execute(slowest["sql"])
        count = len(cursor.fetchall())
    return f"{count:,} ({float(slowest['time']) * 1000:.0f} ms)"


if __name__ == "__main__":
    main()
