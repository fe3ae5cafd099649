"""The agency's quarter: declared rules, unit-aware plausibility, prefill from history, answers an officer
can act on, template integrity. Every workbook here is made from the real template and edited with
openpyxl, then checked or ingested through `loaders.api` against a real DuckDB file."""

from __future__ import annotations

import io
import math
from datetime import datetime

import duckdb
import pytest
from hypothesis import given, strategies as st
from openpyxl import load_workbook

from indicators.catalogue import CatalogueError, build_catalogue, catalogue_to_dict, load_catalogue
from loaders import api, store
from loaders.auth import Scope
from loaders.checks import magnitude_gap, plan_id
from loaders.issues import ERROR, Report
from loaders.numbers import parse_number, unit_problem
from loaders.sheets import INDICATOR_COLUMNS, INDICATOR_SHEET, META_SHEET, RENAKSI_SHEET
from xlsx_helpers import as_old_template, edit_zip, fill_workbook, header_columns, save

OPERATOR = Scope.system("cli:test")
CITY = "32.73"
OTHER_CITIES = ("32.71", "33.74", "34.71")
ON_TIME = datetime(2024, 4, 10, 9, 0)          # Q1-2024 deadline is 15 April 2024
Q_DATES = {1: ON_TIME, 2: datetime(2024, 7, 10), 3: datetime(2024, 10, 10), 4: datetime(2025, 1, 10)}


@pytest.fixture
def db(initialised_db):
    return initialised_db


def kota_values() -> tuple[dict, dict, dict]:
    cat = load_catalogue()
    values, targets, urls = {}, {}, {}
    for ind in cat.indicators:
        if ind.level != "agency" or "KOTA" not in ind.applies_to:
            continue
        if ind.value_type == "category":
            values[ind.code] = targets[ind.code] = "WTP"
        else:
            lo = ind.min_value if ind.min_value is not None else 0
            hi = ind.max_value if ind.max_value is not None else lo + 100
            values[ind.code], targets[ind.code] = round(lo + (hi - lo) * 0.4, 2), round(lo + (hi - lo) * 0.5, 2)
        urls[ind.code] = f"https://bukti.contoh.invalid/{ind.code}"
    values["TEM_KEM_EXT"], values["TEM_KEM_P0"] = 1.2, 7.5
    targets["TEM_INV_REAL"] = 400
    return values, targets, urls


def plans(n: int, realisation: float = 25, **extra) -> list[dict]:
    return [{"theme": "kemiskinan", "action_plan": f"Rencana aksi {i}", "output_indicator": f"Output {i}",
             "unit": "dokumen", "target_tw1": 25, "target_tw2": 25, "target_tw3": 25, "target_tw4": 25,
             "realisation": realisation, "budget": 100_000_000, "budget_realisation": 20_000_000,
             "intervention_focus": "Proses Bisnis dan SOP", **extra} for i in range(1, n + 1)]


def workbook(db, quarter=1, agency=CITY, renaksi=None, edit=None, **overrides) -> bytes:
    values, targets, urls = kota_values()
    values.update(overrides)
    data = fill_workbook(api.template_bytes(agency, 2024, quarter, scope=OPERATOR, db_path=db), values, targets,
                         plans(1) if renaksi is None else renaksi, urls)
    if edit:
        wb = load_workbook(io.BytesIO(data))
        edit(wb)
        data = save(wb)
    return data


def cell_of(wb, code: str, field: str):
    ws = wb[INDICATOR_SHEET]
    cols = {c.field: i + 1 for i, c in enumerate(INDICATOR_COLUMNS)}
    row = next(r for r in range(9, ws.max_row + 1) if ws.cell(r, 1).value == code)
    return ws.cell(row, cols[field])


def setter(code: str, field: str, value):
    def edit(wb):
        cell_of(wb, code, field).value = value
    return edit


def check(db, data, **kw):
    return api.check_file(data, "f.xlsx", scope=OPERATOR, db_path=db, received_at=kw.pop("received_at", ON_TIME), **kw).report


def ingest(db, data, quarter=1, **kw):
    kw.setdefault("received_at", Q_DATES[quarter])
    return api.ingest_file(data, f"q{quarter}.xlsx", scope=Scope.system("ana"), db_path=db, **kw)


def only(report: Report, code: str):
    found = [i for i in report.issues if i.code == code]
    assert found, f"{code} not in {[i.code for i in report.issues]}"
    return found


