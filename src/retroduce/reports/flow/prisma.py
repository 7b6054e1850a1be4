"""The flow counts as the PRISMA2020 R package / Shiny app reads them (Haddaway et al. 2022).

The CSV has the columns and rows of the package's template (inst/extdata/PRISMA.csv):
data,node,box,description,boxtext,tooltips,url,n. Only n is filled in from the counts; the other
columns are the template's own, since the package reads its box labels from them.

How a realist review's counts map onto PRISMA 2020's two arms:

* Databases and registers arm: every source whose purpose is not "supplementary" (scoping,
  theory, evidence and refinement searches). database_results is their sum and
  database_specific_results lists them ("MEDLINE (evidence), 40; Embase, 12"). Registers are not
  told apart: register_results is 0.
* Other methods arm: the supplementary searches, split by the words of their label:
  citations_results gets citation chasing, snowballing, reference lists and hand searching;
  organisation_results gets experts, stakeholders, authors and organisations contacted;
  website_results gets the rest (grey literature, websites, search engines).
* Retroduce screens the pooled, de-duplicated records of both arms once, so every count after
  identification (duplicates, records_screened, records_excluded, dbr_sought_reports,
  dbr_notretrieved_reports, dbr_assessed, dbr_excluded) goes on the databases arm and the
  other-methods stages (other_sought_reports, other_notretrieved_reports, other_assessed,
  other_excluded) are 0 or empty. In the app, show the other-methods arm for its identification
  box only, or move numbers by hand if your review screened the arms apart.
* Exclusion reasons at full text go in dbr_excluded's n as "Reason, n; Reason, n", with commas
  and semicolons in a reason replaced by spaces (the package splits on them); excluded full texts
  without a recorded reason are listed as "Reason not recorded". Title and abstract reasons have
  no PRISMA box: records_excluded is the number only.
* Retroduce counts documents, not studies: new_studies, new_reports, total_studies and
  total_reports are all the documents included. There is no previous version of the review
  (previous_studies and previous_reports are 0), and no automation tool removes records
  (excluded_automatic and excluded_other are 0). Records still being screened have no box: the
  export is meant for a finished review (check FlowCounts.problems() first).

Cells hold numbers, never formulas; a text cell that a spreadsheet would read as a formula (it
starts with = + - @, a tab or a carriage return) is prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
import re

from retroduce.theory.diagram.text import clean

from .model import FlowCounts, Reason, SourceCount

HEADER = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

_EXCLUDED_HELP = (
    "[separate reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]"
)
_OTHER = "Identification of new studies via other methods"
_NEW = "Identification of new studies via databases and registers"

# data, node, box, description, boxtext, tooltips, url: the template's rows in the template's order.
TEMPLATE: tuple[tuple[str, ...], ...] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies",
     "Grey title box; Previous studies", "prevstud.html"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review",
     "Studies included in previous version of review", "previous_studies.html"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review",
     "Reports of studies included in previous version of review", "NA", "previous_reports.html"),
    ("NA", "node6", "newstud", f"Yellow title box; {_NEW}", _NEW, f"Yellow title box; {_NEW}",
     "newstud.html"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases",
     "Records identified from: Databases and Registers", "database_results.html"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases",
     "Specific Databases", "NA", "database_results.html"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers", "NA",
     "NA"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers",
     "Specific Registers", "NA", "database_results.html"),
    ("NA", "node16", "othstud", f"Grey title box; {_OTHER}", _OTHER, f"Grey title box; {_OTHER}",
     "othstud.html"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites",
     "Records identified from: Websites, Organisations and Citation Searching",
     "website_results.html"),
    ("organisation_results", "", "box11", "Records identified from: Organisations",
     "Organisations", "NA", "NA"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching",
     "Citation searching", "NA", "NA"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records", "Duplicate records",
     "duplicates.html"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools", "NA", "NA"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons",
     "Records removed for other reasons", "NA", "NA"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)",
     "Records screened", "Records screened (databases and registers)", "records_screened.html"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
     "Records excluded", "Records excluded (databases and registers)", "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6",
     "Reports sought for retrieval (databases and registers)", "Reports sought for retrieval",
     "Reports sought for retrieval (databases and registers)", "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7",
     "Reports not retrieved (databases and registers)", "Reports not retrieved",
     "Reports not retrieved (databases and registers)", "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)",
     "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
     "Reports not retrieved", "Reports not retrieved (other)", "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8",
     "Reports assessed for eligibility (databases and registers)",
     "Reports assessed for eligibility",
     "Reports assessed for eligibility (databases and registers)", "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9",
     f"Reports excluded (databases and registers): {_EXCLUDED_HELP}", "Reports excluded",
     "Reports excluded (databases and registers)", "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)",
     "other_assessed.html"),
    ("other_excluded", "node21", "box15", f"Reports excluded (other): {_EXCLUDED_HELP}",
     "Reports excluded", "Reports excluded (other)", "other_excluded.html"),
    ("new_studies", "node15", "box10", "New studies included in review",
     "New studies included in review", "New studies included in review", "new_studies.html"),
    ("new_reports", "NA", "box10", "Reports of new included studies",
     "Reports of new included studies", "NA", "NA"),
    ("total_studies", "node22", "box16", "Total studies included in review",
     "Total studies included in review", "Total studies included in review",
     "total_studies.html"),
    ("total_reports", "NA", "box16", "Reports of total included studies",
     "Reports of total included studies", "NA", "NA"),
    ("identification", "node1", "identification", "Blue identification box", "Identification",
     "Blue identification box", "identification.html"),
    ("screening", "node2", "screening", "Blue screening box", "Screening", "Blue screening box",
     "screening.html"),
    ("included", "node3", "included", "Blue included box", "Included", "Blue included box",
     "included.html"),
)  # fmt: skip

_CITATIONS = re.compile(r"citation|snowball|reference|hand.?search|backward|forward", re.I)
_ORGANISATIONS = re.compile(r"expert|stakeholder|author|organi[sz]ation|contact", re.I)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def other_method(source: SourceCount) -> str:
    """Which other-methods row a supplementary source counts in (see the module docstring)."""
    if _CITATIONS.search(source.label):
        return "citations_results"
    if _ORGANISATIONS.search(source.label):
        return "organisation_results"
    return "website_results"


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet shows as text, not as a formula to run."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def _listed(items: list[tuple[str, int]]) -> str:
    """Items as "Label, n; Label, n", the way the package parses them: no comma or semicolon inside a label."""
    return "; ".join(
        f"{clean(re.sub(r'[,;]', ' ', label)) or '(unnamed)'}, {n}" for label, n in items
    )


def _excluded(reasons: tuple[Reason, ...], excluded: int) -> str:
    items = [(reason.label, reason.count) for reason in reasons]
    missing = excluded - sum(reason.count for reason in reasons)
    if missing > 0:
        items.append(("Reason not recorded", missing))
    return _listed(items)


def prisma_values(counts: FlowCounts) -> dict[str, int | str]:
    """The n of every data row that Retroduce fills in; the other rows stay 0."""
    main = [source for source in counts.sources if not source.supplementary]
    other = {"website_results": 0, "organisation_results": 0, "citations_results": 0}
    for source in counts.sources:
        if source.supplementary:
            other[other_method(source)] += source.records
    return {
        "database_results": sum(source.records for source in main),
        "database_specific_results": _listed([(s.label, s.records) for s in main]),
        "register_specific_results": "",
        **other,
        "duplicates": counts.duplicates_removed,
        "records_screened": counts.screened_ta,
        "records_excluded": counts.excluded_ta,
        "dbr_sought_reports": counts.sought_ft,
        "dbr_notretrieved_reports": counts.not_retrieved,
        "dbr_assessed": counts.assessed_ft,
        "dbr_excluded": _excluded(counts.excluded_ft_reasons, counts.excluded_ft),
        "other_excluded": "",
        "new_studies": counts.included,
        "new_reports": counts.included,
        "total_studies": counts.included,
        "total_reports": counts.included,
    }


def prisma_csv(counts: FlowCounts) -> str:
    values = prisma_values(counts)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in TEMPLATE:
        value = values.get(row[0], 0)
        n = str(value) if isinstance(value, int) else neutralise(value)
        writer.writerow([*(neutralise(cell) for cell in row), n])
    return buffer.getvalue()
