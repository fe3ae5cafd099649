"""Hostile agency names and texts, imported and uploaded through the normal paths, are inert in every page.

The database is built by `tests/test_injection.build_hostile_db` (registry import with HTML, Markdown-image
and formula names; an accepted workbook with formula texts), served by its own `streamlit run`, and every
page is opened in Chromium. Nothing may run or load: no dialog, no request to the tracking address, no
element the payload describes, no change of the document title; the names show as the literal text.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

import os

from loaders import auth, store
from servers import streamlit_server
from test_api import CITY, numeric_codes
from test_browser import T, screenshot, set_width, sign_in_demo, wait_idle
from test_injection import FORMULAS, build_hostile_db

PAGES = [("", {}), ("tema", {}), ("indikator", {"agency": CITY, "year": 2024, "quarter": 1}),
         ("capaian-akhir", {}), ("katalog", {}), ("instansi", {"agency": CITY}), ("instansi", {"agency": "33"}),
         ("instansi", {"agency": "34"}), ("wilayah", {"province": "32"}), ("kepatuhan", {}),
         ("unggah", {"agency": CITY}), ("instansi", {"agency": CITY, "lang": "en"}),
         ("instansi", {"agency": "33", "lang": "en"})]
LITERAL = {CITY: "<iframe srcdoc=", "33": "![pixel](http://127.0.0.1:9/track.png)", "34": FORMULAS[0]}


@pytest.fixture(scope="module")
def hostile_server(chromium_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("hostile")
    db = workdir / "pantaurb.duckdb"
    build_hostile_db(db)
    with store.session(db) as con:          # the demo's sign-in buttons (every page needs a signed-in account)
        auth.create_demo_accounts(con, [(CITY, "32")])
    env = {**os.environ, "PANTAURB_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
           "PYTHONUNBUFFERED": "1"}
    with streamlit_server(workdir, env) as (url, log_path):
        yield url, log_path


def test_hostile_names_are_inert_on_every_page(page: Page, hostile_server, screenshot_dir):
    url, log_path = hostile_server
    dialogs, leaks = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: leaks.append(r.url) if ("127.0.0.1:9/" in r.url or "evil.example" in r.url
                                                          or r.url.endswith("/x")) else None)
    code = numeric_codes("KOTA")[0]
    for path, params in PAGES:
        params = {"lang": "id", **params, **({"indicator": code} if path == "indikator" else {})}
        lang = params["lang"]
        page.goto(f"{url}/{path}?" + "&".join(f"{k}={v}" for k, v in params.items()), timeout=T)
        sign_in_demo(page, "demo-admin")
        wait_idle(page)
        where = f"/{path} {params}"
        assert page.get_by_test_id("stException").count() == 0, where
        assert "Traceback" not in log_path.read_text(encoding="utf-8", errors="replace"), where
        assert page.locator("iframe[srcdoc]").count() == 0 and page.locator("img[src='x']").count() == 0, where
        bad = page.locator("img[src*='track.png'], a[href^='javascript']")
        assert bad.count() == 0, (where, [bad.nth(i).evaluate("e => e.parentElement.outerHTML")[:400]
                                          for i in range(bad.count())])
        assert page.title() != "1", where
        if path == "instansi":
            body = page.locator("[data-testid='stMain']").inner_text()
            assert LITERAL[params["agency"]] in body, (where, body[:500])
            if params["agency"] == CITY:
                screenshot(page, screenshot_dir, f"injection_agency_{lang}")
                set_width(page, 390, 844)
                screenshot(page, screenshot_dir, f"injection_agency_{lang}_390")
                set_width(page, 1440, 900)
    assert dialogs == [] and leaks == []
