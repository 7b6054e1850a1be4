"""Importing a REFI-QDA project into an existing project: what is new is added, nothing twice.

Files are built the way users make them: our own export (project_to_refi + write_qdpx), changed
on the REFI side as another tool would (dataclasses.replace: the model is frozen), then merged.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Appraisal, Code, Fragment, FragmentCode, Memo
from retroduce.coding.services import appraise, code_passage, write_memo
from retroduce.core.models import Event
from retroduce.documents.models import Document
from retroduce.exchange import refi, refi_merge
from retroduce.exchange.refi_export import project_to_refi
from retroduce.exchange.refi_import import restore_refi
from retroduce.exchange.refi_merge import merge_refi
from retroduce.site.demo import load_demo

pytestmark = pytest.mark.django_db
SAMPLES = Path("/work/shared/refi-qda")  # ATLAS.ti exports; not redistributed with Retroduce
TEXT = b"Leaders who listen build trust.\n\nBudgets were pooled across health and social care.\n"


def _guid() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def coded(team, ready_document):
    """The team's project with one document, a user code under Context, a fragment and a memo."""
    document = ready_document("notes.txt", TEXT)
    codebook.ensure_codebook(team.project)
    owner = team.users["owner"]
    context = live_codes(team.project).get(name="Context", parent=None)
    trust = codebook.create_code(team.project, owner, "Trust", parent=context)
    start = document.text.index("Leaders")
    fragment = code_passage(document, owner, start, start + len("Leaders who listen"), [trust.pk])
    write_memo(team.project, owner, "Listening", "Listening comes first.", fragment=fragment)
    return document, trust, fragment


def _snapshot(project) -> dict[str, int]:
    """What a user sees of a project's size, and its history."""
    return {
        "codes": Code.objects.filter(project=project).count(),
        "documents": Document.objects.filter(project=project).count(),
        "fragments": Fragment.objects.filter(document__project=project).count(),
        "codings": FragmentCode.objects.filter(fragment__document__project=project).count(),
        "memos": Memo.objects.filter(project=project).count(),
        "appraisals": Appraisal.objects.filter(project=project).count(),
        "events": Event.objects.filter(project=project).count(),
    }


def _qdpx(model: refi.Project) -> bytes:
    return refi.write_qdpx(model)


def _with_new_code_and_fragment(model: refi.Project, text: str, trust_guid: str):
    """As another tool would: a code "Pooled budgets" under Context, coding a new passage that
    also carries Trust; and the new code added to the existing selection too."""
    pooled = refi.Code(_guid(), "Pooled budgets", "#123456")
    context = next(c for c in model.codebook if c.name == "Context")
    codebook_ = tuple(
        replace(c, children=(*c.children, pooled)) if c is context else c for c in model.codebook
    )
    start = text.index("Budgets")
    end = start + len("Budgets were pooled")
    new = refi.TextSelection(_guid(), "Budgets", start, end, code_guids=(pooled.guid, trust_guid))
    (source,) = model.sources
    (old,) = source.selections
    old = replace(old, code_guids=(*old.code_guids, pooled.guid))
    source = replace(source, selections=(old, new))
    return replace(model, codebook=codebook_, sources=(source,)), pooled, new


def test_a_new_code_and_fragment_merge_in_without_duplicating_what_is_there(team, coded):
    document, trust, fragment = coded
    project = team.project
    model, pooled, new = _with_new_code_and_fragment(
        project_to_refi(project), document.text, str(trust.uuid)
    )
    before = _snapshot(project)
    result = merge_refi(project, _qdpx(model), "back-from-nvivo.qdpx", team.users["owner"])

    assert result.project == project
    assert result.counts == {
        "codes_added": 1,
        "codes_matched": before["codes"],
        "documents_added": 0,
        "documents_matched": 1,
        "fragments_added": 1,
        "fragments_matched": 1,
        "codings_added": 3,  # two on the new passage, one more on the old one
        "memos_added": 0,
        "memos_matched": 1,
        "appraisals_added": 0,
        "appraisals_matched": 0,
        "pdf_areas_added": 0,
        "pdf_areas_matched": 0,
    }
    after = _snapshot(project)
    assert after["codes"] == before["codes"] + 1
    assert after["documents"] == before["documents"]
    assert after["fragments"] == before["fragments"] + 1
    assert after["memos"] == before["memos"]
    # The new code sits under our Context, with the file's GUID and colour.
    code = Code.objects.get(project=project, name="Pooled budgets")
    assert (str(code.uuid), code.parent.name, code.kind, code.colour) == (
        pooled.guid,
        "Context",
        "context",
        "#123456",
    )
    # The new passage is a fragment with both codes; the old one gained the new code.
    added = Fragment.objects.get(uuid=new.guid)
    assert added.quote == "Budgets were pooled" and added.document == document
    assert {c.name for c in added.codes.all()} == {"Pooled budgets", "Trust"}
    assert {c.name for c in fragment.codes.all()} == {"Trust", "Pooled budgets"}
    # The log says what the import did, down to the passage.
    verbs = list(
        Event.objects.filter(project=project, at__gte=code.created_at).values_list(
            "verb", "object_label"
        )
    )
    assert ("imported", "Pooled budgets") in verbs
    assert any(v == "added codes" and "Leaders who listen" in label for v, label in verbs)
    assert any(v == "imported" and "Budgets were pooled" in label for v, label in verbs)


