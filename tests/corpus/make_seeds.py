"""Write the hand-made seeds of the regression corpus (see README.md for what each one is).

    .venv/bin/python tests/corpus/make_seeds.py

The inputs that broke a parser are rebuilt here as their smallest reproduction, so each can be
read and understood; the script is deterministic (fixed zip timestamps, fixed UUIDs). An input
found by a fuzzer that cannot be rebuilt this way is copied into its folder as it was found.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the repository root, for tests.documents.pdfs

MAX_BYTES = 50 * 1024  # the corpus holds small files only
N = 10_000
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
QDA = "urn:QDA-XML:project:1.0"


def zip_of(members: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, data)
    return out.getvalue()


def future_version(data: bytes) -> bytes:
    """The zip with its first central-directory entry asking for zip version 9.9."""
    out = bytearray(data)
    entry = out.index(b"PK\x01\x02")
    out[entry + 6 : entry + 8] = (99).to_bytes(2, "little")
    return bytes(out)


def shortened_first_member(data: bytes, count: int = 47) -> bytes:
    """The zip with `count` bytes cut out of its first member's data: the central directory
    then puts the first member at a negative offset ("negative seek value")."""
    header = 30 + int.from_bytes(data[26:28], "little") + int.from_bytes(data[28:30], "little")
    return data[:header] + data[header + count :]


# --- importers -------------------------------------------------------------------------------


def minimal_xlsx(sheet_xml: str) -> bytes:
    return zip_of(
        {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
            ),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="savedrecs" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
            ),
            "xl/worksheets/sheet1.xml": sheet_xml,
        }
    )


SHEET = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Leadership in integrated care</t></is></c></row>'
    "</sheetData></worksheet>"
)


def importers() -> dict[str, bytes]:
    header = "Title," + ",".join("x" for _ in range(N - 1))
    row = '=HYPERLINK("http://evil.example","click"),' + ",".join(
        "=1+1" if n % 10 == 0 else "" for n in range(N - 1)
    )
    return {
        "ris-nul-bytes.ris": b"TY  - JOUR\nTI  - A\x00title\x00\nAU  - Smith\x00, J\n\x00\x00ER  - \n",
        "csv-formula-10000-columns.csv": f"{header}\n{row}\n".encode(),
        "bibtex-10000-nested-braces.bib": b"@article{k, title={"
        + b"{" * N
        + b"x"
        + b"}" * N
        + b"}}\n",
        "csl-json-nested-10000.json": b'[{"title": "x", "issued": ' + b"[" * N + b"]" * N + b"}]",
        "xlsx-sheet-unknown-encoding.xlsx": minimal_xlsx(
            '<?xml version="1.0" encoding="ut_-8"?>' + SHEET
        ),
        "xlsx-future-zip-version.xlsx": future_version(minimal_xlsx(SHEET)),
    }


# --- extraction ------------------------------------------------------------------------------


def docx(document_xml: str, core_xml: str | None = None) -> bytes:
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "word/document.xml": document_xml,
    }
    if core_xml is not None:
        members["docProps/core.xml"] = core_xml
    return zip_of(members)


BODY = f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Word text</w:t></w:r></w:p></w:body></w:document>'
CORE = (
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>A title</dc:title></cp:coreProperties>"
)


def extraction() -> dict[str, bytes]:
    from tests.documents.pdfs import make_pdf

    pdf = make_pdf(["Findings about trust.", "Second page.", "Third page."])
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        + "".join(
            f'<!ENTITY a{n} "{("&a;" if n == 1 else f"&a{n - 1};") * 10}">' for n in range(1, 9)
        )
        + f']><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&a8;</w:t></w:r></w:p></w:body></w:document>'
    )
    return {
        "truncated.pdf": pdf[: len(pdf) // 2],
        "docx-body-unknown-encoding.docx": docx('<?xml version="1.0" encoding="ut_-8"?>' + BODY),
        "docx-title-unknown-encoding.docx": docx(
            BODY, '<?xml version="1.0" encoding="UTF-V"?>' + CORE
        ),
        "docx-billion-laughs.docx": docx(laughs),
        # 10,000 nested elements, never closed (closing them would pass the size limit).
        "html-nested-10000.html": b"<html><body>" + b"<i>" * N + b"text",
    }


# --- REFI-QDA --------------------------------------------------------------------------------


def qde(body: str = "", declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{declaration}<Project xmlns="{QDA}" name="Corpus">{body}</Project>'


TEXT_SOURCE = (
    '<Sources><TextSource guid="00000000-0000-4000-8000-000000000100" name="Interview" '
    'plainTextPath="internal://00000000-0000-4000-8000-000000000100.txt">'
    '<PlainTextSelection guid="00000000-0000-4000-8000-000000000101" name="Trust" '
    'startPosition="0" endPosition="5"/></TextSource></Sources>'
)


def qdpx(project_qde: str, **files: bytes) -> bytes:
    members: dict[str, bytes | str] = {"project.qde": project_qde}
    members.update({f"sources/{name}": data for name, data in files.items()})
    return zip_of(members)


def refi() -> dict[str, bytes]:
    text = {"00000000-0000-4000-8000-000000000100.txt": b"Trust grows when leaders listen."}
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{n} "{("&lol;" if n == 1 else f"&lol{n - 1};") * 10}">'
            for n in range(1, 10)
        )
        + f']><Project xmlns="{QDA}" name="&lol9;"/>'
    )
    codes = "".join(f'<Code guid="00000000-0000-4000-8000-{n:012d}" name="c">' for n in range(150))
    return {
        "billion-laughs.qdpx": qdpx(laughs),
        "zip-slip.qdpx": zip_of({"project.qde": qde(), "../../evil.txt": b"escaped"}),
        "text-path-traversal.qdpx": qdpx(
            qde(TEXT_SOURCE.replace("internal://", "internal://../../"))
        ),
        "codes-nested-150.qdpx": qdpx(
            qde(f"<CodeBook><Codes>{codes}{'</Code>' * 150}</Codes></CodeBook>")
        ),
        "unknown-encoding.qdpx": qdpx(
            qde(TEXT_SOURCE, '<?xml version="1.0" encoding="ut_-8"?>'), **text
        ),
        "nul-in-source-text.qdpx": qdpx(
            qde(TEXT_SOURCE), **{"00000000-0000-4000-8000-000000000100.txt": b"Trust\x00 grows."}
        ),
        "negative-seek.qdpx": shortened_first_member(qdpx(qde(TEXT_SOURCE), **text)),
        "future-zip-version.qdpx": future_version(qdpx(qde(TEXT_SOURCE), **text)),
    }


# --- project archives ------------------------------------------------------------------------

STAMP = "2026-01-01T09:00:00+00:00"


def archive_document() -> dict:
    """A tiny but complete archive.json: one owner, a membership, a protocol version."""
    return {
        "format": "retroduce-archive",
        "version": 1,
        "schema": {},
        "project": {
            "uuid": "c0a5c0a5-0000-4000-8000-000000000001",
            "slug": "corpus",
            "title": "Corpus",
            "created_at": STAMP,
            "created_by": "corpus-owner",
        },
        "accounts": [{"username": "corpus-owner", "first_name": "", "last_name": "", "email": ""}],
        "objects": {
            "core.Membership": [
                {
                    "added_at": STAMP,
                    "role": "owner",
                    "user": "corpus-owner",
                    "uuid": "c0a5c0a5-0000-4000-8000-000000000002",
                }
            ],
            "core.ProtocolVersion": [
                {
                    "created_at": STAMP,
                    "created_by": "corpus-owner",
                    "funding_coi": "",
                    "number": 1,
                    "objectives_focus": "",
                    "question": "",
                    "rationale": "",
                    "summary": "Project created",
                    "team": "",
                    "title": "Corpus",
                    "uuid": "c0a5c0a5-0000-4000-8000-000000000003",
                    "why_realist": "",
                }
            ],
        },
        "files": {},
    }


def archive(document: dict | bytes) -> bytes:
    text = document if isinstance(document, bytes) else json.dumps(document).encode()
    return zip_of({"archive.json": text})


def archives() -> dict[str, bytes]:
    created_at_number = archive_document()
    created_at_number["project"]["created_at"] = 5
    date_number = archive_document()
    date_number["objects"]["core.Membership"][0]["added_at"] = 5
    self_reference = archive_document()
    self_reference["objects"]["coding.Code"] = [{"parent": {"k": None}}]
    nul_surrogate = archive_document()
    # json.dumps writes both as \u escapes; json.loads turns them back into a NUL and a lone
    # surrogate, which neither SQLite nor PostgreSQL can store as text.
    nul_surrogate["objects"]["core.ProtocolVersion"][0]["question"] = "why\x00 \ud800?"
    deep = (
        b'{"format": "retroduce-archive", "version": 1, "schema": {}, "project": '
        + b"[" * N
        + b"]" * N
        + b', "accounts": [], "objects": {}, "files": {}}'
    )
    return {
        "project-created-at-number.zip": archive(created_at_number),
        "row-date-number.zip": archive(date_number),
        "self-reference-not-a-string.zip": archive(self_reference),
        "nul-and-lone-surrogate-text.zip": archive(nul_surrogate),
        "json-nested-10000.zip": archive(deep),
        "zip-slip.zip": zip_of({"archive.json": b"{}", "../../etc/passwd": b"x"}),
        "negative-seek.zip": shortened_first_member(archive(archive_document())),
        "future-zip-version.zip": future_version(archive(archive_document())),
    }


# --- documents uploaded as one zip -----------------------------------------------------------


def bulk() -> dict[str, bytes]:
    from tests.documents.pdfs import make_pdf

    members = {"paper.pdf": make_pdf(["Findings about trust."]), "notes.txt": b"Leaders listen."}
    valid = zip_of(members)
    bad_crc = bytearray(zip_of(members, zipfile.ZIP_STORED))
    bad_crc[bad_crc.index(b"Leaders listen.")] ^= 0xFF  # stored, so the text is in the zip
    unsupported = bytearray(valid)
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):  # compression method 99 (AES), both headers
        at = unsupported.index(marker)
        offset = 8 if marker == b"PK\x03\x04" else 10
        unsupported[at + offset : at + offset + 2] = (99).to_bytes(2, "little")
    encrypted = bytearray(zip_of(members, zipfile.ZIP_STORED))
    for marker, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the "encrypted" flag bit
        at = encrypted.index(marker)
        encrypted[at + offset] |= 0x01
    return {
        "negative-seek.zip": shortened_first_member(valid),
        "bad-crc.zip": bytes(bad_crc),
        "unsupported-compression.zip": bytes(unsupported),
        "future-zip-version.zip": future_version(valid),
        "encrypted-member.zip": bytes(encrypted),
    }


def main() -> None:
    for folder, files in (
        ("importers", importers()),
        ("extraction", extraction()),
        ("refi", refi()),
        ("archive", archives()),
        ("bulk", bulk()),
    ):
        (HERE / folder).mkdir(exist_ok=True)
        for name, data in files.items():
            assert len(data) <= MAX_BYTES, f"{folder}/{name} is {len(data):,} bytes"
            (HERE / folder / name).write_bytes(data)
            print(f"{folder}/{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
