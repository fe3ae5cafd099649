"""The quarterly template: layout, protection, validations, fingerprint, and the round trip an agency makes
(download -> fill in -> save in a spreadsheet program -> upload)."""

import io
import re

import openpyxl
import pytest

from loaders.sheets import INTERVENTION_FOCUS, RENAKSI_SHEET, TEMPLATE_VERSION, RenaksiRow
from loaders.template import (
    TemplatePrefill,
    category_options,
    column_titles,
    template_indicators,
    write_template,
)
from loaders.workbook import read_workbook, structure_checksum
from xlsx_helpers import (
    OLD_QUARTER_TITLES,
    SAMPLE_CODES,
    as_old_template,
    fill_template,
    lo_source,
    make_agency,
    resaved,
    sample_catalogue,
)

CAT = sample_catalogue()
AGENCY = make_agency("32.73", "Kota Bandung", "KOTA")
PREFILL = TemplatePrefill(
    targets={"AG_SAKIP": 70.0, "AG_OPINI_BPK": "WTP", "TEM_KEM_P0": 6.5},
    previous={"AG_SAKIP": 68.25, "AG_OPINI_BPK": "WTP", "AG_LAPOR": 80.0},
    evidence={"AG_SAKIP": "https://bandung.go.id/lkjip-2023.pdf"},
    renaksi=[RenaksiRow(row=2, theme="kemiskinan", action_plan="Pemutakhiran DTKS",
                        output_indicator="Kelurahan dengan data mutakhir", unit="kelurahan", targets=(10, 10, 10, 10),
                        realisation=9, budget=120_000_000, budget_realisation=30_000_000,
                        intervention_focus="Teknologi dan Informasi", coordinator="Bappeda", implementer="Diskominfo")],
)


def template_bytes(agency=AGENCY, year=2024, quarter=2, prefill=PREFILL, catalogue=CAT) -> bytes:
    buf = io.BytesIO()
    write_template(buf, agency=agency, year=year, quarter=quarter, catalogue=catalogue, prefill=prefill)
    return buf.getvalue()


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_bytes()


@pytest.fixture(scope="module")
def wb(template):
    return openpyxl.load_workbook(io.BytesIO(template))


def dv_for(ws, ref: str):
    hits = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(hits) == 1, (ref, hits)
    return hits[0]


def defined_values(wb, name: str) -> list:
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return [row[0].value for row in wb[sheet][ref]]


# ------------------------------------------------------------------------------------------- layout

def test_sheets_in_order_with_the_meta_sheet_hidden(wb):
    assert wb.sheetnames == ["Petunjuk", "Indikator", "Rencana Aksi", "_pantaurb"]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "visible", "visible", "hidden"]
    assert all(ws.protection.sheet for ws in wb.worksheets)
    assert wb.active.title == "Petunjuk"


def test_header_block_and_column_titles(wb):
    ws = wb["Indikator"]
    assert [[c.value for c in row] for row in ws["A3:B6"]] == [
        ["Kode Instansi", "32.73"], ["Nama Instansi", "Kota Bandung"], ["Tahun", 2024], ["Triwulan", 2]]
    assert ws["B3"].number_format == "@"
    assert [c.value for c in ws[8]] == ["Kode Indikator", "Nama Indikator", "Satuan", "Target 2024",
                                        "Realisasi TW Sebelumnya", "Realisasi", "Alasan Perubahan Target",
                                        "Keterangan", "Bukti Dukung (URL)", "Konfirmasi Nilai (Alasan)",
                                        "Target Batas Bawah", "Target Batas Atas"]
    assert [c.value for c in wb[RENAKSI_SHEET][1]][:3] == ["Tema", "Rencana Aksi", "Indikator Output"]


def test_rows_are_the_agency_indicators_for_its_type_sorted_by_theme_then_code(wb):
    ws = wb["Indikator"]
    assert [ws.cell(r, 1).value for r in range(9, ws.max_row + 1)] == SAMPLE_CODES
    kl = [i.code for i in template_indicators(CAT, "KL")]
    assert kl == ["AG_IKPA", "AG_LAPOR", "AG_OPINI_BPK", "AG_SAKIP"]


