"""The workbook reader: one tiny workbook per problem code, hand-typed layouts, hostile files, annotation."""

import io
import os
from pathlib import Path
import random

import openpyxl
import pytest

from loaders.annotate import annotate_workbook
from loaders.issues import Issue
from loaders.sheets import MAX_TEXT
from loaders.template import write_template
from loaders.workbook import UnsafeWorkbook, check_xlsx, parse_quarter, read_workbook
from xlsx_helpers import (
    Fmt,
    comment_bomb,
    edit_zip,
    fill_template,
    lo_source,
    make_agency,
    make_workbook,
    resaved,
    sample_catalogue,
)

CAT = sample_catalogue()

HEADER_BLOCK = [["Laporan Triwulanan RB"], [],
                ["Kode Instansi", "32.73"], ["Nama Instansi", "Kota Bandung"], ["Tahun", 2024], ["Triwulan", 2], []]
TITLES = ["Kode Indikator", "Nama Indikator", "Satuan", "Target 2024", "Realisasi TW Sebelumnya", "Realisasi",
          "Alasan Perubahan Target", "Keterangan", "Bukti Dukung (URL)"]
SAKIP = ["AG_SAKIP", "Nilai SAKIP", "skor", 70, 65, 72.5, None, None, "https://bandung.go.id/sakip.pdf"]
RENAKSI_TITLES = ["Tema", "Rencana Aksi", "Indikator Output", "Satuan", "Target TW1", "Target TW2", "Target TW3",
                  "Target TW4", "Realisasi TW Ini", "Anggaran (Rp)", "Realisasi Anggaran s.d. TW Ini (Rp)",
                  "Fokus Intervensi", "Koordinator", "Pelaksana", "Kendala", "Rencana Tindak Lanjut"]
RENAKSI_ROW = ["Pengentasan Kemiskinan", "Pemutakhiran DTKS", "Kelurahan dengan data mutakhir", "kelurahan",
               10, 10, 10, 10, 9, 120_000_000, 55_000_000, "Teknologi dan Informasi", "Bappeda", "Diskominfo", "", ""]


def book(rows=(SAKIP,), *, header=HEADER_BLOCK, titles=TITLES, renaksi=(RENAKSI_ROW,), sheets=None) -> bytes:
    """A hand-made workbook: header block in rows 1-7, column titles in row 8, data from row 9."""
    content = {"Indikator": [list(r) for r in header] + [list(titles)] + [list(r) for r in rows],
               "Rencana Aksi": [list(RENAKSI_TITLES)] + [list(r) for r in renaksi or ()]}
    content.update(sheets or {})
    return make_workbook({k: v for k, v in content.items() if v is not None})


def read(data: bytes, name: str = "laporan.xlsx"):
    return read_workbook(data, name, CAT)


def flat(pw):
    return [[i.code, i.sheet, i.cell] for i in pw.issues]


def with_value(value, row=SAKIP, col=5):
    changed = list(row)
    changed[col] = value
    return changed


# ------------------------------------------------------------------------------- a good hand-made file

def test_a_plain_workbook_reads_without_issues():
    pw = read(book())
    assert flat(pw) == []
    assert (pw.agency_code, pw.agency_name, pw.year, pw.quarter) == ("32.73", "Kota Bandung", 2024, 2)
    assert pw.header_cells == {"agency_code": "B3", "agency_name": "B4", "year": "B5", "quarter": "B6"}
    assert pw.fingerprint is None
    assert pw.size == len(book()) and len(pw.sha256) == 64
    (row,) = pw.indicators
    assert (row.row, row.indicator_code, row.target, row.previous, row.value) == (9, "AG_SAKIP", 70, 65, 72.5)
    assert row.evidence_url == "https://bandung.go.id/sakip.pdf"
    assert row.cells["value"] == "F9" and row.cells["target"] == "D9" and row.raw["value"] == 72.5
    (plan,) = pw.renaksi
    assert (plan.row, plan.theme, plan.targets, plan.realisation, plan.budget_realisation) == (
        2, "kemiskinan", (10, 10, 10, 10), 9, 55_000_000)
    assert plan.cells["realisation"] == "I2" and plan.intervention_focus == "Teknologi dan Informasi"