# ------------------------------------------------------------------ unit slips
def test_full_rupiah_text_in_a_miliar_cell_is_refused_with_the_conversion(db):
    r = check(db, workbook(db, TEM_INV_REAL="Rp 1.500.000,-"))
    [issue] = only(r, "rupiah-in-scaled-cell")
    assert not r.valid and issue.value == "Rp 1.500.000,-" and issue.indicator == "TEM_INV_REAL"
    assert "0,0015 Rp miliar" in issue.message("id") and "0.0015 Rp miliar" in issue.message("en")   # each in its own marks


def test_percent_text_in_a_rupiah_cell_and_rupiah_in_a_score_cell_are_refused(db):
    r = check(db, workbook(db, renaksi=plans(1, budget="12%"), AG_SAKIP="Rp 50"))
    assert only(r, "percent-in-money-cell")[0].sheet == RENAKSI_SHEET
    assert only(r, "rupiah-in-non-money-cell")[0].value == "Rp 50"
    assert not r.valid


def test_huge_numbers_are_refused_and_minus_zero_is_zero(db):
    r = check(db, workbook(db, TEM_INV_REAL=1e308, TEM_PDN_VALUE="-0"))
    assert only(r, "number-too-large")[0].value
    parsed = api.check_file(workbook(db, TEM_PDN_VALUE="-0"), "f.xlsx", scope=OPERATOR, db_path=db, received_at=ON_TIME).parsed
    value = next(x.value for x in parsed.indicators if x.indicator_code == "TEM_PDN_VALUE")
    assert value == 0 and math.copysign(1.0, value) == 1.0


def test_investment_a_trillion_times_last_quarter_is_an_error_even_though_cumulative(db):
    assert ingest(db, workbook(db, TEM_INV_REAL=250)).outcome == "accepted"
    slipped = workbook(db, quarter=2, TEM_INV_REAL="25.000.000.000.000")
    r = check(db, slipped, received_at=Q_DATES[2])
    [issue] = only(r, "implausible-magnitude")
    assert issue.severity == ERROR and issue.indicator == "TEM_INV_REAL"
    assert "100.000.000.000" in issue.message("id") and "Konfirmasi Nilai (Alasan)" in issue.message("id")
    assert ingest(db, slipped, quarter=2).outcome == "rejected"


def test_a_confirmed_unusual_value_is_accepted_and_keeps_its_reason(db):
    ingest(db, workbook(db, TEM_INV_REAL=250))
    reason = "Groundbreaking smelter Rp 2,5 triliun pada Mei (BKPM)"
    data = workbook(db, quarter=2, TEM_INV_REAL=2_500_000,
                    edit=setter("TEM_INV_REAL", "justification", reason))
    res = ingest(db, data, quarter=2)
    assert res.outcome == "accepted", [i.message() for i in res.report.errors]
    [confirmed] = only(res.report, "value-confirmed")
    assert reason in confirmed.message("id") and "10,000 times" in confirmed.message("en")
    with store.session(db) as con:
        stored = con.execute("SELECT value, justification FROM v_values WHERE indicator_code = 'TEM_INV_REAL' "
                             "AND quarter = 2").fetchone()
    assert stored == (2_500_000, reason)
    with store.session(db, read_only=True) as con:   # analysts read it on the agency's report card
        from indicators import queries
        card = queries.agency_report_card(con, CITY, 2024, 2)
    assert card.set_index("indicator_code").loc["TEM_INV_REAL", "justification"] == reason


def test_capaian_far_above_the_target_is_flagged(db):
    values, targets, urls = kota_values()
    data = workbook(db, TEM_INV_REAL="38.512,7", edit=setter("TEM_INV_REAL", "target", "409,3"))
    [issue] = only(check(db, data), "capaian-implausible")
    assert issue.severity == ERROR and "9.409%" in issue.message("id") and "300%" in issue.message("id")


def test_a_value_a_thousand_times_the_median_of_its_agency_type_is_an_error(db):
    for agency in OTHER_CITIES:
        assert ingest(db, workbook(db, agency=agency, TEM_INV_REAL=300)).outcome == "accepted"
    r = check(db, workbook(db, TEM_INV_REAL=300_000_000))
    [issue] = only(r, "implausible-magnitude")
    assert "median" in issue.message("id") and "1.000.000" in issue.message("id")


