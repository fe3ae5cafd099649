"""The one path: init → template → fill → check / ingest → versions, archive, rebuild, receipts.

Workbooks are real xlsx files made by the template writer and edited with openpyxl, as an agency would.
"""

from __future__ import annotations

import io
import json
from datetime import datetime

import duckdb
import pytest
from openpyxl import load_workbook

from indicators.catalogue import load_catalogue
from loaders import api, store
from loaders.auth import Scope
from xlsx_helpers import fill_workbook
from loaders.sheets import INDICATOR_COLUMNS, INDICATOR_SHEET, META_SHEET, RENAKSI_COLUMNS, RENAKSI_SHEET, match_column

CITY, PROVINCE, MINISTRY = "32.73", "32", "KL-PANRB"
OPERATOR = Scope.system("cli:test")
ON_TIME = datetime(2024, 4, 10, 9, 0)           # before the 2024 Q1 deadline (15 April)


@pytest.fixture
def db(initialised_db):
    return initialised_db


def rows_of(data: bytes, sheet=INDICATOR_SHEET, columns=INDICATOR_COLUMNS):
    """(header_row, {field: column letter}, {indicator code or row index: row})"""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for row in ws.iter_rows(min_row=1, max_row=50):
        cols = {}
        for cell in row:
            col = match_column(cell.value, columns)
            if col:
                cols[col.field] = cell.column_letter
        if len(cols) >= 3:
            header = row[0].row
            break
    key = cols.get("indicator_code")
    codes = {ws[f"{key}{r}"].value: r for r in range(header + 1, ws.max_row + 1) if key and ws[f"{key}{r}"].value}
    return header, cols, codes


def numeric_codes(agency_type: str) -> list[str]:
    return [i.code for i in load_catalogue().indicators
            if i.level == "agency" and agency_type in i.applies_to and i.value_type == "number"]


def good_values(agency_type: str) -> tuple[dict, dict, dict]:
    cat = load_catalogue().by_code
    values, targets, urls = {}, {}, {}
    for code in numeric_codes(agency_type):
        ind = cat[code]
        lo = ind.min_value if ind.min_value is not None else 0
        hi = ind.max_value if ind.max_value is not None else lo + 100
        values[code] = round(lo + (hi - lo) * 0.4, 2)
        targets[code] = round(lo + (hi - lo) * 0.5, 2)
        urls[code] = f"https://bukti.contoh.invalid/{code}"
    for ind in load_catalogue().indicators:
        if ind.level == "agency" and agency_type in ind.applies_to and ind.value_type == "category":
            values[ind.code] = targets[ind.code] = "WTP"
            urls[ind.code] = f"https://bukti.contoh.invalid/{ind.code}"
    return values, targets, urls


RENAKSI = [{"theme": "kemiskinan", "action_plan": "Verifikasi data P3KE", "output_indicator": "KK terverifikasi",
            "unit": "KK", "target_tw1": 100, "target_tw2": 100, "target_tw3": 100, "target_tw4": 100,
            "realisation": 90, "budget": 100_000_000, "budget_realisation": 20_000_000,
            "intervention_focus": "Proses Bisnis dan SOP", "coordinator": "Bappeda", "implementer": "Dinsos"}]


def filled(db, agency=CITY, year=2024, quarter=1, agency_type="KOTA", edit=None, renaksi=None, **overrides):
    values, targets, urls = good_values(agency_type)
    values.update(overrides)
    data = fill_workbook(api.template_bytes(agency, year, quarter, scope=OPERATOR, db_path=db), values, targets,
                         RENAKSI if renaksi is None else renaksi, urls)
    if edit:
        wb = load_workbook(io.BytesIO(data))
        edit(wb)
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    return data


def codes(report):
    return [i.code for i in report.issues]


