"""The 19 items of the RAMESES publication standards for realist syntheses, judged from the work.

Item names follow Wong G, Greenhalgh T, Westhorp G, Buckingham J, Pawson R. RAMESES publication
standards: realist syntheses. BMC Medicine 2013;11:21. The guidance lines are our own summary.
A status is "met" only when the project holds what the item asks for; items that only the authors
can write (abstract, summary, conclusions) are at most "partly met": Retroduce drafts, never invents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MET, PARTLY, NOT_YET = "met", "partly met", "not yet"


@dataclass(frozen=True)
class ItemSpec:
    number: int
    name: str
    section: str  # the report section, by title
    guidance: str


ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(1, "Title", "Title", "Name the review as a realist synthesis in the title."),
    ItemSpec(
        2,
        "Abstract",
        "Abstract",
        "Summarise background, question, methods, results and conclusions.",
    ),
    ItemSpec(
        3,
        "Rationale for review",
        "Introduction",
        "Explain why the review is needed and what it adds.",
    ),
    ItemSpec(
        4,
        "Objectives and focus of review",
        "Introduction",
        "State the question, objectives and the review's focus.",
    ),
    ItemSpec(
        5,
        "Changes in the review process",
        "Methods",
        "Report and justify changes to the planned process.",
    ),
    ItemSpec(
        6,
        "Rationale for using realist synthesis",
        "Methods",
        "Explain why a realist approach fits the question.",
    ),
    ItemSpec(
        7,
        "Scoping the literature",
        "Methods: searching",
        "Describe how the literature was scoped to build the initial theory.",
    ),
    ItemSpec(
        8,
        "Searching processes",
        "Methods: searching",
        "Describe every search: sources, strategy, dates, limits and iterations.",
    ),
    ItemSpec(
        9,
        "Selection and appraisal of documents",
        "Methods: selection and appraisal",
        "Explain how documents were selected and appraised for relevance and rigour.",
    ),
    ItemSpec(
        10,
        "Data extraction",
        "Methods: data extraction",
        "Describe what was extracted from documents and how.",
    ),
    ItemSpec(
        11,
        "Analysis and synthesis processes",
        "Methods: analysis and synthesis",
        "Describe how the programme theory was built, tested and refined.",
    ),
    ItemSpec(
        12,
        "Document flow diagram",
        "Document flow",
        "Show the documents found, screened, excluded and included, by source.",
    ),
    ItemSpec(
        13,
        "Document characteristics",
        "Characteristics of included documents",
        "Describe the included documents and what each informs.",
    ),
    ItemSpec(
        14,
        "Main findings",
        "Main findings",
        "Present the programme theory with the evidence behind each configuration.",
    ),
    ItemSpec(
        15,
        "Summary of findings",
        "Summary of findings",
        "Summarise the main findings, with attention to the question.",
    ),
    ItemSpec(
        16,
        "Strengths, limitations and future research directions",
        "Strengths and limitations",
        "Discuss the evidence base and the review's own limits.",
    ),
    ItemSpec(
        17,
        "Comparison with existing literature",
        "Substantive theories",
        "Relate the findings to existing theory and research.",
    ),
    ItemSpec(
        18,
        "Conclusion and recommendations",
        "Conclusions",
        "Draw conclusions and recommendations for policy, practice and research.",
    ),
    ItemSpec(
        19,
        "Funding",
        "Funding",
        "State the funding and the funders' role, and conflicts of interest.",
    ),
)


@dataclass
class ItemResult:
    spec: ItemSpec
    status: str
    holds: str  # what the project holds for it, with numbers
    gaps: list[str] = field(default_factory=list)


def judge(facts: dict) -> list[ItemResult]:
    """Each item's status from a dictionary of facts counted from the project (see facts.py)."""
    f = facts
    out: list[ItemResult] = []

    def add(number: int, status: str, holds: str, *gaps: str) -> None:
        out.append(ItemResult(ITEMS[number - 1], status, holds, [g for g in gaps if g]))

    title = f["title"]
    realist_named = any(
        w in title.lower() for w in ("realist", "realist synthesis", "realist review")
    )
    add(
        1,
        MET if realist_named else PARTLY if title else NOT_YET,
        f"Title: “{title}”" if title else "No title in the protocol.",
        "" if realist_named else "the title does not name the review as realist",
    )
    add(
        2,
        PARTLY if f["question"] else NOT_YET,
        "A structured abstract is drafted from the protocol and the counts below.",
        "the authors write the results and conclusions of the abstract",
    )
    add(
        3,
        MET if f["rationale"] else NOT_YET,
        _have(f["rationale"], "Rationale recorded in the protocol"),
        "" if f["rationale"] else "no rationale in the protocol",
    )
    both = bool(f["question"] and f["objectives"])
    add(
        4,
        MET if both else PARTLY if (f["question"] or f["objectives"]) else NOT_YET,
        f"Question and objectives recorded (protocol version {f['protocol_version']})."
        if both
        else "Question or objectives missing.",
        "" if both else "record both the question and the objectives",
    )
    add(
        5,
        MET if f["changes"] else PARTLY,
        f"{f['changes']} change{'s' if f['changes'] != 1 else ''} to the planned process logged; "
        f"{f['protocol_version']} protocol version{'s' if f['protocol_version'] != 1 else ''}; "
        f"{f['theory_changes']} recorded theory change{'s' if f['theory_changes'] != 1 else ''} with reasons.",
        "" if f["changes"] else "no change logged: if nothing changed, the report should say so",
    )
    add(
        6,
        MET if f["why_realist"] else NOT_YET,
        _have(f["why_realist"], "Reason for a realist approach recorded"),
        "" if f["why_realist"] else "say why a realist approach fits",
    )
    add(
        7,
        MET if f["episodes_by_purpose"].get("scoping") else NOT_YET,
        _episodes(f),
        "" if f["episodes_by_purpose"].get("scoping") else "no scoping episode logged",
    )
    complete = f["episodes_complete"]
    add(
        8,
        MET
        if f["episodes"] and complete == f["episodes"]
        else PARTLY
        if f["episodes"]
        else NOT_YET,
        _episodes(f) + f" {complete} of {f['episodes']} with strategy and date run.",
        "" if f["episodes"] else "no search logged",
        ""
        if complete == f["episodes"]
        else f"{f['episodes'] - complete} search(es) lack a strategy or date",
    )
    appraised, included_docs = f["documents_appraised"], f["included_documents"]
    add(
        9,
        MET
        if f["decisions"] and included_docs and appraised >= included_docs
        else PARTLY
        if f["decisions"] or appraised
        else NOT_YET,
        f"{f['decisions']} screening decisions; {f['reasons_used']} exclusion reasons used; "
        f"{appraised} of {included_docs} included documents appraised (relevance, rigour, richness).",
        "" if f["decisions"] else "no screening decisions recorded",
        ""
        if appraised >= included_docs
        else f"{included_docs - appraised} included document(s) not appraised",
    )
    add(
        10,
        MET if f["fragments"] and f["user_codes"] else PARTLY if f["fragments"] else NOT_YET,
        f"{f['fragments']} coded fragments in {f['coded_documents']} documents; {f['user_codes']} codes "
        f"beyond the built-in kinds; {f['memos']} memos.",
        "" if f["fragments"] else "no passage coded yet",
    )
    add(
        11,
        MET
        if f["cmocs_with_evidence"] and f["theory_versions"] >= 2
        else PARTLY
        if f["cmocs"]
        else NOT_YET,
        f"{f['theory_versions']} theory version(s); {f['cmocs']} CMOCs, {f['cmocs_with_evidence']} "
        f"with linked evidence ({f['evidence_links']} links); {f['theory_changes']} changes with reasons.",
        "" if f["theory_versions"] >= 2 else "only one theory version: refinement not yet shown",
        "" if f["cmocs_with_evidence"] else "no CMOC has evidence linked",
    )
    add(
        12,
        MET
        if f["identified"] and not f["flow_problems"]
        else PARTLY
        if f["identified"]
        else NOT_YET,
        f"{f['identified']} records identified, {f['included']} included; diagram drawn from the counts.",
        *(f["flow_problems"] or ([] if f["identified"] else ["no records imported"])),
    )
    described = f["documents_described"]
    add(
        13,
        MET
        if included_docs and described == included_docs
        else PARTLY
        if included_docs
        else NOT_YET,
        f"{included_docs} included documents; {described} with design, country and setting recorded.",
        ""
        if described == included_docs
        else f"{included_docs - described} included document(s) lack design, country or setting",
    )
    add(
        14,
        MET
        if f["components"] and f["components_with_cmocs"] == f["components"]
        else PARTLY
        if f["components"]
        else NOT_YET,
        f"{f['components']} components, {f['components_with_cmocs']} with CMOCs; "
        f"{f['components_without_evidence']} without empirical evidence (reported as such).",
        ""
        if f["components_with_cmocs"] == f["components"]
        else f"{f['components'] - f['components_with_cmocs']} component(s) have no CMOC",
    )
    add(
        15,
        PARTLY if f["components"] else NOT_YET,
        "The per-component summary table is generated.",
        "the authors write the summary of findings",
    )
    add(
        16,
        PARTLY if f["components"] else NOT_YET,
        "Evidence mix per component, stakeholder-only elements and low-rigour material kept are listed.",
        "the authors discuss strengths, limitations and future research",
    )
    add(
        17,
        MET if f["substantive_links"] else PARTLY if f["substantive"] else NOT_YET,
        f"{f['substantive']} substantive theories, linked to {f['substantive_links']} CMOCs.",
        "" if f["substantive_links"] else "no substantive theory linked to a CMOC",
    )
    add(
        18,
        NOT_YET,
        "Written by the authors.",
        "the authors write the conclusions and recommendations",
    )
    add(
        19,
        MET if f["funding"] else NOT_YET,
        _have(f["funding"], "Funding and conflicts of interest recorded"),
        "" if f["funding"] else "record funding and conflicts of interest",
    )
    return out


def _have(value: str, label: str) -> str:
    return f"{label}." if value else "Nothing recorded."


def _episodes(f: dict) -> str:
    parts = ", ".join(f"{n} {p}" for p, n in f["episodes_by_purpose"].items() if n)
    experts = f["experts"]
    return (
        f"{f['episodes']} search episodes logged"
        + (f": {parts}" if parts else "")
        + "."
        + (f" {experts} expert(s) contacted." if experts else "")
    )
