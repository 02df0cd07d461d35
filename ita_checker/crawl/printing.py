"""Chromium print-to-PDF through Playwright: the browser side of report.pdf (the page comes from report/)."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from ita_checker.crawl.chromium import CHROMIUM_ARGS

PRINT_TIMEOUT_MS = 60_000


def print_pdf(html: str, *, executable: str, footer: str) -> bytes:
    """Print ``html`` as an A4 portrait PDF with Chromium (``footer``: the page-number template); returns it.

    No request leaves the page: every one is aborted (the letter has no assets; its CSP also forbids them).
    """
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=False)
            context.route("**/*", lambda route: route.abort())
            page = context.new_page()
            page.set_default_timeout(PRINT_TIMEOUT_MS)
            page.set_content(html, wait_until="load")
            data = page.pdf(
                format="A4",
                prefer_css_page_size=True,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer,
            )
            context.close()
        finally:
            browser.close()
    return data