def test_hand_typed_workbook_with_inserted_rows_english_titles_and_odd_case_loads():
    header = [["Dinas Komunikasi dan Informatika"], ["Laporan RB"], [],
              ["AGENCY CODE", 32], [" agency name ", "Provinsi Jawa Barat"], ["Year", "2024"], ["quarter:", "TW II"],
              [], ["(diisi oleh operator)"]]
    titles = ["indicator  CODE", "Indicator", "unit", "ANNUAL TARGET", "previous quarter", " Realisation ",
              "Target Change Reason", "notes", "Evidence URL", "Kolom tambahan"]
    rows = [["AG_SAKIP", "Nilai SAKIP", "skor", "70", "65", "72,5", "", "", "", "x"],
            [],
            ["AG_OPINI_BPK", "Opini BPK", "opini", "WTP", "WDP", "WTP"],
            ["", "Kepala Bagian Organisasi"]]                      # a signature under the table
    renaksi_titles = ["theme", "ACTION PLAN", "Output Indicator", "Unit", "Target Q1", "Target Q2", "Target Q3",
                      "Target Q4", "Realisation", "Budget", "Budget Realisation", "Intervention Focus"]
    data = make_workbook({
        "INDIKATOR": header + [titles] + rows,
        "rencana aksi": [[], [], renaksi_titles, ["poverty alleviation", "Pendataan", "Data", "dok", 1, 1, 1, 1, 1,
                                                  "Rp 5.000.000", "1.500.000", "Inovasi"],
                         ["Tema instansional", "Inovasi layanan", "Aplikasi", "aplikasi", 0, 1, 0, 0, 1]],
    })
    pw = read(data)
    assert flat(pw) == []
    assert (pw.agency_code, pw.agency_name, pw.year, pw.quarter) == ("32", "Provinsi Jawa Barat", 2024, 2)
    assert pw.header_cells["agency_code"] == "B4"
    sakip, opini = pw.indicators
    assert (sakip.row, sakip.target, sakip.previous, sakip.value) == (11, 70, 65, 72.5)
    assert sakip.cells["value"] == "F11"
    assert (opini.row, opini.value_text, opini.target_text, opini.value) == (13, "WTP", "WTP", None)
    assert [r.theme for r in pw.renaksi] == ["kemiskinan", "Tema instansional"]
    assert pw.renaksi[0].budget == 5_000_000 and pw.renaksi[0].budget_realisation == 1_500_000
    assert pw.renaksi[0].row == 4


def test_agency_codes_keep_their_text_and_numeric_region_codes_are_rendered_as_codes():
    def code(value):
        header = [list(r) for r in HEADER_BLOCK]
        header[2] = ["Kode Instansi", value]
        return read(book(header=header)).agency_code
    assert [code("32.73"), code("0123"), code(32.0), code(32.1), code("KL-PANRB")] == [
        "32.73", "0123", "32", "32.10", "KL-PANRB"]


@pytest.mark.parametrize("text", [1, 2.0, "3", "TW2", "TW II", "tw-4", "Q2", "II", "Triwulan III", "IV"])
def test_quarter_forms_people_write_are_accepted(text):
    assert parse_quarter(text) in {1, 2, 3, 4}


def test_blank_rows_are_skipped_and_twenty_blank_rows_end_the_table():
    rows = [SAKIP, [], [], ["AG_LAPOR", "LAPOR", "%", 90, 80, 85]] + [[]] * 20 + [["AG_IKPA", "x", "", 1, 1, 1]]
    pw = read(book(rows=rows))
    assert [(r.indicator_code, r.row) for r in pw.indicators] == [("AG_SAKIP", 9), ("AG_LAPOR", 12)]


def test_evidence_shown_as_a_link_text_gives_the_link_target():
    wb = openpyxl.load_workbook(io.BytesIO(book()))
    wb["Indikator"]["I9"] = "Bukti"
    wb["Indikator"]["I9"].hyperlink = "https://bandung.go.id/bukti.pdf"
    buf = io.BytesIO()
    wb.save(buf)
    assert read(buf.getvalue()).indicators[0].evidence_url == "https://bandung.go.id/bukti.pdf"


# ----------------------------------------------------------------------------------------- numbers

def test_indonesian_number_text_reads_as_the_number():
    assert read(book(rows=[with_value("12,5")])).indicators[0].value == 12.5


