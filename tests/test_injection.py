"""Hostile names and texts stay inert in everything PantauRB generates.

Agency names come in through `registry import`, texts through an accepted workbook (action plans, notes,
obstacles, evidence) and through a rejected cell; then the next quarter's template, the annotated workbook,
the table exports, the briefing and the receipt are opened and searched for anything that could run: a
formula or DDE cell, an HTML element, a Markdown image or link. The pages are covered in the browser by
tests/e2e/test_injection_browser.py and, without a browser, here through `md`/`source_markdown`.
"""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators.briefing import briefing_xlsx
from indicators.xlsx_text import put
from loaders import api, store
from loaders.auth import Scope
from loaders.registry import read_registry_file
from loaders.xlsx_guard import UnsafeWorkbook, guard
from test_api import CITY, ON_TIME, RENAKSI, filled, numeric_codes
from ui.format import md, source_markdown, to_csv_bytes, to_xlsx_bytes
from xlsx_helpers import edit_zip, make_workbook

OPERATOR = Scope.system("cli:test")

HTML_NAME = 'Kota <iframe srcdoc="<script>parent.document.title=1</script>"></iframe><img src=x onerror=alert(1)>'
MD_NAME = "Kota ![pixel](http://127.0.0.1:9/track.png) [klik](javascript:alert(1)) :red[merah] **tebal**"
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","x")', "+1+2", "-1+2", "@SUM(1,2)",
            "\t=1+1", "\r=1+1"]
PAYLOADS = [HTML_NAME, MD_NAME, *FORMULAS]