def test_prefilled_values_and_action_plans(wb):
    ws = wb["Indikator"]
    sakip = [c.value for c in ws[11]]
    assert sakip == ["AG_SAKIP", "Nilai SAKIP", "skor 0-100", 70.0, 68.25, None, None, None,
                     "https://bandung.go.id/lkjip-2023.pdf", None, None, None]
    assert [c.value for c in ws[10]][3:5] == ["WTP", "WTP"]
    plan = [c.value for c in wb[RENAKSI_SHEET][2]]
    assert plan[:4] == ["Pengentasan Kemiskinan", "Pemutakhiran DTKS", "Kelurahan dengan data mutakhir", "kelurahan"]
    # the writer writes what it is given; api.template_prefill carries rows over with an empty realisation
    assert plan[4:11] == [10, 10, 10, 10, 9, 120_000_000, 30_000_000]
    assert wb[RENAKSI_SHEET].max_row == 2 + 40


def test_only_input_cells_are_unlocked(wb):
    ws = wb["Indikator"]
    locked = {c.column_letter: c.protection.locked for c in ws[11]}
    assert locked == {"A": True, "B": True, "C": True, "D": False, "E": True, "F": False, "G": False, "H": False,
                      "I": False, "J": False, "K": True, "L": True}      # band bounds: only on band indicators
    assert all(c.protection.locked for c in ws[8]) and ws["B3"].protection.locked
    ren = wb[RENAKSI_SHEET]
    assert ren["A1"].protection.locked
    assert not any(c.protection.locked for c in ren[2]) and not any(c.protection.locked for c in ren[ren.max_row])


def test_number_formats_and_validations(wb):
    ws = wb["Indikator"]
    assert ws["F11"].number_format == "#,##0.00" and ws["D11"].number_format == "#,##0.00"
    assert ws["E11"].number_format == "#,##0.00"
    numeric = dv_for(ws, "F11")
    assert (numeric.type, numeric.formula1, numeric.formula2) == ("decimal", "0", "100")
    assert dv_for(ws, "D11") is numeric
    assert dv_for(ws, "F13").type == "decimal"
    category = dv_for(ws, "F10")
    assert category.type == "list" and defined_values(wb, category.formula1) == ["WTP", "WDP", "TW", "TMP"]
    ren = wb[RENAKSI_SHEET]
    theme = dv_for(ren, "A2")
    assert theme.type == "list" and defined_values(wb, theme.formula1) == [
        "Pengentasan Kemiskinan", "Peningkatan Investasi", "Digitalisasi Administrasi Pemerintahan"]
    focus = dv_for(ren, "L41")
    assert defined_values(wb, focus.formula1) == list(INTERVENTION_FOCUS)
    assert dv_for(ren, "I2").type == "decimal"