@pytest.mark.parametrize("fmt", ["0.0%", "0.00%", "0%"])
def test_percent_formatted_cell_holding_a_fraction_reads_as_percent(fmt):
    pw = read(book(rows=[with_value(Fmt(0.125, fmt))]))
    assert flat(pw) == [] and pw.indicators[0].value == 12.5


def test_percent_format_does_not_touch_plain_cells_or_text():
    pw = read(book(rows=[with_value(Fmt("12,5%", "0.0%"), row=with_value(Fmt(0.7, "0.00"), col=3))]))
    assert (pw.indicators[0].value, pw.indicators[0].target) == (12.5, 0.7)


# ------------------------------------------------------------------------------ one test per issue code

def test_not_a_number():
    pw = read(book(rows=[with_value("delapan")]))
    assert flat(pw) == [["not-a-number", "Indikator", "F9"]]
    issue = pw.issues[0]
    assert (issue.column, issue.value, issue.file) == ("Realisasi", "delapan", "laporan.xlsx")
    assert pw.indicators[0].value is None and pw.indicators[0].raw["value"] == "delapan"


def test_ambiguous_number_gives_both_readings():
    pw = read(book(rows=[with_value("1.234")]))
    assert flat(pw) == [["ambiguous-number", "Indikator", "F9"]]
    assert pw.issues[0].value == "1.234"                                 # as typed
    assert "1234 atau 1,234" in pw.issues[0].message("id")              # one thousand ... or one point ...
    assert "1234 or 1.234" in pw.issues[0].message("en")                # each in the reader's own marks


def test_formula_without_cached_value():
    pw = read(book(rows=[with_value("=70+2.5")]))       # openpyxl writes formulas with no cached value
    assert flat(pw) == [["formula-without-value", "Indikator", "F9"]]


def test_percent_out_of_range_in_a_percent_formatted_cell():
    pw = read(book(rows=[with_value(Fmt(85, "0%"))]))   # 85 typed into a % cell shows as 8500%
    assert flat(pw) == [["percent-out-of-range", "Indikator", "F9"]]
    assert pw.issues[0].value == "8500"
    assert "8.500%" in pw.issues[0].message("id") and "8,500%" in pw.issues[0].message("en")


def test_text_too_long():
    row = list(SAKIP)
    row[7] = "x" * (MAX_TEXT + 1)
    pw = read(book(rows=[row]))
    assert flat(pw) == [["text-too-long", "Indikator", "H9"]]
    assert pw.issues[0].params["length"] == MAX_TEXT + 1 and pw.issues[0].column == "Keterangan"


def test_missing_sheet():
    pw = read(book(sheets={"Rencana Aksi": None}))
    assert flat(pw) == [["missing-sheet", "Rencana Aksi", None]]
    assert "Indikator" in pw.issues[0].message("en")


def test_missing_indicator_sheet_is_reported_too():
    pw = read(make_workbook({"Sheet1": [["x"]], "Rencana Aksi": [RENAKSI_TITLES]}))
    assert flat(pw) == [["missing-sheet", "Indikator", None]]


def test_header_not_found():
    pw = read(book(titles=["Nomor", "Uraian", "Nilai Akhir"]))
    assert flat(pw) == [["header-not-found", "Indikator", None]]
    assert pw.issues[0].column == "Kode Indikator"


def test_missing_column():
    titles = [t if t != "Realisasi" else "Capaian" for t in TITLES]
    pw = read(book(titles=titles))
    assert flat(pw) == [["missing-column", "Indikator", "A8"]]
    assert pw.issues[0].column == "Realisasi" and pw.issues[0].message("en").endswith("(row 8). Add the column "
                                                                                     "back from the template.")


def test_ambiguous_column():
    pw = read(book(titles=TITLES + ["Actual"], rows=[SAKIP + [1]]))
    assert flat(pw) == [["ambiguous-column", "Indikator", "J8"]]
    assert pw.issues[0].column == "Actual"


def test_missing_header_field_when_the_label_is_absent_or_the_value_empty():
    header = [r for r in HEADER_BLOCK if r[:1] != ["Tahun"]] + [[]]
    assert flat(read(book(header=header))) == [["missing-header-field", "Indikator", "B5"]]
    header = [list(r) for r in HEADER_BLOCK]
    header[3] = ["Nama Instansi", None]
    assert flat(read(book(header=header))) == [["missing-header-field", "Indikator", "B4"]]


