"""Making this database look like another machine: the archived project was never here."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from retroduce.core.models import Project
from retroduce.exchange.archive import NOT_ARCHIVED, TABLES


@transaction.atomic  # foreign keys are checked at commit, once every row is gone
def forget_project(project: Project) -> None:
    """Delete every row of the project with plain SQL DELETEs (the event log forbids deletes
    through the ORM, on purpose), children first."""
    for table in reversed(TABLES):
        rows = table.model._base_manager.filter(**{table.path: project})
        for m2m in table.model._meta.many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                source = m2m.m2m_field_name()
                through._base_manager.filter(**{f"{source}__in": rows.values("pk")})._raw_delete(
                    "default"
                )
        rows._raw_delete("default")
    for label in NOT_ARCHIVED:
        apps.get_model(label)._base_manager.filter(project=project)._raw_delete("default")
    Project.objects.filter(pk=project.pk)._raw_delete("default")
