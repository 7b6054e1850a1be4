"""REFI-QDA 1.5 exchange: round trips, schema validity, producers' quirks and hostile files.

No database: the exchange package is pure functions on bytes.
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from retroduce.exchange.refi import (
    Case,
    Code,
    Limits,
    Link,
    Note,
    PDFSelection,
    Project,
    RefiError,
    Set,
    Source,
    TextSelection,
    User,
    Variable,
    VariableValue,
    codebook_qdc,
    project_qde,
    read_qde,
    read_qdpx,
    write_qdpx,
)

HERE = Path(__file__).parent
# A copy of the schema from the standard (MIT licence, notice inside the file).
PROJECT_XSD = HERE / "Project-mrt2019.xsd"
SAMPLES = Path("/work/shared/refi-qda")  # ATLAS.ti exports; not redistributed with Retroduce

# The codebook schema, transcribed from REFI-QDA 1.5 section 5.2 (published by the REFI-QDA
# initiative under the MIT licence).
CODEBOOK_XSD = """<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns="urn:QDA-XML:codebook:1.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
  targetNamespace="urn:QDA-XML:codebook:1.0" elementFormDefault="qualified"
  attributeFormDefault="unqualified" version="1.0">
  <xsd:element name="CodeBook" type="CodeBookType"/>
  <xsd:complexType name="CodeBookType">
    <xsd:sequence>
      <xsd:element name="Codes" type="CodesType"/>
      <xsd:element name="Sets" type="SetsType" minOccurs="0"/>
    </xsd:sequence>
    <xsd:attribute name="origin" type="xsd:string"/>
  </xsd:complexType>
  <xsd:complexType name="CodesType">
    <xsd:sequence><xsd:element name="Code" type="CodeType" maxOccurs="unbounded"/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="SetsType">
    <xsd:sequence><xsd:element name="Set" type="SetType" maxOccurs="unbounded"/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="CodeType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="Code" type="CodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
    <xsd:attribute name="isCodable" type="xsd:boolean" use="required"/>
    <xsd:attribute name="color" type="RGBType"/>
  </xsd:complexType>
  <xsd:complexType name="SetType">
    <xsd:sequence>
      <xsd:element name="Description" type="xsd:string" minOccurs="0"/>
      <xsd:element name="MemberCode" type="MemberCodeType" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
    <xsd:attribute name="name" type="xsd:string" use="required"/>
  </xsd:complexType>
  <xsd:complexType name="MemberCodeType">
    <xsd:attribute name="guid" type="GUIDType" use="required"/>
  </xsd:complexType>
  <xsd:simpleType name="GUIDType">
    <xsd:restriction base="xsd:token">
      <xsd:pattern value="([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})|(\\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\})"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="RGBType">
    <xsd:restriction base="xsd:token">
      <xsd:pattern value="#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})"/>
    </xsd:restriction>
  </xsd:simpleType>