def test_declared_relation_extreme_poverty_never_above_poverty(db):
    r = check(db, workbook(db, TEM_KEM_EXT=9.0, TEM_KEM_P0=7.5))
    [issue] = only(r, "relation-violated")
    assert issue.indicator == "TEM_KEM_EXT" and not r.valid


@given(st.sampled_from(["-0", "-0,0", "\u22120", "-0.000,00", "- 0"]))
def test_minus_zero_text_never_gives_negative_zero(text):
    parsed = parse_number(text)
    assert parsed.ok and math.copysign(1.0, parsed.value) == 1.0


@given(st.floats(min_value=1e-3, max_value=1e12, allow_nan=False))
def test_rupiah_text_fits_a_rupiah_cell_but_never_a_scaled_one(x):
    parsed = parse_number(f"Rp {x:.2f}".replace(".", ","))
    assert unit_problem(parsed, "Rp", 1.0) is None
    assert unit_problem(parsed, "Rp miliar", 1e9) == "rupiah-in-scaled-cell"
    assert unit_problem(parsed, "%", None) == "rupiah-in-non-money-cell"


@given(st.floats(min_value=1e-6, max_value=1e6), st.sampled_from([3, 6, 9]), st.floats(min_value=0.5, max_value=2))
def test_magnitude_gap_finds_thousand_million_billion_slips_both_ways(v, k, wobble):
    slipped = v * wobble * 10.0 ** k
    assert magnitude_gap(slipped, v) == k and magnitude_gap(v, slipped) == -k
    assert magnitude_gap(v * wobble, v) is None and magnitude_gap(v, 0) is None


# ------------------------------------------------------------------ one list of categories and themes
def _meta_list(data: bytes, key: str) -> list[str]:
    ws = load_workbook(io.BytesIO(data))[META_SHEET]
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == key)
    return [ws.cell(r, col).value for r in range(2, ws.max_row + 1) if ws.cell(r, col).value]


def test_every_theme_in_the_dropdown_round_trips_through_check(db):
    template = api.template_bytes(CITY, 2024, 1, scope=OPERATOR, db_path=db)
    offered = _meta_list(template, "theme")
    assert "Percepatan Prioritas Aktual Presiden" not in offered
    assert offered == [t.name for t in load_catalogue().action_plan_themes()]
    rows = [dict(p, theme=name, action_plan=f"Aksi {name}") for p, name in zip(plans(len(offered)), offered)]
    r = check(db, workbook(db, renaksi=rows))
    assert not [i for i in r.issues if i.code == "renaksi-unknown-theme"] and r.valid


def test_category_dropdown_is_the_declared_list_and_the_check_accepts_each(db):
    template = api.template_bytes(CITY, 2024, 1, scope=OPERATOR, db_path=db)
    declared = load_catalogue().by_code["AG_OPINI_BPK"].rules.categories
    assert tuple(_meta_list(template, "AG_OPINI_BPK")) == declared == ("WTP", "WDP", "TW", "TMP")
    for answer in declared:
        assert not [i for i in check(db, workbook(db, AG_OPINI_BPK=answer)).issues if i.code == "invalid-category"]


def test_catalogue_validates_declared_rules():
    raw = catalogue_to_dict(load_catalogue())
    ind = next(i for i in raw["indicators"] if i["code"] == "TEM_INV_REAL")
    ind["rules"] = {"scale": "Rp milyaran", "categories": ["A"], "capaian_max": 50}
    next(i for i in raw["indicators"] if i["code"] == "TEM_KEM_EXT")["rules"] = {"at_most": ["NOPE_X"]}
    with pytest.raises(CatalogueError) as exc:
        build_catalogue(raw, "t.yaml")
    keys = {(p.code, p.key) for p in exc.value.problems}
    assert {("TEM_INV_REAL", "rules.scale"), ("TEM_INV_REAL", "rules.categories"),
            ("TEM_INV_REAL", "rules.capaian_max"), ("TEM_KEM_EXT", "rules.at_most")} <= keys


# ------------------------------------------------------------------ prefill from history
def _renaksi_rows(data: bytes) -> list[dict]:
    ws = load_workbook(io.BytesIO(data))[RENAKSI_SHEET]
    cols = header_columns(ws, 1)
    return [{title: ws.cell(r, c).value for title, c in cols.items()} for r in range(2, ws.max_row + 1)
            if ws.cell(r, cols["Rencana Aksi"]).value]


