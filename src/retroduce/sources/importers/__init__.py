"""Reference importers: pure functions from a file's bytes to RecordData, no database.

    from retroduce.sources.importers import parse_file, detect_format, SUPPORTED_FORMATS

`parse_file` returns every record of the file or raises ImportFailure (file, line, reason); it
never returns part of a file. Formats: RIS (Ovid, EBSCO, Scopus, Web of Science, Embase,
Zotero, EndNote), MEDLINE .nbib, PubMed XML, BibTeX, EndNote XML, CSV/TSV/XLSX with a header row,
and CSL-JSON. All XML goes through defusedxml; hostile input is bounded by `Limits`.
"""

from __future__ import annotations

from .api import parse_file
from .context import ImporterFault
from .detect import SUPPORTED_FORMATS, detect_format
from .limits import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "SUPPORTED_FORMATS",
    "ImporterFault",
    "Limits",
    "detect_format",
    "parse_file",
]
