"""Domain functions for projects, members, the protocol and the change log.

Each function checks its own invariants, runs in one transaction and writes the event log, so the
web views, the CLI and the demo loader all go through the same door.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.text import slugify

from retroduce.core.events import changed_fields, record
from retroduce.core.models import (
    PROTOCOL_FIELDS,
    ChangeLogEntry,
    Membership,
    Project,
    ProtocolVersion,
    Role,
)


class DomainError(ValueError):
    """A request that breaks a rule of the domain; the message is shown to the user as is."""


def unique_slug(title: str, wanted: str = "") -> str:
    base = slugify(wanted or title)[:70] or "review"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_project(
    owner: AbstractBaseUser, title: str, *, slug: str = "", question: str = ""
) -> Project:
    title = title.strip()
    if not title:
        raise DomainError("A project needs a title.")
    if slug and Project.objects.filter(slug=slugify(slug)).exists():
        raise DomainError(f"The address '{slugify(slug)}' is taken; choose another.")
    project = Project.objects.create(title=title, slug=unique_slug(title, slug), created_by=owner)
    record(project, owner, "created", project, after={"title": title, "slug": project.slug})
    membership = Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    record(
        project, owner, "added", membership, after={"user": owner.get_username(), "role": "owner"}
    )
    first = ProtocolVersion.objects.create(
        project=project,
        number=1,
        title=title,
        question=question.strip(),
        summary="Project created",
        created_by=owner,
    )
    record(project, owner, "created", first, after=first.as_dict())
    return project


def _owner_count(project: Project) -> int:
    return Membership.objects.filter(project=project, role=Role.OWNER).count()


@transaction.atomic
def add_member(project: Project, actor: AbstractBaseUser, username: str, role: str) -> Membership:
    if role not in Role.values:
        raise DomainError(f"'{role}' is not a role; choose one of {', '.join(Role.values)}.")
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise DomainError(
            f"No user is called '{username.strip()}'. Ask them to get an account first."
        )
    if Membership.objects.filter(project=project, user=user).exists():
        raise DomainError(f"{user.get_username()} is already a member; change their role instead.")
    membership = Membership.objects.create(project=project, user=user, role=role)
    record(project, actor, "added", membership, after={"user": user.get_username(), "role": role})
    return membership


@transaction.atomic
def change_role(
    project: Project, actor: AbstractBaseUser, membership: Membership, role: str
) -> None:
    if role not in Role.values:
        raise DomainError(f"'{role}' is not a role.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk, project=project)
    if membership.role == role:
        return
    if membership.role == Role.OWNER and _owner_count(project) == 1:
        raise DomainError("A project must keep at least one owner; make someone else owner first.")
    before = {"user": membership.user.get_username(), "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    record(project, actor, "changed", membership, before=before, after={**before, "role": role})


@transaction.atomic
def remove_member(project: Project, actor: AbstractBaseUser, membership: Membership) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk, project=project)
    if membership.role == Role.OWNER and _owner_count(project) == 1:
        raise DomainError("A project must keep at least one owner; make someone else owner first.")
    before = {"user": membership.user.get_username(), "role": membership.role}
    record(project, actor, "removed", membership, before=before)
    membership.delete()


@transaction.atomic
def save_protocol(
    project: Project, actor: AbstractBaseUser, fields: dict[str, str], summary: str = ""
) -> ProtocolVersion | None:
    """Save the protocol as a new version; earlier versions stay as they were.

    Returns None, and writes nothing, when no field changed.
    """
    unknown = set(fields) - set(PROTOCOL_FIELDS)
    if unknown:
        raise DomainError(f"Unknown protocol fields: {', '.join(sorted(unknown))}")
    # Lock the project row so two people saving at once get consecutive version numbers.
    Project.objects.select_for_update().get(pk=project.pk)
    current = project.protocol
    before = current.as_dict() if current else dict.fromkeys(PROTOCOL_FIELDS, "")
    after = {**before, **{k: (v or "").strip() for k, v in fields.items()}}
    if not after["title"]:
        raise DomainError("The protocol needs a title.")
    changed = changed_fields(before, after)
    if current and not changed:
        return None
    version = ProtocolVersion.objects.create(
        project=project,
        number=(current.number + 1) if current else 1,
        summary=summary.strip()[:500] or "Changed: " + ", ".join(changed),
        created_by=actor,
        **after,
    )
    record(
        project,
        actor,
        "changed" if current else "created",
        version,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    if "title" in changed and project.title != after["title"]:
        old = project.title
        project.title = after["title"]
        project.save(update_fields=["title"])
        record(
            project,
            actor,
            "renamed",
            project,
            before={"title": old},
            after={"title": project.title},
        )
    return version


@transaction.atomic
def add_change_log_entry(
    project: Project,
    actor: AbstractBaseUser,
    *,
    what: str,
    why: str,
    decided_by: str,
    decided_on: dt.date,
) -> ChangeLogEntry:
    what, why, decided_by = what.strip(), why.strip(), decided_by.strip()
    missing = [
        name
        for name, value in (("what", what), ("why", why), ("who decided", decided_by))
        if not value
    ]
    if missing:
        raise DomainError(f"A change-log entry needs {', '.join(missing)}.")
    entry = ChangeLogEntry.objects.create(
        project=project,
        what=what,
        why=why,
        decided_by=decided_by,
        decided_on=decided_on,
        recorded_by=actor,
    )
    record(
        project,
        actor,
        "created",
        entry,
        after={"what": what, "why": why, "decided_by": decided_by, "decided_on": decided_on},
    )
    return entry


def create_user(username: str, password: str, *, email: str = "", superuser: bool = False):  # noqa: ANN201
    User = get_user_model()
    existing = User.objects.filter(username=username).first()
    if existing is not None and not existing.has_usable_password():
        # An account a project restore made for a team member: this gives it its password.
        existing.set_password(password)
        existing.save(update_fields=["password"])
        return existing
    if existing is not None:
        raise DomainError(f"A user called '{username}' already exists.")
    if superuser:
        return User.objects.create_superuser(username=username, email=email, password=password)
    return User.objects.create_user(username=username, email=email, password=password)
