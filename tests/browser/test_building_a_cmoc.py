"""In real Chromium: build a CMOC from two fragments in two documents and find it on the diagram."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_review import sign_in

pytestmark = pytest.mark.browser


def test_build_a_cmoc_from_two_documents_and_see_it_on_the_diagram(served_demo, page, shoot):
    sign_in(page, served_demo, "demo-reviewer")
    page.goto(served_demo + "/p/integrated-care-leadership/theory/")
    page.get_by_role("link", name="Balancing multiple perspectives").click()
    page.get_by_role("link", name="Build a CMOC").click()
    page.get_by_role("textbox", name="Context").fill("Teams where social care voices go unheard")
    page.get_by_role("textbox", name="Mechanism: resource").fill(
        "the leader asks each profession in turn"
    )
    page.get_by_role("textbox", name="Mechanism: response").fill("staff feel their view is wanted")
    page.get_by_role("textbox", name="Outcome", exact=False).first.fill(
        "plans reflect both health and social care"
    )
    # One passage from the abstract notes, one from the workshop notes.
    page.get_by_role("checkbox", name="rather than what they did").check()
    page.get_by_role("checkbox", name="pooled budgets only worked").check()
    page.get_by_role("textbox", name="Rationale").fill(
        "Two sources describe leaders balancing voices."
    )
    shoot("cmoc-builder")
    page.get_by_role("button", name="Save the CMOC").click()
    expect(page.locator(".messages")).to_contain_text("with 2 evidence link(s)")
    expect(page.locator("article.fragment")).to_have_count(2)

    page.get_by_role("link", name="Diagram").click()
    diagram = page.locator("#theory-diagram svg")
    expect(diagram).to_be_visible()
    box = diagram.locator("g.cmoc", has_text="Teams where social care voices")
    expect(box).to_have_count(1)
    shoot("theory-diagram")
    box.locator("a").first.click()
    expect(page.locator("h1")).to_contain_text("CMOC")
    expect(page.locator("dl.cmoc-parts")).to_contain_text(
        "plans reflect both health and social care"
    )
