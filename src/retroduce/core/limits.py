"""The input limits of the pure parsers, taken from the settings (RETRODUCE_MAX_*).

The parsers (sources.importers, documents.extraction, exchange.refi, core.safezip) know nothing of
Django; the services that call them pass these, so an administrator sets each limit in one place.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings

from retroduce.core.safezip import Limits as ZipLimits


def importer_limits():  # noqa: ANN201 (sources.importers.Limits; imported late, it is a sibling app)
    from retroduce.sources.importers import DEFAULT_LIMITS

    return replace(
        DEFAULT_LIMITS,
        max_file_bytes=settings.MAX_UPLOAD_BYTES,
        max_field_chars=settings.MAX_FIELD_CHARS,
        max_records=settings.MAX_RECORDS,
        max_unzipped_bytes=settings.MAX_UNZIPPED_BYTES,
    )


def extraction_limits():  # noqa: ANN201 (documents.extraction.ExtractionLimits)
    from retroduce.documents.extraction.results import ExtractionLimits

    return replace(
        ExtractionLimits(),
        max_bytes=settings.MAX_UPLOAD_BYTES,
        max_pages=settings.MAX_PDF_PAGES,
        max_docx_uncompressed=settings.MAX_UNZIPPED_BYTES,
    )


def zip_limits(base: ZipLimits) -> ZipLimits:
    """A zip reader's limits with the site's cap on what an upload may unpack to."""
    return replace(
        base,
        max_total_bytes=settings.MAX_UNZIPPED_BYTES,
        max_member_bytes=min(base.max_member_bytes, settings.MAX_UNZIPPED_BYTES),
    )
