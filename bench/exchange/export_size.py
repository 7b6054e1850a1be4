"""Benchmark: exporting, and restoring, a large project (10,000 records, 5,000 fragments).

    .venv/bin/python bench/exchange/export_size.py [--records 10000 --fragments 5000]
        [--database sqlite|postgres] [--profile OPERATION ...]

Builds a synthetic project in a throwaway RETRODUCE_HOME: a SQLite database inside it (default), or
a PostgreSQL database `retroduce_bench_export_<random>` created on --postgres (default
postgresql://postgres@127.0.0.1:5432) and dropped at the end. The project is built through the
services a user's clicks run, except the fragments (see below):

- two search episodes and two RIS exports imported with `store_upload` + `run_import` (parse,
  save, deduplicate): the records of bench/import_ris.py's generator (fixed seed, seven vendor
  dialects), 3% of them exported again by the second database (half exact copies, half without
  their DOI);
- the demo's programme theory rebuilt inside this project (the demo itself is not loaded): v1 with
  the demo's eight components, a stakeholder event and feedback; v2 refined, with the demo's four
  illustrative CMOCs, ten synthetic fragments linked as evidence to three of them, and a chain;
- a codebook of 40 user codes (`create_code`: 8 top-level codes with 4 children each) beside the
  built-in and component codes; child names carry their parent's name, because restore_archive
  refuses two children of one name under different parents (`--same-child-names` shows it);
- 50 TXT full texts (about 30,000 characters and 5 pages each) attached to records with
  `attach_document` and extracted with `run_extraction`;
- 5,000 fragments with 1-3 codes each: the first fragment of each document through
  `code_passage`, the rest with bulk_create of the same Fragment, FragmentCode and "coded" Event
  rows that `code_passage` stores (5,000 separate calls would only slow the build); split
  between two coders;
- 100 memos (`write_memo`), 50 document appraisals (`appraise`), 3 quality ratings (`rate`);
- 1,000 screening decisions with `cast_vote` (title/abstract by two reviewers, with conflicts,
  exclusion reasons and components; full text on the 50 documents' records) and 10 conflicts
  resolved.

Then it times each export in this process, best of --runs (3) plain runs, and runs it once more
under tracemalloc (peak Python allocations, which include the returned bytes): the project archive
(`archive_project`), its restore (`restore_archive` after the project's rows are deleted with plain
SQL, as `tests/exchange/elsewhere.py` does, so the database looks like another machine's), the
REFI-QDA project (`project_to_refi` + `write_qdpx`) and the reference lists (`records_ris`,
`records_csv`, `records_xlsx`). Last it exports the restored project again and checks that
archive.json is the same apart from project.slug. `--profile NAME` runs that operation once more
under cProfile and prints where its time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import importlib.util
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import secrets
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
SEED = 20261126
PASSWORD = "bench-export-password-123"
MIB = 2**20
OPERATIONS = ("archive", "restore", "qdpx", "ris", "csv", "xlsx")

console = Console(width=None if sys.stdout.isatty() else 120)  # a log file gets wide tables
log = Console(stderr=True)

TOPICS = (
    "Leadership actions",
    "Leader traits",
    "Power and hierarchy",
    "Shared purpose",
    "Conditions for joint work",
    "Resilience",
    "Organisational structures",
    "Outcomes for people",
)
FACETS = ("enabling", "constraining", "as staff describe it", "as managers describe it")


@functools.cache
def _ris_module():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("import_ris", BENCH / "import_ris.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# Setting up Django against a throwaway home and database ----------------------------------------


def _postgres_create(base: str) -> tuple[str, str]:
    import psycopg

    name = f"retroduce_bench_export_{secrets.token_hex(4)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"{base}/{name}"


def _postgres_drop(base: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start_django(home: Path, database_url: str) -> None:
    os.environ["RETRODUCE_HOME"] = str(home)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "retroduce.site.settings"
    sys.path.insert(0, str(BENCH.parent / "src"))
    from retroduce.site import runtime

    runtime.setup()
    runtime.migrate()


# Building the synthetic project ------------------------------------------------------------------


class Phases:
    """Times each build phase and says what it is doing on stderr."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def run(self, label: str, fn: Callable[[], Any]) -> Any:
        log.print(f"[dim]building:[/] {label} …")
        start = time.perf_counter()
        result = fn()
        self.seconds[label] = time.perf_counter() - start
        return result