def test_prefill_after_a_missed_quarter_carries_values_and_open_plans(db):
    q1 = plans(5, realisation=25)
    q1.append(dict(plans(1, realisation=100)[0], action_plan="Selesai di TW1", output_indicator="Sudah",
                   target_tw1=100, target_tw2=0, target_tw3=0, target_tw4=0))
    assert ingest(db, workbook(db, renaksi=q1, TEM_INV_REAL=120)).outcome == "accepted"
    assert ingest(db, workbook(db, quarter=2, renaksi=plans(5, realisation=25), TEM_INV_REAL=260),
                  quarter=2).outcome == "accepted"
    # TW III is missed; the TW IV template still carries TW II's values and the five open plans
    template = api.template_bytes(CITY, 2024, 4, scope=OPERATOR, db_path=db)
    wb = load_workbook(io.BytesIO(template))
    previous = cell_of(wb, "TEM_INV_REAL", "previous")
    assert previous.value == 260 and "TW II 2024" in previous.comment.text and "Q2 2024" in previous.comment.text
    evidence = cell_of(wb, "TEM_INV_REAL", "evidence_url")
    assert evidence.value is None and "https://bukti.contoh.invalid/TEM_INV_REAL" in evidence.comment.text
    carried = _renaksi_rows(template)
    assert [r["Rencana Aksi"] for r in carried] == [f"Rencana aksi {i}" for i in range(1, 6)]
    ids = [r["ID Rencana Aksi"] for r in carried]
    assert all(i and i.startswith("RA-") for i in ids) and len(set(ids)) == 5
    assert ids[0] == plan_id(CITY, "kemiskinan", "Rencana aksi 1", "Output 1")
    assert all(r["Realisasi TW Ini"] is None and r["Target TW IV"] == 25 for r in carried)
    # The officer re-types plan 1 (new wording, same id) and reports TW IV: realisation is cumulated per id
    # (25 + 25 + 50 = 100 % of the annual 100), so no false "tertinggal" warning.
    def report(wb):
        ws = wb[RENAKSI_SHEET]
        cols = header_columns(ws, 1)
        ws.cell(2, cols["Rencana Aksi"], "Rencana Aksi  1 (diperbarui)")
        for r in range(2, 7):
            ws.cell(r, cols["Realisasi TW Ini"], 50)
    values, targets, _ = kota_values()
    data = fill_workbook(template, dict(values, TEM_INV_REAL=300), targets, [], {})
    wb = load_workbook(io.BytesIO(data))
    report(wb)
    res = ingest(db, save(wb), quarter=4)
    assert res.outcome == "accepted", [i.message() for i in res.report.errors]
    assert not [i for i in res.report.issues if i.code in ("renaksi-behind-no-obstacle", "renaksi-unknown-plan-id")]
    with store.session(db) as con:
        per_plan = dict(con.execute("SELECT plan_id, sum(realisation) FROM v_renaksi WHERE agency_code = ? "
                                    "GROUP BY plan_id", [CITY]).fetchall())
    assert per_plan[ids[0]] == 100


def test_an_unknown_plan_id_is_recorded_as_new_with_a_warning(db):
    ingest(db, workbook(db, renaksi=plans(1)))
    r = check(db, workbook(db, quarter=2, renaksi=plans(1, plan_id="RA-NOPE")), received_at=Q_DATES[2])
    assert only(r, "renaksi-unknown-plan-id")[0].value == "RA-NOPE" and r.valid


