"""Keeping uploaded files as they came, under MEDIA_ROOT, with names that cannot escape it."""

from __future__ import annotations

import re
from pathlib import Path
from uuid import UUID

from django.conf import settings


def safe_file_name(name: str, fallback: str = "upload") -> str:
    # Browsers on Windows may send the whole path; keep only the last part and plain characters.
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base)[:120] or fallback


def stored_path(area: str, project_slug: str, uuid: UUID, name: str) -> Path:
    """Where store_file keeps this file: MEDIA_ROOT/area/project/uuid-name."""
    return Path(settings.MEDIA_ROOT) / area / project_slug / f"{uuid}-{safe_file_name(name)}"


def store_file(area: str, project_slug: str, uuid: UUID, name: str, data: bytes) -> str:
    """Write `data` to MEDIA_ROOT/area/project/uuid-name and return that path relative to MEDIA_ROOT."""
    path = stored_path(area, project_slug, uuid, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path.relative_to(settings.MEDIA_ROOT))