def test_merging_the_same_file_twice_adds_nothing_the_second_time(team, coded):
    document, trust, _fragment = coded
    model, _pooled, _new = _with_new_code_and_fragment(
        project_to_refi(team.project), document.text, str(trust.uuid)
    )
    data = _qdpx(model)
    merge_refi(team.project, data, "round.qdpx", team.users["owner"])
    once = _snapshot(team.project)
    again = merge_refi(team.project, data, "round.qdpx", team.users["owner"])
    assert {k: n for k, n in again.counts.items() if k.endswith("_added") and n} == {}
    twice = _snapshot(team.project)
    assert twice == once | {"events": once["events"] + 1}  # only "imported the file" is logged
    assert not any("another project" in w for w in again.warnings)


def test_a_file_from_another_project_here_gets_new_uuids_once_and_merges_twice_cleanly(
    team, coded, make_user
):
    """Project B takes in project A's export; the GUIDs belong to A, so B's copies are renumbered,
    and merging the same file into B again finds those copies instead of adding more."""
    from retroduce.core import services

    data = _qdpx(project_to_refi(team.project))
    other = services.create_project(team.users["owner"], "Sibling review")
    first = merge_refi(other, data, "from-a.qdpx", team.users["owner"])
    trust = Code.objects.get(project=other, name="Trust")
    assert trust.uuid != coded[1].uuid and trust.parent.name == "Context"
    assert any(f"GUID {coded[1].uuid} belongs to another project" in w for w in first.warnings)
    assert Fragment.objects.get(document__project=other).quote == "Leaders who listen"
    # A's built-in kinds are B's built-in kinds, not "Context (2)".
    assert not live_codes(other).filter(name__endswith="(2)").exists()
    size = _snapshot(other)
    second = merge_refi(other, data, "from-a.qdpx", team.users["owner"])
    assert second.counts["codes_added"] == second.counts["fragments_added"] == 0
    assert second.counts["memos_added"] == second.counts["documents_added"] == 0
    assert _snapshot(other) == size | {"events": size["events"] + 1}
    # A itself is untouched.
    assert Fragment.objects.filter(document__project=team.project).count() == 1


def test_restoring_our_own_export_twice_works_and_reports_the_renumbered_guids(team, coded):
    document, trust, fragment = coded
    data = _qdpx(project_to_refi(team.project))
    results = [restore_refi(data, "icl.qdpx", team.users["owner"]) for _ in range(2)]
    copies = [r.project for r in results]
    assert len({team.project.pk, *(p.pk for p in copies)}) == 3
    for result in results:
        project = result.project
        restored = Fragment.objects.get(document__project=project)
        assert restored.quote == "Leaders who listen"
        assert [c.name for c in restored.codes.all()] == ["Trust"]
        assert restored.memos.get().title == "Listening"
        assert restored.uuid != fragment.uuid
        renumbered = "\n".join(w for w in result.warnings if "belongs to another project" in w)
        for original in (trust.uuid, fragment.uuid, document.uuid):
            assert f"GUID {original} belongs to another project here" in renumbered
    assert results[0].counts == results[1].counts
    assert results[0].counts["fragments"] == 1 and results[0].counts["documents"] == 1


