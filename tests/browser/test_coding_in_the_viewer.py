"""In real Chromium: select text in a PDF-derived document, code it as Context, find it again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_review import sign_in
from tests.documents.pdfs import make_pdf
from tests.serving import run

pytestmark = pytest.mark.browser

PAGE_ONE = "Background. Integrated care needs leadership across health and social care."
PAGE_TWO = (
    "Findings. Where budgets were pooled 🙂 and managers met weekly, café staff and nurses "
    "trusted one another and planned visits together."
)
PASSAGE = "budgets were pooled 🙂 and managers met weekly"

SELECT = """
([text, occurrence]) => {
  const root = document.getElementById("doc-text");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(text);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}
"""


def test_select_a_passage_code_it_as_context_and_see_it_in_the_codes_list(
    fresh_install, served_demo, page, shoot, tmp_path
):
    from tests.documents.pdfs import unicode_font

    font = unicode_font()
    if font is None:
        pytest.skip("no TrueType font with emoji-free Latin/Unicode coverage on this machine")
    pdf = tmp_path / "pooled-budgets-study.pdf"
    # DejaVu has no emoji glyph; keep the emoji out of the PDF and test it in the TXT path.
    pdf.write_bytes(make_pdf([PAGE_ONE, PAGE_TWO.replace(" 🙂", "")], font=font))
    run(fresh_install, "attach", "integrated-care-leadership", str(pdf))

    sign_in(page, served_demo, "demo-reviewer")
    page.goto(served_demo + "/p/integrated-care-leadership/documents/")
    page.get_by_role("link", name="pooled-budgets-study").click()
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("#doc-text")).to_contain_text("Findings.")
    passage = PASSAGE.replace(" 🙂", "")
    assert page.evaluate(SELECT, [passage, 0])
    expect(page.locator("#selection-status")).to_contain_text(f"Selected {len(passage)} characters")
    page.keyboard.press("c")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    page.keyboard.type("Context")
    expect(page.locator(".picker-option.active")).to_have_text("Context")
    shoot("coding-picker")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"coded=\d+#fragment-\d+"))
    expect(page.locator(".hl").first).to_have_text(passage)
    shoot("document-viewer")

    page.get_by_role("link", name="Context", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("Context")
    fragment = page.locator("article.fragment", has_text=passage)
    expect(fragment).to_contain_text("pooled-budgets-study, page 2")


def test_emoji_offsets_match_between_browser_and_server(fresh_install, served_demo, page, tmp_path):
    notes = tmp_path / "workshop.txt"
    notes.write_text("Intro 🙂🙂 line.\r\n" + PAGE_TWO + "\r\n", encoding="utf-8")
    run(
        fresh_install,
        "attach",
        "integrated-care-leadership",
        str(notes),
        "--kind",
        "workshop_notes",
    )
    sign_in(page, served_demo, "demo-reviewer")
    page.goto(served_demo + "/p/integrated-care-leadership/documents/")
    page.get_by_role("link", name="workshop", exact=True).click()
    assert page.evaluate(SELECT, ["trusted one another", 0])
    page.get_by_role("button", name="Code selection").click()
    page.keyboard.type("Outcome")
    page.keyboard.press("Enter")
    # The server cut the quote from its own text with the browser's offsets: they must agree.
    expect(page.locator("article.fragment blockquote").first).to_have_text("trusted one another")
