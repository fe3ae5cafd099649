"""Every page at desktop (1440 px) and phone (390 px) width, both languages: the main chart is visible and
not clipped (its drawn canvas/svg lies inside the viewport), and the page never scrolls sideways as a whole.
Screenshots: test-artifacts/screenshots/w<width>_<page>_<lang>.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_browser import PAGES, T, assert_no_error, goto, screenshot, text, wait_layout

NO_CHART = {"katalog", "unggah"}  # pages without a chart: only the no-sideways-scroll check applies
WIDTHS = (1440, 390)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_main_chart_fits_the_viewport(page: Page, e2e_server, screenshot_dir, path, lang, width):
    offset = e2e_server.log_size()
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 844})
    goto(page, e2e_server.url, path, lang)
    expect(page.get_by_role("heading", name=text(PAGES[path], lang), exact=True, level=1)).to_be_visible(timeout=T)
    wait_layout(page)      # the charts have measured their containers at this width
    assert_no_error(page, e2e_server, offset, f"/{path} {lang} {width}px")
    if path not in NO_CHART:
        chart = page.get_by_test_id("stVegaLiteChart").filter(visible=True).first
        expect(chart).to_be_visible(timeout=T)
        chart.scroll_into_view_if_needed()
        drawn = chart.locator("canvas, svg").first
        box, outer = drawn.bounding_box(), chart.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"/{path} {lang} {width}px: chart not drawn {box}"
        for b, what in ((box, "chart"), (outer, "chart element")):
            assert b["x"] >= -1 and b["x"] + b["width"] <= width + 1, \
                f"/{path} {lang} {width}px: {what} clipped: x={b['x']:.0f} width={b['width']:.0f}"
        # what is drawn is not wider than its element (which would hide its right part behind a scroll bar)
        assert box["x"] + box["width"] <= outer["x"] + outer["width"] + 1, \
            f"/{path} {lang} {width}px: chart wider than its box ({box['width']:.0f} > {outer['width']:.0f})"
    sideways = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                             " return [m.scrollWidth, m.clientWidth]; }")
    assert sideways[0] <= sideways[1] + 1, f"/{path} {lang} {width}px: the page scrolls sideways {sideways}"
    screenshot(page, screenshot_dir, f"w{width}_{path or 'ringkasan'}_{lang}")