</xsd:schema>
"""


def g(n: int) -> str:
    """A readable, valid GUID."""
    return f"00000000-0000-4000-8000-{n:012d}"


# Code points, not bytes or UTF-16 units: the emoji is one, "e" + U+0301 is two (section 10.2).
TEXT = "Trust \U0001f91d grows when the caf\u00e9 owner (Cafe\u0301) listens.\nZo\u00eb: \U0001f469\U0001f3fd\u200d\u2695\ufe0f helps."
QUOTE_EMOJI = "\U0001f91d grows"
QUOTE_ACCENT = "Cafe\u0301"
QUOTE_ZWJ = "\U0001f469\U0001f3fd\u200d\u2695\ufe0f helps"  # 5 code points + " helps"
MINUTE = datetime(2024, 5, 1, 9, 30, 15, 123456, tzinfo=UTC)


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def rich_project() -> Project:
    users = (User(g(1), "Ana Souza"), User(g(2), "Ben Ito"))
    # Two codes named "Trust" under different parents: GUIDs, not names, identify codes.
    codebook = (
        Code(
            g(10),
            "Mechanisms",
            "#336699",
            "Resources & reasoning <M>",
            False,
            (Code(g(11), "Trust", "#aabbcc", "", True, (Code(g(12), "Reciprocity ✓"),)),),
        ),
        Code(g(20), "Contexts", None, "", True, (Code(g(21), "Trust", None, "in C"),)),
    )
    s1, e1 = span(TEXT, QUOTE_EMOJI)
    s2, e2 = span(TEXT, QUOTE_ACCENT)
    s3, e3 = span(TEXT, QUOTE_ZWJ)
    crlf = "Line one\r\nLine two\r\n"
    sources = (
        Source(
            g(100),
            "Interview 1 — Zoë",
            "text",
            TEXT,
            selections=(
                TextSelection(g(101), QUOTE_EMOJI, s1, e1, g(1), MINUTE, (g(11), g(21)), (g(300),)),
                TextSelection(g(102), QUOTE_ACCENT, s2, e2, g(2), None, (g(12),)),
                TextSelection(g(103), QUOTE_ZWJ, s3, e3),
            ),
            variables=(VariableValue(g(200), "Interview"),),
            note_guids=(g(301),),
        ),
        Source(
            g(110),
            "Field notes (Windows)",
            "text",
            crlf,
            original_path=f"sources/{g(111)}.docx",
            original_bytes=b"PK fake docx",
            selections=(TextSelection(g(112), "Line two", *span(crlf, "Line two"), None, None),),
        ),
        Source(
            g(120),
            "Paper.pdf",
            "pdf",
            "Page one text.\fPage two ü.",
            original_path=f"sources/{g(120)}.pdf",  # the writer's default for a PDF with bytes
            original_bytes=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n fake pdf",
            selections=(
                TextSelection(g(121), "Page two", 15, 23, g(1), MINUTE, (g(11),)),
                PDFSelection(g(122), "Figure 1", 2, 72, 500, 300, 700, g(2), MINUTE, (g(21),)),
            ),
        ),
    )
    notes = (
        Note(g(300), "Memo <1>", "Windows line\r\nand 😀 & <tags>", MINUTE, g(1)),
        Note(g(301), "Empty", ""),
    )
    variables = (
        Variable(g(200), "Type", "Text"),
        Variable(g(201), "Consented", "Boolean"),
        Variable(g(202), "Age", "Integer"),
        Variable(g(203), "Score", "Float"),
        Variable(g(204), "Born", "Date"),
        Variable(g(205), "Seen", "DateTime"),
    )
    case_values = (
        VariableValue(g(201), "true"),
        VariableValue(g(202), "42"),
        VariableValue(g(203), "3.25"),
        VariableValue(g(204), "1980-02-29"),
        VariableValue(g(205), "2024-05-01T09:30:00Z"),
        VariableValue(g(200), ""),
    )
    return Project(
        name="Realist review ✓",
        creating_user_guid=g(1),
        users=users,
        codebook=codebook,
        sources=sources,
        notes=notes,
        variables=variables,
        cases=(Case(g(400), "Zoë", case_values, (g(100), g(110))), Case(g(401), "Empty case")),
        sets=(
            Set(g(500), "CMO: trust", "codes and sources", (g(11), g(21)), (g(100),)),
            Set(g(501), "Sources only", "", (), (g(120),)),
        ),
        links=(
            Link(g(600), "leads to", "OneWay", g(11), g(12), "#ff0000"),
            Link(g(601), "", "Associative", g(100), g(300)),
        ),
    )


def qdpx(qde: str | bytes | None, files: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, on purpose here
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            if qde is not None:
                archive.writestr("project.qde", qde)
            for name, data in (files or {}).items():
                archive.writestr(name, data)
    return buffer.getvalue()


def qde_with(body: str, attrs: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p" {attrs}>{body}</Project>'
    )


# --- round trip ---------------------------------------------------------------------------------


def test_round_trip_keeps_everything() -> None:
    project = rich_project()
    back, report = read_qdpx(write_qdpx(project))
    assert report.warnings == []
    assert report.unsupported == []
    assert back == project


def test_offsets_count_code_points_of_emoji_and_combining_accents() -> None:
    back, _ = read_qdpx(write_qdpx(rich_project()))
    source = back.sources[0]
    quotes = [source.plain_text[s.start : s.end] for s in source.selections]
    assert quotes == [QUOTE_EMOJI, QUOTE_ACCENT, QUOTE_ZWJ]
    # the combining accent stays decomposed: no normalisation may move the offsets
    assert "Cafe\u0301" in source.plain_text and "caf\u00e9" in source.plain_text
    assert [s.end - s.start for s in source.selections] == [7, 5, 11]


def test_archive_layout_follows_section_8() -> None:
    project = rich_project()
    with zipfile.ZipFile(io.BytesIO(write_qdpx(project))) as archive:
        names = set(archive.namelist())
        assert archive.read(f"sources/{g(100)}.txt").decode("utf-8") == TEXT
        assert not archive.read(f"sources/{g(100)}.txt").startswith(b"\xef\xbb\xbf")
        assert archive.read(f"sources/{g(120)}.pdf") == project.sources[2].original_bytes
    assert names == {
        "project.qde",
        f"sources/{g(100)}.txt",
        f"sources/{g(110)}.txt",
        f"sources/{g(111)}.docx",
        f"sources/{g(120)}.txt",
        f"sources/{g(120)}.pdf",
    }
    assert write_qdpx(project) == write_qdpx(project)  # reproducible


def test_duplicate_code_names_under_different_parents_are_both_kept() -> None:
    back, _ = read_qdpx(write_qdpx(rich_project()))
    trusts = [c for top in back.codebook for c in top.children if c.name == "Trust"]
    assert [c.guid for c in trusts] == [g(11), g(21)]
    assert back.sources[0].selections[0].code_guids == (g(11), g(21))


def test_read_qde_alone_reports_the_files_it_cannot_see() -> None:
    project = rich_project()
    back, report = read_qde(project_qde(project))
    assert back.codebook == project.codebook
    assert back.notes == project.notes  # CRLF in an inline text survives (written as &#13;)
    assert back.sources[0].plain_text == ""
    assert any(f"sources/{g(100)}.txt is not in this file" in w for w in report.warnings)


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    cuts=st.lists(st.integers(0, 60), min_size=2, max_size=6),
)
def test_round_trip_of_any_text_and_offsets(text: str, cuts: list[int]) -> None:
    points = sorted(min(c, len(text)) for c in cuts)
    selections = tuple(
        TextSelection(g(1000 + i), "", a, b)
        for i, (a, b) in enumerate(zip(points, points[1:], strict=False))
    )
    project = Project("p", sources=(Source(g(999), "s", "text", text, selections=selections),))
    back, report = read_qdpx(write_qdpx(project))
    assert back == project
    assert report.warnings == []


# --- schemas ------------------------------------------------------------------------------------


def schema(text_or_path: str | Path):
    xmlschema = pytest.importorskip("xmlschema", reason="xmlschema validates against the XSDs")
    if isinstance(text_or_path, Path) and not text_or_path.exists():
        pytest.skip(f"{text_or_path} is missing")
    return xmlschema.XMLSchema(
        str(text_or_path) if isinstance(text_or_path, Path) else text_or_path
    )


def test_project_qde_is_valid_against_the_schema() -> None:
    xsd = schema(PROJECT_XSD)
    xsd.validate(io.BytesIO(project_qde(rich_project())))
    xsd.validate(io.BytesIO(project_qde(Project("empty"))))


def test_codebook_qdc_is_well_formed_and_valid() -> None:
    data = codebook_qdc(rich_project())
    root = fromstring(data)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    schema(CODEBOOK_XSD).validate(io.BytesIO(data))
    # Sets of the codebook hold codes only (MemberCodeType): the sources-only set is left out.
    assert data.count(b"<Set ") == 1
    with pytest.raises(ValueError, match="empty codebook"):
        codebook_qdc(Project("p"))


def test_atlas_samples_validate_and_our_output_of_them_too() -> None:
    xsd = schema(PROJECT_XSD)
    for sample in ("blank", "target"):
        path = SAMPLES / f"{sample}-atlas-project.qdpx"
        if not path.exists():
            pytest.skip(f"{path} is missing")
        project, _ = read_qdpx(path.read_bytes(), path.name)
        xsd.validate(io.BytesIO(project_qde(project)))


# --- producers' quirks --------------------------------------------------------------------------


def text_source_qdpx(data: bytes, start: int, end: int, name: str = "Line two") -> bytes:
    body = (
        f'<Sources><TextSource guid="{g(1)}" name="t" plainTextPath="internal://{g(1)}.txt">'
        f'<PlainTextSelection guid="{g(2)}" name="{name}" startPosition="{start}" '
        f'endPosition="{end}" /></TextSource></Sources>'
    )
    return qdpx(qde_with(body), {f"sources/{g(1)}.txt": data})


BOM = b"\xef\xbb\xbf"
CRLF_TEXT = "Line one\r\nLine two 😀\r\n"


def test_crlf_text_is_kept_as_stored_and_offsets_count_both_characters() -> None:
    start, end = span(CRLF_TEXT, "Line two")  # 10, 18: "\r\n" is two code points
    project, report = read_qdpx(text_source_qdpx(CRLF_TEXT.encode(), start, end))
    source = project.sources[0]
    assert source.plain_text == CRLF_TEXT
    assert source.plain_text[source.selections[0].start : source.selections[0].end] == "Line two"
    assert report.warnings == []


def test_bom_not_counted_by_the_producer_is_stripped_and_offsets_kept() -> None:
    start, end = span(CRLF_TEXT, "Line two")
    project, report = read_qdpx(text_source_qdpx(BOM + CRLF_TEXT.encode(), start, end))
    sel = project.sources[0].selections[0]
    assert project.sources[0].plain_text == CRLF_TEXT
    assert (sel.start, sel.end) == (start, end)
    assert any("BOM" in w and "offsets kept" in w for w in report.warnings)


def test_bom_counted_by_the_producer_shifts_offsets_back() -> None:
    start, end = span(CRLF_TEXT, "Line two")
    project, report = read_qdpx(text_source_qdpx(BOM + CRLF_TEXT.encode(), start + 1, end + 1))
    sel = project.sources[0].selections[0]
    assert (sel.start, sel.end) == (start, end)
    assert any("moved back by one" in w for w in report.warnings)
    # a selection ending one past the text is proof enough, even without a telling name
    n = len(CRLF_TEXT)
    project, _ = read_qdpx(text_source_qdpx(BOM + CRLF_TEXT.encode(), n - 1, n + 1, name=""))
    assert project.sources[0].selections[0].end == n


def test_inline_plain_text_content_and_scheme_less_paths() -> None:
    body = (
        f'<Sources><TextSource guid="{g(1)}" name="inline">'
        "<PlainTextContent>a&#13;\nb</PlainTextContent>"
        f'<PlainTextSelection guid="{g(2)}" startPosition="3" endPosition="4" /></TextSource>'
        f'<TextSource guid="{g(3)}" name="bare" plainTextPath="{g(3)}.txt" />'
        f'<PDFSource guid="{g(4)}" name="far" path="absolute:///C:/papers/x.pdf" /></Sources>'
    )
    project, report = read_qdpx(qdpx(qde_with(body), {f"sources/{g(3)}.txt": b"file text"}))
    inline, bare, far = project.sources
    assert inline.plain_text == "a\r\nb" and inline.plain_text[3:4] == "b"
    assert bare.plain_text == "file text"
    assert far.original_path is None and far.original_bytes is None
    assert any("absolute:///C:/papers/x.pdf is an external file" in w for w in report.warnings)


def test_what_the_model_cannot_hold_is_reported_with_element_and_guid() -> None:
    body = (
        f'<CodeBook><Codes><Code guid="{g(1)}" name="c" isCodable="true">'
        f'<NoteRef targetGUID="{g(9)}" /></Code></Codes></CodeBook>'
        f'<Cases><Case guid="{g(2)}"><CodeRef targetGUID="{g(1)}" /></Case></Cases>'
        "<Sources>"
        f'<AudioSource guid="{g(3)}" name="talk.m4a" path="internal://{g(3)}.m4a">'
        f'<Transcript guid="{g(4)}"><SyncPoint guid="{g(5)}" timeStamp="10" /></Transcript>'
        f'<AudioSelection guid="{g(6)}" begin="0" end="10" /></AudioSource>'
        f'<PictureSource guid="{g(7)}" name="photo.jpg" />'
        f'<TextSource guid="{g(8)}" name="t" creatingUser="{g(1)}"><PlainTextContent>x'
        f'</PlainTextContent><Coding guid="{g(10)}"><CodeRef targetGUID="{g(1)}" /></Coding>'
        "</TextSource></Sources>"
        f'<Sets><Set guid="{g(11)}" name="s"><MemberNote targetGUID="{g(9)}" /></Set></Sets>'
        f'<Graphs><Graph guid="{g(12)}" name="map" /></Graphs><Description>about</Description>'
    )
    project, report = read_qde(qde_with(body).encode())
    unsupported = "\n".join(report.unsupported)
    for expected in (
        f"NoteRef in Code {g(1)}",
        f"CodeRef in Case {g(2)}",
        f"AudioSource {g(3)} 'talk.m4a' in Sources: audio sources are not supported; 3 nested",
        f"PictureSource {g(7)}",
        f"Coding {g(10)} in TextSource {g(8)}",
        f"MemberNote in Set {g(11)}",
        f"Graph {g(12)} 'map' in Project",
        "Description in Project",
        f"TextSource@creatingUser on 1 element(s) (first: {g(8)})",
    ):
        assert expected in unsupported
    assert [s.guid for s in project.sources] == [g(8)]


def test_foreign_codings_and_dangling_references() -> None:
    body = (
        f'<Variables><Variable guid="{g(1)}" name="Age" typeOfVariable="Integer" /></Variables>'
        f'<Cases><Case guid="{g(2)}"><VariableValue><VariableRef targetGUID="{g(3)}" />'
        "<TextValue>x</TextValue></VariableValue>"
        f'<VariableValue><VariableRef targetGUID="{g(1)}" /><TextValue> 7 </TextValue>'
        f'</VariableValue><VariableValue><VariableRef targetGUID="{g(1)}" />'
        "<IntegerValue>seven</IntegerValue></VariableValue>"
        f'<SourceRef targetGUID="{g(4)}" /></Case></Cases>'
        f'<Sources><TextSource guid="{g(5)}"><PlainTextContent>abc</PlainTextContent>'
        f'<PlainTextSelection guid="{g(6)}" startPosition="0" endPosition="9">'
        f'<Coding guid="{g(7)}" creatingUser="{g(8)}" creationDateTime="2020-01-02T03:04:05Z">'
        f'<CodeRef targetGUID="{g(9)}" /></Coding></PlainTextSelection></TextSource></Sources>'
    )
    project, report = read_qde(qde_with(body).encode())
    (case,) = project.cases
    assert case.variable_values == (VariableValue(g(1), "7"),)
    sel = project.sources[0].selections[0]
    # a producer that signs and dates codings only: the selection takes the coding's
    assert sel.coder_guid == g(8) and sel.created == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    warnings_ = "\n".join(report.warnings)
    assert (
        f"VariableValue of {g(1)} in Case {g(2)}: a TextValue for a Integer variable" in warnings_
    )
    assert f"Case {g(2)}: refers to source {g(4)}, which was not imported" in warnings_
    assert f"Selection {g(6)}: refers to code {g(9)}, which was not imported" in warnings_
    assert f"PlainTextSelection {g(6)} in TextSource {g(5)}: 0-9 is not a span" in warnings_
    unsupported = "\n".join(report.unsupported)
    assert f"VariableValue in Case {g(2)}: variable {g(3)} is not defined" in unsupported
    assert "'seven' is not a valid Integer value" in unsupported
    assert f"Coding@guid on 1 element(s) (first: {g(7)})" in unsupported


@pytest.mark.parametrize("sample", ["blank", "target"])
def test_atlas_ti_samples_import(sample: str) -> None:
    path = SAMPLES / f"{sample}-atlas-project.qdpx"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    project, report = read_qdpx(path.read_bytes(), path.name)
    assert project.origin.startswith("ATLAS.ti")
    assert [u.name for u in project.users] == ["Enric Llagostera", "ATLAS.ti"]
    assert report.warnings == []
    # ATLAS.ti's project timestamps (and modifying user) have no place in the model.
    assert "Project@creationDateTime on 1 element(s): not kept" in report.unsupported
    if sample == "target":
        (commits,) = project.codebook
        assert commits.name == "Commits" and len(commits.children) == 2
        back, _ = read_qdpx(write_qdpx(project))
        assert back == project


# --- hostile and broken files -------------------------------------------------------------------


def refused(data: bytes, match: str, limits: Limits | None = None) -> None:
    with pytest.raises(RefiError, match=match) as caught:
        read_qdpx(data, "evil.qdpx", limits or Limits())
    assert str(caught.value).startswith("evil.qdpx: ")


def test_path_traversal_in_a_path_attribute_is_refused() -> None:
    body = '<Sources><TextSource guid="{}" plainTextPath="internal://../../evil.txt" /></Sources>'
    with pytest.raises(RefiError) as caught:
        read_qdpx(qdpx(qde_with(body.format(g(1)))))
    assert str(caught.value) == "project.qdpx: sources/../../evil.txt is outside the archive"
    pdf = '<Sources><PDFSource guid="{}" path="internal:///etc/passwd" /></Sources>'
    refused(qdpx(qde_with(pdf.format(g(1)))), "outside the archive")


@pytest.mark.parametrize(
    ("member", "reason"),
    [("../evil.txt", "outside"), ("/etc/passwd", "outside"), ("sources\\x.txt", "backslash")],
)
def test_unsafe_member_names_are_refused(member: str, reason: str) -> None:
    refused(qdpx(qde_with(""), {member: b"x"}), reason)


def test_zip_bomb_is_refused_before_unpacking() -> None:
    refused(qdpx(qde_with(""), {"sources/zeros.txt": bytes(8 * 2**20)}), "zip bomb")


def test_declared_sizes_and_member_count_are_limited() -> None:
    data = qdpx(qde_with(""), {"sources/a.txt": b"a" * 2000, "sources/b.txt": b"b"})
    refused(data, "larger than", Limits(max_member_bytes=1000))
    refused(data, "unpacks to more than", Limits(max_total_bytes=1500))
    refused(data, "over the limit of 2", Limits(max_members=2))


def test_a_member_larger_than_it_declares_is_refused() -> None:
    data = bytearray(qdpx(qde_with("<Users />" * 50)))
    # Lie about the uncompressed size in both the local and the central header.
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 10)
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 10)
    refused(bytes(data), "project.qde")


def test_duplicate_members_are_refused() -> None:
    refused(qdpx(qde_with(""), {"project.qde": b"<Project/>"}), "appears twice")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;" />"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&x;" />"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE])
def test_dtds_and_entities_are_refused(xml: str) -> None:
    refused(qdpx(xml), "project.qde: declares a DTD")
    with pytest.raises(RefiError, match="^p.qde: declares a DTD"):
        read_qde(xml.encode(), "p.qde")


def test_missing_project_qde_is_refused() -> None:
    refused(qdpx(None, {"sources/a.txt": b"a"}), "project.qde is missing")


def test_truncated_or_foreign_archives_are_refused() -> None:
    data = write_qdpx(rich_project())
    refused(data[: len(data) // 2], "not a readable zip archive")
    refused(b"%PDF-1.4 not a zip", "not a readable zip archive")
    refused(qdpx("<Project"), "not well-formed XML")
    refused(qdpx("<CodeBook />"), "not <Project>")


def test_values_the_schema_cannot_carry_are_refused_on_export() -> None:
    with pytest.raises(ValueError, match="not a GUID"):
        project_qde(Project("p", users=(User("not-a-guid", "x"),)))
    with pytest.raises(ValueError, match="U\\+000C"):
        project_qde(Project("p", notes=(Note(g(1), "form feed", "page\fbreak"),)))
    twins = tuple(
        Source(g(n), "twin", "pdf", original_path="sources/same.pdf", original_bytes=b"%PDF")
        for n in (1, 2)
    )
    with pytest.raises(ValueError, match="sources/same.pdf is used by another source"):
        write_qdpx(Project("p", sources=twins))
    with pytest.raises(ValueError, match="not a valid Integer"):
        project_qde(
            Project(
                "p",
                variables=(Variable(g(1), "Age", "Integer"),),
                cases=(Case(g(2), "c", (VariableValue(g(1), "forty"),)),),
            )
        )
