"""Damaged REFI-QDA projects and project archives are refused cleanly or read correctly.

The only acceptable outcomes:
- read_qdpx: a (Project, ImportReport), or a RefiError whose message starts with the file name;
- restore_refi, merge_refi and restore_archive (the .qdpx and archive uploads): a restored or
  merged project, or a RefiError/ArchiveError starting with the file name that leaves every
  table (and the media folder) as it was.
Anything else (an uncaught exception, a half-written project) is a bug. Inputs that ever broke
something are kept in tests/corpus/ and replayed by tests/test_regression_corpus.py.

RETRODUCE_FUZZ_EXAMPLES sets every test's number of examples (bench/fuzz/run.py runs them
longer); the defaults keep this module near one minute on SQLite on a busy 2-core machine.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from retroduce.core.models import Project
from retroduce.exchange.archive import (
    JSON_MEMBER,
    TABLES,
    ArchiveError,
    archive_project,
    restore_archive,
)
from retroduce.exchange.refi import (
    Case,
    Code,
    ImportReport,
    Link,
    Note,
    PDFSelection,
    RefiError,
    Set,
    Source,
    TextSelection,
    User,
    Variable,
    VariableValue,
    read_qdpx,
    write_qdpx,
)
from retroduce.exchange.refi import Project as RefiProject
from retroduce.exchange.refi_import import restore_refi
from retroduce.exchange.refi_merge import merge_refi
from tests.documents.pdfs import make_pdf
from tests.exchange.elsewhere import forget_project
from tests.sources.ris_samples import LEADERSHIP, POWER, RESILIENCE, ris_file


def budget(default: int) -> int:
    """Examples per test: RETRODUCE_FUZZ_EXAMPLES when set, else the CI default."""
    return int(os.environ.get("RETRODUCE_FUZZ_EXAMPLES") or default)


def fuzz(default: int) -> settings:
    return settings(
        max_examples=budget(default),
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


def count(outcome: str) -> None:
    """Tally an outcome for --hypothesis-show-statistics (bench/fuzz/run.py prints them)."""
    if currently_in_test_context():
        event(outcome)


def outcome(message: str) -> str:
    """A refusal's kind, for --hypothesis-show-statistics: the message without the details."""
    # Lone surrogates (quoted from the input) would break the terminal's UTF-8 output.
    reason = message.split(": ", 1)[-1].encode("utf-8", "backslashreplace").decode()
    return re.sub(r"#\d+|'[^']*'|\([^)]*\)|[0-9a-f-]{36}|\d+", "…", reason)[:70]


# --- byte-level damage, as tests/sources/importers/test_fuzzed_input.py does it ------------------

XML_TOKENS = [
    b"<",
    b">",
    b"&",
    b'"',
    b"=",
    b"</",
    b"\x00",
    b"\xff\xfe",
    b"&#0;",
    b"&#x10FFFF;",
    b"&lol;",
    b"<!DOCTYPE p [<!ENTITY lol 'lol'>]>",
    b'<?xml version="1.0" encoding="x-unknown"?>',
    b'<Code guid="00000000-0000-4000-8000-000000000099" name="x">',
    b"<Code>",
    b"</Code>",
    b'startPosition="-5"',
    b'endPosition="99999999999999999999"',
    b'page="-1"',
    b'guid=""',
    b'plainTextPath="internal://../../etc/passwd"',
    b'path="internal://sources/"',
    b'richTextPath="C:\\evil.docx"',
    b'creationDateTime="9999-99-99T99:99:99"',
    b'color="#zzz"',
    b'typeOfVariable="Blob"',
    b"<PlainTextContent>",
    b"<Project>",
    b"\r\n",
    b"\xef\xbb\xbf",
]
ZIP_TOKENS = [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"\x00" * 4, b"\xff" * 4, b"../"]


