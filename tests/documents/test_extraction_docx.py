"""DOCX full texts: paragraphs and tables in order, explicit page breaks, hostile archives refused."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.text import WD_BREAK

from retroduce.documents.extraction import (
    ExtractionError,
    ExtractionLimits,
    detect_kind,
    extract,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def page_text(result, number: int) -> str:
    page = result.pages[number - 1]
    return result.text[page.start : page.end]


def word_file(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def raw_docx(body: str, *, namespace: str = W, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal DOCX around hand-written body XML, for what python-docx cannot write."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{namespace}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refusal(data: bytes, name: str = "hostile.docx", **kwargs: object) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract(data, name, **kwargs)  # type: ignore[arg-type]
    return str(caught.value)


def test_paragraphs_tables_tabs_and_line_breaks_in_order() -> None:
    def build(document: docx.document.Document) -> None:
        document.core_properties.title = "Programme theory notes"
        document.add_heading("Findings", level=1)
        paragraph = document.add_paragraph("Context\tMechanism")
        paragraph.add_run().add_break()
        paragraph.add_run("Outcome")
        table = document.add_table(rows=2, cols=3)
        for row, values in zip(
            table.rows, [("Site", "C", "O"), ("A", "", "fewer visits")], strict=True
        ):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        document.add_paragraph("After the table, café e\u0301 😀.")

    result = extract(word_file(build), "notes.docx")
    assert result.kind == "docx"
    assert result.title == "Programme theory notes"
    assert result.text == (
        "Findings\n"
        "Context\tMechanism\nOutcome\n"
        "Site\tC\tO\n"
        "A\t\tfewer visits\n"
        "After the table, café e\u0301 😀."
    )
    assert len(result.pages) == 1
    assert result.encoding is None and not result.needs_ocr


def test_explicit_page_breaks_start_new_pages() -> None:
    def build(document: docx.document.Document) -> None:
        document.add_paragraph("Page one text.")
        run = document.add_paragraph("Still page one.").add_run()
        run.add_break(WD_BREAK.PAGE)
        run.add_text("Page two begins mid-paragraph.")
        document.add_paragraph("Page two again.")
        document.add_page_break()
        document.add_paragraph("Page three.")

    result = extract(word_file(build), "breaks.docx")
    assert [page_text(result, n) for n in (1, 2, 3)] == [
        "Page one text.\nStill page one.",
        "Page two begins mid-paragraph.\nPage two again.",
        "Page three.",
    ]


def test_page_break_before_and_section_breaks_start_pages() -> None:
    body = (
        "<w:p><w:r><w:t>One</w:t></w:r><w:pPr><w:sectPr/></w:pPr></w:p>"
        "<w:p><w:r><w:t>Two</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>Three</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:sectPr><w:type w:val="continuous"/></w:sectPr></w:pPr>'
        "<w:r><w:t>Still three</w:t></w:r></w:p>"
    )
    result = extract(raw_docx(body), "sections.docx")
    assert [page_text(result, n) for n in (1, 2, 3)] == ["One", "Two", "Three\nStill three"]


def test_deleted_text_field_codes_and_fallback_copies_are_not_text() -> None:
    body = (
        '<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r>'
        "<w:del><w:r><w:delText>deleted </w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText>ADDIN EN.CITE</w:instrText></w:r>"
        "<w:r><w:t> (Pawson 2006)</w:t></w:r>"
        "<w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>"
        "<w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    result = extract(raw_docx(body), "tracked.docx")
    assert result.text == "Kept inserted (Pawson 2006)\nBox text"


def test_strict_ooxml_namespace_is_read() -> None:
    body = "<w:p><w:r><w:t>Strict document</w:t></w:r></w:p>"
    data = raw_docx(body, namespace="http://purl.oclc.org/ooxml/wordprocessingml/main")
    assert extract(data, "strict.docx").text == "Strict document"


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)


def _with_document(xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", xml)
    return buffer.getvalue()


def test_billion_laughs_is_refused() -> None:
    message = refusal(_with_document(BILLION_LAUGHS))
    assert message.startswith("hostile.docx: the part 'word/document.xml' declares a DTD")


def test_external_entity_is_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    assert "XML bomb" in refusal(_with_document(xml))


def test_entities_in_the_core_properties_are_refused_too() -> None:
    core = BILLION_LAUGHS.replace("w:document", "cp:coreProperties")
    data = raw_docx("<w:p/>", extra={"docProps/core.xml": core.encode()})
    assert "docProps/core.xml" in refusal(data)


def test_a_highly_compressed_member_is_refused_as_a_zip_bomb() -> None:
    data = raw_docx("<w:p/>", extra={"word/media/bomb.bin": bytes(4 * 1024 * 1024)})
    message = refusal(data)
    assert "word/media/bomb.bin" in message and "zip bomb" in message
    with pytest.raises(ExtractionError, match="zip bomb"):
        detect_kind(data, "hostile.docx")


def test_more_unpacked_bytes_than_the_limit_is_refused() -> None:
    data = raw_docx("<w:p><w:r><w:t>" + "x" * 5000 + "</w:t></w:r></w:p>")
    message = refusal(data, limits=ExtractionLimits(max_docx_uncompressed=4096))
    assert "over the limit of 4 KiB" in message


def test_a_part_named_with_dot_dot_is_refused() -> None:
    data = raw_docx("<w:p/>", extra={"../../evil.sh": b"rm -rf /"})
    assert "'../../evil.sh'" in refusal(data)


def test_a_truncated_docx_is_refused() -> None:
    data = word_file(lambda d: d.add_paragraph("Some text."))
    message = refusal(data[: len(data) // 2], "cut.docx")
    assert message.startswith("cut.docx: not a readable DOCX")


def test_malformed_document_xml_is_refused() -> None:
    assert "not well-formed" in refusal(_with_document("<w:document><w:body>"), "bad.docx")


def test_a_deeply_nested_document_is_refused_not_crashed() -> None:
    body = "<w:sdt>" * 3000 + "</w:sdt>" * 3000
    assert "nested" in refusal(raw_docx(body), "deep.docx")
