"""Browser tests: the real `streamlit run` server (see conftest.py) driven through Debian's Chromium.

1. every page opens without an exception, in Bahasa Indonesia and in English (?lang=en), and the agency
   report card of a demo agency with reports;
2. the sidebar language switch;
3. the upload flow: template download -> fill with openpyxl -> check only -> submit -> receipt, then a
   broken copy -> problem table naming the cell -> annotated workbook;
4. a CSV export from the compliance page.

Full-page screenshots go to test-artifacts/screenshots/<page>_<lang>.png (git-ignored).
Tests wait for state, never for time: for an element, for the end of the script run an action started
(`wait_rerun`), for a finished upload (`upload`), for a layout that has stopped moving (`wait_layout`).
Timeouts are ceilings for a busy 2-core machine; nothing is a timed assertion.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, Page, expect

from servers import WAIT_MS
from ui.strings import STRINGS
from ui.strings_auth import STRINGS_AUTH
from ui.strings_ops import STRINGS_OPS

T = WAIT_MS  # ms, the ceiling for anything that waits on the server
TEXT = {**STRINGS, **STRINGS_OPS, **STRINGS_AUTH}

# url path (from dashboard.py) -> string key of the page's st.title. The default page (national,
# url_path "ringkasan", default=True) is served at the root URL "/": Streamlit answers /ringkasan with a
# "Page not found" dialog.
PAGES = {
    "": "national_title",
    "tema": "theme_title",
    "indikator": "indicator_title",
    "capaian-akhir": "final_title",
    "katalog": "catalogue_title",
    "instansi": "ag_title",
    "wilayah": "rg_title",
    "kepatuhan": "cp_title",
    "unggah": "up_title",
}
RAW_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
UNDERSCORE_KEYS = {k for k in TEXT if "_" in k}


def text(key: str, lang: str = "id", **params) -> str:
    entry = TEXT[key]
    value = entry.get(lang) or entry["id"]
    return value.format(**params) if params else value


# ------------------------------------------------------------------ helpers
def wait_idle(page: Page, timeout: int = T) -> None:
    """The script run has finished and every lazily loaded element has replaced its skeleton."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):  # charts in collapsed expanders are not drawn until opened
        if charts.nth(i).is_visible():
            expect(charts.nth(i).locator("canvas, svg").first).to_be_attached(timeout=timeout)


def script_runs(page: Page) -> int:
    """How many script runs this page has finished (counted by conftest.RUN_COUNTER)."""
    return page.evaluate("() => window.__pantaurbRuns || 0")


def wait_rerun(page: Page, runs_before: int, timeout: int = T) -> None:
    """The rerun started after `runs_before = script_runs(page)` was read has finished, then `wait_idle`.
    Use it after a button whose run takes a while (check, submit): a plain wait_idle right after the click can
    pass before the rerun has even started. (A run so short that the page never shows it running is not
    counted, so it is not used after widget changes; those wait for what the change shows.)"""
    page.wait_for_function("n => window.__pantaurbRuns > n && document.querySelector('[data-testid=\"stApp\"]')"
                           "?.getAttribute('data-test-script-state') === 'notRunning'", arg=runs_before,
                           timeout=timeout)
    wait_idle(page, timeout)


# the size of the main area and of every drawn chart, the same for LAYOUT_FRAMES animation frames in a row
LAYOUT_FRAMES = 5
_LAYOUT_STABLE = """frames => {
    const main = document.querySelector('[data-testid="stMain"]');
    const chart = '[data-testid="stVegaLiteChart"]';
    const drawn = [...document.querySelectorAll(`${chart} canvas, ${chart} svg`)];
    const size = [main ? `${main.scrollWidth}x${main.scrollHeight}` : '',
                  ...drawn.map(e => { const b = e.getBoundingClientRect(); return `${b.width}x${b.height}`; })
                 ].join(',');
    const w = window.__pantaurbLayout = window.__pantaurbLayout || {size: null, same: 0};
    w.same = size === w.size ? w.same + 1 : 0;
    w.size = size;
    return w.same >= frames;
}"""


