"""Every input in tests/corpus/ (inputs that once broke a parser, and hostile seeds) is replayed
through the code it targets; the only acceptable outcomes are a correct result or the target's
documented refusal, naming the file. See tests/corpus/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from retroduce.core.models import Project
from retroduce.core.services import DomainError
from retroduce.documents.bulk import zip_members
from retroduce.documents.extraction import SUPPORTED_KINDS, Extracted, ExtractionError, extract
from retroduce.exchange.archive import TABLES, ArchiveError, restore_archive
from retroduce.exchange.refi import ImportReport, RefiError, read_qdpx
from retroduce.exchange.refi import Project as RefiProject
from retroduce.exchange.refi_merge import merge_refi
from retroduce.sources.importers import ImporterFault, parse_file
from retroduce.sources.records import ImportFailure

CORPUS = Path(__file__).parent / "corpus"
TARGETS = ("importers", "extraction", "refi", "archive", "bulk")
MAX_BYTES = 50 * 1024


def corpus(target: str) -> list:
    return [
        pytest.param(path, id=f"{target}/{path.name}")
        for path in sorted((CORPUS / target).iterdir())
        if path.is_file()
    ]


def test_the_corpus_holds_small_files_each_with_a_note_in_the_readme():
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    files = [p for target in TARGETS for p in (CORPUS / target).iterdir() if p.is_file()]
    assert files
    for path in files:
        assert path.stat().st_size <= MAX_BYTES, f"{path.name}: keep corpus files small"
        assert f"`{path.parent.name}/{path.name}`" in readme, f"{path.name}: no note in README"
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert folders <= set(TARGETS), f"a corpus folder no test replays: {folders - set(TARGETS)}"


@pytest.mark.parametrize("path", corpus("importers"))
def test_importers(path: Path) -> None:
    try:
        result = parse_file(path.name, path.read_bytes())
    except ImporterFault as fault:  # a bug inside an importer, not a refusal
        raise AssertionError(f"importer fault: {fault}") from fault.__cause__
    except ImportFailure as failure:
        assert failure.file == path.name and failure.reason
        return
    assert result.records


@pytest.mark.parametrize("path", corpus("extraction"))
def test_extraction(path: Path) -> None:
    try:
        result = extract(path.read_bytes(), path.name)
    except ExtractionError as error:
        assert error.filename == path.name and error.reason
        return
    assert isinstance(result, Extracted) and result.kind in SUPPORTED_KINDS
    assert result.pages and result.pages[-1].end == len(result.text)


@pytest.mark.parametrize("path", corpus("bulk"))
def test_documents_uploaded_as_a_zip(path: Path) -> None:
    try:
        members = zip_members(path.read_bytes(), path.name)
    except DomainError as error:
        assert str(error).startswith(f"{path.name}: ")
        return
    assert all(isinstance(name, str) and isinstance(data, bytes) for name, data in members)


@pytest.mark.parametrize("path", corpus("refi"))
def test_refi(path: Path) -> None:
    try:
        project, report = read_qdpx(path.read_bytes(), path.name)
    except RefiError as error:
        assert str(error).startswith(f"{path.name}: ")
        return
    assert isinstance(project, RefiProject) and isinstance(report, ImportReport)


@pytest.mark.parametrize("path", corpus("refi"))
def test_refi_merged_into_a_project(path: Path, team) -> None:
    with transaction.atomic():
        before = _counts()
        try:
            merge_refi(team.project, path.read_bytes(), path.name, team.users["owner"])
        except RefiError as error:
            assert str(error).startswith(f"{path.name}: ")
            assert _counts() == before
        transaction.set_rollback(True)


def _counts() -> dict[str, int]:
    counts = {t.label: t.model._base_manager.count() for t in TABLES}
    counts["core.Project"] = Project.objects.count()
    counts["auth.User"] = get_user_model()._base_manager.count()
    return counts


@pytest.mark.parametrize("path", corpus("archive"))
def test_archive(path: Path, make_user) -> None:
    owner = make_user("corpus-restorer")
    with transaction.atomic():
        before = _counts()
        try:
            result = restore_archive(path.read_bytes(), path.name, owner)
        except ArchiveError as error:
            assert str(error).startswith(f"{path.name}: ")
            assert _counts() == before
        else:
            assert Project.objects.filter(pk=result.project.pk).exists()
        transaction.set_rollback(True)


@pytest.mark.parametrize("path", corpus("refi") + corpus("archive"))
def test_the_restore_upload_answers_with_a_page_not_an_error(path: Path, make_user) -> None:
    """The web upload also decides archive or .qdpx by peeking into the zip first."""
    client = Client()
    client.force_login(make_user("corpus-uploader"))
    with path.open("rb") as upload:
        response = client.post(reverse("project_restore"), {"file": upload})
    assert response.status_code == 302
