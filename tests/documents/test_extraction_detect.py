"""Format detection by content, refusals of files that are not full texts, and fuzzed input."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retroduce.documents.extraction import (
    SUPPORTED_KINDS,
    Extracted,
    ExtractionError,
    ExtractionLimits,
    checksum,
    detect_kind,
    extract,
)

from .pdfs import make_pdf
from .test_extraction_docx import raw_docx

PDF = make_pdf(["Findings about trust.", "Second page."])
DOCX = raw_docx("<w:p><w:r><w:t>Word text</w:t></w:r></w:p>")
HTML = b"<!DOCTYPE html><html><body><p>Web page</p></body></html>"


def refused(data: bytes, name: str) -> str:
    with pytest.raises(ExtractionError) as caught:
        detect_kind(data, name)
    assert caught.value.filename == name
    return str(caught.value)


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "paper.pdf", "pdf"),
        (PDF, "paper.txt", "pdf"),
        (PDF, "download", "pdf"),
        (b"\r\n" * 10 + PDF, "junk-before-header.pdf", "pdf"),
        (DOCX, "notes.docx", "docx"),
        (DOCX, "notes.zip", "docx"),
        (HTML, "page.html", "html"),
        (HTML, "article.txt", "html"),
        (b"\xef\xbb\xbf  <!-- saved --><html lang=en><p>x", "saved", "html"),
        ("\ufeff<html><body>x".encode("utf-16-le"), "utf16.htm", "html"),
        (b"<p>fragment without html tag</p>", "fragment.html", "html"),
        (b"Plain notes about <html> tags.", "notes.txt", "txt"),
        (b"Transcript of interview 3", "transcript", "txt"),
        (b"Transcript of interview 3", "transcript.md", "txt"),
    ],
)
def test_kind_is_decided_by_content_before_extension(data: bytes, name: str, kind: str) -> None:
    assert kind in SUPPORTED_KINDS
    assert detect_kind(data, name) == kind
    assert extract(data, name).kind == kind


def test_a_login_page_saved_as_pdf_is_read_as_html_with_a_warning() -> None:
    page = b"<html><head><title>Sign in</title></head><body>Institutional login</body></html>"
    result = extract(page, "article.pdf")
    assert result.kind == "html"
    assert result.warnings[0].startswith("the file is named like a PDF file but holds HTML")
    assert "login page" in result.warnings[0]


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.doc", "save it as DOCX or PDF"),
        (b"{\\rtf1\\ansi Hello}", "letter.rtf", "save it as DOCX or PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "figure.png", "image (PNG)"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "scan.jpg", "image (JPEG)"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100), "setup.exe", "program"),
        (b"\x1f\x8b\x08\x00" + bytes(50), "paper.pdf.gz", "gzip"),
        (b"\x00\x01\x02\x03\xfe\xfa" * 200, "blob.bin", "binary"),
        (b"", "nothing.pdf", "empty"),
        (b"Just text, renamed.", "paper.pdf", "named like a PDF file but is not one"),
        (b"PK\x03\x04garbage", "broken.docx", "not a readable DOCX"),
    ],
)
def test_files_that_are_not_full_texts_are_refused_with_advice(
    data: bytes, name: str, words: str
) -> None:
    message = refused(data, name)
    assert message.startswith(f"{name}: ")
    assert words in message
    with pytest.raises(ExtractionError):
        extract(data, name)


@pytest.mark.parametrize(
    ("member", "words"),
    [
        ("ppt/presentation.xml", "PowerPoint"),
        ("xl/workbook.xml", "Excel workbook"),
        ("content.xml", "OpenDocument"),
        ("paper.pdf", "unpack it"),
    ],
)
def test_other_zip_files_are_named(member: str, words: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, "<x/>")
    assert words in refused(buffer.getvalue(), "upload.docx")


def test_checksum_is_sha256_hex() -> None:
    assert checksum(PDF) == hashlib.sha256(PDF).hexdigest()
    assert len(checksum(b"")) == 64


def test_pdf_byte_limit_is_checked_before_reading() -> None:
    with pytest.raises(ExtractionError, match="over the limit"):
        extract(PDF, "paper.pdf", limits=ExtractionLimits(max_bytes=len(PDF) - 1))


# Fuzzing: whatever the bytes, extract() refuses cleanly or returns consistent pages.

SMALL = ExtractionLimits(max_bytes=64 * 1024, max_pages=50, max_chars=200_000)
# RETRODUCE_FUZZ_EXAMPLES: a longer run (bench/fuzz/run.py); the default is CI's budget.
FUZZ = settings(
    max_examples=int(os.environ.get("RETRODUCE_FUZZ_EXAMPLES") or 300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html>", b"\xef\xbb\xbf", b"\xff\xfe"]
NAMES = ["f.pdf", "f.docx", "f.html", "f.txt", "f"]


def check(data: bytes, name: str) -> None:
    try:
        result = extract(data, name, limits=SMALL)
    except ExtractionError as error:
        assert error.filename == name and error.reason
        return
    assert isinstance(result, Extracted)
    assert result.kind in SUPPORTED_KINDS
    assert result.pages and result.pages[0].start == 0
    assert result.pages[-1].end == len(result.text)
    for before, after in zip(result.pages, result.pages[1:], strict=False):
        assert before.end <= after.start
    assert "\r" not in result.text and "\x00" not in result.text


@FUZZ
@given(st.sampled_from(PREFIXES), st.binary(max_size=2000), st.sampled_from(NAMES))
def test_random_bytes_never_raise_anything_but_extraction_error(
    prefix: bytes, body: bytes, name: str
) -> None:
    check(prefix + body, name)


@st.composite
def damaged(draw: st.DrawFn) -> tuple[bytes, str]:
    name, data = draw(st.sampled_from([("f.pdf", PDF), ("f.docx", DOCX), ("f.html", HTML)]))
    buffer = bytearray(data)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(buffer) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            buffer[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del buffer[at:]
        else:
            buffer[at:at] = draw(st.binary(min_size=1, max_size=40))
        if not buffer:
            buffer = bytearray(b"x")
    return bytes(buffer), name


@FUZZ
@given(damaged())
def test_damaged_real_files_never_raise_anything_but_extraction_error(
    case: tuple[bytes, str],
) -> None:
    check(*case)


@FUZZ
@given(st.text(max_size=500), st.sampled_from(["f.html", "f.txt"]))
def test_any_text_as_html_or_txt_gives_pages_covering_the_text(text: str, name: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), name)


def test_a_zip_from_a_future_version_is_refused_as_unreadable() -> None:
    # zipfile raises NotImplementedError (not BadZipFile) for a version it does not support.
    data = bytearray(DOCX)
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = (99).to_bytes(2, "little")
    assert "not a readable DOCX" in refused(bytes(data), "future.docx")
