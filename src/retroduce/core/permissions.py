"""Who may do what in a project. Every view asks `project_for(request, slug, action)`."""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from retroduce.core.models import Membership, Project, Role


class Action(StrEnum):
    VIEW_THEORY = "view_theory"  # the shared theory and the stakeholder events
    VIEW_ALL = "view_all"  # everything else: protocol, sources, screening, history
    FEEDBACK = "feedback"  # leave stakeholder feedback
    REVIEW = "review"  # all review work: protocol, change log, screening, coding, theory
    MANAGE = "manage"  # settings and members


ALLOWED: dict[str, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.REVIEWER: frozenset({Action.VIEW_THEORY, Action.VIEW_ALL, Action.FEEDBACK, Action.REVIEW}),
    Role.STAKEHOLDER: frozenset({Action.VIEW_THEORY, Action.FEEDBACK}),
    Role.VIEWER: frozenset({Action.VIEW_THEORY, Action.VIEW_ALL}),
}


def can(role: str | None, action: Action) -> bool:
    return role is not None and action in ALLOWED.get(role, frozenset())


def membership_of(user, project: Project) -> Membership | None:  # noqa: ANN001 (user or anonymous)
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(project=project, user=user).first()


def require(membership: Membership, action: Action) -> None:
    """Refuse (403) an action the member's role does not allow, naming the role."""
    if not can(membership.role, action):
        raise PermissionDenied(
            f"Your role in this project ({membership.get_role_display()}) does not allow this."
        )


def project_for(request: HttpRequest, slug: str, action: Action) -> tuple[Project, Membership]:
    """The project and the caller's membership, or 404 for outsiders and 403 for too low a role.

    Outsiders get 404, not 403, so that a project's existence is not revealed to them.
    """
    membership = None
    if request.user.is_authenticated:
        # One query for both (every page asks): unordered, as the model's default ordering by
        # username would join the user table for a single row.
        membership = (
            Membership.objects.select_related("project", "user")
            .filter(project__slug=slug, user=request.user)
            .order_by()
            .first()
        )
    if membership is None:
        raise Http404("No such project")
    require(membership, action)
    request.membership = membership  # type: ignore[attr-defined]
    return membership.project, membership
