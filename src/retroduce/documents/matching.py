"""Matching full texts to records: by DOI first, then by title.

A bulk upload is a folder of PDFs named however the reviewer's reference manager named them,
e.g. "10.1186_s12913-019-4567-8.pdf", "Smith 2019 - Leading integrated teams.pdf".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from retroduce.core.models import Project
from retroduce.sources.models import Record

# Crossref's recommended pattern for modern DOIs, loosened for the "/" that file names cannot hold.
DOI = re.compile(r"\b10\.\d{4,9}[/_][-._;()/:A-Za-z0-9]+")
TITLE_THRESHOLD = 90


@dataclass(frozen=True)
class Match:
    record: Record
    how: str  # "doi in file name", "doi in text", "title in file name", "title in text"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def dois_in(text: str) -> list[str]:
    found = []
    for raw in DOI.findall(text):
        doi = raw.rstrip(".;,)").lower()
        found.append(doi)
        if "_" in doi:  # a "/" a file system did not allow
            found.append(doi.replace("_", "/", 1))
    return found


def _unique_records(project: Project):  # noqa: ANN202
    # Only cluster heads: a duplicate's full text belongs to the record it was merged into.
    return Record.objects.filter(project=project, duplicate_of__isnull=True)


def match_record(project: Project, file_name: str, text: str = "", title: str = "") -> Match | None:
    records = _unique_records(project)
    stem = Path(file_name).stem
    for source, how in ((stem, "doi in file name"), (text[:20000], "doi in text")):
        for doi in dois_in(source):
            hit = records.filter(doi__iexact=doi).first()
            if hit is not None:
                return Match(hit, how)
    candidates = {r.pk: _fold(r.title) for r in records.only("id", "title") if r.title}
    if not candidates:
        return None
    for probe, how in ((_fold(stem), "title in file name"), (_fold(title), "title in text")):
        if len(probe) < 12:
            continue
        # partial_ratio: file names carry authors and years around the title.
        best = process.extractOne(
            probe, candidates, scorer=fuzz.partial_ratio, score_cutoff=TITLE_THRESHOLD
        )
        if best is None:
            continue
        _title, score, pk = best
        # Short record titles match inside almost anything; ask for most of the title.
        if len(candidates[pk]) < 0.5 * len(probe) and score < 100:
            continue
        return Match(records.get(pk=pk), how)
    return None