def test_invalid_quarter():
    header = [list(r) for r in HEADER_BLOCK]
    header[5] = ["Triwulan", "TW5"]
    pw = read(book(header=header))
    assert flat(pw) == [["invalid-quarter", "Indikator", "B6"]]
    assert pw.issues[0].value == "TW5" and pw.quarter is None


def test_file_empty():
    rows = [with_value(None)]
    pw = read(book(rows=rows, renaksi=()))
    assert flat(pw) == [["file-empty", "Indikator", None]]


def test_template_modified_when_a_column_title_changed(template):
    def rename(wb):
        wb["Indikator"]["H8"] = "Catatan"          # an accepted alias, so the file is still read
    pw = read(fill_template(template, {"AG_SAKIP": 72.5}, edit=rename))
    assert flat(pw) == [["template-modified", None, None]]
    assert pw.fingerprint.checksum_ok is False and pw.indicators[2].value == 72.5


def test_file_unsafe_for_a_far_cell():
    pw = read(far_cell(book()))
    assert flat(pw) == [["file-unsafe", None, None]]
    assert "exceeds" in pw.issues[0].params["reason"]


def test_file_unreadable_for_random_bytes():
    pw = read(random.Random(1).randbytes(3000))
    assert flat(pw) == [["file-unreadable", None, None]]


def test_formula_error_and_cached_formula_value_after_libreoffice():
    pw = read(resaved("formulas"))
    assert flat(pw) == [["formula-error", "Indikator", "F10"]]
    assert pw.issues[0].value == "#DIV/0!" and pw.issues[0].column == "Realisasi"
    assert pw.indicators[0].value == 72.5                # =70+2.5 with LibreOffice's cached value


@lo_source("formulas")
def _formulas() -> bytes:
    return book(rows=[with_value("=70+2.5"), ["AG_LAPOR", "LAPOR", "%", 90, 80, "=1/0"]])


# ------------------------------------------------------------------------------------- hostile files

def far_cell(data: bytes, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """Add one cell at XFD1048576: python-calamine would try to allocate 512 GiB and abort the process."""
    return edit_zip(data, sheet, lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'))


def no_address_wide_row(data: bytes) -> bytes:
    cells = b'<c t="n"><v>1</v></c>' * 300
    return edit_zip(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        b"</sheetData>", b"<row>" + cells + b"</row></sheetData>"))


def billion_laughs(data: bytes) -> bytes:
    dtd = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    return edit_zip(data, "xl/worksheets/sheet1.xml",
                    lambda xml: dtd + xml.replace(b"<v>72.5</v>", b"<v>&lol2;</v>"))


def bomb(data: bytes) -> bytes:
    padding = b"<!--" + b" " * 3_000_000 + b"-->"
    return edit_zip(data, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"<sheetData>", padding + b"<sheetData>"))


def huge_shared_string_count(data: bytes) -> bytes:
    """uniqueCount="4000000000": calamine reserves 96 GB for the string table and aborts the process."""
    sst = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           b'count="1" uniqueCount="+4000000000"><si><t>x</t></si></sst>')
    rel = (b'<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
           b'officeDocument/2006/relationships/sharedStrings"/></Relationships>')
    data = edit_zip(data, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(b"</Relationships>", rel))
    return edit_zip(data, "xl/_rels/workbook.xml.rels", lambda xml: xml, add={"xl/sharedStrings.xml": sst})


def half_cut_sheet(data: bytes) -> bytes:
    return edit_zip(data, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])


