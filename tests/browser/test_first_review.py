"""A newcomer's first visit, in real Chromium: sign in, create a review, add a member, read History."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("retroduce-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def test_create_review_add_member_and_see_history(served_demo, page, shoot):
    sign_in(page, served_demo, "demo-owner")
    shoot("dashboard")

    page.get_by_label("Title of the review").fill("Leadership of hospital discharge teams")
    page.get_by_role("button", name="Create review").click()
    expect(page.get_by_role("heading", name="Edit protocol")).to_be_visible()
    page.get_by_label("Review question (RAMESES 4)").fill(
        "What works for whom in discharge leadership?"
    )
    page.get_by_label("What changed and why").fill("First draft")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.get_by_text("Saved protocol version 2")).to_be_visible()

    page.get_by_role("link", name="Members").click()
    page.get_by_label("Username").fill("demo-reviewer")
    page.get_by_label("Role", exact=True).select_option("reviewer")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("Added demo-reviewer as reviewer")).to_be_visible()
    expect(page.get_by_role("cell", name="demo-reviewer", exact=True)).to_be_visible()

    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    table = page.locator("table.events-table")
    expect(table).to_contain_text("demo-reviewer")
    expect(table).to_contain_text("What works for whom in discharge leadership?")
    page.get_by_label("Action").select_option("added")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"verb=added"))
    expect(table.locator("tbody tr")).to_have_count(2)  # the owner and the new reviewer


def test_audit_check_progress_is_polled_with_htmx(served_demo, page, shoot):
    sign_in(page, served_demo, "demo-owner")
    page.goto(served_demo + "/p/integrated-care-leadership/history/")
    page.get_by_role("button", name="Run the check").click()
    # htmx swaps the progress in place and keeps polling until the worker finishes.
    expect(page.locator("#audit-result")).to_contain_text("Audit trail complete", timeout=30_000)
    expect(page).to_have_url(re.compile(r"/history/$"))
    shoot("history")


def test_demo_pages_for_the_readme(served_demo, page, shoot):
    sign_in(page, served_demo, "demo-owner")
    page.goto(served_demo + "/p/integrated-care-leadership/theory/")
    expect(page.locator(".component.no-evidence")).to_have_count(1)
    expect(page.locator(".component.no-evidence")).to_contain_text("Fostering resilience")
    shoot("theory")
    page.goto(served_demo + "/p/integrated-care-leadership/protocol/")
    expect(page.get_by_role("heading", name=re.compile("Change log"))).to_be_visible()
    shoot("protocol")


def test_every_control_has_a_label_and_focus_is_visible(served_demo, page):
    sign_in(page, served_demo, "demo-owner")
    for path in [
        "/",
        "/p/integrated-care-leadership/protocol/edit/",
        "/p/integrated-care-leadership/members/",
        "/p/integrated-care-leadership/history/",
    ]:
        page.goto(served_demo + path)
        unlabeled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name || el.id)"""
        )
        assert unlabeled == [], f"{path}: controls without a label: {unlabeled}"
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_stakeholder_sees_theory_but_not_protocol(served_demo, page):
    sign_in(page, served_demo, "demo-stakeholder")
    page.goto(served_demo + "/p/integrated-care-leadership/theory/")
    expect(page.get_by_text("Fostering resilience").first).to_be_visible()
    response = page.goto(served_demo + "/p/integrated-care-leadership/protocol/")
    assert response.status == 403
