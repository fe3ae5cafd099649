"""An agency's own band target (issue 18 item 7): two bound cells on band indicators, read back exactly after
LibreOffice and gnumeric save the workbook, stored as the agency's target and used by the assessment (rule 1);
workbooks made before the two columns existed are still accepted."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from loaders import api, store
from loaders.sheets import HEADER_FIELDS, INDICATOR_COLUMNS, INDICATOR_SHEET, META_SHEET, TEMPLATE_VERSION
from loaders.template import BAND_NOTE, SHEET_NAMES
from loaders.workbook import structure_checksum
from test_api import OPERATOR, _check, filled, good_values, only
from xlsx_helpers import _header_map, libreoffice_resave, require_soffice, save

BAND = "TEM_INF_YOY"          # regional inflation, a band indicator for provinces, kabupaten and kota
ON_TIME = datetime(2024, 4, 10, 9, 0)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "db" / "pantaurb.duckdb"
    api.init_database(path)
    return path


def _bounds(bounds: dict[str, tuple]):
    """An edit that types the band bounds (code -> (lower, upper), None leaves a cell empty)."""
    def edit(wb):
        ws = wb[INDICATOR_SHEET]
        header, cols = _header_map(ws, INDICATOR_COLUMNS)
        for r in range(header + 1, ws.max_row + 1):
            code = ws.cell(r, cols["indicator_code"]).value
            if code in bounds:
                ws.cell(r, cols["target_low"]).value, ws.cell(r, cols["target_high"]).value = bounds[code]
                ws.cell(r, cols["target"]).value = None
    return edit


def _band_row(pw):
    return next(r for r in pw.indicators if r.indicator_code == BAND)


def require_gnumeric() -> str:
    """ssconvert (Debian package gnumeric); missing is a failure where LibreOffice is required too."""
    path = shutil.which("ssconvert")
    if path is None:
        if os.environ.get("PANTAURB_REQUIRE_SOFFICE") == "1" or os.environ.get("CI"):
            pytest.fail("gnumeric (ssconvert) is required for the round-trip tests: apt-get install gnumeric")
        pytest.skip("gnumeric (ssconvert) is not installed")
    return path


def gnumeric_resave(path: Path, out: Path) -> Path:
    proc = subprocess.run([require_gnumeric(), "--export-type=Gnumeric_Excel:xlsx2", str(path), str(out)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(out.parent)})
    if not out.exists():
        raise RuntimeError(f"ssconvert wrote nothing: rc={proc.returncode} {proc.stdout} {proc.stderr}")
    return out


def test_template_offers_the_two_bound_cells_only_on_band_indicators(db):
    wb = openpyxl.load_workbook(io.BytesIO(api.template_bytes("32.73", 2024, 1, scope=OPERATOR, db_path=db)))
    ws = wb[INDICATOR_SHEET]
    header, cols = _header_map(ws, INDICATOR_COLUMNS)
    rows = {ws.cell(r, 1).value: r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value}
    band, other = rows[BAND], rows["AG_SAKIP"]
    assert not ws.cell(band, cols["target_low"]).protection.locked and not ws.cell(band, cols["target_high"]).protection.locked
    assert ws.cell(band, cols["target"]).protection.locked          # the band lives in the two bounds
    assert ws.cell(band, cols["target_low"]).comment.text == BAND_NOTE
    assert ws.cell(other, cols["target_low"]).protection.locked and not ws.cell(other, cols["target"]).protection.locked
    validated = {str(ref) for dv in ws.data_validations.dataValidation for ref in dv.sqref.ranges}
    letter = openpyxl.utils.get_column_letter
    assert f"{letter(cols['target_low'])}{band}" in validated and f"{letter(cols['target_high'])}{band}" in validated


def test_band_target_read_back_exactly_after_libreoffice_and_gnumeric_and_used_by_the_assessment(db, tmp_path):
    require_soffice()
    require_gnumeric()
    typed = {"32.73": (1.5, 3.5), "32.71": (2.25, 4.125)}
    sources = {}
    for agency, band in typed.items():
        path = tmp_path / f"{agency}.xlsx"
        path.write_bytes(filled(db, agency=agency, edit=_bounds({BAND: band})))
        sources[agency] = path
    saved = {"32.73": libreoffice_resave(sources["32.73"], tmp_path / "lo"),
             "32.71": gnumeric_resave(sources["32.71"], tmp_path / "gnumeric.xlsx")}
    for agency, path in saved.items():
        data = path.read_bytes()
        assert data != sources[agency].read_bytes()
        report = _check(db, data)
        assert report.valid, report.to_text("en")
        assert not [i for i in report.issues if i.code in ("template-modified", "outdated-template")], \
            report.to_text("en")
        res = api.ingest_file(data, path.name, scope=OPERATOR, db_path=db, received_at=ON_TIME)
        assert res.outcome == "accepted", res.report.to_text("en")
    with store.session(db, read_only=True) as con:
        stored = {a: (lo, hi) for a, lo, hi in con.execute(
            "SELECT agency_code, target_low, target_high FROM v_agency_targets WHERE indicator_code = ? AND year = 2024",
            [BAND]).fetchall()}
        verdicts = {a: (lo, hi, origin) for a, lo, hi, origin in con.execute(
            "SELECT agency_code, target_low, target_high, target_origin FROM assessments "
            "WHERE indicator_code = ? AND year = 2024 AND quarter = 1", [BAND]).fetchall()}
    assert stored == typed                                            # exactly, not 3.4999…
    assert verdicts == {a: (*band, "agency") for a, band in typed.items()}


def test_band_target_problems_name_the_cell(db):
    r = _check(db, filled(db, edit=_bounds({BAND: (2.0, None)})))
    assert only(r, "band-target-incomplete")[0].indicator == BAND
    r = _check(db, filled(db, edit=_bounds({BAND: (4.0, 2.5)})))
    reversed_ = only(r, "band-target-reversed")[0]
    assert "(4, cell" in reversed_.message("en") and "(2,5)" in reversed_.message("id")
    r = _check(db, filled(db, edit=_bounds({"AG_SAKIP": (60.0, 70.0)})))
    assert only(r, "band-target-not-band")[0].indicator == "AG_SAKIP"
    r = _check(db, filled(db, edit=_bounds({BAND: (-9.0, 3.0)})))         # the catalogue's limits (-5 to 20)
    assert [i.column for i in only(r, "out-of-limits") if i.indicator == BAND] == ["Target Batas Bawah"]


def test_a_band_changed_after_q1_needs_a_reason_and_carries_into_the_next_template(db):
    q1 = api.ingest_file(filled(db, edit=_bounds({BAND: (1.5, 3.5)})), "q1.xlsx", scope=OPERATOR, db_path=db,
                         received_at=ON_TIME)
    assert q1.outcome == "accepted", q1.report.to_text("en")
    template = openpyxl.load_workbook(io.BytesIO(api.template_bytes("32.73", 2024, 2, scope=OPERATOR, db_path=db)))
    ws = template[INDICATOR_SHEET]
    header, cols = _header_map(ws, INDICATOR_COLUMNS)
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == BAND)
    assert (ws.cell(row, cols["target_low"]).value, ws.cell(row, cols["target_high"]).value) == (1.5, 3.5)
    changed = _check(db, filled(db, quarter=2, edit=_bounds({BAND: (1.5, 4.0)})),
                     received_at=datetime(2024, 7, 10, 9))
    issue = only(changed, "target-changed-without-reason")[0]
    assert issue.indicator == BAND and "from 1.5–3.5 to 1.5–4" in issue.message("en")
    assert "dari 1,5–3,5 menjadi 1,5–4" in issue.message("id")


def _as_template_before_bands(data: bytes) -> bytes:
    """The workbook as templates made before the band columns looked: no 'Target Batas Bawah/Atas' columns,
    and the hidden sheet's checksum computed over the shorter title list (same template version)."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[INDICATOR_SHEET]
    header, cols = _header_map(ws, INDICATOR_COLUMNS)
    for c in sorted((cols["target_low"], cols["target_high"]), reverse=True):
        ws.delete_cols(c)
    meta = {row[0].value: row[1] for row in wb[META_SHEET].iter_rows(min_row=2, max_col=2) if row[0].value}
    titles = [c.value for c in ws[header] if c.value] + [c.value for c in wb["Rencana Aksi"][1] if c.value]
    codes = [ws.cell(r, 1).value for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value]
    meta["checksum"].value = structure_checksum(TEMPLATE_VERSION, SHEET_NAMES,
                                                [labels[0] for labels in HEADER_FIELDS.values()], titles, codes)
    return save(wb)


def test_a_template_made_before_the_band_columns_is_still_accepted_with_its_single_target(db):
    values, targets, _ = good_values("KOTA")
    old = _as_template_before_bands(filled(db))
    from loaders.workbook import read_workbook
    assert "Target Batas Bawah" not in [c.value for c in openpyxl.load_workbook(io.BytesIO(old))[INDICATOR_SHEET][8]]
    report = _check(db, old)
    assert report.valid and not [i for i in report.issues if i.code in ("template-modified", "outdated-template")], \
        report.to_text("en")
    row = _band_row(read_workbook(old, "old.xlsx"))
    assert row.target == targets[BAND] and row.target_bounds == (targets[BAND], targets[BAND])
    assert api.ingest_file(old, "old.xlsx", scope=OPERATOR, db_path=db, received_at=ON_TIME).outcome == "accepted"
