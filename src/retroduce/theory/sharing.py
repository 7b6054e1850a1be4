"""Which theory versions a member may see: stakeholders only those shared with them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from retroduce.core.events import record
from retroduce.core.models import Membership, Project, Role
from retroduce.theory.models import TheoryVersion


def visible_versions(project: Project, membership: Membership) -> QuerySet[TheoryVersion]:
    versions = TheoryVersion.objects.filter(project=project)
    if membership.role == Role.STAKEHOLDER:
        versions = versions.filter(shared_with_stakeholders=True)
    return versions


@transaction.atomic
def share_version(version: TheoryVersion, actor: AbstractBaseUser | None, shared: bool) -> None:
    if version.shared_with_stakeholders == shared:
        return
    TheoryVersion.objects.filter(pk=version.pk).update(shared_with_stakeholders=shared)
    version.shared_with_stakeholders = shared
    record(
        version.project,
        actor,
        "shared" if shared else "unshared",
        version,
        before={"shared_with_stakeholders": not shared},
        after={"shared_with_stakeholders": shared},
    )