HOSTILE = {
    "random bytes": (lambda d: random.Random(7).randbytes(5000), "file-unreadable"),
    "empty file": (lambda d: b"", "file-unreadable"),
    "xls or encrypted (OLE2)": (lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "file-unreadable"),
    "csv renamed": (lambda d: b"Kode Indikator;Realisasi\nAG_SAKIP;72,5\n", "file-unreadable"),
    "truncated zip": (lambda d: d[: len(d) // 2], "file-unreadable"),
    "zip without workbook.xml": (lambda d: edit_zip(d, "xl/workbook.xml", drop=True), "file-unreadable"),
    "half-cut sheet xml": (half_cut_sheet, "file-unreadable"),
    "DTD entity": (billion_laughs, "file-unsafe"),
    "far cell XFD1048576": (far_cell, "file-unsafe"),
    "300 cells without address": (no_address_wide_row, "file-unsafe"),
    "compression bomb": (bomb, "file-unsafe"),
    "shared strings count": (huge_shared_string_count, "file-unsafe"),
    "duplicate part": (lambda d: edit_zip(d, "xl/workbook.xml", lambda xml: xml,
                                         add={"xl/worksheets/sheet1.xml": b"<x/>"}), "file-unsafe"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_are_refused_with_one_issue_and_no_crash(name):
    make, code = HOSTILE[name]
    data = make(book())
    pw = read(data)
    assert flat(pw) == [[code, None, None]], pw.issues
    assert pw.issues[0].params["reason"]
    assert pw.indicators == [] and pw.renaksi == []
    assert "{" not in pw.issues[0].message("id")


@pytest.mark.parametrize("name", ["DTD entity", "far cell XFD1048576", "300 cells without address",
                                  "compression bomb", "shared strings count", "zip without workbook.xml",
                                  "random bytes"])
def test_check_xlsx_raises_unsafe_workbook(name):
    with pytest.raises(UnsafeWorkbook):
        check_xlsx(HOSTILE[name][0](book()))


def test_check_xlsx_accepts_the_template_and_hand_made_files(template):
    check_xlsx(template)
    check_xlsx(book())


def test_far_cell_in_a_libreoffice_style_dimension_is_refused_too():
    data = edit_zip(book(), "xl/worksheets/sheet1.xml",
                    lambda xml: xml.replace(b'<dimension ref="A1:I9"', b'<dimension ref="A1:XFD1048576"'))
    with pytest.raises(UnsafeWorkbook):
        check_xlsx(data)


# ---------------------------------------------------------------------------------------- annotation

@pytest.fixture(scope="module")
def template() -> bytes:
    buf = io.BytesIO()
    write_template(buf, agency=make_agency(), year=2024, quarter=2, catalogue=CAT)
    return buf.getvalue()


def test_annotate_marks_problem_cells_and_lists_them_first(template):
    data = fill_template(template, {"AG_SAKIP": "delapan", "AG_LAPOR": 85})
    pw = read(data)
    issues = pw.issues + [
        Issue("missing-evidence", file="laporan.xlsx", sheet="Indikator", cell="I9", value="AG_LAPOR"),
        Issue("template-modified", file="laporan.xlsx"),                        # no sheet, no cell
        Issue("file-empty", file="laporan.xlsx", sheet="Tidak Ada", cell="A1"),   # sheet does not exist
        Issue("not-a-number", file="laporan.xlsx", sheet="Indikator", cell="bukan-sel"),
    ]
    out = annotate_workbook(data, issues)
    wb = openpyxl.load_workbook(io.BytesIO(out))
    assert wb.sheetnames[0] == "Masalah" and wb.active.title == "Masalah"
    ind = wb["Indikator"]
    error_cell, warning_cell = ind["F11"], ind["I9"]
    assert error_cell.fill.fgColor.rgb.endswith("F4A6A6") and error_cell.comment.text.startswith("KESALAHAN")
    assert warning_cell.fill.fgColor.rgb.endswith("FFF2A8") and warning_cell.comment.text.startswith("PERINGATAN")
    assert "not a number" in error_cell.comment.text and "bukan angka" in error_cell.comment.text
    assert error_cell.border.left.style == "thick" and warning_cell.border.left.style == "dashed"
    assert ind.protection.sheet is True
    listed = [row for row in wb["Masalah"].iter_rows(min_row=4, values_only=True)]
    assert [r[2] for r in listed] == ["not-a-number", "file-empty", "not-a-number", "missing-evidence",
                                      "template-modified"]
    assert listed[0][1] == "KESALAHAN" and listed[0][3] == "Indikator!F11" and listed[0][5] == "delapan"
    assert wb["Masalah"]["D4"].hyperlink.location == "'Indikator'!F11"
    # the agency fixes the annotated file and uploads it again: it is still the same template
    fixed = read(out)
    assert fixed.fingerprint.checksum_ok and [i.code for i in fixed.issues] == ["not-a-number"]


def test_annotate_in_english_and_again_on_an_annotated_file(template):
    data = fill_template(template, {"AG_SAKIP": "delapan"})
    issue = read(data).issues
    once = annotate_workbook(data, issue, lang="en")
    twice = annotate_workbook(once, issue, lang="en")
    wb = openpyxl.load_workbook(io.BytesIO(twice))
    assert wb.sheetnames.count("Problems") == 1 and wb.sheetnames[0] == "Problems"
    assert wb["Problems"]["B4"].value == "ERROR"
    assert wb["Indikator"]["F11"].comment.text.startswith("KESALAHAN / ERROR")


def test_annotating_again_clears_marks_of_fixed_cells(template):
    data = fill_template(template, {"AG_SAKIP": "delapan", "AG_LAPOR": "abc"})
    once = annotate_workbook(data, read(data).issues)
    fixed = fill_template(once, {"AG_SAKIP": 72.5}, column="Realisasi")
    twice = annotate_workbook(fixed, read(fixed).issues)
    ind = openpyxl.load_workbook(io.BytesIO(twice))["Indikator"]
    assert ind["F11"].comment is None and ind["F11"].fill.fgColor.rgb == "00000000"
    assert ind["F9"].comment.text.startswith("KESALAHAN") and ind["F9"].comment.text.count("KESALAHAN") == 1
    assert "Nilai SAKIP" in ind["B11"].comment.text          # the template's own notes stay


def test_annotate_with_no_issues_still_gives_a_valid_workbook(template):
    wb = openpyxl.load_workbook(io.BytesIO(annotate_workbook(template, [])))
    assert wb.sheetnames[0] == "Masalah"


# ------------------------------------------------------------------ parts only openpyxl parses (issue 21.2)
def test_a_comment_bomb_is_refused_before_reading_with_a_message_in_both_languages(template):
    data = comment_bomb(template)                       # ~590 KB, 120,000 comments
    assert len(data) < 700_000
    [issue] = read(data).issues
    assert issue.code == "file-too-complex"
    assert "terlalu banyak komentar sel (paling banyak 10.000)" in issue.message("id")
    assert "too many cell comments (at most 10,000)" in issue.message("en")
    assert "templat PantauRB yang baru" in issue.message("id") and "fresh PantauRB template" in issue.message("en")


@pytest.mark.parametrize("part, change, what", [
    ("xl/styles.xml", lambda x: x.replace(b"</fonts>", b"".join(b"<font><sz val='%d'/></font>" % i
                                                                for i in range(130_000)) + b"</fonts>"),
     "too many XML elements"),
    ("xl/drawings/commentsDrawing1.vml", lambda x: x.replace(b"</xml>", b"<v:shape/>" * 30_000 + b"</xml>"),
     "drawing shapes"),
])
def test_styles_and_drawings_are_bounded_by_the_guard(template, part, change, what):
    data = edit_zip(template, part, change)
    with pytest.raises(UnsafeWorkbook, match=what.replace(".", r"\.")):
        check_xlsx(data)
    assert read(data).issues[0].code == "file-too-complex"


MEMORY_PROBE = """
import json, sys
from loaders import api
from loaders.issues import Report
from loaders.workbook import read_workbook
from indicators.catalogue import load_catalogue

def status(key):
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith(key)) * 1024

data = open(sys.argv[1], "rb").read()
cat = load_catalogue()
api.annotate_bytes(b"", Report("warm.xlsx"), "id")       # imports loaded before the baseline
before = status("VmRSS")
report = Report("bom.xlsx", read_workbook(data, "bom.xlsx", cat).issues)
out = api.annotate_bytes(data, report, "en")
open(sys.argv[2], "wb").write(out)
print(json.dumps({"growth": status("VmHWM") - before, "codes": [i.code for i in report.issues]}))
"""


def test_the_annotated_copy_of_a_hostile_file_never_grows_the_server_process(template, tmp_path):
    """Issue 21.2: the annotated download of a ~590 KB comment bomb took a server process from 395 MB to
    1 165 MB. The process that serves the page (here: a fresh interpreter doing what the upload page does)
    stays within +100 MB, and the user gets the problem list with the refusal in both languages."""
    import json
    import subprocess
    import sys
    bomb, out = tmp_path / "bom.xlsx", tmp_path / "annotated.xlsx"
    bomb.write_bytes(comment_bomb(template))
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(bomb), str(out)], cwd=root, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout.strip().splitlines()[-1])
    assert probe["growth"] < 100 * 2**20, probe
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Problems"]
    assert wb["Problems"]["C4"].value == "file-too-complex"
    assert "Your file could not be copied safely" in wb["Problems"]["A2"].value
    assert "Berkas Anda tidak dapat disalin" in wb["Problems"]["A2"].value


def test_a_child_out_of_memory_gives_the_problem_list_not_a_failure(template, monkeypatch):
    """Defence in depth: a file the guard lets through but that still exhausts the child's memory limit."""
    from loaders import api, isolated
    from loaders.issues import Report
    with pytest.raises(isolated.LimitExceeded):
        isolated.run("loaders.annotate:annotate_workbook", template, [], "id", memory=48 << 20)
    monkeypatch.setattr(isolated, "MEMORY_LIMIT", 48 << 20)
    issue = Issue("missing-evidence", file="laporan.xlsx", sheet="Indikator", cell="I9", value="AG_LAPOR")
    wb = openpyxl.load_workbook(io.BytesIO(api.annotate_bytes(template, Report("laporan.xlsx", [issue]), "id")))
    assert wb.sheetnames == ["Masalah"] and wb["Masalah"]["C4"].value == "missing-evidence"
    assert "tidak dapat disalin dengan aman" in wb["Masalah"]["A2"].value


def test_a_child_that_runs_too_long_is_stopped():
    from loaders import isolated
    with pytest.raises(isolated.LimitExceeded, match="within"):
        isolated.run("time:sleep", 30, seconds=2)


@pytest.mark.parametrize("name", ["random bytes", "far cell XFD1048576", "half-cut sheet xml"])
def test_annotating_an_unreadable_file_gives_just_the_problem_list(name):
    data = HOSTILE[name][0](book())
    wb = openpyxl.load_workbook(io.BytesIO(annotate_workbook(data, read(data).issues)))
    assert wb.sheetnames == ["Masalah"] and wb["Masalah"]["C4"].value in {"file-unsafe", "file-unreadable"}


# ------------------------------------------------------------------ formulas that reach outside (issue 21.7)
@pytest.mark.parametrize("formula", ['=WEBSERVICE("http://198.51.100.7/nilai")', "=[1]Data!B2",
                                     "='C:\\Laporan\\[rekap.xlsx]Data'!B2", "=cmd|' /C calc'!A0"])
def test_a_formula_that_reaches_outside_the_file_is_refused_where_it_is(template, formula):
    data = fill_template(template, {"AG_SAKIP": 80, "AG_LAPOR": formula})
    found = [i for i in read(data).issues if i.code == "external-formula"]
    assert len(found) == 1
    issue = found[0]
    assert issue.severity == "error" and issue.sheet == "Indikator" and issue.cell and issue.file == "laporan.xlsx"
    assert issue.value == formula
    assert f"Sel {issue.cell} di lembar 'Indikator'" in issue.message("id") and "Tempel Spesial > Nilai" in issue.message("id")
    assert f"Cell {issue.cell} in sheet 'Indikator'" in issue.message("en") and "Paste Special > Values" in issue.message("en")


def test_ordinary_formulas_are_not_refused(template):
    data = fill_template(template, {"AG_SAKIP": "=40*2", "AG_LAPOR": "=SUM(Indikator!F9:F9)"})
    assert not [i for i in read(data).issues if i.code.startswith("external")]


def test_a_link_to_another_workbook_is_refused(template):
    link = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></externalLink>')
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
            b'Target="https://198.51.100.7/rekap.xlsx" TargetMode="External"/></Relationships>')
    data = edit_zip(fill_template(template, {"AG_SAKIP": 80}), "", add={
        "xl/externalLinks/externalLink1.xml": link, "xl/externalLinks/_rels/externalLink1.xml.rels": rels})
    [issue] = [i for i in read(data).issues if i.code == "external-link"]
    assert issue.severity == "error" and issue.value == "https://198.51.100.7/rekap.xlsx"
    assert "Putuskan Tautan" in issue.message("id") and "Break Link" in issue.message("en")
