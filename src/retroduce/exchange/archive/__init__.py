"""The project archive: the whole project as one zip, restorable on any machine (the backup)."""

from .dump import archive_project, project_archive_data
from .load import ArchiveError, ArchiveRestore, restore_archive
from .spec import JSON_MEMBER, NOT_ARCHIVED, TABLES

__all__ = [
    "JSON_MEMBER",
    "NOT_ARCHIVED",
    "TABLES",
    "ArchiveError",
    "ArchiveRestore",
    "archive_project",
    "project_archive_data",
    "restore_archive",
]
