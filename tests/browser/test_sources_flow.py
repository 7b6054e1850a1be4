"""In real Chromium: import a RIS file, resolve a possible duplicate, see the counts change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_review import sign_in
from tests.sources.ris_samples import LEADERSHIP, POWER, ris_file, ris_record

pytestmark = pytest.mark.browser

# Nearly the same title and the same first author, but a subtitle, another year and no DOI (a
# conference version, say): alike enough to ask a person, not certain enough to merge unasked.
LOOKALIKE = ris_record(
    "Power and hierarchy in integrated care teams: a survey", ["Smith, A."], "2020", "J Integr Care"
)


def count(page, label: str):
    return page.locator("#source-counts div", has=page.locator("dt", has_text=label)).locator("dd")


def test_import_then_resolve_a_duplicate(served_demo, page, shoot, tmp_path):
    export = tmp_path / "medline-export.ris"
    export.write_bytes(ris_file(LEADERSHIP, POWER, LOOKALIKE))
    sign_in(page, served_demo, "demo-reviewer")
    page.goto(served_demo + "/p/integrated-care-leadership/sources/")
    expect(page.get_by_text("Nothing imported yet")).to_be_visible()

    page.get_by_label("Export files").set_input_files(str(export))
    page.get_by_role("button", name="Import", exact=True).click()
    # The import runs in the background; its progress is polled in place until it finishes.
    expect(page.locator("#imports")).to_contain_text("imported 3 records", timeout=30_000)
    page.reload()
    expect(count(page, "Records identified")).to_have_text("3")
    expect(count(page, "Possible duplicates to review")).to_have_text("1")
    shoot("sources")

    page.get_by_role("link", name=re.compile("Duplicate review")).click()
    expect(page.locator("#compare")).to_contain_text("Power and hierarchy in integrated care teams")
    expect(page.locator("#compare mark").first).to_be_visible()
    shoot("duplicates")
    page.keyboard.press("m")  # the keyboard shortcut for "merge, keep A"
    expect(page.get_by_text("Merged: kept")).to_be_visible()

    page.get_by_role("link", name="Sources", exact=True).click()
    expect(count(page, "Duplicates removed")).to_have_text("1")
    expect(count(page, "Unique records")).to_have_text("2")
    expect(count(page, "Possible duplicates to review")).to_have_text("0")