def _ris_files(records: int, rng: random.Random) -> tuple[str, str, int]:
    """Two exports: the first database's, and the second's with 3% of the first again."""
    ris = _ris_module()
    duplicates = round(records * 0.03)
    unique = records - duplicates
    texts = [ris._record(rng, n) for n in range(unique)]
    first = round(unique * 0.7)
    again = []
    for k, i in enumerate(rng.sample(range(first), duplicates)):
        text = texts[i]
        if k % 2:  # the same work exported without its DOI
            text = "\n".join(line for line in text.split("\n") if not line.startswith("DO  -"))
        again.append(text)
    second = texts[first:] + again
    rng.shuffle(second)
    return "".join(texts[:first]), "".join(second), duplicates


def _document_text(rng: random.Random) -> str:
    ris = _ris_module()
    pages = []
    for _page in range(5):
        paragraphs = []
        for _ in range(8):
            sentences = [ris._sentence(rng, 8, 22) + "." for _ in range(rng.randint(4, 8))]
            paragraphs.append(" ".join(sentences))
        pages.append("\n\n".join(paragraphs))
    return "\f".join(pages) + "\n"


def build(args: argparse.Namespace, phases: Phases) -> dict[str, Any]:
    from retroduce.coding import codebook
    from retroduce.coding.anchoring import make_anchor
    from retroduce.coding.models import Fragment, FragmentCode, Memo
    from retroduce.coding.services import appraise, code_passage, write_memo
    from retroduce.core import services
    from retroduce.core.models import Event, Role
    from retroduce.documents.services import attach_document, run_extraction
    from retroduce.reports.quality import rate
    from retroduce.screening import services as screening
    from retroduce.site.demo import COMPONENTS
    from retroduce.site.demo_theory import CMOCS, EVIDENCE_NOT_LOADED, STAKEHOLDER_ONLY
    from retroduce.sources.episodes import create_episode
    from retroduce.sources.importing import run_import, store_upload
    from retroduce.sources.models import Record
    from retroduce.theory import cmocs as cmoc_services
    from retroduce.theory import services as theory
    from retroduce.theory.changes import Why
    from retroduce.theory.models import Provenance, TheoryVersion

    rng = random.Random(SEED)
    owner = services.create_user("bench-owner", PASSWORD)
    reviewer = services.create_user("bench-reviewer", PASSWORD)
    stakeholder = services.create_user("bench-stakeholder", PASSWORD)
    project = services.create_project(
        owner,
        f"Leadership for integrated care (synthetic, {args.records:,} records)",
        question="How does leadership work in integrated health and social care teams?",
    )
    services.add_member(project, owner, reviewer.username, Role.REVIEWER)
    services.add_member(project, owner, stakeholder.username, Role.STAKEHOLDER)

    # Records: two searches, two RIS exports, the real import path -------------------------------
    def import_records() -> str:
        first, second, _dups = _ris_files(args.records, rng)
        medline = create_episode(
            project,
            owner,
            purpose="evidence",
            source="MEDLINE (Ovid)",
            strategy="leader* AND integrat*",
        )
        scopus = create_episode(
            project,
            owner,
            purpose="evidence",
            source="Scopus",
            strategy="leadership AND integrated care",
        )
        summaries = []
        for name, text, episode in (
            ("medline.ris", first, medline),
            ("scopus.ris", second, scopus),
        ):
            batch = store_upload(project, owner, name, text.encode(), episode)
            summaries.append(run_import(batch, owner).summary)
        return " | ".join(summaries)

    import_summary = phases.run(f"import {args.records:,} RIS records", import_records)

    # Theory v1: the demo's components (their codes are made by the coding app's signal) --------
    def theory_v1() -> tuple[Any, Any]:
        v1 = theory.start_version(
            project, owner, TheoryVersion.Stage.INITIAL, "Initial programme theory (the demo's)."
        )
        for name, description in COMPONENTS:
            theory.add_component(
                v1, owner, name=name, description=description, provenance=Provenance.TEAM_INFERENCE
            )
        import datetime as dt

        theory.record_stakeholder_event(
            project,
            owner,
            held_on=dt.date(2020, 3, 10),
            kind="workshop",
            title="Stakeholder workshop on the initial programme theory",
            participants={"practitioner": 1, "manager": 1, "patient_public": 1},
            theory_version=v1,
        )
        feedback = theory.leave_feedback(
            v1,
            stakeholder,
            "Fostering resilience may matter in the long run even if the papers do not show it.",
            v1.components.get(name=STAKEHOLDER_ONLY),
        )
        return v1, feedback

    v1, feedback = phases.run("theory v1 (demo components)", theory_v1)

    # Codebook -------------------------------------------------------------------------------------
    def make_codes() -> list[Any]:
        parents = max(1, args.codes // 5)
        made = []
        for p in range(parents):
            topic = TOPICS[p % len(TOPICS)] + (
                "" if p < len(TOPICS) else f" {p // len(TOPICS) + 1}"
            )
            colour = f"#{rng.randrange(0x1000000):06x}"
            parent = codebook.create_code(
                project, owner, topic, colour=colour, description=f"About {topic.lower()}."
            )
            made.append(parent)
        per = (args.codes - parents) // parents
        extra = (args.codes - parents) % parents
        for p, parent in enumerate(list(made)):
            for c in range(per + (1 if p < extra else 0)):
                facet = FACETS[c % len(FACETS)] + (
                    "" if c < len(FACETS) else f" {c // len(FACETS) + 1}"
                )
                if not args.same_child_names:
                    # One name per code project-wide: restore_archive inserts codes with their
                    # parent unset, so two children of one name trip one_top_level_code_name.
                    facet = f"{parent.name}: {facet}"
                made.append(codebook.create_code(project, owner, facet, parent=parent))
        return made

    codes = phases.run(f"codebook ({args.codes} codes)", make_codes)

    # Documents ------------------------------------------------------------------------------------
    unique_records = list(
        Record.objects.filter(project=project, duplicate_of__isnull=True).order_by("pk")
    )
    doc_records = rng.sample(unique_records, args.documents)

    def attach() -> list[Any]:
        documents = []
        for n, record in enumerate(doc_records):
            data = _document_text(rng).encode()
            document = attach_document(
                project, owner, f"full-text-{n + 1:03}.txt", data, record=record
            )
            outcome = run_extraction(document, owner)
            assert outcome.ok, outcome.summary
            documents.append(outcome.document)
        return documents

    documents = phases.run(f"attach and extract {args.documents} TXT documents", attach)

    # Fragments ------------------------------------------------------------------------------------
    def fragments() -> tuple[int, int]:
        coders = (owner, reviewer)
        per_doc = [args.fragments // len(documents)] * len(documents)
        for i in range(args.fragments % len(documents)):
            per_doc[i] += 1
        pending: list[tuple[Any, Any, list[Any]]] = []  # (fragment, coder, codes)
        through_service = 0
        for document, wanted in zip(documents, per_doc, strict=True):
            sentences = [
                (m.start(), m.end()) for m in re.finditer(r"[A-Z][^.\f\n]*\.", document.text)
            ]
            seen: set[tuple[int, int, int]] = set()
            for k in range(wanted):
                coder = coders[k % 2]
                while True:
                    i = rng.randrange(len(sentences))
                    j = min(len(sentences) - 1, i + rng.choice((0, 0, 1, 1, 2)))
                    start, end = sentences[i][0], sentences[j][1]
                    if (start, end, coder.pk) not in seen:
                        seen.add((start, end, coder.pk))
                        break
                chosen = rng.sample(codes, rng.choice((1, 1, 2, 3)))
                if k == 0:
                    code_passage(document, coder, start, end, [c.pk for c in chosen])
                    through_service += 1
                    continue
                anchor = make_anchor(document.text, start, end)
                fragment = Fragment(
                    document=document,
                    start=start,
                    end=end,
                    page=document.page_of(start),
                    quote=anchor.quote,
                    prefix=anchor.prefix,
                    suffix=anchor.suffix,
                    extraction=document.extraction,
                    coder=coder,
                )
                pending.append((fragment, coder, chosen))
        Fragment.objects.bulk_create([f for f, _c, _codes in pending], batch_size=1000)
        FragmentCode.objects.bulk_create(
            [
                FragmentCode(fragment=f, code=code, coder=coder)
                for f, coder, chosen in pending
                for code in chosen
            ],
            batch_size=1000,
        )
        Event.objects.bulk_create(
            [
                Event(
                    project=project,
                    actor=coder,
                    actor_name=coder.username,
                    verb="coded",
                    object_type="fragment",
                    object_id=str(f.uuid),
                    object_label=f"{f.document.title}: “{f.quote[:120]}”"[:300],
                    after={
                        "document": str(f.document.uuid),
                        "start": f.start,
                        "end": f.end,
                        "codes": [c.name for c in chosen],
                    },
                )
                for f, coder, chosen in pending
            ],
            batch_size=1000,
        )
        return through_service, len(pending)

    by_service, by_bulk = phases.run(f"{args.fragments:,} fragments", fragments)
    all_fragments = list(Fragment.objects.filter(document__project=project).order_by("pk"))

    # Memos, appraisals, quality ratings ---------------------------------------------------------
    def memos() -> None:
        kinds = list(Memo.Kind.values)
        for n in range(args.memos):
            target = n % 4
            write_memo(
                project,
                rng.choice((owner, reviewer)),
                f"Memo {n + 1}",
                "Why this passage matters for the programme theory. " * rng.randint(1, 6),
                rng.choice(kinds),
                fragment=rng.choice(all_fragments) if target == 0 else None,
                code=rng.choice(codes) if target == 1 else None,
                document=rng.choice(documents) if target == 2 else None,
            )
        levels = ("high", "medium", "low")
        for document in documents:
            appraise(
                project,
                owner,
                relevance=rng.choice(levels),
                rigour=rng.choice(levels),
                richness=rng.choice(levels),
                rationale="Synthetic appraisal.",
                document=document,
            )
        for domain, level in ((1, "good"), (2, "adequate"), (3, "excellent")):
            rate(project, owner, domain, level, "Synthetic rating")

    phases.run(f"{args.memos} memos, {len(documents)} appraisals, 3 quality ratings", memos)

    # Screening ------------------------------------------------------------------------------------
    def screen() -> tuple[int, int]:
        reasons = [
            screening.add_reason(project, owner, label)
            for label in (
                "Not about leadership",
                "Not integrated care",
                "Not empirical",
                "Protocol only",
            )
        ]
        screening.add_keyword(project, owner, "include", "leadership")
        screening.add_keyword(project, owner, "exclude", "protocol")
        components = list(v1.components.all())
        cast = 0

        def vote(user: Any, record: Any, stage: str, choice: str) -> None:
            nonlocal cast
            reason = None
            if choice == "exclude" and (stage == "ft" or rng.random() < 0.7):
                reason = rng.choice(reasons)
            chosen = rng.sample(components, rng.randint(1, 2)) if choice == "include" else []
            screening.cast_vote(
                project, user, record, stage, choice, reason=reason, components=chosen
            )
            cast += 1

        for record in doc_records:  # the documents' records: included by both, then full text
            vote(owner, record, "ta", "include")
            vote(reviewer, record, "ta", "include")
        rest = args.decisions - 3 * len(doc_records)
        by_owner = round(rest * 0.8)
        taken = {r.pk for r in doc_records}
        others = rng.sample([r for r in unique_records if r.pk not in taken], by_owner)
        owner_votes = {}
        for record in others:
            owner_votes[record.pk] = rng.choices(("include", "maybe", "exclude"), (10, 5, 85))[0]
            vote(owner, record, "ta", owner_votes[record.pk])
        conflicts = []
        for record in rng.sample(others, rest - by_owner):
            choice = owner_votes[record.pk]
            if rng.random() < 0.15:
                choice = "include" if choice != "include" else "exclude"
            vote(reviewer, record, "ta", choice)
            if {choice, owner_votes[record.pk]} == {"include", "exclude"}:
                conflicts.append(record)
        for n, record in enumerate(doc_records):
            vote(owner, record, "ft", "include" if n % 5 else "exclude")
        resolved = 0
        for record in conflicts[:10]:
            screening.resolve_conflict(project, owner, record, "ta", "exclude", reason=reasons[0])
            resolved += 1
        return cast, resolved

    decisions, resolved = phases.run(f"{args.decisions:,} screening decisions", screen)

    # Theory v2: the demo's refinement, with evidence from the synthetic fragments ------------------
    def theory_v2() -> None:
        v2 = theory.start_version(
            project, owner, TheoryVersion.Stage.REFINED, "Refined after synthesis (synthetic)."
        )
        for component in v2.components.all():
            if component.name == STAKEHOLDER_ONLY:
                theory.update_component(
                    component,
                    owner,
                    Why("Kept for the stakeholders' judgement.", feedback=[feedback.pk]),
                    statement="If leaders support their teams' resilience, integrated working lasts.",
                )
            else:
                theory.update_component(
                    component,
                    owner,
                    Why(EVIDENCE_NOT_LOADED),
                    provenance_override=Provenance.EMPIRICAL,
                    override_reason=EVIDENCE_NOT_LOADED,
                )
        made = {}
        for name, parts, quotes in CMOCS:
            component = v2.components.get(name=name)
            cmoc = cmoc_services.create_cmoc(
                component, reviewer, Why("Synthetic configuration."), **parts
            )
            if quotes:
                evidence = [f.pk for f in rng.sample(all_fragments, 10)]
                cmoc_services.link_evidence(cmoc, reviewer, evidence, note="Synthetic link.")
            made[name] = cmoc
        cmoc_services.set_chain(
            made["Inspiring intent to work together"],
            reviewer,
            [made["Creating the conditions to work together"]],
        )

    phases.run("theory v2 (demo CMOCs, evidence, chain)", theory_v2)
    return {
        "project": project,
        "owner": owner,
        "import_summary": import_summary,
        "fragments_by_service": by_service,
        "fragments_by_bulk": by_bulk,
        "decisions": decisions,
        "resolved": resolved,
    }


# Measuring --------------------------------------------------------------------------------------


def forget_project(project: Any) -> None:
    """tests/exchange/elsewhere.py's forget_project, copied so that tests/ need not be importable:
    every row of the project deleted with plain SQL DELETEs, children first."""
    from django.apps import apps
    from django.db import transaction

    from retroduce.core.models import Project
    from retroduce.exchange.archive import NOT_ARCHIVED, TABLES

    with transaction.atomic():
        for table in reversed(TABLES):
            rows = table.model._base_manager.filter(**{table.path: project})
            for m2m in table.model._meta.many_to_many:
                through = m2m.remote_field.through
                if through._meta.auto_created:
                    source = m2m.m2m_field_name()
                    through._base_manager.filter(
                        **{f"{source}__in": rows.values("pk")}
                    )._raw_delete("default")
            rows._raw_delete("default")
        for label in NOT_ARCHIVED:
            apps.get_model(label)._base_manager.filter(project=project)._raw_delete("default")
        Project.objects.filter(pk=project.pk)._raw_delete("default")


def _size(value: Any) -> int | None:
    if isinstance(value, bytes):
        return len(value)
    if isinstance(value, str):
        return len(value.encode())
    return None


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def traced(fn: Callable[[], Any]) -> tuple[Any, int]:
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


def profiled(label: str, fn: Callable[[], Any]) -> Any:
    profile = cProfile.Profile()
    result = profile.runcall(fn)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(25)
    stats.sort_stats("tottime").print_stats(15)
    log.print(f"[bold]cProfile of {label}[/]")
    sys.stderr.write(out.getvalue())
    return result


def _archive_json(data: bytes) -> dict[str, Any]:
    document = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("archive.json"))
    document["project"]["slug"] = None
    return document


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    found = [
        key
        for key in sorted(set(before) | set(after))
        if key != "objects" and before.get(key) != after.get(key)
    ]
    a, b = before.get("objects", {}), after.get("objects", {})
    for label in sorted(set(a) | set(b)):
        if a.get(label) != b.get(label):
            rows_a, rows_b = a.get(label, []), b.get(label, [])
            unequal = sum(1 for x, y in zip(rows_a, rows_b, strict=False) if x != y)
            found.append(f"{label} ({len(rows_a)} vs {len(rows_b)} rows, {unequal} differ)")
    return found


def measure(args: argparse.Namespace, built: dict[str, Any]) -> tuple[list[tuple], dict[str, Any]]:
    from retroduce.core.models import Project
    from retroduce.exchange.archive import archive_project, restore_archive
    from retroduce.exchange.references import records_csv, records_ris, records_xlsx
    from retroduce.exchange.refi import write_qdpx
    from retroduce.exchange.refi_export import project_to_refi

    project, owner = built["project"], built["owner"]
    rows: list[tuple] = []
    notes: dict[str, Any] = {}
    split: dict[str, float] = {}

    def qdpx() -> bytes:
        start = time.perf_counter()
        model = project_to_refi(project)
        middle = time.perf_counter()
        data = write_qdpx(model)
        split["project_to_refi"], split["write_qdpx"] = middle - start, time.perf_counter() - middle
        return data

    exports = {
        "qdpx": ("REFI-QDA project (project_to_refi + write_qdpx)", qdpx),
        "ris": ("references as RIS (records_ris)", lambda: records_ris(project)),
        "csv": ("references as CSV (records_csv)", lambda: records_csv(project)),
        "xlsx": ("references as Excel (records_xlsx)", lambda: records_xlsx(project)),
        "archive": ("project archive (archive_project)", lambda: archive_project(project)),
    }
    first_archive = b""
    for key, (label, fn) in exports.items():
        log.print(f"[dim]measuring:[/] {label} …")
        seconds = float("inf")
        for _ in range(args.runs):
            out, took = timed(fn)
            if took < seconds:
                seconds = took
                if key == "qdpx":
                    notes["qdpx split"] = dict(split)
        _, peak = traced(fn)
        if key in args.profile:
            profiled(label, fn)
        rows.append((label, seconds, _size(out), peak))
        if key == "archive":
            first_archive = out
            notes["archive.json MiB"] = (
                len(zipfile.ZipFile(io.BytesIO(out)).read("archive.json")) / MIB
            )
    before = _archive_json(first_archive)

    # Restore as on another machine: the project's rows are gone, its files stay (as after a copy).
    name = "large-project.zip"
    forget_project(project)

    def restore() -> Any:
        return restore_archive(first_archive, name, owner)

    log.print("[dim]measuring:[/] restore (restore_archive) …")
    result, peak = traced(restore)
    forget_project(result.project)
    if "restore" in args.profile:
        forget_project(profiled("restore_archive", restore).project)
    seconds = float("inf")
    for n in range(args.runs):
        result, took = timed(restore)
        seconds = min(seconds, took)
        if n < args.runs - 1:
            forget_project(result.project)
    notes["restored counts"] = result.counts
    notes["restore warnings"] = result.warnings
    rows.append(("restore the archive (restore_archive)", seconds, None, peak))

    restored = Project.objects.get(pk=result.project.pk)
    log.print("[dim]measuring:[/] archive of the restored project …")
    again, seconds = timed(lambda: archive_project(restored))
    rows.append(("archive of the restored project (one run)", seconds, len(again), None))
    after = _archive_json(again)
    notes["identical"] = before == after
    notes["differences"] = [] if notes["identical"] else _differences(before, after)
    notes["counts"] = {label: len(objects) for label, objects in before["objects"].items()}
    return rows, notes


# Reporting ----------------------------------------------------------------------------------------


def machine(database: str) -> dict[str, str]:
    from django.db import connection

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "CPU": model,
        "nproc": str(len(os.sched_getaffinity(0))),
        "load average (1, 5, 15 min)": load,
        "Python": platform.python_version(),
        "database": version
        + (" (local server)" if database == "postgres" else " (file in RETRODUCE_HOME)"),
    }


