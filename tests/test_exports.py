"""Exports that travel: CSV (plain and Indonesian-locale), xlsx with numbers and a header block, chart PNGs
with a title block, file names in the reader's language."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from indicators import briefing, charts
from indicators import queries as Q
from ui import format as F

FRAME = pd.DataFrame({"nama": ["Kota Bandung", "=HYPERLINK(\"x\")"], "capaian": [83.52941176470588, 1714.2],
                      "jumlah": [3, 1200], "link": ["./instansi?agency=32.73", "https://bps.go.id/x"]})


def test_csv_plain_is_rounded_with_absolute_links():
    text = F.to_csv_bytes(FRAME, "plain", "https://pantau.example").decode("utf-8-sig")
    assert text.splitlines()[0] == "nama,capaian,jumlah,link"
    assert "83.5294," in text and "83.52941176" not in text
    assert "https://pantau.example/instansi?agency=32.73" in text and "./instansi" not in text
    assert "'=HYPERLINK" in text  # formulas neutralised


def test_csv_indonesian_locale_semicolon_decimal_comma_bom():
    raw = F.to_csv_bytes(FRAME, "id", "https://pantau.example")
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "nama;capaian;jumlah;link"
    assert lines[1] == "Kota Bandung;83,5294;3;https://pantau.example/instansi?agency=32.73"
    assert lines[2].split(";")[1:3] == ["1714,2", "1200"]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_indonesian_csv_opens_in_libreoffice_with_correct_numbers(tmp_path):
    src = tmp_path / "data_id.csv"
    src.write_bytes(F.to_csv_bytes(FRAME, "id"))
    # Import filter options: separator ';' (59), text quote '"' (34), UTF-8 (76), from line 1, language id-ID (1057).
    run = subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--infilter=CSV:59,34,76,1,,1057", "--convert-to", "xlsx", "--outdir", str(tmp_path),
                          str(src)], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    ws = openpyxl.load_workbook(tmp_path / "data_id.xlsx").active
    assert [c.value for c in ws[1]] == ["nama", "capaian", "jumlah", "link"]
    assert ws["B2"].value == pytest.approx(83.5294) and ws["B3"].value == pytest.approx(1714.2)
    assert ws["C3"].value == 1200 and isinstance(ws["C3"].value, (int, float))
    assert ws["A2"].value == "Kota Bandung"


def test_xlsx_has_header_block_and_numeric_cells_with_formats():
    header = [("Judul", "PantauRB — Capaian"), ("Periode", "TW III 2024"), ("Sumber", "PantauRB"),
              ("Dibuat", "1 Desember 2026"), ("Filter", "year=2024, quarter=3"), ("", "Data sintetis (demo)")]
    wb = openpyxl.load_workbook(io.BytesIO(F.to_xlsx_bytes(FRAME, header=header, base_url="https://h")))
    ws = wb.active
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(1, 6)] == [
        ("Judul", "PantauRB — Capaian"), ("Periode", "TW III 2024"), ("Sumber", "PantauRB"), ("Dibuat", "1 Desember 2026"),
        ("Filter", "year=2024, quarter=3")]
    assert [c.value for c in ws[8]] == ["nama", "capaian", "jumlah", "link"]
    assert ws.freeze_panes == "A9"
    assert ws["B9"].value == pytest.approx(83.52941176470588) and ws["B9"].number_format == "#,##0.0#"
    assert ws["C10"].value == 1200 and ws["C10"].number_format == "#,##0"
    assert ws["A10"].value.startswith("'=") and ws["A10"].data_type == "s"
    assert ws["D9"].value == "https://h/instansi?agency=32.73"


def test_briefing_xlsx_values_and_targets_are_numbers(seeded_con):
    ind, themes = Q.final_indicator_results(seeded_con, "2020-2024"), Q.final_theme_results(seeded_con, "2020-2024")
    wb = openpyxl.load_workbook(io.BytesIO(briefing.briefing_xlsx(ind, themes, period_name="RB 2020–2024", lang="en")))
    ws = wb["Indicators"]
    header = [c.value for c in ws[1]]
    vcol, tcol = header.index("Final value") + 1, header.index("Target") + 1
    values = [ws.cell(r, vcol).value for r in range(2, ws.max_row + 1)]
    numeric = [v for v in values if isinstance(v, (int, float))]
    assert numeric and not any(isinstance(v, str) and any(ch.isdigit() for ch in v) and "," in v for v in values)
    targets = [ws.cell(r, tcol) for r in range(2, ws.max_row + 1)]
    assert any(isinstance(c.value, (int, float)) and c.number_format in ("#,##0", "#,##0.0#") for c in targets)


def test_chart_png_title_block():
    chart = charts.status_count_chart(pd.DataFrame({"theme_label": ["A", "A"], "status": ["on_track", "deterioration"],
                                                    "n": [2, 1]}), "id")
    titled = charts.with_caption(chart, "Indikator per status", ["Periode: TW III 2024", "Satuan: indikator",
                                                                  "Sumber: PantauRB", "Data sintetis (demo)"])
    spec = titled.to_dict()
    assert spec["title"]["text"] == "Indikator per status"
    assert spec["title"]["subtitle"] == ["Periode: TW III 2024", "Satuan: indikator", "Sumber: PantauRB",
                                         "Data sintetis (demo)"]
    plain, with_title = F.chart_png(chart, 1.0), F.chart_png(chart, 1.0, "Indikator per status",
                                                             ["Periode: TW III 2024", "Sumber: PantauRB"])
    from PIL import Image
    h0, h1 = Image.open(io.BytesIO(plain)).size[1], Image.open(io.BytesIO(with_title)).size[1]
    assert h1 > h0 + 30  # the title block takes room above the chart, it does not overlap it


def test_labels_on_a_nullable_integer_column_with_gaps():
    """Series months (Int32 with missing values) become labels without a dtype error."""
    import pandas as pd
    from ui.format import per_value
    months = pd.Series([3, None, 9], dtype="Int32")
    assert per_value(months, lambda v: "" if v is None else f"M{v}").tolist() == ["M3", "", "M9"]


# ------------------------------------------------------------------ the final report in English
def _indicator_sheet(data: bytes, sheet: str, *columns: str) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    header = [c.value for c in ws[1]]
    at = [header.index(c) for c in columns]
    return [tuple(row[i] for i in at) for row in ws.iter_rows(min_row=2, values_only=True)]


def _final_frames(db_path):
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return Q.final_indicator_results(con, "2020-2024"), Q.final_theme_results(con, "2020-2024")
    finally:
        con.close()


def test_english_final_report_xlsx_gives_every_unit_in_english(tmp_path):
    """National figures of the real catalogue (e.g. '% penduduk' -> '% of population', 'Rp triliun' ->
    'IDR trillion'): the English workbook carries `unit_en`, the Indonesian one `unit`."""
    from indicators.catalogue import load_catalogue
    from loaders import api
    cat = load_catalogue()
    db = tmp_path / "p.duckdb"
    api.init_database(db)
    ind, themes = _final_frames(db)
    english = _indicator_sheet(briefing.briefing_xlsx(ind, themes, period_name="RB 2020–2024", lang="en"),
                               "Indicators", "Code", "Unit")
    assert english
    differ = {c for c, _ in english if (cat.by_code[c].unit_en or cat.by_code[c].unit) != cat.by_code[c].unit}
    assert {"NAT_POV_MAR", "NAT_INV_REAL"} <= differ  # the check can tell the languages apart
    assert [u for _, u in english] == [cat.by_code[c].unit_en or cat.by_code[c].unit for c, _ in english]
    indonesian = _indicator_sheet(briefing.briefing_xlsx(ind, themes, period_name="RB 2020–2024", lang="id"),
                                  "Indikator", "Kode", "Satuan")
    assert [u for _, u in indonesian] == [cat.by_code[c].unit for c, _ in indonesian]


def test_english_final_report_xlsx_agency_rows_use_english_units_and_words(tmp_path, seeded_db_path):
    db = tmp_path / "p.duckdb"
    shutil.copyfile(seeded_db_path, db)   # a copy: the units are edited below
    import duckdb
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE indicators SET unit_en = 'EN ' || unit")
        english_units = dict(con.execute("SELECT indicator_code, unit_en FROM indicators").fetchall())
    finally:
        con.close()
    ind, themes = _final_frames(db)
    rows = _indicator_sheet(briefing.briefing_xlsx(ind, themes, period_name="P", lang="en"), "Indicators",
                            "Code", "Scope", "Unit", "Source", "Confidence")
    agency = [r for r in rows if r[1] != "National"]
    assert agency and all(unit == english_units[code] for code, _, unit, _, _ in rows)
    assert all(src.endswith(" agency reports") for _, _, _, src, _ in agency)
    assert not any("laporan" in str(src) for _, _, _, src, _ in rows)
    indonesian = _indicator_sheet(briefing.briefing_xlsx(ind, themes, period_name="P", lang="id"), "Indikator",
                                  "Kode", "Cakupan", "Sumber", "Tingkat keandalan sumber")
    assert all(src.endswith(" laporan instansi") for _, scope, src, _ in indonesian if scope != "Nasional")
    assert {c for *_, c in indonesian} - {None} <= {"tinggi", "sedang", "rendah"}