@st.composite
def damaged(draw: st.DrawFn, data: bytes, tokens: list[bytes]) -> bytes:
    """1-6 flips, cuts, token inserts, deletions or duplications of a valid file."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "duplicate"]))
        at = draw(st.integers(0, max(len(buffer) - 1, 0)))
        if kind == "flip" and buffer:
            buffer[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = draw(st.sampled_from(tokens) | st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del buffer[at : at + draw(st.integers(1, 50))]
        elif kind == "duplicate":
            buffer[at:at] = buffer[at : at + draw(st.integers(1, 200))]
    return bytes(buffer)


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


# --- REFI-QDA -------------------------------------------------------------------------------


def g(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


PDF = make_pdf(["Page one.", "Page two."])
TEXT = "Trust \U0001f91d grows when the café owner listens.\r\nZoë: budgets were pooled."
WHEN = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def small_project() -> RefiProject:
    """Every element the reader handles, once: nested codes, a text and a PDF source with
    selections, notes, variables with values, a case, a set and a link."""
    trust = TEXT.index("Trust")
    return RefiProject(
        name="Fuzzed review",
        creating_user_guid=g(1),
        users=(User(g(1), "Ana"),),
        codebook=(
            Code(g(10), "Mechanisms", "#336699", "M <&>", False, (Code(g(11), "Trust"),)),
            Code(g(20), "Contexts"),
        ),
        sources=(
            Source(
                g(100),
                "Interview",
                "text",
                TEXT,
                selections=(
                    TextSelection(
                        g(101), "Trust", trust, trust + 5, g(1), WHEN, (g(11),), (g(300),)
                    ),
                ),
                variables=(VariableValue(g(200), "Interview"),),
                note_guids=(g(300),),
            ),
            Source(
                g(120),
                "Paper.pdf",
                "pdf",
                "Page one.\fPage two.",
                original_path=f"sources/{g(120)}.pdf",
                original_bytes=PDF,
                selections=(
                    TextSelection(g(121), "Page two", 10, 18, g(1), WHEN, (g(20),)),
                    PDFSelection(g(122), "Figure", 1, 72, 500, 300, 700, g(1), WHEN, (g(11),)),
                ),
            ),
        ),
        notes=(Note(g(300), "Memo", "Line\r\nand 😀 & <tags>", WHEN, g(1)),),
        variables=(Variable(g(200), "Type", "Text"), Variable(g(202), "Age", "Integer")),
        cases=(Case(g(400), "Zoë", (VariableValue(g(202), "42"),), (g(100),)),),
        sets=(Set(g(500), "CMO", "codes", (g(11),), (g(100),)),),
        links=(Link(g(600), "leads to", "OneWay", g(11), g(20), "#ff0000"),),
    )


QDPX = write_qdpx(small_project())
QDPX_MEMBERS = members_of(QDPX)


def read_or_refuse(data: bytes, name: str = "fuzz.qdpx") -> None:
    try:
        project, report = read_qdpx(data, name)
    except RefiError as error:
        assert str(error).startswith(name), str(error)
        count(f"refused: {outcome(str(error))}")
        return
    assert isinstance(project, RefiProject) and isinstance(report, ImportReport)
    count("read")
    for source in project.sources:
        assert isinstance(source.plain_text, str)
        for selection in source.selections:
            assert isinstance(selection, TextSelection | PDFSelection)


@st.composite
def damaged_member(draw: st.DrawFn) -> bytes:
    """A well-formed zip with one member (usually project.qde) damaged as text."""
    members = dict(QDPX_MEMBERS)
    name = draw(st.sampled_from(["project.qde"] * 4 + sorted(members)))
    members[name] = draw(damaged(members[name], XML_TOKENS))
    return rezip(members)


GUIDS = sorted(set(re.findall(r'(?:guid|GUID)="([^"]+)"', QDPX_MEMBERS["project.qde"].decode())))
XML_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)
ATTRIBUTE_VALUES = (
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "3",
            "99999999999",
            "-99999999999999999999",
            "1e9",
            "true",
            "no",
            "#zzz",
            "#abc",
            "internal://",
            "internal://../escape.txt",
            "internal://missing.txt",
            "internal://00000000-0000-4000-8000-000000000120.pdf",
            "relative://x.txt",
            "absolute:///etc/passwd",
            "sources/00000000-0000-4000-8000-000000000100.txt",
            "2024-13-45T99:00:00",
            "x" * 300,
            "y" * 5000,
            "\u202eevil",
        ]
    )
    | st.sampled_from(GUIDS)  # another element's GUID: duplicates and crossed references
    | st.sampled_from(GUIDS).map(lambda guid: "{" + guid.lower() + "}")
    | XML_TEXT
)
ATTRIBUTE_NAMES = [
    "guid",
    "name",
    "targetGUID",
    "startPosition",
    "endPosition",
    "page",
    "firstX",
    "secondY",
    "plainTextPath",
    "path",
    "richTextPath",
    "creatingUser",
    "creationDateTime",
    "isCodable",
    "color",
    "typeOfVariable",
    "direction",
    "originGUID",
]


@st.composite
def restructured(draw: st.DrawFn) -> bytes:
    """A well-formed project.qde with elements and attributes changed, removed, duplicated or
    moved: damage a parser meets past the XML layer (duplicate GUIDs, dangling references,
    offsets outside the text, selections in the wrong place)."""
    root = ElementTree.fromstring(QDPX_MEMBERS["project.qde"])
    for _ in range(draw(st.integers(1, 5))):
        elements = list(root.iter())
        parents = {child: parent for parent in elements for child in parent}
        node = elements[draw(st.integers(0, len(elements) - 1))]
        op = draw(st.sampled_from(["set", "unset", "remove", "duplicate", "move", "text"]))
        if op == "set":
            name = draw(st.sampled_from(sorted(node.attrib) + ATTRIBUTE_NAMES))
            node.set(name, draw(ATTRIBUTE_VALUES))
        elif op == "unset" and node.attrib:
            del node.attrib[draw(st.sampled_from(sorted(node.attrib)))]
        elif op == "remove" and node in parents:
            parents[node].remove(node)
        elif op == "duplicate" and node in parents:
            parents[node].append(ElementTree.fromstring(ElementTree.tostring(node)))
        elif op == "move" and node in parents:
            target = elements[draw(st.integers(0, len(elements) - 1))]
            if node is not target and target not in node.iter():
                parents[node].remove(node)
                target.append(node)
        elif op == "text":
            node.text = draw(XML_TEXT)
    members = dict(QDPX_MEMBERS)
    members["project.qde"] = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return rezip(members)


def test_the_undamaged_project_reads_back_whole():
    project, report = read_qdpx(QDPX, "fuzz.qdpx")
    assert project == small_project()
    assert report.warnings == [] and report.unsupported == []


@fuzz(500)
@given(damaged(QDPX, XML_TOKENS + ZIP_TOKENS))
def test_a_damaged_qdpx_is_read_or_refused_with_the_file_name(data: bytes) -> None:
    read_or_refuse(data)


@fuzz(500)
@given(damaged_member())
def test_a_damaged_project_qde_inside_a_valid_zip_is_read_or_refused(data: bytes) -> None:
    read_or_refuse(data)


@fuzz(400)
@given(restructured())
def test_a_restructured_project_qde_is_read_or_refused(data: bytes) -> None:
    read_or_refuse(data)


def table_counts() -> dict[str, int]:
    counts = {t.label: t.model._base_manager.count() for t in TABLES}
    counts["core.Project"] = Project.objects.count()
    counts["auth.User"] = get_user_model()._base_manager.count()
    return counts


def media_files() -> list[Path]:
    return sorted(p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file())


@pytest.mark.django_db
@fuzz(250)
@given(
    data=restructured() | restructured() | damaged_member() | damaged(QDPX, XML_TOKENS),
    merge=st.booleans(),
)
def test_a_damaged_qdpx_upload_restores_or_changes_nothing(team, data, merge):
    """The two .qdpx uploads: "restore a project" (restore_refi) and the Export & import
    page's merge into an open project (merge_refi)."""
    with transaction.atomic():
        before, files = table_counts(), media_files()
        owner = team.users["owner"]
        try:
            if merge:
                result = merge_refi(team.project, data, "fuzz.qdpx", owner)
            else:
                result = restore_refi(data, "fuzz.qdpx", owner)
        except RefiError as error:
            assert str(error).startswith("fuzz.qdpx"), str(error)
            assert table_counts() == before
            assert media_files() == files
            count(f"refused: {outcome(str(error))}")
        else:
            assert result.project.memberships.filter(user=owner).exists()
            count("merged" if merge else "restored")
        transaction.set_rollback(True)


