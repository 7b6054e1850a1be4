"""REFI-QDA 1.5 exchange (NVivo, ATLAS.ti, MAXQDA): a plain model, a writer and a reader.

Pure functions on bytes, with no Django import, so the same code serves the web views, the
CLI and the tests. See REFI-QDA-1-5.pdf (the standard) for the sections cited in comments.
"""

from .model import (
    Case,
    Code,
    ImportReport,
    Link,
    Note,
    PDFSelection,
    Project,
    Set,
    Source,
    TextSelection,
    User,
    Variable,
    VariableValue,
)
from .read import read_qde, read_qdpx
from .safezip import Limits, RefiError
from .write import codebook_qdc, project_qde, write_qdpx

__all__ = [
    "Case",
    "Code",
    "ImportReport",
    "Limits",
    "Link",
    "Note",
    "PDFSelection",
    "Project",
    "RefiError",
    "Set",
    "Source",
    "TextSelection",
    "User",
    "Variable",
    "VariableValue",
    "codebook_qdc",
    "project_qde",
    "read_qde",
    "read_qdpx",
    "write_qdpx",
]
