"""The demo's documents and codebook: two short texts coded as the reference review would.

The review's key message is the difference between who a leader is (traits) and what a leader
does (actions), so the codebook carries both under Actor, and the demo's fragments use them.
The first text quotes short passages of the published abstract (Harris et al. 2022, NIHR report
10.3310/WPNG1013) with attribution; the second is an illustrative set of workshop notes written
for the demo, and says so.
"""

from __future__ import annotations

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.services import appraise, code_passage, write_memo
from retroduce.core.models import Project
from retroduce.documents.services import attach_document, run_extraction, update_document

ABSTRACT_NOTES = """Reading notes on the published abstract
Harris R, Fletcher S, Sims S, Ross F, Brearley S, Manthorpe J (2022). Developing programme theories of leadership for integrated health and social care teams and systems: a realist synthesis. NIHR report 10.3310/WPNG1013. Short quotations from the abstract, for the demo.

On leaders: empirical research "often focused on the importance of who the leader of an integrated team or service was (i.e. their personality traits and characteristics)".

The same sentence goes on: "rather than what they did (i.e. the specific role that they played in integrated working)".

Stakeholders "considered that a focus on leader personality was not sufficient".

On power: the abstract highlights "the way in which power and influence are used by integrated service leaders" and "the hierarchies between health and social care which complicate the leading of integrated teams and systems".

On resilience: no empirical evidence was found for 'fostering resilience', "although stakeholders felt that this was potentially an important, long-term component of leadership".
"""

WORKSHOP_NOTES = """Stakeholder workshop notes (illustrative, written for the demo)

These notes are invented to show how workshop material is coded; they are not from the review.

A practice manager said the leader of their joint team was liked by everyone, but what made the difference was that she set up a weekly meeting where social workers and district nurses planned visits together.

A carer said that when staff were exhausted after the winter, the team leader arranged cover so people could take leave, and that this kept the team going.

A commissioner said that pooled budgets only worked once the leaders of both organisations agreed who would sign off spending.
"""

# (document key, quoted passage, codes by path)
FRAGMENTS = [
    (
        "abstract",
        "who the leader of an integrated team or service was (i.e. their personality traits and characteristics)",
        ["Actor › Leader › Who the leader is (traits)"],
    ),
    (
        "abstract",
        "rather than what they did (i.e. the specific role that they played in integrated working)",
        ["Actor › Leader › What the leader does (actions)"],
    ),
    (
        "abstract",
        "a focus on leader personality was not sufficient",
        ["Actor › Leader › Who the leader is (traits)", "Mechanism (response)"],
    ),
    (
        "abstract",
        "the hierarchies between health and social care which complicate the leading of integrated teams and systems",
        ["Context", "Programme theory › Working with power"],
    ),
    (
        "abstract",
        "the way in which power and influence are used by integrated service leaders",
        [
            "Programme theory › Working with power",
            "Actor › Leader › What the leader does (actions)",
        ],
    ),
    (
        "workshop",
        "the leader of their joint team was liked by everyone",
        ["Actor › Leader › Who the leader is (traits)"],
    ),
    (
        "workshop",
        "she set up a weekly meeting where social workers and district nurses planned visits together",
        [
            "Actor › Leader › What the leader does (actions)",
            "Programme theory › Creating the conditions to work together",
            "Mechanism (resource)",
        ],
    ),
    (
        "workshop",
        "the team leader arranged cover so people could take leave, and that this kept the team going",
        ["Programme theory › Fostering resilience", "Outcome"],
    ),
    (
        "workshop",
        "pooled budgets only worked once the leaders of both organisations agreed who would sign off spending",
        ["Context", "Programme theory › Working with power"],
    ),
]


def load_demo_coding(project: Project, owner, reviewer) -> None:  # noqa: ANN001
    codebook.ensure_codebook(project)
    actor = live_codes(project).get(name="Actor", parent=None)
    leader = codebook.create_code(
        project,
        owner,
        "Leader",
        parent=actor,
        description="Whoever leads the integrated team, service or system.",
    )
    codebook.create_code(
        project,
        owner,
        "Who the leader is (traits)",
        parent=leader,
        description="Personality traits and characteristics of the leader: where, the review "
        "found, much empirical research put its attention.",
        colour="#7a5c00",
    )
    codebook.create_code(
        project,
        owner,
        "What the leader does (actions)",
        parent=leader,
        description="The specific role the leader plays in integrated working: what stakeholders "
        "said matters beyond personality.",
        colour="#00707a",
    )
    paths = {path: code for code, _depth, path in codebook.code_paths(project)}
    documents = {
        "abstract": attach_document(
            project,
            owner,
            "harris-2022-abstract-notes.txt",
            ABSTRACT_NOTES.encode(),
            kind="report",
            title="Reading notes on the published abstract (Harris et al. 2022)",
        ),
        "workshop": attach_document(
            project,
            owner,
            "workshop-notes.txt",
            WORKSHOP_NOTES.encode(),
            kind="workshop_notes",
            title="Stakeholder workshop notes (illustrative)",
        ),
    }
    described = {
        "abstract": (
            "Realist synthesis (its published abstract)",
            "England",
            "Integrated health and social care teams and systems",
        ),
        "workshop": (
            "Stakeholder workshop notes (illustrative)",
            "England",
            "Community health and social care team",
        ),
    }
    for key, document in documents.items():
        documents[key] = run_extraction(document, owner).document
        design, country, setting = described[key]
        update_document(
            documents[key], owner, study_design=design, country=country, setting=setting
        )
    for key, quote, code_paths in FRAGMENTS:
        document = documents[key]
        start = document.text.index(quote)
        code_passage(
            document, reviewer, start, start + len(quote), [paths[p].pk for p in code_paths]
        )
    appraise(
        project,
        reviewer,
        document=documents["workshop"],
        relevance="high",
        rigour="low",
        richness="high",
        rationale="Illustrative notes: no method, but rich accounts of what leaders do.",
    )
    write_memo(
        project,
        reviewer,
        "Traits or actions?",
        "Count the fragments under Leader: the published literature leans on who the leader "
        "is, while stakeholders talk about what the leader does. Compare the two sub-codes in "
        "the matrix.",
        kind="retroductive",
        code=paths["Actor › Leader"],
    )
