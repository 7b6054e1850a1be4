"""Real Chromium (Debian's package) driven by Playwright; Playwright never downloads a browser here."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RETRODUCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Set RETRODUCE_SCREENSHOTS to a folder (docs/screenshots for the README) to keep the pictures.
SCREENSHOTS = os.environ.get("RETRODUCE_SCREENSHOTS", "")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (see .ci/run)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # The machine has no internet: stop Chromium's own background connections.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    # A Content-Security-Policy violation or a script error shows up on the console: none is allowed.
    # Status codes of pages themselves are asserted by the tests; a broken sub-resource is an error.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


@pytest.fixture
def shoot(page):
    def take(name: str, element=None) -> None:  # noqa: ANN001 - a Playwright Locator
        """The top of the page, or only `element` (a part further down, such as a chart)."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            path = str(Path(SCREENSHOTS) / f"{name}.png")
            if element is not None:
                element.screenshot(path=path)
                return
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=path, full_page=False)

    return take