def _mib(n: int | None, digits: int = 2) -> str:
    return "—" if n is None else f"{n / MIB:,.{digits}f}"


def report(
    args: argparse.Namespace,
    built: dict[str, Any],
    phases: Phases,
    rows: list[tuple],
    notes: dict[str, Any],
    where: dict[str, str],
) -> None:
    counts = notes["counts"]
    project_table = Table(title="The synthetic project (rows in archive.json)")
    project_table.add_column("table")
    project_table.add_column("rows", justify="right")
    for label, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        if n:
            project_table.add_row(label, f"{n:,}")
    console.print(project_table)
    console.print(f"[dim]{built['import_summary']}[/]")
    console.print(
        f"Fragments: {built['fragments_by_service']} through code_passage (the first of each "
        f"document), {built['fragments_by_bulk']:,} with bulk_create of the Fragment, FragmentCode "
        "and 'coded' Event rows code_passage stores. Theory: the demo's (v1 components, v2 CMOCs) "
        "rebuilt inside this project; the demo project itself is not loaded. "
        f"Screening: {built['decisions']:,} decisions through cast_vote, {built['resolved']} conflicts resolved."
    )

    build_table = Table(title="Building it")
    build_table.add_column("phase")
    build_table.add_column("seconds", justify="right")
    for label, seconds in phases.seconds.items():
        build_table.add_row(label, f"{seconds:.1f}")
    console.print(build_table)

    table = Table(
        title=f"Exports of {args.records:,} records and {args.fragments:,} fragments ({where['database']})"
    )
    table.add_column("operation")
    table.add_column(f"seconds (best of {args.runs})", justify="right")
    table.add_column("MiB out", justify="right")
    table.add_column("peak MiB", justify="right")
    for label, seconds, size, peak in rows:
        table.add_row(label, f"{seconds:.2f}", _mib(size), _mib(peak, 0))
    console.print(table)
    split = notes.get("qdpx split", {})
    console.print(
        f"REFI-QDA split: project_to_refi {split.get('project_to_refi', 0):.2f} s, write_qdpx "
        f"{split.get('write_qdpx', 0):.2f} s. archive.json inside the zip: "
        f"{notes['archive.json MiB']:.1f} MiB uncompressed. Peak MiB is tracemalloc's peak of "
        "Python allocations in one more, untimed run of the same call (the returned bytes "
        "included); process peak RSS at the end: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB."
    )
    held = "[green]held[/]" if notes["identical"] else "[red]did NOT hold[/]"
    console.print(
        f"export → restore → export: archive.json identical apart from project.slug: {held}"
    )
    for line in notes["differences"]:
        console.print(f"  differs: {line}")
    for warning in notes["restore warnings"]:
        console.print(f"  restore warning: {warning}")
    slow = [label for label, seconds, _s, _p in rows if seconds > 120]
    if slow:
        console.print(f"[red]over 2 minutes:[/] {', '.join(slow)} (rerun with --profile)")

    machine_table = Table(title="Machine")
    machine_table.add_column("")
    machine_table.add_column("")
    for key, value in where.items():
        machine_table.add_row(key, value)
    console.print(machine_table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--fragments", type=int, default=5_000)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--codes", type=int, default=40)
    parser.add_argument("--decisions", type=int, default=1_000)
    parser.add_argument("--memos", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each; the best counts")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="server, without a database name",
    )
    parser.add_argument(
        "--profile",
        choices=OPERATIONS,
        action="append",
        default=[],
        help="also run this operation under cProfile (may be given more than once)",
    )
    parser.add_argument(
        "--same-child-names",
        action="store_true",
        help="give the children of every top-level code the same four names (restore refuses it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the throwaway home and database")
    args = parser.parse_args()
    if args.decisions < 3 * args.documents:
        parser.error("--decisions must be at least three per document")

    home = Path(tempfile.mkdtemp(prefix="retroduce-bench-export-"))
    pg_name, url = ("", "")
    if args.database == "postgres":
        pg_name, url = _postgres_create(args.postgres.rstrip("/"))
        log.print(f"[dim]created PostgreSQL database {pg_name}[/]")
    try:
        _start_django(home, url)
        phases = Phases()
        built = build(args, phases)
        rows, notes = measure(args, built)
        report(args, built, phases, rows, notes, machine(args.database))
    finally:
        if pg_name and not args.keep:
            _postgres_drop(args.postgres.rstrip("/"), pg_name)
            log.print(f"[dim]dropped PostgreSQL database {pg_name}[/]")
        if args.keep:
            log.print(f"[dim]kept {home}{' and ' + pg_name if pg_name else ''}[/]")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
