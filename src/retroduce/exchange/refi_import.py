"""Restoring a REFI-QDA project (.qdpx) as a new Retroduce project.

Every GUID is kept as the object's UUID, unless another project in this database already uses it
(a project restored where it was exported from): then the object gets a new UUID and a warning
names both. Text sources become documents (their plain text is the extracted text, so selections
keep their offsets), codes keep their tree, text selections become fragments, notes become memos.
Our own appraisal cases (variables Relevance, Rigour, Richness, Appraisal rationale) become
appraisals; sets and links become memos, each listed in the warnings. A PDF source becomes a PDF
document; its area selections are matched to our own passages or, from other tools, turned into
passages from the text inside the area. What has no place here (other cases and variables, the
original coders, areas without text) is listed in the import report, never dropped silently. The whole restore is one transaction: a failure leaves the
database as it was.

The restore is refi_merge's merge into a new, empty project.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from retroduce.core.events import record
from retroduce.core.limits import zip_limits
from retroduce.core.services import create_project
from retroduce.exchange import refi
from retroduce.exchange.refi.read import DEFAULT_LIMITS as REFI_LIMITS
from retroduce.exchange.refi_merge import merge_model
from retroduce.exchange.refi_restore_parts import KIND_BY_NAME, RestoreResult

__all__ = ["KIND_BY_NAME", "RestoreResult", "restore_refi"]


@transaction.atomic
def restore_refi(data: bytes, file_name: str, owner: AbstractBaseUser) -> RestoreResult:
    model, report = refi.read_qdpx(data, file_name, zip_limits(REFI_LIMITS))
    project = create_project(owner, model.name or file_name)
    result = RestoreResult(project, list(report.warnings), list(report.unsupported))
    merge_model(project, model, owner, result, "restored")
    n = result.counts
    result.counts = {
        "codes": n["codes_added"],
        "documents": n["documents_added"],
        "fragments": n["fragments_added"],
        "memos": n["memos_added"],
        "appraisals": n["appraisals_added"],
        "PDF areas matched to passages": n.get("pdf_areas_matched", 0),
    }
    record(project, owner, "restored", project, after={"file": file_name, **result.counts})
    return result
