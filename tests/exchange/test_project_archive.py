"""The project archive: the whole project in one zip, restored whole on another machine."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from retroduce.core.models import Event, Project
from retroduce.documents.models import Document
from retroduce.exchange.archive import (
    JSON_MEMBER,
    NOT_ARCHIVED,
    TABLES,
    ArchiveError,
    archive_project,
    restore_archive,
)
from retroduce.reports.quality import rate
from retroduce.screening import services as screening
from retroduce.site.cli import app
from retroduce.site.demo import DEMO_SLUG, load_demo
from retroduce.sources.episodes import create_episode
from retroduce.sources.importing import run_import, store_upload
from retroduce.sources.models import Record
from retroduce.theory.models import Component, FrozenVersion, SubstantiveLink, SubstantiveTheory
from tests.exchange.elsewhere import forget_project
from tests.serving import run
from tests.sources.ris_samples import LEADERSHIP, LEADERSHIP_AGAIN, POWER, RESILIENCE, ris_file

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _json(data: bytes) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(data)).read(JSON_MEMBER))


def _without_slug(document: dict) -> dict:
    return {**document, "project": {**document["project"], "slug": None}}


@pytest.fixture
def full_demo():
    """The demo plus what it lacks: searches, duplicates, screening, a conflict resolution."""
    project, _ = load_demo()
    owner = project.memberships.get(role="owner").user
    reviewer = get_user_model().objects.create_user("second-reviewer", password="x" * 12)
    project.memberships.create(user=reviewer, role="reviewer")
    medline = create_episode(
        project,
        owner,
        purpose="evidence",
        source="MEDLINE (Ovid)",
        strategy="leader* AND integrat*",
    )
    hand = create_episode(
        project,
        owner,
        purpose="supplementary",
        supplementary_kind="hand_search",
        source="HSDR journal",
    )
    run_import(
        store_upload(project, owner, "medline.ris", ris_file(LEADERSHIP, POWER), medline), owner
    )
    run_import(
        store_upload(project, owner, "hand.ris", ris_file(LEADERSHIP_AGAIN, RESILIENCE), hand),
        owner,
    )
    reason = screening.add_reason(project, owner, "Not about leadership")
    screening.add_keyword(project, owner, "include", "leadership")
    component = Component.objects.filter(version__project=project, version__frozen=False).first()
    screening.update_settings(project, owner, "ta", votes_required=2, blind=True, adjudicator=None)
    power = Record.objects.get(project=project, title__startswith="Power")
    resilience = Record.objects.get(project=project, title__startswith="Resilience")
    screening.cast_vote(project, owner, power, "ta", "include", components=[component])
    screening.cast_vote(project, reviewer, power, "ta", "include", note="hierarchy")
    screening.cast_vote(project, owner, resilience, "ta", "include")
    screening.cast_vote(project, reviewer, resilience, "ta", "exclude", reason=reason)
    screening.resolve_conflict(project, owner, resilience, "ta", "exclude", reason=reason)
    theory = SubstantiveTheory.objects.create(project=project, name="Relational coordination")
    cmoc = component.cmocs.first()
    if cmoc is not None:
        SubstantiveLink.objects.create(
            theory=theory, cmoc_lineage=cmoc.lineage, relation="explains"
        )
    rate(project, owner, 1, "good", "Question stated")
    assert Record.objects.filter(project=project, duplicate_of__isnull=False).exists()
    return project


def test_every_project_table_is_archived_or_said_to_be_rebuilt():
    archived = {t.label for t in TABLES} | set(NOT_ARCHIVED)
    ours = [m for m in apps.get_models() if m.__module__.startswith("retroduce.")]
    for model in ours:
        owned = any(
            f.is_relation and f.many_to_one and f.related_model is not get_user_model()
            for f in model._meta.concrete_fields
        )
        if owned and model is not Project:
            assert model._meta.label in archived, f"{model._meta.label} is not in the archive"


def test_export_restore_export_gives_the_same_json_apart_from_the_slug(full_demo, tmp_path):
    first = tmp_path / "first.zip"
    result = runner.invoke(app, ["export", DEMO_SLUG, "--format", "archive", "--out", str(first)])
    assert result.exit_code == 0, result.output
    before = _json(first.read_bytes())
    assert before["objects"]["sources.Record"] and before["objects"]["screening.Resolution"]
    events = Event.objects.filter(project=full_demo).count()
    assert len(before["objects"]["core.Event"]) == events
    paper = Document.objects.filter(project=full_demo).first()
    original_bytes = (Path(django_settings.MEDIA_ROOT) / paper.stored_file).read_bytes()
    # Take the demo's slug so the restored project must get a new one.
    forget_project(full_demo)
    Project.objects.create(title="Squatter", slug=DEMO_SLUG)

    restored = runner.invoke(app, ["restore", str(first), "--owner", "demo-owner"])
    assert restored.exit_code == 0, restored.output
    slug = restored.output.strip().splitlines()[-1]
    assert slug != DEMO_SLUG and "records" in restored.output
    project = Project.objects.get(slug=slug)
    second = tmp_path / "second.zip"
    assert (
        runner.invoke(app, ["export", slug, "--format", "archive", "--out", str(second)]).exit_code
        == 0
    )
    after = _json(second.read_bytes())
    assert after["project"]["slug"] == slug
    assert _without_slug(after) == _without_slug(before)
    # The files came back byte for byte, and the restore itself is logged outside the project.
    again = Document.objects.get(uuid=paper.uuid)
    assert (Path(django_settings.MEDIA_ROOT) / again.stored_file).read_bytes() == original_bytes
    assert Event.objects.filter(project=project).count() == events
    assert Event.objects.filter(project=None, verb="restored", object_id=str(project.uuid)).exists()


def test_a_restored_frozen_version_stays_frozen(full_demo):
    data = archive_project(full_demo)
    owner = full_demo.memberships.get(role="owner").user
    forget_project(full_demo)
    project = restore_archive(data, "demo.zip", owner).project
    frozen = Component.objects.filter(version__project=project, version__frozen=True).first()
    frozen.name = "Rewritten history"
    with pytest.raises(FrozenVersion):
        frozen.save()


def test_restoring_a_project_that_is_already_here_is_refused(full_demo, tmp_path):
    data = archive_project(full_demo)
    owner = full_demo.memberships.get(role="owner").user
    projects = Project.objects.count()
    with pytest.raises(ArchiveError, match=f"already here as '{DEMO_SLUG}'"):
        restore_archive(data, "demo.zip", owner)
    assert Project.objects.count() == projects


def test_accounts_missing_here_are_created_without_a_password(full_demo):
    data = archive_project(full_demo)
    owner = full_demo.memberships.get(role="owner").user
    forget_project(full_demo)
    get_user_model().objects.filter(username="second-reviewer").delete()
    result = restore_archive(data, "demo.zip", owner)
    account = get_user_model().objects.get(username="second-reviewer")
    assert not account.has_usable_password()
    assert any("second-reviewer" in w and "createuser" in w for w in result.warnings)
    assert result.project.memberships.filter(user=account, role="reviewer").exists()
    given = runner.invoke(app, ["createuser", "second-reviewer", "--password", "s" * 12])
    assert given.exit_code == 0, given.output
    assert Client().login(username="second-reviewer", password="s" * 12)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _tampered(data: bytes, change) -> bytes:  # noqa: ANN001
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    document = json.loads(members[JSON_MEMBER])
    change(document, members)
    members[JSON_MEMBER] = json.dumps(document).encode()
    return _zip(members)


def _corrupt_file(document: dict, members: dict) -> None:
    name = next(n for n in members if n.startswith("files/"))
    members[name] = b"not the paper"


def _dangling(document: dict, members: dict) -> None:
    document["objects"]["coding.Fragment"][0]["document"] = "00000000-0000-0000-0000-000000000000"


def _bad_choice(document: dict, members: dict) -> None:
    document["objects"]["core.Membership"][0]["role"] = "emperor"


def _newer(document: dict, members: dict) -> None:
    document["schema"]["coding"] = "9999_from_the_future"


def _unknown_field(document: dict, members: dict) -> None:
    document["objects"]["coding.Code"][0]["sparkles"] = True


def _script_title(document: dict, members: dict) -> None:
    document["project"]["title"] = ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_corrupt_file, "is damaged (checksum differs)"),
        (_dangling, "coding.Fragment #1.document: refers to 00000000"),
        (_bad_choice, "core.Membership #1.role: 'emperor' is not one of the allowed values"),
        (_newer, "made by a newer Retroduce (coding 9999_from_the_future)"),
        (_unknown_field, "coding.Code #1: fields this Retroduce does not know: sparkles"),
        (_script_title, "project: needs a UUID and a title"),
    ],
)
def test_a_damaged_archive_is_refused_and_nothing_is_left_behind(full_demo, change, message):
    data = _tampered(archive_project(full_demo), change)
    owner = full_demo.memberships.get(role="owner").user
    forget_project(full_demo)
    counts = {t.label: t.model._base_manager.count() for t in TABLES}
    projects, users = Project.objects.count(), get_user_model().objects.count()
    media = sorted(p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file())
    with pytest.raises(ArchiveError) as refused:
        restore_archive(data, "backup.zip", owner)
    assert message in str(refused.value) and str(refused.value).startswith("backup.zip: ")
    assert {t.label: t.model._base_manager.count() for t in TABLES} == counts
    assert (Project.objects.count(), get_user_model().objects.count()) == (projects, users)
    assert sorted(p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()) == media


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 truncated", "not a readable zip archive"),
        (_zip({"readme.txt": b"hello"}), "not a Retroduce project archive"),
        (_zip({JSON_MEMBER: b"{" * 5000}), "is not valid JSON"),
        (_zip({JSON_MEMBER: b'{"format": "retroduce-archive", "version": 7}'}), "version 7"),
        (_zip({"../../etc/passwd": b"x", JSON_MEMBER: b"{}"}), "is outside the archive"),
        (_zip({JSON_MEMBER: b" " * (300 * 1024 * 1024)}), "zip bomb"),
    ],
)
def test_hostile_archives_are_refused_with_the_reason(team, data, message):
    projects = Project.objects.count()
    with pytest.raises(ArchiveError) as refused:
        restore_archive(data, "evil.zip", team.users["owner"])
    assert str(refused.value).startswith("evil.zip: ") and message in str(refused.value)
    assert Project.objects.count() == projects


def test_the_cli_names_the_refusal(team, tmp_path):
    bad = tmp_path / "backup.zip"
    bad.write_bytes(_zip({JSON_MEMBER: b'{"format": "retroduce-archive", "version": 1}'}))
    result = runner.invoke(app, ["restore", str(bad), "--owner", "owner"])
    assert result.exit_code == 1
    assert "Refused, nothing restored: backup.zip: archive.json lacks its schema" in result.output


def test_the_archive_restores_on_another_machine(full_demo, fresh_install, tmp_path):
    """A new installation (its own SQLite file, or its own PostgreSQL database) takes the archive."""
    archive = tmp_path / "backup.zip"
    archive.write_bytes(archive_project(full_demo))
    run(fresh_install, "createuser", "demo-owner", "--password", "p" * 12)
    restored = run(fresh_install, "restore", str(archive), "--owner", "demo-owner")
    slug = restored.stdout.strip().splitlines()[-1]
    assert slug == DEMO_SLUG  # the address was free there
    again = tmp_path / "again.zip"
    exported = run(fresh_install, "export", slug, "--format", "archive", "--out", str(again))
    assert exported.returncode == 0, exported.stderr
    assert _json(again.read_bytes()) == _json(archive.read_bytes())
    run(fresh_install, "check", slug)


# Printable text with the characters that trip exchange formats: accents, emoji, CJK, markup,
# quotes, a formula and line breaks; no surrogates or NUL (a database would refuse those).
TEXT = (
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
            | st.sampled_from(["\n", "\t", "é", "🙂", "漢"]),
            min_size=1,
            max_size=12,
        )
        | st.sampled_from(["<script>alert(1)</script>", "=1+1", "&amp;"]),
        min_size=1,
        max_size=4,
    )
    .map("".join)
    .filter(lambda s: s.strip())
)


@st.composite
def random_project(draw):  # noqa: ANN001, ANN201
    return {
        "titles": draw(st.lists(TEXT, min_size=0, max_size=6)),
        "codes": draw(st.lists(TEXT, min_size=1, max_size=5, unique_by=lambda s: s.strip())),
        "text": draw(st.lists(TEXT, min_size=3, max_size=8).map(" ".join)),
        "passages": draw(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)), max_size=6)),
        "memos": draw(st.lists(st.tuples(TEXT, TEXT), max_size=3)),
        "votes": draw(st.lists(st.sampled_from(["include", "exclude", "maybe"]), max_size=6)),
    }


def _build(team, spec) -> None:  # noqa: ANN001
    from retroduce.coding.codebook import create_code
    from retroduce.coding.services import code_passage, write_memo
    from retroduce.documents.services import attach_document, run_extraction
    from tests.sources.ris_samples import ris_record

    project, owner = team.project, team.users["owner"]
    if spec["titles"]:
        records = [
            ris_record(" ".join(t.split()) or "x", ["Author, A"], "2020", "J")
            for t in spec["titles"]
        ]
        run_import(store_upload(project, owner, "random.ris", ris_file(*records)), owner)
    parent = None
    codes = []
    for name in spec["codes"]:
        parent = create_code(project, owner, name.strip()[:200], parent=parent)
        codes.append(parent)
    document = attach_document(project, owner, "notes.txt", spec["text"].encode())
    run_extraction(document, owner)
    document.refresh_from_db()
    for n, (start, length) in enumerate(spec["passages"]):
        start = min(start, max(len(document.text) - 1, 0))
        end = min(start + length, len(document.text))
        if document.text[start:end].strip():
            code_passage(document, owner, start, end, [codes[n % len(codes)].pk])
    for title, text in spec["memos"]:
        write_memo(project, owner, title.strip()[:300], text, document=document)
    for vote, record in zip(spec["votes"], Record.objects.filter(project=project), strict=False):
        if record.duplicate_of_id is None:
            screening.cast_vote(project, owner, record, "ta", vote)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=random_project())
def test_a_randomly_generated_project_round_trips(team, spec):
    with transaction.atomic():
        _build(team, spec)
        data = archive_project(team.project)
        owner = team.users["owner"]
        forget_project(team.project)
        restored = restore_archive(data, "random.zip", owner).project
        assert _json(archive_project(restored)) == _json(data)
        transaction.set_rollback(True)


def test_backup_archives_every_project_and_each_restores(full_demo, team, tmp_path):
    result = runner.invoke(app, ["backup", "--out", str(tmp_path / "nightly")])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "nightly").iterdir())
    assert files == sorted(f"{p.slug}.zip" for p in Project.objects.all())
    data = (tmp_path / "nightly" / "icl.zip").read_bytes()
    records = team.project.memberships.count()
    forget_project(team.project)
    restored = restore_archive(data, "icl.zip", team.users["owner"]).project
    assert restored.slug == "icl" and restored.memberships.count() == records


def test_codebooks_with_twin_names_merges_and_late_parents_round_trip(team):
    from retroduce.coding.codebook import create_code, merge_codes, move_code

    owner = team.users["owner"]
    first, second = (
        create_code(team.project, owner, "Staff"),
        create_code(team.project, owner, "Patients"),
    )
    create_code(team.project, owner, "Trust", parent=first)
    create_code(team.project, owner, "Trust", parent=second)  # same name, other parent
    old = create_code(team.project, owner, "Voice")
    newer = create_code(team.project, owner, "Being heard")
    merge_codes(old, newer, owner)
    create_code(team.project, owner, "Voice")  # the name is free again once merged
    early = create_code(team.project, owner, "Hierarchy")
    late = create_code(team.project, owner, "Power")
    move_code(early, owner, late)  # a parent created after its child
    data = archive_project(team.project)
    forget_project(team.project)
    restored = restore_archive(data, "codes.zip", owner).project
    assert _json(archive_project(restored)) == _json(data)


SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "archive.schema.json"


def test_the_published_schema_matches_the_models():
    from retroduce.exchange.archive.schema import archive_schema

    assert json.loads(SCHEMA_FILE.read_text()) == json.loads(json.dumps(archive_schema())), (
        "run scripts/archive_schema.py"
    )


def test_every_archive_validates_against_the_published_schema(full_demo):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_FILE.read_text())
    document = _json(archive_project(full_demo))
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    document["objects"]["core.Membership"][0]["role"] = "emperor"
    with pytest.raises(jsonschema.ValidationError, match="emperor"):
        jsonschema.validate(document, schema)