def wait_layout(page: Page, timeout: int = T) -> None:
    """After a viewport change: the charts have redrawn for the new width and the page has stopped moving."""
    page.evaluate("() => { window.__pantaurbLayout = null; }")
    page.wait_for_function(_LAYOUT_STABLE, arg=LAYOUT_FRAMES, polling="raf", timeout=timeout)
    wait_idle(page, timeout)


def set_width(page: Page, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    wait_layout(page)


def screenshot(page: Page, directory: Path, name: str) -> Path:
    """A full-page PNG. Streamlit scrolls inside stMain, not the document, so the viewport is stretched
    to the main area's height for the shot and restored afterwards."""
    path = directory / f"{name}.png"
    size = page.viewport_size or {"width": 1400, "height": 900}
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    if height > size["height"]:
        set_width(page, size["width"], min(int(height) + 40, 16_000))
    page.screenshot(path=str(path), full_page=True)
    if height > size["height"]:
        set_width(page, size["width"], size["height"])
    return path


def assert_no_error(page: Page, server, log_offset: int, where: str) -> None:
    """No Streamlit exception element, no traceback text, no raw string keys on the page."""
    body = page.locator("body").inner_text()
    new_log = server.log_since(log_offset)
    server_tb = new_log[new_log.find("Traceback"):][:4000] if "Traceback" in new_log else "(no traceback in the server log)"
    n_exc = page.get_by_test_id("stException").count()
    assert n_exc == 0, f"{where}: {n_exc} exception element(s) shown.\nServer log:\n{server_tb}"
    assert "Traceback" not in body, f"{where}: 'Traceback' shown on the page.\nServer log:\n{server_tb}"
    raw = sorted(set(RAW_KEY.findall(body)) & UNDERSCORE_KEYS)
    assert not raw, f"{where}: raw string keys shown instead of text: {raw}"


def goto(page: Page, app_url: str, path: str, lang: str, user: str | None = "demo-admin", **params) -> None:
    """Open a page; a new browser session starts at the sign-in screen, where the demo offers one button per
    demo account (tests/e2e/test_auth_browser.py signs in with a password and through OIDC)."""
    query = "&".join(f"{k}={v}" for k, v in {"lang": lang, **params}.items())
    page.goto(f"{app_url}/{path}?{query}", timeout=T)
    if user:
        sign_in_demo(page, user)


def sign_in_demo(page: Page, user: str) -> None:
    button = page.locator(f".st-key-demo_login_{user} button")
    expect(button).to_be_visible(timeout=T)
    wait_idle(page)
    button.click()
    expect(page.get_by_test_id("stSidebar").get_by_text(user, exact=False).first).to_be_visible(timeout=T)
    wait_idle(page)


def download(page: Page, button, directory: Path):
    """Click a download button; return (suggested file name, saved path)."""
    expect(button).to_be_visible(timeout=T)
    wait_idle(page)
    for attempt in (1, 2):   # a click that lands while the page reruns is lost: click once more
        try:
            with page.expect_download(timeout=T // 2) as info:
                button.click()
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            wait_idle(page)
    dl = info.value
    target = directory / dl.suggested_filename
    dl.save_as(target)
    return dl.suggested_filename, target


def file_chip(page: Page, file_name: str):
    """The uploader's chip for a file (long names are shortened on screen; the title keeps the full name)."""
    return page.get_by_test_id("stFileUploader").locator(f'[data-testid="stFileChipName"][title="{file_name}"]')


def upload(page: Page, path: Path) -> None:
    """Put a file in the uploader and wait until the app has it: the chip shows and its spinner is gone (the
    browser has sent the file and set the widget's value, so every later rerun carries it). A button clicked
    while the spinner still turns runs the script without the file, and the upload's own rerun then wipes the
    answer: the page shows neither a result nor "choose a file" (the failure seen under load)."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    expect(file_chip(page, path.name)).to_be_visible(timeout=T)
    expect(page.get_by_test_id("stFileUploader").get_by_test_id("stFileChipIconSpinner")).to_have_count(0, timeout=T)
    wait_idle(page)


def type_text(page: Page, selector: str, value: str) -> None:
    """Type into a text input and leave it (Tab), which commits the value (every later rerun carries it)."""
    wait_idle(page)
    page.locator(selector).fill(value)
    page.locator(selector).press("Tab")
    expect(page.locator(selector)).to_have_value(value)
    wait_idle(page)


def click_rerun(page: Page, locator) -> None:
    """Click a button that reruns the script, once the page is idle, and wait for that rerun to end."""
    expect(locator).to_be_enabled(timeout=T)
    wait_idle(page)
    runs = script_runs(page)
    locator.click()
    wait_rerun(page, runs)


def choose(page: Page, label: str, option_text: str) -> None:
    """Pick an option of a selectbox by typing part of its text, and wait for the rerun (none when the option
    is already the selected one)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    expect(box).to_be_visible(timeout=T)
    wait_idle(page)
    if option_text in box.input_value():
        return
    box.click()
    box.fill(option_text)
    option = page.get_by_role("option").filter(has_text=option_text).first
    expect(option).to_be_visible(timeout=T)
    option.click()
    expect(box).to_have_value(re.compile(re.escape(option_text)))
    wait_idle(page)


# ------------------------------------------------------------------ 1. every page, both languages
@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", list(PAGES))
def test_page_opens_without_error(page: Page, e2e_server, screenshot_dir, path, lang):
    offset = e2e_server.log_size()
    goto(page, e2e_server.url, path, lang)
    title = text(PAGES[path], lang)
    expect(page.get_by_role("heading", name=title, exact=True, level=1)).to_be_visible(timeout=T)
    wait_idle(page)
    # the navigation is in the chosen language too
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text(text("nav_national", lang), exact=True)).to_be_visible(timeout=T)
    if lang == "en" and text(PAGES[path], "id") != title:
        expect(page.get_by_role("heading", name=text(PAGES[path], "id"), exact=True, level=1)).to_have_count(0)
    screenshot(page, screenshot_dir, f"{path or 'ringkasan'}_{lang}")
    assert_no_error(page, e2e_server, offset, f"/{path}?lang={lang}")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_agency_report_card_with_data(page: Page, e2e_server, screenshot_dir, lang):
    """The agency page opens on an agency without reports; open the demo agency with the most reports."""
    offset = e2e_server.log_size()
    agency = max(sorted(e2e_server.demo_agencies), key=lambda a: len(e2e_server.demo_agencies[a]))
    goto(page, e2e_server.url, "instansi", lang, agency=agency)
    expect(page.get_by_role("heading", name=text("ag_title", lang), exact=True, level=1)).to_be_visible(timeout=T)
    wait_idle(page)
    expect(page.get_by_text(text("ag_metric_indicators", lang), exact=True)).to_be_visible(timeout=T)
    expect(page.get_by_test_id("stVegaLiteChart").first.locator("canvas, svg").first).to_be_visible(timeout=T)
    expect(page.locator(".st-key-ag_capaian_png").get_by_role("button")).to_be_visible(timeout=T)
    expect(page.locator(".st-key-ag_card_csv").get_by_role("button")).to_be_visible(timeout=T)
    screenshot(page, screenshot_dir, f"instansi_{agency}_{lang}")
    page.get_by_role("tab", name=text("ag_history_heading", lang)).click()
    expect(page.locator(".st-key-ag_history_csv").get_by_role("button")).to_be_visible(timeout=T)
    screenshot(page, screenshot_dir, f"instansi_{agency}_riwayat_{lang}")
    assert_no_error(page, e2e_server, offset, f"/instansi?agency={agency}&lang={lang}")


# ------------------------------------------------------------------ 2. language switch in the sidebar
def test_language_switch(page: Page, e2e_server, screenshot_dir):
    offset = e2e_server.log_size()
    goto(page, e2e_server.url, "", "id")
    expect(page.get_by_role("heading", name=text("national_title", "id"), exact=True)).to_be_visible(timeout=T)
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name=text("national_title", "en"), exact=True)).to_be_visible(timeout=T)
    wait_idle(page)
    expect(page.get_by_test_id("stSidebarNav").get_by_text(text("nav_upload", "en"), exact=True)).to_be_visible()
    assert "lang=en" in page.url
    screenshot(page, screenshot_dir, "language_switch_en")
    assert_no_error(page, e2e_server, offset, "language switch")


