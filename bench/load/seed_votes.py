"""Team load benchmark: put the project further into screening before a run.

    .venv/bin/python bench/load/seed_votes.py --votes 50000 [--state STATE]

A project's cost per vote grows with the votes already cast (the team's progress counts, the
reviewer's own, the shortlist's checks), and bench/load/setup.py starts with ten. This adds
title/abstract votes by the setup's reviewer accounts, one per record, on records nobody has voted
on (about one in ten an include), straight into the database as one INSERT, then runs ANALYZE as
autovacuum would. The run's lost-decision check counts the difference before and after each
scenario, so these votes do not disturb it. Run it again to add more.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from latest import latest_state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, required=True)
    parser.add_argument("--state", type=Path)
    args = parser.parse_args()
    state_path = args.state or latest_state()
    state = json.loads(state_path.read_text())
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(state["env"]["DATABASE_URL"], autocommit=True) as conn:
        project = conn.execute(
            "SELECT id FROM core_project WHERE slug = %s", [state["slug"]]
        ).fetchone()[0]
        reviewers = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM auth_user WHERE username = ANY(%s) ORDER BY id",
                [state["reviewers"]],
            )
        ]
        # Round-robin over the reviewers; votes in record order, as if the team had screened the
        # first part of the project; every tenth id an include.
        inserted = conn.execute(
            """
            INSERT INTO screening_decision
              (uuid, project_id, record_id, stage, reviewer_id, vote, reason_id, note, withdrawn,
               created_at, updated_at)
            SELECT gen_random_uuid(), %(project)s, r.id, 'ta',
                   (%(reviewers)s::int[])[1 + (row_number() OVER (ORDER BY r.id))
                                              %% cardinality(%(reviewers)s::int[])],
                   CASE WHEN r.id %% 10 = 0 THEN 'include' ELSE 'exclude' END,
                   NULL, '', false, now() - interval '1 day', now() - interval '1 day'
            FROM sources_record r
            WHERE r.project_id = %(project)s AND r.duplicate_of_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM screening_decision d
                              WHERE d.record_id = r.id AND d.stage = 'ta')
            ORDER BY r.id
            LIMIT %(votes)s
            """,
            {"project": project, "reviewers": reviewers, "votes": args.votes},
        ).rowcount
        conn.execute("ANALYZE")
        total = conn.execute(
            "SELECT count(*) FROM screening_decision WHERE project_id = %s", [project]
        ).fetchone()[0]
    print(
        f"Added {inserted:,} votes ({total:,} in the project) in "
        f"{time.perf_counter() - started:.1f} s."
    )


if __name__ == "__main__":
    main()