def formula_cells(data: bytes) -> list[str]:
    """Every formula in the package, read from the raw XML (what Excel would evaluate)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += [f"{name}: {m}" for m in re.findall(rb"<(?:\w+:)?f[ >][^<]*", z.read(name))]
    return found


def texts(data: bytes) -> set[str]:
    wb = load_workbook(io.BytesIO(data))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.fixture
def hostile_db(tmp_path):
    db = tmp_path / "db" / "pantaurb.duckdb"
    return db, build_hostile_db(db)


def build_hostile_db(db):
    """A database whose agency names and stored texts are the payloads; returns the accepted upload."""
    api.init_database(db)
    rows = "code,name,agency_type,province_code\n" + "\n".join([
        f'{CITY},"{HTML_NAME.replace(chr(34), chr(34) * 2)}",KOTA,32',
        f'33,"{MD_NAME}",PROV,33',
        '34,"=cmd|\' /C calc\'!A0",PROV,34'])
    counts, problems = api.import_registry(rows.encode(), "agencies.csv", scope=Scope.system("admin"), db_path=db)
    assert not counts.get("rejected"), [p.message_en for p in problems]
    renaksi = [{**RENAKSI[0], "action_plan": "P0", "output_indicator": "P1", "unit": "P4",
                "coordinator": "P2", "implementer": "P3", "intervention_focus": "Proses Bisnis dan SOP"}]

    def typed_as_text(wb):        # what an agency gets by typing '=cmd... (Excel keeps it as text)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and re.fullmatch(r"P\d", cell.value):
                        put(cell, FORMULAS[int(cell.value[1])])
    data = filled(db, renaksi=renaksi, edit=typed_as_text)
    res = api.ingest_file(data, "=HYPERLINK(1).xlsx", scope=Scope.system('=cmd|" /C calc"!A0'), db_path=db,
                          received_at=ON_TIME, reason="\t=1+1")
    assert res.outcome == "accepted", res.report.to_text("en")
    return res


def test_registry_names_and_workbook_texts_are_stored_exactly(hostile_db):
    db, res = hostile_db
    with store.session(db, read_only=True) as con:
        names = dict(con.execute("SELECT agency_code, name FROM agencies WHERE agency_code IN (?, '33', '34')",
                                 [CITY]).fetchall())
        plan = con.execute("SELECT action_plan, output_indicator FROM v_renaksi").fetchone()
    assert names == {CITY: HTML_NAME, "33": MD_NAME, "34": FORMULAS[0]}
    assert plan == (FORMULAS[0], FORMULAS[1])


def test_next_quarter_template_carries_texts_never_formulas(hostile_db):
    db, _ = hostile_db
    for agency in (CITY, "34"):
        data = api.template_bytes(agency, 2024, 2, scope=OPERATOR, db_path=db)
        assert formula_cells(data) == []
        found = texts(data)
        assert (HTML_NAME if agency == CITY else FORMULAS[0]) in found
    assert {FORMULAS[0], FORMULAS[1], FORMULAS[2], FORMULAS[3]} <= texts(api.template_bytes(CITY, 2024, 2, scope=OPERATOR, db_path=db))
    again = api.check_file(api.template_bytes(CITY, 2024, 2, scope=OPERATOR, db_path=db), "t.xlsx", scope=OPERATOR, db_path=db)
    assert again.parsed.renaksi[0].action_plan == FORMULAS[0]        # read back as the same text


def test_annotated_workbook_problem_sheet_has_no_formula(hostile_db):
    db, _ = hostile_db
    code = numeric_codes("KOTA")[0]
    data = filled(db, quarter=2, **{code: "P1"}, edit=lambda wb: [put(c, FORMULAS[1]) for ws in wb.worksheets
                                                                   for row in ws.iter_rows() for c in row
                                                                   if c.value == "P1"])
    report = api.check_file(data, "=1+1.xlsx", scope=OPERATOR, db_path=db).report
    assert any(i.value == '=HYPERLINK("http://evil.example","x")' for i in report.errors)
    for lang in ("id", "en"):
        annotated = api.annotate_bytes(data, report, lang)
        assert formula_cells(annotated) == []
        assert '=HYPERLINK("http://evil.example","x")' in texts(annotated)


def test_exports_and_briefing_neutralise_formula_text():
    frame = pd.DataFrame({"name": PAYLOADS, "value": range(len(PAYLOADS))})
    xlsx = to_xlsx_bytes(frame)
    assert formula_cells(xlsx) == []
    cells = texts(xlsx)
    for p in PAYLOADS:       # XML stores a carriage return as a line feed
        assert ("'" + p if p.startswith(("=", "+", "-", "@", "\t", "\r")) else p).replace("\r", "\n") in cells
    csv = to_csv_bytes(frame).decode("utf-8-sig")
    for p in FORMULAS:
        assert not re.search(r"(^|,)" + re.escape(p[:3]), csv, re.M), p
    indicators = pd.DataFrame([{"indicator_code": FORMULAS[5], "indicator_name": FORMULAS[0],
                                "indicator_name_en": FORMULAS[1], "theme_name": HTML_NAME, "theme_name_en": HTML_NAME,
                                "scope": "national", "status": "target_achieved", "value": None,
                                "value_text": FORMULAS[6], "target_low": None, "target_high": None,
                                "target_text": "=1", "unit": "@", "capaian": 100.0, "mean_score": 5.0,
                                "n_agencies": 1, "source": FORMULAS[2], "confidence": "high", "decimals": 1,
                                "synthetic": False}])
    themes = pd.DataFrame([{"theme_name": FORMULAS[3], "theme_name_en": FORMULAS[3], "scope": "national",
                            "status": "target_achieved", "mean_score": 5.0, "mean_capaian": 100.0,
                            "n_indicators": 1, "n_assessed": 1, "n_achieved": 1, "synthetic": False}])
    for lang in ("id", "en"):
        book = briefing_xlsx(indicators, themes, period_name=FORMULAS[4], lang=lang)
        assert formula_cells(book) == []
        assert "'" + FORMULAS[0 if lang == "id" else 1] in texts(book)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def test_receipt_shows_hostile_texts_as_text(hostile_db):
    db, res = hostile_db
    html = res.receipt_path.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    assert parser.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "tr", "th",
                           "td", "br", "small", "code", "footer"}
    assert "&lt;iframe" in html and "<iframe" not in html and "<img" not in html


def test_markdown_for_pages_is_inert():
    assert md(HTML_NAME).count("\\<") == HTML_NAME.count("<")
    assert "![" not in md(MD_NAME).replace("!\\[", "") and "](" in md(MD_NAME)   # brackets escaped
    assert md("=cmd").startswith("\\=") and md("-1").startswith("\\-")
    assert source_markdown("javascript:alert(1)") == "javascript:alert(1)"
    assert source_markdown("https://bps.go.id/a)![i](http://evil/p.png)").count("](") == 1


def test_registry_xlsx_goes_through_the_guard(tmp_path):
    good = make_workbook({"Sheet1": [["code", "name", "agency_type", "province_code"], ["32.73", "Kota Bandung", "KOTA", "32"]]})
    guard(good)
    hostile = edit_zip(good, "xl/workbook.xml", lambda x: b'<!DOCTYPE x [<!ENTITY a "b">]>' + x)
    with pytest.raises(UnsafeWorkbook):
        guard(hostile)
    agencies, problems = read_registry_file(hostile, "agencies.xlsx")
    assert agencies == [] and [p.code for p in problems] == ["file-unreadable"]
