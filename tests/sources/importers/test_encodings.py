"""Each file's encoding is decided and reported; a fallback is named in a warning."""

from __future__ import annotations

import codecs

from retroduce.sources.importers import parse_file

from .helpers import failure, fixture_bytes

RIS = "TY  - JOUR\nAU  - Müller, Jürgen\nTI  - Café – “integrated” care\nER  - \n"


def test_utf8_with_and_without_bom() -> None:
    plain = parse_file("a.ris", RIS.encode("utf-8"))
    assert plain.encoding == "utf-8"
    assert plain.warnings == []
    bom = parse_file("a.ris", codecs.BOM_UTF8 + RIS.encode("utf-8"))
    assert bom.encoding == "utf-8-sig"
    assert bom.records[0].title == "Café – “integrated” care"
    assert bom.records[0].raw.startswith("TY  - JOUR")  # the BOM is not part of the record


def test_utf16_with_bom_both_byte_orders() -> None:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        result = parse_file("a.ris", bom + RIS.encode(codec))
        assert result.encoding == "utf-16"
        assert result.records[0].authors == ["Müller, Jürgen"]
        assert result.warnings == []


def test_utf16_without_bom_is_detected_from_nul_bytes() -> None:
    result = parse_file("a.ris", RIS.encode("utf-16-le"))
    assert result.encoding == "utf-16-le"
    assert result.records[0].title == "Café – “integrated” care"
    assert any("no byte-order mark" in w for w in result.warnings)
    assert parse_file("a.ris", RIS.encode("utf-16-be")).encoding == "utf-16-be"


def test_windows_1252_fallback_is_warned_with_the_line() -> None:
    result = parse_file("a.ris", RIS.encode("cp1252"))
    assert result.encoding == "cp1252"
    assert result.records[0].title == "Café – “integrated” care"
    assert any("not valid UTF-8 (first at line 2)" in w for w in result.warnings)


def test_latin1_when_cp1252_cannot_decode() -> None:
    # 0x81 is undefined in Windows-1252, so only Latin-1 reads this file.
    data = b"TY  - JOUR\nTI  - \xc4rzte \x81\nER  - \n"
    result = parse_file("a.ris", data)
    assert result.encoding == "latin-1"
    assert result.records[0].title == "Ärzte \x81"
    assert any("Latin-1" in w for w in result.warnings)


def test_utf16_tab_delimited_web_of_science() -> None:
    text = fixture_bytes("wos_savedrecs.txt").decode("utf-8-sig")
    result = parse_file("savedrecs.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert result.format == "tsv"
    assert result.records[0].authors == ["Andersson, Karin", "Tanaka, Hiro"]


def test_xml_in_utf16_and_in_latin1_as_declared() -> None:
    xml = (
        fixture_bytes("endnote.xml")
        .decode("utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    result = parse_file("en.xml", codecs.BOM_UTF16_LE + xml.encode("utf-16-le"))
    assert len(result.records) == 3
    latin = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><xml><records><record>'
        "<titles><title>Kommunal sjukvård</title></titles></record></records></xml>"
    ).encode("latin-1")
    result = parse_file("en.xml", latin)
    assert result.records[0].title == "Kommunal sjukvård"
    assert result.encoding == "cp1252"


def test_damaged_utf16_is_refused() -> None:
    error = failure("a.ris", codecs.BOM_UTF16_LE + RIS.encode("utf-16-le")[:-1])
    assert "not valid UTF-16" in error.reason