def test_meta_sheet_holds_the_fingerprint(wb):
    meta = {row[0]: row[1] for row in wb["_pantaurb"].iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    ind_titles, ren_titles = column_titles(2024)
    expected = structure_checksum(TEMPLATE_VERSION, wb.sheetnames, ["Kode Instansi", "Nama Instansi", "Tahun",
                                                                    "Triwulan"], ind_titles + ren_titles, SAMPLE_CODES)
    assert meta == {"template_version": TEMPLATE_VERSION, "agency_code": "32.73", "year": 2024, "quarter": 2,
                    "checksum": expected}


def test_instructions_explain_filling_in_both_languages(wb):
    text = "\n".join(str(c.value) for c in wb["Petunjuk"]["A"] if c.value)
    for phrase in ["Petunjuk pengisian", "Kota Bandung (32.73)", "KUMULATIF", "sejak 1 Januari", "POSISI",
                   "Alasan Perubahan Target", "12,5", "'Realisasi TW Ini' adalah capaian output pada triwulan ini",
                   "kumulatif sejak awal tahun", "Bantuan",
                   "Instructions (English)", "year to date", "SNAPSHOT", "needs a reason", "Help"]:
        assert phrase in text, phrase
    assert text.index("Petunjuk pengisian") < text.index("Instructions (English)")


def test_category_options_come_from_the_catalogue():
    assert category_options(CAT.by_code["AG_OPINI_BPK"]) == ("WTP", "WDP", "TW", "TMP")
    assert category_options(CAT.by_code["AG_SAKIP"]) == ()


# ------------------------------------------------------------------------------------- reading back

def test_fresh_template_reads_back_with_its_fingerprint(template):
    pw = read_workbook(template, "templat.xlsx", CAT)
    assert pw.issues == []
    assert (pw.agency_code, pw.agency_name, pw.year, pw.quarter) == ("32.73", "Kota Bandung", 2024, 2)
    assert pw.fingerprint.checksum_ok and (pw.fingerprint.agency_code, pw.fingerprint.year,
                                           pw.fingerprint.quarter) == ("32.73", 2024, 2)
    assert [r.indicator_code for r in pw.indicators] == SAMPLE_CODES
    assert pw.indicators[2].target == 70.0 and pw.indicators[2].previous == 68.25
    assert pw.renaksi[0].theme == "kemiskinan" and pw.renaksi[0].realisation == 9  # as given in the prefill


def test_template_without_any_value_is_empty():
    pw = read_workbook(template_bytes(prefill=None), "kosong.xlsx", CAT)
    assert [[i.code, i.sheet, i.cell] for i in pw.issues] == [["file-empty", "Indikator", None]]


def test_agency_code_with_leading_zeros_stays_text():
    pw = read_workbook(template_bytes(agency=make_agency("0123", "Instansi Uji", "KOTA")), "t.xlsx", CAT)
    assert pw.agency_code == "0123" and pw.fingerprint.agency_code == "0123" and pw.fingerprint.checksum_ok


@pytest.mark.parametrize("change", ["rename sheet", "extra column", "deleted row"])
def test_a_changed_structure_gives_a_template_modified_warning(template, change):
    def edit(wb):
        if change == "rename sheet":
            wb["Petunjuk"].title = "Info"
        elif change == "extra column":
            wb["Indikator"]["J8"] = "Tambahan"
        else:
            wb["Indikator"].delete_rows(12)
    pw = read_workbook(fill_template(template, {"AG_SAKIP": 72.5}, edit=edit), "t.xlsx", CAT)
    assert [[i.code, i.severity] for i in pw.issues] == [["template-modified", "warning"]]
    assert pw.fingerprint.checksum_ok is False
    assert next(r for r in pw.indicators if r.indicator_code == "AG_SAKIP").value == 72.5


def _all_text(data: bytes) -> str:
    """Every text an agency can see in a workbook: cells, comments, dropdown titles and messages."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                out += [str(c.value) if c.value is not None else "", c.comment.text if c.comment else ""]
        for dv in ws.data_validations.dataValidation:
            out += [dv.errorTitle or "", dv.error or "", dv.promptTitle or "", dv.prompt or ""]
    return "\n".join(out)


def test_quarter_targets_are_titled_tw_i_to_iv_and_no_text_writes_tw2_style_quarters():
    carried = TemplatePrefill(**{**PREFILL.__dict__, "previous_period": {"AG_SAKIP": (2024, 1), "AG_LAPOR": "TW4-2023"},
                                 "evidence_hint": {"AG_LAPOR": ("https://bandung.go.id/lapor.pdf", (2023, 4))},
                                 "evidence": {}})
    data = template_bytes(prefill=carried)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in wb[RENAKSI_SHEET][1]][4:8] == ["Target TW I", "Target TW II", "Target TW III",
                                                             "Target TW IV"]
    text = _all_text(data)
    assert not re.search(r"\bTW ?[1-4]\b|\bTW\d-\d{4}\b|\bQ[1-4]-\d{4}\b", text), re.findall(r".{30}TW ?\d.{30}", text)
    assert "Nilai terakhir yang diterima: TW I 2024.\nLatest accepted value: Q1 2024." in text
    assert "Nilai terakhir yang diterima: TW IV 2023.\nLatest accepted value: Q4 2023." in text
    assert "Tautan sebelumnya (TW IV 2023)" in text and "Previous link (Q4 2023)" in text
    assert "Target triwulan ('Target TW I–IV')" in text and "tertinggal" not in text


@pytest.mark.parametrize("made", ["old template", "new template"])
def test_quarter_target_titles_old_and_new_are_read_and_the_fingerprint_holds(template, made):
    """Templates already in agencies' hands say 'Target TW1'..'Target TW4': they are read as before, their
    fingerprint still matches (same template version, checksum over the titles they carry)."""
    data = as_old_template(template) if made == "old template" else template
    titles = (list(OLD_QUARTER_TITLES.values()) if made == "old template" else list(OLD_QUARTER_TITLES))
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(data))[RENAKSI_SHEET][1]][4:8] == titles
    filled = fill_template(data, {"AG_SAKIP": 72.5}, renaksi=[{
        "Tema": "Pengentasan Kemiskinan", "Rencana Aksi": "Posyandu", "Indikator Output": "Posyandu aktif",
        "Satuan": "unit", **dict(zip(titles, (1, 2, 3, 4))), "Realisasi TW Ini": 2}])
    pw = read_workbook(filled, "t.xlsx", CAT)
    assert pw.issues == []
    assert pw.fingerprint.checksum_ok and pw.fingerprint.template_version == TEMPLATE_VERSION
    assert [r.targets for r in pw.renaksi] == [(10, 10, 10, 10), (1, 2, 3, 4)]
    assert pw.renaksi[1].cells["target_tw3"] == "G3"


def test_write_template_to_a_path(tmp_path):
    path = tmp_path / "templat.xlsx"
    write_template(path, agency=AGENCY, year=2024, quarter=1, catalogue=CAT)
    assert read_workbook(path.read_bytes(), path.name, CAT).fingerprint.quarter == 1


def test_template_for_the_real_catalogue_and_registry_reads_back():
    cat = pytest.importorskip("indicators.catalogue").load_catalogue()
    agencies = pytest.importorskip("loaders.registry").load_registry()
    for agency_type in ("KL", "PROV", "KAB", "KOTA"):
        agency = next(a for a in agencies if a.agency_type == agency_type)
        data = template_bytes(agency=agency, prefill=None, catalogue=cat)
        pw = read_workbook(data, "t.xlsx", cat)
        assert [r.indicator_code for r in pw.indicators] == [i.code for i in template_indicators(cat, agency_type)]
        assert pw.indicators and pw.fingerprint.checksum_ok and pw.agency_code == agency.code
        assert [i.code for i in pw.issues] == ["file-empty"]


# ------------------------------------------------------------------------------ LibreOffice round trip

TYPED = {"AG_LAPOR": 87.5, "AG_OPINI_BPK": "WTP", "AG_SAKIP": 72.25, "TEM_KEM_P0": "8,25", "TEM_INV_REAL": 1234567.89}


@lo_source("roundtrip")
def _filled_template() -> bytes:
    def more(wb):
        ws = wb["Indikator"]
        ws["D12"], ws["G12"] = 7.0, "Target disesuaikan dengan RPJMD perubahan"
        ws["H9"] = "Data s.d. Juni"
        ws["I9"] = "https://bandung.go.id/lapor-tw2.pdf"
        wb[RENAKSI_SHEET]["I2"] = 9
    return fill_template(template_bytes(), TYPED, edit=more, renaksi=[{
        "Tema": "Digitalisasi Administrasi Pemerintahan", "Rencana Aksi": "Integrasi layanan",
        "Indikator Output": "Layanan terintegrasi", "Satuan": "layanan", "Target TW II": 2, "Realisasi TW Ini": 1,
        "Anggaran (Rp)": 50_000_000, "Realisasi Anggaran s.d. TW Ini (Rp)": 12_500_000,
        "Fokus Intervensi": "Teknologi dan Informasi"}])


def test_filled_template_survives_a_libreoffice_resave():
    data = resaved("roundtrip")
    pw = read_workbook(data, "32.73_2024_TW2.xlsx", CAT)
    assert pw.issues == []
    assert (pw.agency_code, pw.agency_name, pw.year, pw.quarter) == ("32.73", "Kota Bandung", 2024, 2)
    fp = pw.fingerprint
    assert (fp.template_version, fp.agency_code, fp.year, fp.quarter, fp.checksum_ok) == (
        TEMPLATE_VERSION, "32.73", 2024, 2, True)
    got = {r.indicator_code: (r.value_text if r.value is None else r.value) for r in pw.indicators}
    assert got == {**TYPED, "TEM_KEM_P0": 8.25}
    p0 = pw.indicators[3]
    assert (p0.target, p0.target_reason) == (7.0, "Target disesuaikan dengan RPJMD perubahan")
    lapor = pw.indicators[0]
    assert (lapor.note, lapor.evidence_url, lapor.previous) == ("Data s.d. Juni", "https://bandung.go.id/lapor-tw2.pdf",
                                                                 80.0)
    assert [(r.theme, r.realisation, r.budget_realisation) for r in pw.renaksi] == [
        ("kemiskinan", 9, 30_000_000), ("digitalisasi", 1, 12_500_000)]
    assert pw.renaksi[1].targets == (None, 2, None, None) and pw.renaksi[1].cells["realisation"] == "I3"
    # what LibreOffice keeps of the template itself
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["_pantaurb"].sheet_state == "hidden" and wb["Indikator"].protection.sheet
    assert not wb["Indikator"]["F9"].protection.locked and wb["Indikator"]["A9"].protection.locked
    assert dv_for(wb["Indikator"], "F11").type == "decimal"
