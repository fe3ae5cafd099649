"""One locale, from the language switch, in a real Chromium: a table shows 1.714,20 in Indonesian mode even in an
en-US browser, and 1,714.20 in English mode even in an id-ID browser (never the browser's locale).
Screenshots: test-artifacts/screenshots/table_<lang>_browser_<locale>.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_browser import T, assert_no_error, goto, wait_idle


@pytest.mark.parametrize("locale, lang, shown, foreign", [("en-US", "id", ("1.714,20", "1.418,90"), "1,714.20"),
                                                          ("id-ID", "en", ("1,714.20", "1,418.90"), "1.714,20")])
def test_table_numbers_follow_the_switch_not_the_browser(browser: Browser, e2e_server, screenshot_dir, locale, lang,
                                                         shown, foreign):
    context = browser.new_context(locale=locale, viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        offset = e2e_server.log_size()
        goto(page, e2e_server.url, "indikator", lang, indicator="NAT_INV_REAL", year="2024", quarter="4")
        wait_idle(page)
        expander = page.get_by_test_id("stExpander").filter(
            has_text="Data dan target" if lang == "id" else "Data and targets").first
        expander.locator("summary").click()
        table = expander.get_by_test_id("stDataFrame").first
        expect(table).to_contain_text(shown[0], timeout=T)      # the grid's cells are in its accessible DOM
        text = table.text_content() or ""
        assert all(s in text for s in shown) and foreign not in text, text[:400]
        wait_idle(page)
        expander.scroll_into_view_if_needed()
        expander.screenshot(path=str(screenshot_dir / f"table_{lang}_browser_{locale}.png"))
        assert_no_error(page, e2e_server, offset, f"/indikator {lang} {locale}")
    finally:
        context.close()
