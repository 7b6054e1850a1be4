"""Opening a .qdpx (a zip, REFI-QDA 1.5 section 8) without trusting it: the shared checks in
retroduce.core.safezip, raising RefiError so callers of the REFI reader catch one kind of error."""

from __future__ import annotations

from functools import partial

from retroduce.core.safezip import Limits, UnsafeArchive, unsafe_path_reason
from retroduce.core.safezip import SafeZip as _SafeZip


class RefiError(UnsafeArchive):
    """A REFI-QDA file that cannot be read; str(e) names the file and the reason."""


SafeZip = partial(_SafeZip, error=RefiError)

__all__ = ["Limits", "RefiError", "SafeZip", "unsafe_path_reason"]