def _hostile(data: bytes) -> bytes:
    """Our real export plus a member that would be written outside the folder it unpacks to."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("sources/../../evil.txt", b"owned")
    return buffer.getvalue()


def test_a_hostile_archive_is_refused_and_the_project_is_unchanged(team, coded):
    document, trust, _fragment = coded
    model, _pooled, _new = _with_new_code_and_fragment(
        project_to_refi(team.project), document.text, str(trust.uuid)
    )
    before = _snapshot(team.project)
    with pytest.raises(refi.RefiError, match=r"evil\.txt is outside the archive"):
        merge_refi(team.project, _hostile(_qdpx(model)), "evil.qdpx", team.users["owner"])
    assert _snapshot(team.project) == before


def test_a_failure_halfway_leaves_the_project_and_the_disk_as_they_were(team, coded, monkeypatch):
    """Documents and codes are written before the failure; all of it goes, files included."""
    model = project_to_refi(team.project)
    extra = refi.Source(_guid(), "Workshop notes", "text", "Managers met weekly.")
    data = _qdpx(replace(model, sources=(*model.sources, extra)))
    before = _snapshot(team.project)
    folder = Path(settings.MEDIA_ROOT) / "documents" / team.project.slug
    files = set(folder.iterdir())

    def broken(project):
        raise RuntimeError("disk full")

    monkeypatch.setattr(refi_merge, "ensure_codebook", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        merge_refi(team.project, data, "more.qdpx", team.users["owner"])
    assert _snapshot(team.project) == before
    assert not Document.objects.filter(title="Workshop notes").exists()
    assert set(folder.iterdir()) == files


@pytest.mark.skipif(
    not SAMPLES.exists(), reason="the shared REFI-QDA samples are not on this machine"
)
def test_an_atlas_ti_codebook_merges_into_an_existing_project(team, coded):
    data = (SAMPLES / "target-atlas-project.qdpx").read_bytes()
    before = _snapshot(team.project)
    result = merge_refi(team.project, data, "target-atlas-project.qdpx", team.users["owner"])
    commits = live_codes(team.project).get(name="Commits", parent=None)
    children = list(live_codes(team.project).filter(parent=commits))
    assert len(children) == 2 and all(c.kind == "user" for c in children)
    assert result.counts["codes_added"] == 3 and result.counts["codes_matched"] == 0
    after = _snapshot(team.project)
    assert after["codes"] == before["codes"] + 3
    assert (after["fragments"], after["memos"]) == (before["fragments"], before["memos"])
    # What ATLAS.ti wrote that has no place here is still listed.
    assert any("creationDateTime" in line for line in result.unsupported)
    again = merge_refi(team.project, data, "target-atlas-project.qdpx", team.users["owner"])
    assert (again.counts["codes_added"], again.counts["codes_matched"]) == (0, 3)


def test_appraisal_cases_come_back_as_appraisals(team, coded):
    document, _trust, _fragment = coded
    owner = team.users["owner"]
    appraise(
        team.project, owner, relevance="high", rigour="low", richness="medium",
        rationale="Rich account, thin methods.", document=document,
    )  # fmt: skip
    data = _qdpx(project_to_refi(team.project))
    restored = restore_refi(data, "icl.qdpx", owner)
    appraisal = Appraisal.objects.get(project=restored.project)
    assert appraisal.document.title == document.title
    assert (appraisal.relevance, appraisal.rigour, appraisal.richness) == ("high", "low", "medium")
    assert appraisal.rationale == "Rich account, thin methods." and appraisal.kept_for_richness
    assert restored.counts["appraisals"] == 1
    assert not [u for u in restored.unsupported if u.startswith(("case", "variable"))]
    # Into the project it came from: the appraisal is there already and stays one.
    merged = merge_refi(team.project, data, "icl.qdpx", owner)
    assert merged.counts["appraisals_matched"] == 1
    assert Appraisal.objects.filter(project=team.project).count() == 1


def test_an_appraisal_case_with_a_level_we_do_not_have_is_reported_not_restored(team, coded):
    owner = team.users["owner"]
    appraise(
        team.project, owner, relevance="high", rigour="high", richness="high",
        document=coded[0],
    )  # fmt: skip
    model = project_to_refi(team.project)
    rigour = next(v.guid for v in model.variables if v.name == "Rigour")
    (case,) = model.cases
    values = tuple(
        replace(v, value="excellent") if v.variable_guid == rigour else v
        for v in case.variable_values
    )
    model = replace(model, cases=(replace(case, variable_values=values),))
    result = restore_refi(_qdpx(model), "icl.qdpx", owner)
    assert not Appraisal.objects.filter(project=result.project).exists()
    assert any(
        "is an appraisal, but its Rigour 'excellent' is not high, medium or low" in w
        for w in result.warnings
    )


def test_sets_and_links_become_memos_listed_in_the_warnings(team, coded):
    document, trust, fragment = coded
    model = project_to_refi(team.project)
    cluster = refi.Set(
        _guid(),
        "Trust cluster",
        f"Passages about trust.\nsupports: fragment {str(fragment.uuid).upper()}",
        (str(trust.uuid),),
        (str(document.uuid),),
    )
    link = refi.Link(_guid(), "leads to", "OneWay", str(fragment.uuid), str(trust.uuid))
    model = replace(model, sets=(cluster,), links=(link,))
    result = merge_refi(team.project, _qdpx(model), "sets.qdpx", team.users["owner"])
    memo = Memo.objects.get(project=team.project, title="Set: Trust cluster")
    assert memo.kind == Memo.Kind.ANALYTIC
    assert "Passages about trust." in memo.text
    # The fragment a description cites is named by its passage (its UUID may have changed).
    assert "supports: fragment “Leaders who listen” in “notes”" in memo.text
    assert "- code “Trust”" in memo.text and "- document “notes”" in memo.text
    links = Memo.objects.get(project=team.project, title__startswith="Links from")
    assert "selection “Leaders who listen” in “notes” → code “Trust” “leads to”" in links.text
    assert any("set “Trust cluster”" in w and "restored as memo" in w for w in result.warnings)
    assert any("1 link(s) restored as memo" in w for w in result.warnings)
    assert not [u for u in result.unsupported if u.startswith(("set", "link"))]
    assert result.counts["memos_added"] == 2
    again = merge_refi(team.project, _qdpx(model), "sets.qdpx", team.users["owner"])
    assert again.counts["memos_added"] == 0 and again.counts["memos_matched"] == 3


def test_selections_on_a_document_whose_text_differs_are_skipped_one_warning_each(team, coded):
    document, trust, fragment = coded
    model = project_to_refi(team.project)
    (source,) = model.sources
    text = "An earlier draft. " + source.plain_text
    new = tuple(
        refi.TextSelection(_guid(), "x", at, at + 5, code_guids=(str(trust.uuid),))
        for at in (0, 20)
    )
    source = replace(source, plain_text=text, selections=(*source.selections, *new))
    result = merge_refi(
        team.project, _qdpx(replace(model, sources=(source,))), "draft.qdpx", team.users["owner"]
    )
    skipped = [w for w in result.warnings if "has a different text" in w]
    assert len(skipped) == 2 and all(s.guid in "\n".join(skipped) for s in new)
    assert result.counts["fragments_added"] == 0 and result.counts["fragments_matched"] == 1
    document.refresh_from_db()
    assert not document.text.startswith("An earlier draft")
    assert Fragment.objects.filter(document=document).get() == fragment


def test_a_code_renamed_in_the_file_keeps_our_name_and_says_so(team, coded):
    _document, trust, _fragment = coded
    model = project_to_refi(team.project)

    def rename(codes):
        return tuple(
            replace(
                c,
                name="Confidence" if c.guid == str(trust.uuid) else c.name,
                children=rename(c.children),
            )
            for c in codes
        )

    result = merge_refi(
        team.project,
        _qdpx(replace(model, codebook=rename(model.codebook))),
        "r.qdpx",
        team.users["owner"],
    )
    trust.refresh_from_db()
    assert trust.name == "Trust" and not live_codes(team.project).filter(name="Confidence").exists()
    assert any("“Confidence”" in w and "“Trust”" in w and "kept ours" in w for w in result.warnings)
    assert result.counts["codes_added"] == 0


def test_the_demo_merged_into_itself_changes_nothing_but_the_log():
    project, _ = load_demo()
    data = _qdpx(project_to_refi(project))
    before = _snapshot(project)
    result = merge_refi(project, data, "demo.qdpx", None)
    assert {k: n for k, n in result.counts.items() if k.endswith("_added") and n} == {}
    assert result.counts["fragments_matched"] == before["fragments"]
    assert _snapshot(project) == before | {"events": before["events"] + 1}


def test_the_cli_import_merges_a_qdpx_into_the_project(tmp_path):
    from typer.testing import CliRunner

    from retroduce.site.cli import app
    from retroduce.site.demo import DEMO_SLUG

    project, _ = load_demo()
    model = project_to_refi(project)
    extra = refi.Code(guid=str(uuid.uuid4()), name="Found in NVivo", color="#123456")
    out = tmp_path / "from-nvivo.qdpx"
    out.write_bytes(refi.write_qdpx(replace(model, codebook=(*model.codebook, extra))))
    result = CliRunner().invoke(app, ["import", DEMO_SLUG, str(out)])
    assert result.exit_code == 0, result.output
    assert "Merged from-nvivo.qdpx into integrated-care-leadership: 1 codes added" in result.output
    assert Code.objects.filter(project=project, name="Found in NVivo").count() == 1
    again = CliRunner().invoke(app, ["import", DEMO_SLUG, str(out)])
    assert again.exit_code == 0 and "codes added" not in again.output
    assert Code.objects.filter(project=project, name="Found in NVivo").count() == 1
