"""The screening page's fast queries give what the full walk over every vote gives.

The page counts progress with SQL aggregates and picks the next record from the indexed shortlist;
the overview still walks every vote in Python. Random teams of votes, changed votes, withdrawn
votes, resolved conflicts and merged duplicates, at both stages and with one or two votes needed,
must give a reviewer the same figures and the same next record either way.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.utils import timezone

from retroduce.core.services import DomainError
from retroduce.screening import services, shortlist
from retroduce.screening.models import Decision, Hold, Resolution, Shortlisted
from retroduce.screening.outcomes import Outcome, eligible, settings_for, votes_by_record
from retroduce.screening.progress import stage_progress
from retroduce.screening.queue import (
    _first_in_full_order,
    _holds_by_others,
    next_record,
    offer_order,
    summary,
)
from retroduce.sources.models import Record

pytestmark = pytest.mark.django_db

REVIEWERS = ("owner", "reviewer", "reviewer2")


def _random_screening(team, rng: random.Random) -> None:  # noqa: ANN001
    project, owner = team.project, team.users["owner"]
    Decision.objects.all().delete()
    Resolution.objects.all().delete()
    Record.objects.filter(project=project).update(duplicate_of=None)
    records = list(Record.objects.filter(project=project).order_by("pk"))
    for duplicate in rng.sample(records[1:], rng.randint(0, 2)):
        Record.objects.filter(pk=duplicate.pk).update(duplicate_of=records[0])
    reason = services.reasons(project)[0]
    for stage in ("ta", "ft"):
        services.update_settings(
            project, owner, stage, votes_required=rng.choice((1, 2)), blind=True, adjudicator=None
        )
        for _ in range(rng.randint(0, 30)):
            user = team.users[rng.choice(REVIEWERS)]
            record = rng.choice(records)
            vote = rng.choice(("include", "include", "exclude", "maybe"))
            try:
                services.cast_vote(project, user, record, stage, vote, reason=reason)
                if rng.random() < 0.1:
                    services.undo_last_vote(project, user, stage)
            except DomainError:
                pass  # a merged duplicate, or not included at title and abstract
        required = settings_for(project, stage).votes_required
        for record_id, entry in votes_by_record(project, stage).items():
            if entry.outcome(required) == Outcome.CONFLICT and rng.random() < 0.5:
                outcome = rng.choice(("include", "exclude"))
                services.resolve_conflict(
                    project, owner, Record.objects.get(pk=record_id), stage, outcome, reason=reason
                )


@pytest.mark.parametrize("seed", range(12))
def test_fast_and_full_queries_agree(screening_team, seed):
    team = screening_team
    project = team.project
    _random_screening(team, random.Random(seed))
    for stage in ("ta", "ft"):
        required = settings_for(project, stage).votes_required
        ids = sorted(eligible(project, stage).values_list("pk", flat=True))
        by_python = [
            r.pk
            for r in Record.objects.filter(project=project, duplicate_of__isnull=True)
            if stage == "ta"
            or (
                (entry := votes_by_record(project, "ta").get(r.pk)) is not None
                and entry.outcome(settings_for(project, "ta").votes_required) == Outcome.INCLUDE
            )
        ]
        assert ids == sorted(by_python)
        order, _ = offer_order(project, stage, ids)
        Shortlisted.objects.all().delete()
        shortlist.write(project, stage, order, shortlist.complete_ids(project, stage, required))
        for name in REVIEWERS:
            user = team.users[name]
            fast = stage_progress(project, user, stage, fresh=True)
            full = summary(project, user, stage, blind_for_user=False)
            assert (fast.eligible, fast.done, fast.my_votes, fast.left_for_me) == (
                full.eligible,
                full.done,
                full.my_votes,
                full.left_for_me,
            )
            wanted = (Outcome.PENDING, Outcome.INCLUDE, Outcome.EXCLUDE, Outcome.CONFLICT)
            assert Counter({k: fast.outcomes[k] for k in wanted}) == Counter(
                {k: full.outcomes[k] for k in wanted}
            )
            offered, _ = next_record(project, user, stage)
            walked = _first_in_full_order(project, user, stage, required, Counter())
            assert (offered.pk if offered else None) == walked
        # Holding, reviewer after reviewer: each passes over what the earlier ones hold when
        # that, with the votes cast, is all the record needs.
        Hold.objects.all().delete()
        for name in REVIEWERS:
            user = team.users[name]
            held = _holds_by_others(project, user, stage)
            walked = _first_in_full_order(project, user, stage, required, held)
            offered, _ = next_record(project, user, stage, hold=True)
            assert (offered.pk if offered else None) == walked


def test_when_the_shortlist_runs_out_the_full_order_still_offers_the_rest(screening_team):
    team = screening_team
    project, reviewer = team.project, team.users["reviewer"]
    ids = sorted(eligible(project, "ta").values_list("pk", flat=True))
    order, _ = offer_order(project, "ta", ids)
    shortlist.write(project, "ta", order[:2], set())  # a shortlist of two, as if written long ago
    seen = []
    while (offered := next_record(project, reviewer, "ta", hold=True)[0]) is not None:
        seen.append(offered.pk)
        services.cast_vote(project, reviewer, offered, "ta", "exclude")
    assert seen == order  # all ten, in the same order, the last eight from the full order
    assert not Hold.objects.filter(until__gt=timezone.now()).exists()