# ------------------------------------------------------------------ init and views
def test_init_twice_changes_nothing_and_views_answer(db):
    def snapshot():
        with store.session(db) as con:
            return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                    for t in ("indicators", "targets", "national_series", "agencies", "themes", "reporting_calendar")}
    first = snapshot()
    api.init_database(db)
    assert snapshot() == first
    with store.session(db) as con:
        assert con.execute("SELECT count(*) FROM v_agencies WHERE agency_type = 'PROV'").fetchone()[0] == 38
        assert con.execute("SELECT count(DISTINCT theme) FROM v_indicators").fetchone()[0] >= 6
        low, high = con.execute("SELECT target_low, target_high FROM v_targets WHERE indicator_code = 'NAT_INFL' "
                                "AND year = 2024").fetchone()
        assert (low, high) == (1.5, 3.5)
        cols = [d[0] for d in con.execute("SELECT * FROM v_values LIMIT 0").description]
        assert cols[:6] == ["agency_code", "indicator_code", "year", "quarter", "value", "submission_id"]
        cols = [d[0] for d in con.execute("SELECT * FROM v_submissions LIMIT 0").description]
        assert cols[:8] == ["submission_id", "agency_code", "year", "quarter", "status", "received_at",
                            "file_sha256", "file_name"]


# ------------------------------------------------------------------ happy path
def test_template_fill_ingest_lands_exactly_the_typed_values(db):
    values, _, _ = good_values("KOTA")
    data = filled(db)
    res = api.ingest_file(data, "kota_bandung.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    assert res.outcome == "accepted", res.report.to_text("en")
    assert res.submission_id == f"{CITY}-2024Q1-v1"
    with store.session(db) as con:
        stored = dict(con.execute("SELECT indicator_code, value FROM v_values WHERE agency_code = ?", [CITY]).fetchall())
        sub = con.execute("SELECT uploader, file_name, file_sha256 FROM v_submissions").fetchone()
        plans = con.execute("SELECT theme_code, realisation, budget FROM v_renaksi").fetchall()
    assert stored == pytest.approx({c: v for c, v in values.items() if not isinstance(v, str)} | {"AG_OPINI_BPK": None})
    assert sub == ("ana", "kota_bandung.xlsx", api.sha256(data))
    assert plans == [("kemiskinan", 90.0, 100_000_000.0)]
    assert res.receipt_path.exists() and res.submission_id in res.receipt_path.read_text()


def test_check_never_writes(db, tmp_path):
    before = db.read_bytes()
    res = api.check_file(filled(db), "x.xlsx", scope=OPERATOR, db_path=db)
    assert res.report.valid
    assert db.read_bytes() == before
    assert not (db.parent / "archive").exists()


def test_check_without_database_uses_catalogue_and_registry(tmp_path, db):
    data = filled(db)
    res = api.check_file(data, "x.xlsx", scope=OPERATOR, db_path=tmp_path / "none.duckdb")
    assert res.report.valid and not (tmp_path / "none.duckdb").exists()


# ------------------------------------------------------------------ versions, duplicates, archive, rebuild
def test_resubmission_versions_duplicates_and_reason_after_deadline(db):
    first = filled(db)
    assert api.ingest_file(first, "a.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME).outcome == "accepted"
    again = api.ingest_file(first, "a-copy.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    assert again.outcome == "duplicate" and "nothing changed" in again.message_en
    code = numeric_codes("KOTA")[0]
    second = filled(db, **{code: 1.0})
    late = datetime(2024, 6, 1)
    refused = api.ingest_file(second, "b.xlsx", scope=Scope.system("ana"), db_path=db, received_at=late)
    assert refused.outcome == "rejected" and codes(refused.report) == ["reason-required"]
    ok = api.ingest_file(second, "b.xlsx", scope=Scope.system("ana"), db_path=db, received_at=late, reason="salah ketik")
    assert ok.outcome == "accepted" and ok.version == 2
    with store.session(db) as con:
        assert con.execute("SELECT value FROM v_values WHERE indicator_code = ?", [code]).fetchone()[0] == 1.0
        statuses = con.execute("SELECT version, status, reason FROM v_submissions ORDER BY version").fetchall()
        outcomes = [r[0] for r in con.execute("SELECT outcome FROM uploads ORDER BY received_at, upload_id").fetchall()]
    assert statuses == [(1, "superseded", None), (2, "in_force", "salah ketik")]
    assert sorted(outcomes) == sorted(["accepted", "duplicate", "rejected", "accepted"])


def test_archive_holds_every_file_and_rebuild_equals_live(db, tmp_path):
    api.ingest_file(filled(db), "a.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    bad = filled(db, **{numeric_codes("KOTA")[0]: -5})
    assert api.ingest_file(bad, "bad.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME).outcome == "rejected"
    api.ingest_file(filled(db, quarter=2), "q2.xlsx", scope=Scope.system("budi"), db_path=db, received_at=datetime(2024, 7, 2))
    archive = db.parent / "archive"
    assert (archive / api.sha256(bad)[:2] / f"{api.sha256(bad)}.xlsx").read_bytes() == bad
    kinds = [json.loads(line)["kind"] for line in (archive / "journal.jsonl").read_text().splitlines()]
    assert kinds == ["upload", "commit"] * 3           # intent, then the commit marker, per attempt
    out = db.parent / "rebuilt.duckdb"
    api.rebuild(db, out)
    tables = ["submissions", "submission_values", "renaksi_outputs", "targets", "uploads", "upload_issues",
              "agencies", "indicators", "national_series", "assessments", "national_assessments", "commits"]
    with store.session(db) as live, store.session(out) as rebuilt:
        for t in tables:
            q = f"SELECT * FROM {t} ORDER BY ALL"
            assert live.execute(q).fetchall() == rebuilt.execute(q).fetchall(), t


def test_an_accepted_upload_stores_its_verdicts_and_a_city_inside_the_band_is_achieved(db):
    """The template's single target cell (7,5 here) is not a band: Kota Bogor-like 2,99 % is judged against
    the national band of the year and is achieved, in the same transaction as the upload."""
    api.ingest_file(filled(db, TEM_INF_YOY=2.99), "q1.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    with store.session(db, read_only=True) as con:
        row = con.execute("SELECT kind, status, capaian, target_low, target_high, target_year, target_origin "
                          "FROM v_assessments WHERE agency_code = ? AND indicator_code = 'TEM_INF_YOY' "
                          "AND year = 2024 AND quarter = 1", [CITY]).fetchone()
        quarters = con.execute("SELECT DISTINCT quarter FROM v_assessments WHERE agency_code = ? ORDER BY 1",
                               [CITY]).fetchall()
    assert row == ("target", "target_achieved", 100.0, 1.5, 3.5, 2024, "national")
    assert quarters == [(1,), (2,), (3,), (4,)]  # as known at the end of each later quarter of the period


def test_agency_target_changes_are_versioned(db):
    code = numeric_codes("KOTA")[0]
    api.ingest_file(filled(db), "q1.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    header, cols, rows = rows_of(api.template_bytes(CITY, 2024, 2, scope=OPERATOR, db_path=db))

    def change_target(wb, reason=""):
        ws = wb[INDICATOR_SHEET]
        ws[f"{cols['target']}{rows[code]}"].value = 45.25
        if reason:
            ws[f"{cols['target_reason']}{rows[code]}"].value = reason
    data = filled(db, quarter=2, edit=change_target)
    res = api.ingest_file(data, "q2.xlsx", scope=Scope.system("ana"), db_path=db, received_at=datetime(2024, 7, 3))
    assert codes(res.report).count("target-changed-without-reason") == 1
    assert [i.cell for i in res.report.errors] == [f"{cols['target']}{rows[code]}"]
    data = filled(db, quarter=2, edit=lambda wb: change_target(wb, "APBD perubahan"))
    assert api.ingest_file(data, "q2.xlsx", scope=Scope.system("ana"), db_path=db, received_at=datetime(2024, 7, 3)).outcome == "accepted"
    with store.session(db) as con:
        got = con.execute("SELECT target_low, version, reason FROM v_agency_targets WHERE indicator_code = ?",
                          [code]).fetchone()
    assert got == (45.25, 2, "APBD perubahan")


# ------------------------------------------------------------------ one test per content check
def _cell(data, code, field):
    header, cols, rows = rows_of(data)
    return f"{cols[field]}{rows[code]}"


def _set(field, code, value, sheet=INDICATOR_SHEET):
    def edit(wb):
        ws = wb[sheet]
        header, cols, rows = _rows_in_ws(ws)
        ws[f"{cols[field]}{rows[code]}"].value = value
    return edit


def _rows_in_ws(ws):
    for row in ws.iter_rows(min_row=1, max_row=50):
        cols = {}
        for cell in row:
            col = match_column(cell.value, INDICATOR_COLUMNS)
            if col:
                cols[col.field] = cell.column_letter
        if "indicator_code" in cols:
            header = row[0].row
            break
    rows = {ws[f"{cols['indicator_code']}{r}"].value: r for r in range(header + 1, ws.max_row + 1)
            if ws[f"{cols['indicator_code']}{r}"].value}
    return header, cols, rows


def _header_value(label, value):
    def edit(wb):
        ws = wb[INDICATOR_SHEET]
        for row in ws.iter_rows(min_row=1, max_row=30):
            for cell in row:
                if str(cell.value).strip() == label:
                    ws.cell(cell.row, cell.column + 1).value = value
                    return
        raise AssertionError(label)
    return edit


def _check(db, data, **kw):
    return api.check_file(data, "f.xlsx", scope=OPERATOR, db_path=db, received_at=kw.pop("received_at", ON_TIME), **kw).report


def only(report, code):
    found = [i for i in report.issues if i.code == code]
    assert found, f"{code} not raised: {report.to_text('en')}"
    return found


def test_unknown_agency(db):
    r = _check(db, filled(db, edit=_header_value("Kode Instansi", "99.99")))
    assert only(r, "unknown-agency")[0].value == "99.99"


def test_wrong_agency(db):
    r = _check(db, filled(db), expected_agency="32.71")
    issue = only(r, "wrong-agency")[0]
    assert issue.value == CITY and issue.cell and issue.sheet == INDICATOR_SHEET
    assert not r.valid


def test_agency_inactive_before_papua_split(db):
    # a template of a quarter the province exists in, its header moved back before the split
    r = _check(db, filled(db, agency="93", agency_type="PROV", year=2023, quarter=1, edit=_header_value("Tahun", 2021)))
    assert only(r, "agency-inactive")


def test_template_for_a_quarter_outside_the_agency_validity_is_refused_with_the_checks_words(db, tmp_path):
    """Issue 18 item 4: the template and the check decide by one rule and say the same thing."""
    from click.testing import CliRunner
    from loaders.cli import cli
    with pytest.raises(api.AgencyInactive) as refused:
        api.template_bytes("93", 2021, 1, scope=OPERATOR, db_path=db)       # Papua Selatan: from 25 July 2022
    r = _check(db, filled(db, agency="93", agency_type="PROV", year=2023, quarter=1, edit=_header_value("Tahun", 2021)))
    checked = only(r, "agency-inactive")[0]
    for lang in ("id", "en"):
        assert refused.value.message(lang) == checked.message(lang)
    assert "25 Juli 2022" in checked.message("id") and "July 25, 2022" in checked.message("en")
    out = tmp_path / "t.xlsx"
    res = CliRunner().invoke(cli, ["template", "--agency", "93", "--year", "2021", "--quarter", "1",
                                   "--out", str(out), "--db", str(db)])
    assert res.exit_code == 2 and not out.exists()
    assert checked.message("id") in res.output and checked.message("en") in res.output
    # the quarter the province starts in (it exists on some of its days) still gets a template
    assert api.template_bytes("93", 2022, 3, scope=OPERATOR, db_path=db)


def test_period_outside_roadmap_and_mismatch(db):
    r = _check(db, filled(db, edit=_header_value("Tahun", 2031)))
    assert only(r, "period-outside-roadmap")
    r = _check(db, filled(db), expected_period=(2024, 2))
    assert only(r, "period-mismatch")[0].value == "TW I 2024"


def test_fingerprint_mismatch_when_header_is_copied_over(db):
    r = _check(db, filled(db, edit=_header_value("Kode Instansi", "32.71")))
    assert only(r, "fingerprint-mismatch")


def test_outdated_template(db):
    def old(wb):
        ws = wb[META_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "template_version":
                row[1].value = "2019.1"
    assert only(_check(db, filled(db, edit=old)), "outdated-template")


def test_unknown_indicator_duplicate_and_not_applicable(db):
    def edit(wb):
        ws = wb[INDICATOR_SHEET]
        header, cols, rows = _rows_in_ws(ws)
        last = max(rows.values())
        first_code = min(rows, key=rows.get)
        ws[f"{cols['indicator_code']}{last + 1}"] = "XX_NOPE"
        ws[f"{cols['value']}{last + 1}"] = 1
        ws[f"{cols['indicator_code']}{last + 2}"] = first_code
        ws[f"{cols['value']}{last + 2}"] = 1
        ws[f"{cols['indicator_code']}{last + 3}"] = kl_only
        ws[f"{cols['value']}{last + 3}"] = 1
    kl_only = next(i.code for i in load_catalogue().indicators
                   if i.level == "agency" and i.applies_to == ("KL",))
    r = _check(db, filled(db, edit=edit))
    assert only(r, "unknown-indicator")[0].value == "XX_NOPE"
    assert "first_row" in only(r, "duplicate-indicator")[0].params
    assert only(r, "indicator-not-applicable")[0].value == kl_only


def _percent_code(agency_type="KOTA"):
    cat = load_catalogue().by_code
    return next(c for c in numeric_codes(agency_type) if (cat[c].unit or "").startswith("%"))


def test_percent_out_of_range_negative_and_out_of_limits(db):
    pct = _percent_code()
    r = _check(db, filled(db, **{pct: 140}))
    assert [i.cell for i in only(r, "percent-out-of-range")] == [_cell(filled(db), pct, "value")]
    r = _check(db, filled(db, **{pct: -3}))
    assert only(r, "negative-value")
    cat = load_catalogue().by_code
    bounded = next(c for c in numeric_codes("KOTA") if cat[c].max_value is not None
                   and not (cat[c].unit or "").startswith("%"))
    r = _check(db, filled(db, **{bounded: cat[bounded].max_value * 10 + 1}))
    assert only(r, "out-of-limits")


def test_invalid_category(db):
    cat = load_catalogue()
    code = next(i.code for i in cat.indicators if i.level == "agency" and i.value_type == "category"
                and "KOTA" in i.applies_to)
    r = _check(db, filled(db, edit=_set("value", code, "BAGUS")))
    assert only(r, "invalid-category")[0].value == "BAGUS"


def test_missing_value_target_evidence_and_bad_url_are_warnings(db):
    code = numeric_codes("KOTA")[0]
    data = filled(db, edit=lambda wb: (_set("value", code, None)(wb), _set("target", code, None)(wb),
                                        _set("evidence_url", numeric_codes("KOTA")[1], None)(wb),
                                        _set("evidence_url", numeric_codes("KOTA")[2], "bukti di lemari")(wb)))
    r = _check(db, data)
    assert r.valid
    missing = only(r, "missing-value")[0]
    assert missing.indicator == code and missing.value is None     # an empty cell shows no value, not a code
    assert only(r, "target-missing")
    assert only(r, "missing-evidence")
    assert only(r, "invalid-url")[0].value == "bukti di lemari"


def test_large_jump_warns_against_last_quarter(db):
    code = numeric_codes("KOTA")[0]
    api.ingest_file(filled(db), "q1.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    values, _, _ = good_values("KOTA")
    r = _check(db, filled(db, quarter=2, **{code: round(values[code] * 1.9 + 1, 2)}), received_at=datetime(2024, 7, 1))
    jump = only(r, "large-jump")[0]
    assert jump.indicator == code and jump.value and r.valid      # the value as typed, the code as the indicator


def _renaksi(**change):
    return [{**RENAKSI[0], **change}]


def test_renaksi_checks(db):
    r = _check(db, filled(db, renaksi=_renaksi(theme="Olahraga")))
    assert only(r, "renaksi-unknown-theme")[0].sheet == RENAKSI_SHEET
    r = _check(db, filled(db, renaksi=_renaksi(output_indicator="")))
    assert only(r, "renaksi-missing-field")
    r = _check(db, filled(db, renaksi=RENAKSI + RENAKSI))
    assert only(r, "renaksi-duplicate")
    r = _check(db, filled(db, renaksi=_renaksi(realisation=1000)))
    assert only(r, "renaksi-realisation-too-high")
    r = _check(db, filled(db, renaksi=_renaksi(budget_realisation=200_000_000)))
    assert only(r, "budget-over")[0].cell.startswith(rows_of(filled(db), RENAKSI_SHEET, RENAKSI_COLUMNS)[1]["budget_realisation"])
    r = _check(db, filled(db, renaksi=_renaksi(realisation=5)))
    assert only(r, "renaksi-behind-no-obstacle") and r.valid


# ------------------------------------------------------------------ CLI
def test_cli_exit_codes_json_and_receipt(db, tmp_path):
    from click.testing import CliRunner
    from loaders.cli import cli
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(filled(db))
    bad.write_bytes(filled(db, **{_percent_code(): 250}))
    runner = CliRunner()
    res = runner.invoke(cli, ["check", str(good), str(bad), "--db", str(db), "--format", "json"])
    assert res.exit_code == 1
    out = json.loads(res.output)
    assert [r["valid"] for r in out] == [True, False]
    assert out[1]["issues"][0]["location"].startswith("Indikator!")
    assert runner.invoke(cli, ["check", str(good), "--db", str(db)]).exit_code == 0
    res = runner.invoke(cli, ["ingest", str(good), "--db", str(db), "--lang", "en"])
    assert res.exit_code == 0 and "Receipt:" in res.output
    assert runner.invoke(cli, ["check", "--db", str(db)]).exit_code == 2
    annotated = tmp_path / "annotated.xlsx"
    res = runner.invoke(cli, ["check", str(bad), "--db", str(db), "--annotate", str(annotated)])
    assert res.exit_code == 1 and annotated.exists()
    res = runner.invoke(cli, ["template", "--agency", "NOPE", "--year", "2024", "--quarter", "1",
                              "--out", str(tmp_path / "t.xlsx"), "--db", str(db)])
    assert res.exit_code == 2


def test_next_quarter_template_is_prefilled_from_accepted_history(db):
    values, targets, urls = good_values("KOTA")
    api.ingest_file(filled(db), "q1.xlsx", scope=Scope.system("ana"), db_path=db, received_at=ON_TIME)
    data = api.template_bytes(CITY, 2024, 2, scope=OPERATOR, db_path=db)
    parsed = api.check_file(data, "q2.xlsx", scope=OPERATOR, db_path=db).parsed
    by_code = {r.indicator_code: r for r in parsed.indicators}
    code = numeric_codes("KOTA")[0]
    assert by_code[code].previous == pytest.approx(values[code])
    assert by_code[code].target == pytest.approx(targets[code])
    # evidence links are not carried over: the cell is empty and the old link is a hint in its comment
    assert by_code[code].value is None and by_code[code].evidence_url == ""
    [plan] = parsed.renaksi
    assert (plan.theme, plan.action_plan, plan.targets, plan.realisation) == (
        "kemiskinan", "Verifikasi data P3KE", (100, 100, 100, 100), None)
    assert plan.plan_id.startswith("RA-")


def test_check_against_an_uninitialised_database_file_writes_nothing(db, tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    before = empty.read_bytes()
    assert api.check_file(filled(db), "x.xlsx", scope=OPERATOR, db_path=empty).report.valid
    assert empty.read_bytes() == before