def test_schema_migration_gives_stored_plans_the_same_id_as_the_code(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(store.MIGRATIONS[1])
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
    con.execute("INSERT INTO schema_migrations VALUES (1, now())")
    con.execute("INSERT INTO submissions VALUES ('s1', '32.73', 2024, 1, 1, now(), 'ana', 'f', 'x', NULL, NULL, "
                "FALSE, 0, 1, 0)")
    con.execute("INSERT INTO renaksi_outputs (submission_id, row_no, theme_code, action_plan, output_indicator) "
                "VALUES ('s1', 2, 'kemiskinan', '  Pemutakhiran   DTKS ', 'Kelurahan Mutakhir')")
    assert store.migrate(con) == [v for v in sorted(store.MIGRATIONS) if v > 1]
    [(stored,)] = con.execute("SELECT plan_id FROM v_renaksi").fetchall()
    assert stored == plan_id("32.73", "kemiskinan", "Pemutakhiran DTKS", "kelurahan mutakhir")


# ------------------------------------------------------------------ late, receipts, answers
def test_a_report_two_years_late_says_so_on_the_message_and_the_receipt(db):
    res = ingest(db, workbook(db), received_at=datetime(2026, 4, 20, 3, 30))
    assert res.outcome == "accepted"
    [late] = only(res.report, "late-submission")
    assert "735 hari" in late.message("id") and "15 April 2024" in late.message("id")
    assert "Terlambat 735 hari" in res.message and "April 15, 2024" in res.message_en
    assert "TERLAMBAT 735 hari" in res.receipt_html and "15 April 2024" in res.receipt_html
    assert "20 April 2026 pukul 10.30 WIB" in res.receipt_html       # 03:30 UTC is 10:30 WIB
    on_time = ingest(db, workbook(db, agency="32.71"))
    assert "tepat waktu" in on_time.receipt_html and "TERLAMBAT" not in on_time.receipt_html


def test_a_report_before_its_quarter_ends_is_out_of_window(db):
    [early] = only(check(db, workbook(db), received_at=datetime(2024, 3, 20)), "early-submission")
    assert "31 Maret 2024" in early.message("id") and "March 31, 2024" in early.message("en")


def test_problem_rows_are_errors_first_with_the_value_as_typed_and_a_fix(db):
    data = workbook(db, AG_SAKIP="delapan", edit=setter("AG_IKK", "value", None))
    r = check(db, data)
    rows = r.to_rows("id", {i.code: i.name for i in load_catalogue().indicators})
    assert [x["severity"] for x in rows] == sorted((x["severity"] for x in rows), key=lambda s: s != "error")
    nan = next(x for x in rows if x["code"] == "not-a-number")
    assert nan["value"] == "delapan" and nan["location"].startswith("Indikator!") and nan["fix"].startswith("Tulis")
    empty = next(x for x in rows if x["code"] == "missing-value")
    assert empty["value"] == "" and empty["indicator"] == load_catalogue().by_code["AG_IKK"].name
    assert all(x["problem"] and x["code"] not in x["problem"] + x["fix"] for x in rows)
    assert r.headline("id") == f"{len(r.errors)} masalah harus diperbaiki, {len(r.warnings)} peringatan."
    assert r.headline("en").startswith("1 problem must be fixed")


# ------------------------------------------------------------------ template integrity
def test_a_deleted_or_altered_hidden_sheet_is_an_error_with_a_fix(db):
    def drop(wb):
        del wb[META_SHEET]
    r = check(db, workbook(db, edit=drop))
    [issue] = only(r, "template-fingerprint-missing")
    assert not r.valid and "Unduh templat baru" in issue.message("id")

    def blank(wb):
        ws = wb[META_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "checksum":
                row[1].value = None
    assert only(check(db, workbook(db, edit=blank)), "template-fingerprint-missing")


@pytest.mark.parametrize("made", ["old template", "new template"])
def test_templates_with_old_and_new_quarter_target_titles_are_accepted(db, made):
    """'Target TW1'..'Target TW4' (templates already handed out) and 'Target TW I'..'Target TW IV' (new ones)
    are both read, pass the hidden-sheet check and store the quarter targets."""
    template = api.template_bytes(CITY, 2024, 1, scope=OPERATOR, db_path=db)
    if made == "old template":
        template = as_old_template(template)
    values, targets, urls = kota_values()
    data = fill_workbook(template, values, targets, plans(1, target_tw1=10, target_tw2=20, target_tw3=30,
                                                          target_tw4=40), urls)
    report = check(db, data)
    assert not {"template-modified", "template-fingerprint-missing", "outdated-template"} & {
        i.code for i in report.issues}
    assert ingest(db, data).outcome == "accepted"
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = con.execute("SELECT target_tw1, target_tw2, target_tw3, target_tw4 FROM v_renaksi").fetchall()
    finally:
        con.close()
    assert stored == [(10, 20, 30, 40)]


def test_macro_enabled_workbooks_are_refused_with_save_as_xlsx(db):
    data = workbook(db)
    with_vba = edit_zip(data, "", add={"xl/vbaProject.bin": b"\x00VBA"})
    r = check(db, with_vba)
    [issue] = only(r, "file-macro")
    assert ".xlsx" in issue.message("id") and "Save As" in issue.message("en")
    typed = edit_zip(data, "[Content_Types].xml", lambda x: x.replace(
        b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"))
    assert only(check(db, typed), "file-macro")
    assert ingest(db, with_vba).outcome == "rejected"