# ------------------------------------------------------------------ 3. upload flow
def _fill_template(src: Path, dst: Path) -> tuple[str, int | None]:
    """Put a plausible value in every 'Realisasi' cell of the Indikator sheet (the previous quarter's value,
    else the target, else 50; "WTP" for a category). Returns (Realisasi column letter, first numeric row)."""
    wb = openpyxl.load_workbook(src)
    ws = wb["Indikator"]
    header_row = next(r[0].row for r in ws.iter_rows() if any(c.value == "Kode Indikator" for c in r))
    headers = {str(c.value).strip(): c.column for c in ws[header_row] if c.value is not None}
    code_col, real_col = headers["Kode Indikator"], headers["Realisasi"]
    prev_col, target_col = headers.get("Realisasi TW Sebelumnya"), next(
        (col for name, col in headers.items() if name.startswith("Target")), None)
    category_cells = set()  # cells with a drop-down list (categorical indicators such as the BPK opinion)
    allowed = {}            # cell -> (lowest, highest) of its number validation
    for dv in ws.data_validations.dataValidation:
        cells = set()
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
            cells |= {ws.cell(r, c).coordinate for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
        if dv.type == "list":
            category_cells |= cells
        elif dv.type == "decimal" and dv.formula1 and dv.formula2:
            allowed.update(dict.fromkeys(cells, (float(dv.formula1), float(dv.formula2))))
    first_numeric = None
    for r in range(header_row + 1, ws.max_row + 1):
        if not ws.cell(r, code_col).value:
            continue
        cell = ws.cell(r, real_col)
        prev = ws.cell(r, prev_col).value if prev_col else None
        target = ws.cell(r, target_col).value if target_col else None
        if cell.coordinate in category_cells or isinstance(prev, str):
            cell.value = "WTP"
        else:
            # no previous value and no single target (a band indicator): inside the cell's allowed range
            low, high = allowed.get(cell.coordinate, (0.0, 100.0))
            fallback = 50 if low <= 50 <= high else low + (min(high, low + 100) - low) / 2
            cell.value = next((v for v in (prev, target) if isinstance(v, (int, float))), fallback)
            first_numeric = first_numeric or r
    wb.save(dst)
    return get_column_letter(real_col), first_numeric


def test_upload_flow(page: Page, e2e_server, screenshot_dir, tmp_path):
    offset = e2e_server.log_size()
    # a demo agency, preferably one without an accepted 2024 Q4 report (then no correction reason is needed)
    agencies = sorted(e2e_server.demo_agencies)
    assert agencies, "the demo database has no submissions"
    agency = next((a for a in agencies if (2024, 4) not in e2e_server.demo_agencies[a]), agencies[0])
    needs_reason = (2024, 4) in e2e_server.demo_agencies[agency]

    goto(page, e2e_server.url, "unggah", "id")
    expect(page.get_by_role("heading", name=text("up_title"), exact=True)).to_be_visible(timeout=T)
    wait_idle(page)
    choose(page, text("ops_agency"), f"({agency})")
    choose(page, text("ops_year"), "2024")
    choose(page, text("ops_quarter"), "TW IV")

    # template
    template_name = f"PantauRB_{agency}_2024_TW4.xlsx"
    button = page.locator(".st-key-upload_template").get_by_role("button")
    expect(button).to_contain_text(template_name, timeout=T)
    name, template = download(page, button, tmp_path)
    assert name == template_name
    filled = tmp_path / f"{agency}_2024_TW4_isi.xlsx"
    column, row = _fill_template(template, filled)
    assert row, "the template has no numeric indicator row"

    # who uploads is the signed-in account; after the deadline of an already reported quarter, why
    expect(page.locator(".st-key-upload_uploader input")).to_have_value("demo-admin")
    if needs_reason:
        type_text(page, ".st-key-upload_reason input", "Uji end-to-end")

    # check only
    upload(page, filled)
    click_rerun(page, page.locator(".st-key-upload_check").get_by_role("button"))
    expect(page.get_by_text("Berkas lolos pemeriksaan", exact=False)).to_be_visible(timeout=T)
    screenshot(page, screenshot_dir, "unggah_periksa_valid_id")
    assert_no_error(page, e2e_server, offset, "upload: check only")

    # submit
    click_rerun(page, page.locator(".st-key-upload_submit").get_by_role("button"))
    accepted = page.get_by_text("Diterima sebagai", exact=False)
    expect(accepted).to_be_visible(timeout=T)
    match = re.search(r"Diterima sebagai\s+(\S+)\s+\(versi", accepted.inner_text())
    assert match, accepted.inner_text()
    submission = match.group(1)
    assert submission.startswith(f"{agency}-2024Q4-v"), submission
    screenshot(page, screenshot_dir, "unggah_diterima_id")
    name, receipt = download(page, page.locator(".st-key-upload_receipt").get_by_role("button"), tmp_path)
    assert submission in name
    assert submission in receipt.read_text(encoding="utf-8")
    assert_no_error(page, e2e_server, offset, "upload: submit")

    # a broken copy: text in a Realisasi cell
    broken = tmp_path / f"{agency}_2024_TW4_rusak.xlsx"
    shutil.copy(filled, broken)
    wb = openpyxl.load_workbook(broken)
    wb["Indikator"][f"{column}{row}"] = "delapan"
    wb.save(broken)
    cell_ref = f"Indikator!{column}{row}"
    upload(page, broken)
    click_rerun(page, page.locator(".st-key-upload_check").get_by_role("button"))
    expect(page.get_by_text("Berkas belum dapat diterima", exact=False)).to_be_visible(timeout=T)
    expect(page.get_by_text(text("up_problems_heading"), exact=True)).to_be_visible(timeout=T)
    problems = page.locator(".st-key-upload_problems, [data-testid='stDataFrame']").filter(has_text=cell_ref)
    expect(problems.first).to_be_attached(timeout=T)
    screenshot(page, screenshot_dir, "unggah_masalah_id")
    _, problems_csv = download(page, page.locator(".st-key-upload_problems_csv").get_by_role("button"), tmp_path)
    assert cell_ref in problems_csv.read_text(encoding="utf-8-sig")
    assert "delapan" in problems_csv.read_text(encoding="utf-8-sig")
    name, annotated = download(page, page.locator(".st-key-upload_annotated").get_by_role("button"), tmp_path)
    assert name.endswith("_bertanda.xlsx"), name
    marked = openpyxl.load_workbook(annotated)["Indikator"][f"{column}{row}"]
    assert marked.comment is not None and marked.fill.fgColor.rgb.endswith("F4A6A6"), (marked.comment, marked.fill)
    assert_no_error(page, e2e_server, offset, "upload: broken file")


# ------------------------------------------------------------------ 4. an export
def test_compliance_csv_export(page: Page, e2e_server, tmp_path):
    offset = e2e_server.log_size()
    goto(page, e2e_server.url, "kepatuhan", "id", year=2024)
    expect(page.get_by_role("heading", name=text("cp_title"), exact=True)).to_be_visible(timeout=T)
    wait_idle(page)
    page.get_by_test_id("stExpander").filter(has_text=text("cp_table_heading")).locator("summary").click()
    button = page.locator(".st-key-cp_table_csv").get_by_role("button")
    name, path = download(page, button, tmp_path)
    assert name == "kepatuhan_2024.csv", name
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) > 1, rows[:3]
    header = rows[0]
    assert header[0] == text("col_agency_code"), header
    assert len(header) >= 5 and all(h.strip() for h in header), header
    assert not any(re.fullmatch(r"-?[\d.,]+", h) for h in header), f"the first row is not a header: {header}"
    assert all(len(r) == len(header) for r in rows), "ragged CSV rows"
    assert_no_error(page, e2e_server, offset, "compliance CSV export")


