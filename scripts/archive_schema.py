"""Write docs/archive.schema.json from the models (see retroduce.exchange.archive.schema)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retroduce.site.settings")
django.setup()

from retroduce.exchange.archive.schema import archive_schema  # noqa: E402 (needs django.setup)

target = Path(__file__).resolve().parents[1] / "docs" / "archive.schema.json"
target.write_text(json.dumps(archive_schema(), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
print(f"wrote {target}")