# --- project archives ---------------------------------------------------------------------


class Archived:
    """The archive's bytes, with a short repr for Hypothesis's report of a failing example."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<archive of {len(self.data):,} bytes>"


@pytest.fixture
def archived(team):
    """An archive of a small project: three records, a document, a coded passage, a memo."""
    from retroduce.coding.codebook import create_code
    from retroduce.coding.services import code_passage, write_memo
    from retroduce.documents.services import attach_document, run_extraction
    from retroduce.sources.importing import run_import, store_upload

    project, owner = team.project, team.users["owner"]
    run_import(
        store_upload(project, owner, "r.ris", ris_file(LEADERSHIP, POWER, RESILIENCE)), owner
    )
    code = create_code(project, owner, "Trust")
    document = attach_document(project, owner, "notes.txt", b"Leaders who listen build trust.\n")
    run_extraction(document, owner)
    document.refresh_from_db()
    code_passage(document, owner, 0, 19, [code.pk])
    write_memo(project, owner, "Why trust", "Listening comes first.", code=code)
    return Archived(archive_project(project))


def restore_or_refuse(team, data: bytes, forget: bool = True, document: dict | None = None):
    """Restore inside a transaction that is always rolled back; check the outcome: a refusal
    changed nothing, a restore holds exactly the rows of `document` (when given)."""
    with transaction.atomic():
        if forget:  # as on another machine, so the restore goes past "already here"
            forget_project(team.project)
        before, files = table_counts(), media_files()
        try:
            result = restore_archive(data, "fuzz.zip", team.users["owner"])
        except ArchiveError as error:
            assert str(error).startswith("fuzz.zip: "), str(error)
            count(f"refused: {outcome(str(error))}")
            assert table_counts() == before, str(error)
            assert media_files() == files, str(error)
            result = None
        else:
            assert result.project.pk and Project.objects.filter(pk=result.project.pk).exists()
            count("restored")
            if document is not None:
                for table in TABLES:
                    rows = document["objects"].get(table.label, [])
                    here = table.model._base_manager.filter(**{table.path: result.project})
                    # The restoring account is made an owner when the archive did not say so.
                    extra = 1 if table.label == "core.Membership" and result.warnings else 0
                    assert here.count() in (len(rows), len(rows) + extra), table.label
        transaction.set_rollback(True)
    return result


def document_of(data: bytes) -> tuple[dict, dict[str, bytes]]:
    members = members_of(data)
    return json.loads(members[JSON_MEMBER]), members


def test_the_undamaged_archive_restores(team, archived):
    result = restore_or_refuse(team, archived.data, document=document_of(archived.data)[0])
    assert result is not None and result.counts["records"] == 3


# Values of every JSON type, including the awkward ones: huge integers, NaN, markup, paths,
# over-long strings, and text no database column can hold: a NUL (PostgreSQL refuses it) and
# lone surrogates (neither database takes them).
UNSTORABLE = st.sampled_from(["\x00", "a\x00b", "\ud800", "a\udfffb"])
NASTY_TEXT = (
    UNSTORABLE
    | st.sampled_from(
        [
            "",
            " ",
            "../../etc/passwd",
            "files/../../x",
            "=cmd|' /C calc'!A0",
            "<script>alert(1)</script>",
            "\u202eevil",
            "x" * 400,
            "y" * 5000,
            "owner",
            "user:1",
            "00000000-0000-0000-0000-000000000000",
            "9999-12-31T23:59:59+14:00",
            "0001-01-01",
            "NaN",
        ]
    )
    | st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
)
HUGE = st.sampled_from([2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**100)])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | HUGE
    | st.floats(allow_nan=True, allow_infinity=True)
    | NASTY_TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NASTY_TEXT, inner, max_size=3),
    max_leaves=6,
)
BY_TYPE = {
    type(None): st.none(),
    bool: st.booleans(),
    int: st.integers() | HUGE,
    float: st.floats(allow_nan=True, allow_infinity=True),
    str: NASTY_TEXT,
    list: st.lists(JSON_VALUES, max_size=3),
    dict: st.dictionaries(NASTY_TEXT, JSON_VALUES, max_size=3),
}


def other_type(value: object) -> st.SearchStrategy:
    """A random JSON value of another type than `value`."""
    return st.one_of([s for kind, s in BY_TYPE.items() if kind is not type(value)])


def nested(value: object, depth: int) -> object:
    for n in range(depth):
        value = [value] if n % 2 else {"k": value}
    return value


def pick(data: st.DataObject, document: dict) -> tuple[object, object]:
    """A random place in the document, as (container, key): half the time one field of one
    row (the values that reach the database), else anywhere under objects or the root."""
    parent: object = None
    key: object = None
    node: object = document
    objects = document.get("objects")
    start = data.draw(st.integers(0, 3), label="where")
    if isinstance(objects, dict) and objects and start > 0:
        tables = [label for label, rows in objects.items() if rows] or list(objects)
        parent, key = objects, data.draw(st.sampled_from(tables), label="table")
        node = objects[key]
        rows = node
        if start > 1 and isinstance(rows, list) and rows:
            row = rows[data.draw(st.integers(0, len(rows) - 1), label="row")]
            if isinstance(row, dict) and row:
                return row, data.draw(st.sampled_from(sorted(row)), label="field")
    while isinstance(node, dict | list) and node and data.draw(st.integers(0, 3)) > 0:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        parent, key = node, data.draw(st.sampled_from(keys), label="key")
        node = node[key]  # type: ignore[index]
    return parent, key


def mutate_json(data: st.DataObject, document: dict) -> None:
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        parent, key = pick(data, document)
        if parent is None:
            continue
        value = parent[key]  # type: ignore[index]
        op = data.draw(
            st.sampled_from(
                ["delete", "replace", "truncate", "duplicate", "text", "text", "huge", "nest"]
                + ["add key"]
            ),
            label="operation",
        )
        if op == "delete":
            del parent[key]  # type: ignore[attr-defined]
        elif op == "replace":
            parent[key] = data.draw(other_type(value), label="new value")  # type: ignore[index]
        elif op == "truncate" and isinstance(value, list | str):
            parent[key] = value[: data.draw(st.integers(0, max(len(value) - 1, 0)))]  # type: ignore[index]
        elif op == "duplicate" and isinstance(value, list) and value:
            # The same object twice is fine: the document is serialised straight after.
            value.append(value[data.draw(st.integers(0, len(value) - 1), label="row")])
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(value)
        elif op == "text":
            parent[key] = data.draw(NASTY_TEXT, label="text")  # type: ignore[index]
        elif op == "huge":
            parent[key] = data.draw(HUGE, label="integer")  # type: ignore[index]
        elif op == "nest":
            # json.dumps stops near 1,000 levels; the corpus holds a 10,000-deep archive.json.
            depth = data.draw(st.sampled_from([1, 2, 50, 400, 900]), label="depth")
            parent[key] = nested(value, depth)  # type: ignore[index]
        elif op == "add key" and isinstance(value, dict):
            value[data.draw(NASTY_TEXT, label="new key")] = data.draw(JSON_VALUES, label="value")


@pytest.mark.django_db
@fuzz(400)
@given(data=st.data())
def test_a_structurally_damaged_archive_json_restores_or_changes_nothing(team, archived, data):
    original = archived.data
    document, members = document_of(original)
    mutate_json(data, document)
    try:
        # ensure_ascii keeps lone surrogates as "\ud800" escapes, which json.loads accepts.
        members[JSON_MEMBER] = json.dumps(document, allow_nan=True).encode()
    except RecursionError:
        return  # nested past what json.dumps can write; see the corpus for deeper
    forget = data.draw(st.integers(0, 19), label="n") != 7  # now and then, the project stays
    restore_or_refuse(team, rezip(members), forget, document)


@pytest.mark.django_db
@fuzz(200)
@given(data=st.data())
def test_a_damaged_archive_zip_restores_or_changes_nothing(team, archived, data):
    original = archived.data
    _, members = document_of(original)
    if data.draw(st.booleans(), label="damage a member's bytes"):
        name = data.draw(st.sampled_from(sorted(members)), label="member")
        members[name] = data.draw(damaged(members[name], [b"{", b"}", b"[", b'"', b",", b":"]))
        candidate = rezip(members)
    else:
        candidate = data.draw(damaged(original, ZIP_TOKENS + [b"{", b'"']), label="zip")
    restore_or_refuse(team, candidate)