# ------------------------------------------------------------------ 3b. three kinds of mistakes, each with its fix
def test_upload_three_mistakes_shows_the_full_fix_for_each(page: Page, e2e_server, screenshot_dir, tmp_path):
    """A kab/kota officer's file with text in a number cell, full rupiah in an 'Rp miliar' cell and the hidden
    template sheet deleted: the page says how many problems must be fixed and shows each fix in full."""
    from loaders.issues import Issue
    from loaders.sheets import META_SHEET

    offset = e2e_server.log_size()
    cities = sorted(a for a in e2e_server.demo_agencies if "." in a)
    assert cities, "the demo database has no kabupaten/kota"
    agency = next((a for a in cities if (2024, 4) not in e2e_server.demo_agencies[a]), cities[0])
    goto(page, e2e_server.url, "unggah", "id", agency=agency, year=2024, quarter=4)
    expect(page.get_by_role("heading", name=text("up_title"), exact=True)).to_be_visible(timeout=T)
    wait_idle(page)
    _, template = download(page, page.locator(".st-key-upload_template").get_by_role("button"), tmp_path)
    broken = tmp_path / f"{agency}_2024_TW4_tiga_salah.xlsx"
    column, row = _fill_template(template, broken)
    wb = openpyxl.load_workbook(broken)
    ws = wb["Indikator"]
    ws[f"{column}{row}"] = "delapan"                                          # 1. text in a number cell
    inv_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "TEM_INV_REAL")
    ws[f"{column}{inv_row}"] = "Rp 1.500.000,-"                               # 2. full rupiah, unit Rp miliar
    del wb[META_SHEET]                                                        # 3. the hidden sheet deleted
    wb.save(broken)

    type_text(page, ".st-key-upload_reason input", "Uji end-to-end")
    upload(page, broken)
    click_rerun(page, page.locator(".st-key-upload_check").get_by_role("button"))
    expect(page.get_by_text("Berkas belum dapat diterima", exact=False)).to_be_visible(timeout=T)
    expect(page.get_by_text("3 masalah harus diperbaiki", exact=False)).to_be_visible(timeout=T)
    table = page.locator(".st-key-upload_problems")
    fixes = [
        Issue("not-a-number", value="delapan").parts("id")[1],
        Issue("rupiah-in-scaled-cell", value="Rp 1.500.000,-",
              params={"unit": "Rp miliar", "converted": "0,0015"}).parts("id")[1],
        Issue("template-fingerprint-missing", sheet=META_SHEET).parts("id")[1],
    ]
    for fix in fixes:
        assert len(fix) > 40, fix
        expect(table).to_contain_text(fix, timeout=T)                        # the whole fix, never cut short
    expect(table).to_contain_text(f"Indikator!{column}{inv_row}")
    expect(table).to_contain_text("Rp 1.500.000,-")
    assert "not-a-number" not in table.inner_text()
    for width, height in ((1440, 900), (390, 844)):
        set_width(page, width, height)
        table.scroll_into_view_if_needed()
        screenshot(page, screenshot_dir, f"unggah_tiga_masalah_{width}")
    set_width(page, 1400, 900)
    assert_no_error(page, e2e_server, offset, "upload: three mistakes")
