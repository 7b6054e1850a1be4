"""Plain text and HTML: encodings decided per file, line endings normalised, offsets exact."""

from __future__ import annotations

import pytest

from retroduce.documents.extraction import ExtractionError, ExtractionLimits, extract


def page_text(result, number: int) -> str:
    page = result.pages[number - 1]
    return result.text[page.start : page.end]


# Plain text


def test_utf8_text_is_one_page_covering_everything() -> None:
    result = extract(b"Interviews with ward managers.\nTrust grew.\n", "notes.txt")
    assert result.kind == "txt"
    assert result.encoding == "utf-8"
    assert result.text == "Interviews with ward managers.\nTrust grew."
    assert len(result.pages) == 1
    assert page_text(result, 1) == result.text
    assert result.title is None


def test_crlf_and_lone_cr_become_lf() -> None:
    result = extract(b"one\r\ntwo\rthree\n", "mac.txt")
    assert result.text == "one\ntwo\nthree"


def test_utf8_bom_is_stripped_and_reported() -> None:
    result = extract(b"\xef\xbb\xbfContext first.", "bom.txt")
    assert result.text == "Context first."
    assert result.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_decoded(codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    data = bom + "Ελληνικά\r\nmechanism 😀".encode(codec)
    result = extract(data, "windows.txt")
    assert result.text == "Ελληνικά\nmechanism 😀"
    assert result.encoding == "utf-16"


def test_cp1252_is_the_fallback_with_a_warning() -> None:
    result = extract("Café “quoted” – naïve".encode("cp1252"), "old.txt")
    assert result.text == "Café “quoted” – naïve"
    assert result.encoding == "cp1252"
    assert any("cp1252" in w for w in result.warnings)


def test_emoji_and_combining_accents_have_code_point_offsets() -> None:
    text = "😀 first page e\u0301\fsecond 👩‍⚕️ page cafe\u0301"
    result = extract(text.encode(), "pages.txt")
    assert [page_text(result, n) for n in (1, 2)] == [
        "😀 first page e\u0301",
        "second 👩‍⚕️ page cafe\u0301",
    ]
    # Offsets count code points: the emoji is one, the combining accent is one.
    assert result.pages[0].end == len("😀 first page e\u0301") == 15
    assert "\u00e9" not in result.text  # not normalised to the composed letter


def test_form_feeds_split_pages_and_a_final_one_adds_no_page() -> None:
    result = extract(b"page one\n\fpage two\n\fpage three\n\f", "pdftotext.txt")
    assert [page_text(result, n) for n in (1, 2, 3)] == ["page one", "page two", "page three"]
    assert len(result.pages) == 3


def test_control_characters_are_removed_but_tabs_kept() -> None:
    result = extract(b"a\tb\x07c\x1bd\x7fe", "ctl.txt")
    assert result.text == "a\tbcde"


def test_nul_bytes_mean_binary_and_are_refused() -> None:
    with pytest.raises(ExtractionError, match="binary") as caught:
        extract(b"text\x00\x01\x02\x03" * 100, "data.txt")
    assert str(caught.value).startswith("data.txt: ")


def test_mostly_control_characters_is_refused() -> None:
    with pytest.raises(ExtractionError, match="binary file, not text"):
        extract(bytes(range(1, 32)) * 50, "noise.txt")


def test_empty_file_is_refused() -> None:
    with pytest.raises(ExtractionError) as caught:
        extract(b"", "empty.txt")
    assert str(caught.value) == "empty.txt: the file is empty"


def test_over_the_byte_limit_is_refused_naming_the_limit() -> None:
    with pytest.raises(ExtractionError, match="over the limit of 1 KiB"):
        extract(b"x" * 2048, "big.txt", limits=ExtractionLimits(max_bytes=1024))


def test_over_the_character_limit_is_refused() -> None:
    with pytest.raises(ExtractionError, match="longer than 100 characters"):
        extract(b"y" * 101, "long.txt", limits=ExtractionLimits(max_chars=100))


# HTML

ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>  Ward rounds &amp; trust </title>
<style>p { color: red }</style><script>var s = "<p>not text</p>";</script></head>
<body><h1>Results</h1>
<p>Nurses   said
   that <em>trust</em> grew.<br>Second line.</p>
<noscript>Enable JavaScript</noscript><template><p>hidden</p></template>
<table><tr><th>Site</th><th>Outcome</th></tr><tr><td>A</td><td><p>fewer</p><p>visits</p></td></tr>
</table>
<pre>  kept
    as is</pre>
<p>Caf&eacute; &#x1F600; &lt;tag&gt;</p></body></html>"""


def test_html_keeps_visible_text_with_blocks_as_lines() -> None:
    result = extract(ARTICLE.encode(), "article.html")
    assert result.kind == "html"
    assert result.title == "Ward rounds & trust"
    assert result.encoding == "utf-8"
    assert result.text == (
        "Results\n"
        "Nurses said that trust grew.\n"
        "Second line.\n"
        "Site\tOutcome\n"
        "A\tfewer visits\n"
        "  kept\n"
        "    as is\n"
        "Café 😀 <tag>"
    )
    assert len(result.pages) == 1 and page_text(result, 1) == result.text


def test_html_meta_charset_decides_the_encoding() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café – ok</p></body></html>'
    result = extract(page.encode("cp1252"), "legacy.htm")
    assert result.text == "Café – ok"
    assert result.encoding == "cp1252"


def test_html_http_equiv_charset_and_latin1_label() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        "</head><body>Caf\xe9 \x93quoted\x94</body></html>"
    )
    result = extract(page.encode("latin-1"), "legacy.html")
    # Browsers read a Latin-1 label as windows-1252, so the curly quotes appear.
    assert result.text == "Café “quoted”"
    assert result.encoding == "cp1252"


def test_html_bom_wins_over_a_wrong_meta_charset() -> None:
    page = '<html><head><meta charset="iso-8859-2"></head><body>Zürich</body></html>'
    result = extract(b"\xef\xbb\xbf" + page.encode(), "bom.html")
    assert result.text == "Zürich"
    assert result.encoding == "utf-8-sig"


def test_html_without_a_charset_that_is_not_utf8_falls_back_to_cp1252() -> None:
    result = extract("<html><body>Café</body></html>".encode("cp1252"), "x.html")
    assert result.text == "Café"
    assert result.encoding == "cp1252"


def test_html_with_an_unclosed_title_still_shows_the_body() -> None:
    result = extract(b"<html><head><title>Broken<body><p>Body text</p></body>", "t.html")
    assert result.title == "Broken"
    assert result.text == "Body text"


def test_html_unknown_marked_section_does_not_lose_the_page() -> None:
    result = extract(b"<html><body><p>Before</p><![foo bar]><p>After</p></body></html>", "m.html")
    assert "Before" in result.text and "After" in result.text


def test_html_word_conditional_comments_are_not_text() -> None:
    page = b"<html><body><p><![if !supportLists]>1.<![endif]>Item</p></body></html>"
    assert extract(page, "word.htm").text.endswith("Item")


@pytest.mark.parametrize("label", ["undefined", "unicode_escape", "rot13", "no-such-codec"])
def test_html_declaring_a_codec_that_is_no_web_encoding_is_read_as_utf8(label: str) -> None:
    page = f'<html><head><meta charset="{label}"></head><body>Caf\u00e9 \\x41</body></html>'
    result = extract(page.encode(), "odd.html")
    assert result.text == "Café \\x41"
    assert result.encoding == "utf-8"
