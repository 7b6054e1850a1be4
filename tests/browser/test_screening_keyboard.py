"""In real Chromium: screen five records with the keyboard only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_first_review import sign_in
from tests.screening.conftest import TOPICS
from tests.serving import run
from tests.sources.ris_samples import ris_file, ris_record

pytestmark = pytest.mark.browser


def test_screen_five_records_with_the_keyboard(fresh_install, served_demo, page, shoot, tmp_path):
    export = tmp_path / "search.ris"
    export.write_bytes(
        ris_file(
            *[
                ris_record(title, [f"Author{n}, A"], str(2000 + n), f"Journal {n}")
                for n, title in enumerate(TOPICS)
            ]
        )
    )
    run(fresh_install, "import", "integrated-care-leadership", str(export))
    sign_in(page, served_demo, "demo-reviewer")
    page.goto(served_demo + "/p/integrated-care-leadership/screening/ta/")
    seen = []
    for key in ["i", "e", "m", "e", "i"]:
        title = page.locator("#record-title").inner_text()
        assert title not in seen, "the same record was offered twice"
        seen.append(title)
        if key == "m":
            page.keyboard.press("n")  # n focuses the note field
            page.keyboard.type("Context only, no outcome")
            page.locator("body").focus()
            page.keyboard.press("Escape")
            page.evaluate("document.activeElement.blur()")
        page.keyboard.press(key)
        expect(page.locator("#progress")).to_contain_text(f"{len(seen)} screened by you")
    shoot("screening")
    page.keyboard.press("u")  # undo the last vote: that record comes back
    expect(page.locator("#record-title")).to_have_text(seen[-1])
    expect(page.locator("#progress")).to_contain_text("4 screened by you")

    page.goto(served_demo + "/p/integrated-care-leadership/screening/ta/mine/")
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.locator("tbody")).to_contain_text("Maybe")

    # The overview draws the team's discovery curve, and Chromium renders it at a readable size.
    page.goto(served_demo + "/p/integrated-care-leadership/screening/")
    chart = page.locator("#stage-ta figure.discovery svg")
    expect(chart).to_be_visible()
    expect(chart.locator("polyline.found")).to_have_count(1)
    assert chart.bounding_box()["width"] > 300
    expect(chart.locator("desc")).to_contain_text("relevant found in")
    shoot("screening-overview", element=page.locator("#stage-ta"))
