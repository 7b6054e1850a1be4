"""The newest team-load setup (bench/load/setup.py writes /tmp/retroduce-load-XXXX/state.json)."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path


def latest_state() -> Path:
    found = sorted(
        glob.glob(os.path.join(tempfile.gettempdir(), "retroduce-load-*", "state.json")),
        key=os.path.getmtime,
    )
    if not found:
        raise SystemExit("No state.json under /tmp: run bench/load/setup.py first.")
    return Path(found[-1])
