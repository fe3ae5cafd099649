"""The catalogue as an xlsx workbook that ministry staff can edit, and back.

`export_catalogue_xlsx(cat, path_or_buffer)` writes six sheets: Petunjuk (instructions, Indonesian and
English), Indikator (one row per indicator), Target (one row per target version), Seri (one row per
published national figure), Tema and Periode. Header rows are bold and frozen; enum columns carry
drop-down validations.

`import_catalogue_xlsx(path_or_bytes)` reads such a workbook (columns found by header name, so their
order may change and extra columns are ignored) and validates it exactly like `load_catalogue`. A
`CatalogueError` names the file, the indicator, the sheet and cell (`Indikator!F7`) and the key.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.xlsx_text import put
from indicators.catalogue import (
    AGENCY_TYPES, AGGREGATIONS, CONFIDENCES, DIRECTIONS, LEVELS, MEASUREMENTS, THEME_KINDS, VALUE_TYPES,
    Catalogue, CatalogueError, CatalogueProblem, _CELLS, build_catalogue, rules_from_text, rules_to_text,
)

SHEET_HELP, SHEET_INDICATORS, SHEET_TARGETS, SHEET_SERIES, SHEET_THEMES, SHEET_PERIODS = (
    "Petunjuk", "Indikator", "Target", "Seri", "Tema", "Periode")
VERSION_LABEL = "versi katalog / catalogue version"
MAX_ROWS = 2000  # rows covered by the drop-down validations

INDICATOR_COLUMNS = (
    "code", "theme", "level", "applies_to", "name", "name_en", "definition", "definition_en", "unit", "unit_en",
    "value_type", "direction", "measurement", "aggregation", "limit", "min_value", "max_value", "decimals",
    "legal_basis", "data_source", "notes", "baseline_year", "baseline_value", "baseline_source",
    "baseline_confidence", "rules", "editor_notes", "rollup", "discontinued", "target_from", "target_basis")
# added later: older files lack them
OPTIONAL_COLUMNS = {"rollup", "discontinued", "target_from", "target_basis", "basis_code"}
TARGET_COLUMNS = ("indicator_code", "year", "version", "low", "high", "text", "effective_from", "basis", "source",
                  "confidence", "basis_code")
SERIES_COLUMNS = ("indicator_code", "year", "month", "value", "text", "source", "confidence", "note", "editor_note")
THEME_COLUMNS = ("code", "kind", "name", "name_en", "parent", "order")
PERIOD_COLUMNS = ("code", "name", "name_en", "start_year", "end_year", "baseline_year", "legal_basis")

NUMERIC = {"discontinued", "limit", "min_value", "max_value", "decimals", "baseline_year", "baseline_value", "year", "version",
           "low", "high", "month", "value", "start_year", "end_year", "order"}

# Drop-down lists: a fixed list, or a range on another sheet.
ENUMS: dict[str, dict[str, tuple[str, ...] | str]] = {
    SHEET_INDICATORS: {"theme": f"{SHEET_THEMES}!$A$2:$A${MAX_ROWS}", "level": LEVELS, "value_type": VALUE_TYPES,
                       "direction": DIRECTIONS, "measurement": MEASUREMENTS, "aggregation": AGGREGATIONS,
                       "baseline_confidence": CONFIDENCES},
    SHEET_TARGETS: {"indicator_code": f"{SHEET_INDICATORS}!$A$2:$A${MAX_ROWS}", "confidence": CONFIDENCES},
    SHEET_SERIES: {"indicator_code": f"{SHEET_INDICATORS}!$A$2:$A${MAX_ROWS}", "confidence": CONFIDENCES},
    SHEET_THEMES: {"kind": THEME_KINDS, "parent": f"{SHEET_THEMES}!$A$2:$A${MAX_ROWS}"},
    SHEET_PERIODS: {},
}

# Column dictionary for the Petunjuk sheet: (sheet, column, Indonesian, English)
COLUMN_HELP: tuple[tuple[str, str, str, str], ...] = (
    (SHEET_INDICATORS, "code", "Kode indikator tetap (huruf besar, angka, _). Jangan mengganti kode yang sudah terbit.",
     "Stable indicator code (upper case, digits, _). Never change a published code."),
    (SHEET_INDICATORS, "theme", "Kode tema dari lembar Tema.", "Theme code from the Tema sheet."),
    (SHEET_INDICATORS, "level", "national = satu angka nasional; agency = dilaporkan tiap instansi.",
     "national = one national figure; agency = reported by each agency."),
    (SHEET_INDICATORS, "applies_to", "Jenis instansi pelapor, dipisah koma: KL, PROV, KAB, KOTA (kosong untuk national).",
     "Agency types that report it, comma-separated: KL, PROV, KAB, KOTA (empty for national)."),
    (SHEET_INDICATORS, "name / name_en", "Nama indikator (Indonesia / Inggris).", "Indicator name (Indonesian / English)."),
    (SHEET_INDICATORS, "definition / definition_en",
     "Definisi satu kalimat; bila definisi resmi belum dicek, tulis 'Definisi resmi belum diverifikasi.'",
     "One-sentence definition; when the official definition was not checked, write 'Official definition not verified.'"),
    (SHEET_INDICATORS, "unit / unit_en", "Satuan.", "Unit."),
    (SHEET_INDICATORS, "value_type", "number (angka) atau category (mis. opini WTP).", "number or category (e.g. WTP opinion)."),
    (SHEET_INDICATORS, "direction", "higher_better, lower_better, atau band (target berupa rentang, mis. inflasi).",
     "higher_better, lower_better, or band (the target is a range, e.g. inflation)."),
    (SHEET_INDICATORS, "measurement", "snapshot (posisi), cumulative (bertambah sepanjang tahun), average (rata-rata).",
     "snapshot (level), cumulative (accumulates within the year), average."),
    (SHEET_INDICATORS, "aggregation", "Penggabungan antarinstansi: sum, mean, weighted_mean (sebut bobot di notes), median, none.",
     "How values combine across agencies: sum, mean, weighted_mean (name the weights in notes), median, none."),
    (SHEET_INDICATORS, "limit", "Batas alami ke arah lebih baik (100 untuk %, 5 untuk indeks 0–5, 0 untuk % yang makin rendah makin baik; kosong untuk Rp).",
     "Natural limit in the better direction (100 for %, 5 for 0–5 indices, 0 for lower-is-better %; empty for money)."),
    (SHEET_INDICATORS, "min_value / max_value", "Rentang wajar untuk validasi nilai.", "Plausible range used to validate values."),
    (SHEET_INDICATORS, "rules", "Aturan validasi, mis. 'scale=Rp miliar; categories=WTP/WDP/TW/TMP; capaian_max=300; "
                                "at_most=TEM_KEM_P0'. Kosong = diturunkan dari satuan.",
     "Validation rules, e.g. 'scale=Rp miliar; categories=WTP/WDP/TW/TMP; capaian_max=300; at_most=TEM_KEM_P0'. "
     "Empty = derived from the unit."),
    (SHEET_INDICATORS, "decimals", "Jumlah desimal tampilan.", "Display decimals."),
    (SHEET_INDICATORS, "legal_basis / data_source / notes", "Dasar hukum, produsen data, catatan (apa yang belum diketahui).",
     "Legal basis, data producer, notes (what is still unknown)."),
    (SHEET_INDICATORS, "editor_notes", "Catatan penyunting: keyakinan, keraguan, jejak penelusuran. Hanya tampil di halaman Katalog, ditandai sebagai catatan penyunting; tidak pernah tampil untuk instansi.",
     "Editors' notes: confidence, doubts, research trail. Shown only on the Katalog page, marked as editors' notes; never shown to agencies."),
    (SHEET_INDICATORS, "rollup", "false bila seri lain mewakili konsep yang sama dalam rekap (mis. kemiskinan Maret); kosong = true.",
     "false when another series represents the same concept in roll-ups (e.g. March poverty); blank = true."),
    (SHEET_INDICATORS, "discontinued", "Tahun pertama tanpa penilaian karena ukurannya dihentikan (mis. EoDB 2021).",
     "First year without a verdict because the measure was discontinued (e.g. EoDB 2021)."),
    (SHEET_INDICATORS, "target_from", "Kode indikator nasional yang targetnya dipakai (mis. inflasi daerah: NAT_INFL).",
     "National indicator whose targets judge this one (e.g. regional inflation: NAT_INFL)."),
    (SHEET_INDICATORS, "target_basis", "Dasar target yang dipakai untuk status, urutan pilihan (mis. rkp, rpjmn); kosong = bawaan katalog (rpjmn, roadmap, inpres, rkp, sectoral).",
     "Target bases that judge the status, preferred first (e.g. rkp, rpjmn); blank = the catalogue default (rpjmn, roadmap, inpres, rkp, sectoral)."),
    (SHEET_TARGETS, "basis_code", "Jenis dasar target: rpjmn, rkp (RKP/APBN), inpres, sectoral (rencana sektoral), roadmap; kosong = rpjmn. Beberapa dasar boleh ada untuk satu tahun.",
     "Kind of target basis: rpjmn, rkp (RKP/state budget), inpres, sectoral (sectoral plan), roadmap; blank = rpjmn. Several bases may coexist for one year."),
    (SHEET_INDICATORS, "baseline_*", "Nilai dasar: tahun, nilai, sumber, keyakinan (kosongkan semua bila tidak ada).",
     "Baseline: year, value, source, confidence (leave all empty when there is none)."),
    (SHEET_TARGETS, "indicator_code, year, version", "Satu baris per versi target. Target berubah = baris baru dengan version + 1; jangan menimpa.",
     "One row per target version. A changed target is a new row with version + 1; never overwrite."),
    (SHEET_TARGETS, "low / high", "Batas bawah dan atas (isi sama bila satu angka; band wajib low < high).",
     "Lower and upper bound (equal when a single number; a band needs low < high)."),
    (SHEET_TARGETS, "text", "Hanya untuk indikator kategori (mis. WTP).", "Only for category indicators (e.g. WTP)."),
    (SHEET_TARGETS, "effective_from", "Tanggal penetapan (YYYY-MM-DD); bila tidak diketahui 1 Jan awal periode dan sebut di basis.",
     "Date the figure was set (YYYY-MM-DD); when unknown Jan 1 of the period start, said in basis."),
    (SHEET_TARGETS, "basis / source / confidence", "Dasar (mis. RPJMN 2020–2024, PMK 101/PMK.010/2021); sumber sebagai 'penerbit | judul | tanggal | tautan | primary/secondary'; keyakinan high/medium/low. Berita = sumber sekunder (secondary) dan tidak boleh 'high'.",
     "Basis (e.g. RPJMN 2020–2024, PMK 101/PMK.010/2021); source as 'publisher | title | date | url | primary/secondary'; confidence high/medium/low. A news article is a secondary source and cannot be 'high'."),
    (SHEET_SERIES, "indicator_code, year, month", "Satu baris per angka nasional terbit; month 3/9 = putaran Maret/September, 12 = yoy Desember, kosong = tahunan.",
     "One row per published national figure; month 3/9 = March/September round, 12 = December yoy, empty = annual."),
    (SHEET_SERIES, "value / text", "value untuk indikator angka, text untuk kategori.", "value for number indicators, text for category ones."),
    (SHEET_SERIES, "source / confidence / note", "Sumber, keyakinan (high/medium/low), catatan.", "Source, confidence (high/medium/low), note."),
    (SHEET_THEMES, "code, kind, name, name_en, parent, order", "Tema: kind general/tematik/index; parent = tema induk (pdn dan inflasi di bawah prioritas_presiden).",
     "Themes: kind general/tematik/index; parent = parent theme (pdn and inflasi sit under prioritas_presiden)."),
    (SHEET_PERIODS, "code, …, baseline_year, legal_basis", "Periode peta jalan; menambah 2025-2029 cukup menambah satu baris.",
     "Road-map periods; adding 2025-2029 is one more row."),
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WIDE = {"name": 42, "name_en": 42, "definition": 60, "definition_en": 60, "notes": 70, "basis": 50, "source": 60,
         "legal_basis": 40, "data_source": 30, "baseline_source": 50, "note": 40, "unit": 18, "unit_en": 18}


# ------------------------------------------------------------------ export
def export_catalogue_xlsx(cat: Catalogue, path_or_buffer: str | Path | IO[bytes]) -> None:
    """Write `cat` as an editable workbook (to a path or a binary file object)."""
    wb = Workbook()
    _help_sheet(wb.active, cat)
    ind_rows, target_rows, series_rows = [], [], []
    for i in cat.indicators:
        ind_rows.append([i.code, i.theme, i.level, ", ".join(i.applies_to), i.name, i.name_en, i.definition,
                         i.definition_en, i.unit, i.unit_en, i.value_type, i.direction, i.measurement,
                         i.aggregation, i.limit, i.min_value, i.max_value, i.decimals, i.legal_basis,
                         i.data_source, i.notes, i.baseline_year, i.baseline_value, i.baseline_source,
                         i.baseline_confidence, rules_to_text(i.rules) or None, i.editor_notes,
                         None if i.rollup else "false", i.discontinued, i.target_from,
                         ", ".join(i.target_basis) or None])
        target_rows += [[i.code, t.year, t.version, t.low, t.high, t.text, t.effective_from, t.basis, t.source,
                         t.confidence, t.basis_code] for t in i.targets]
        series_rows += [[i.code, o.year, o.month, o.value, o.text, o.source, o.confidence, o.note, o.editor_note]
                        for o in i.series]
    _data_sheet(wb, SHEET_INDICATORS, INDICATOR_COLUMNS, ind_rows)
    _data_sheet(wb, SHEET_TARGETS, TARGET_COLUMNS, target_rows)
    _data_sheet(wb, SHEET_SERIES, SERIES_COLUMNS, series_rows)
    _data_sheet(wb, SHEET_THEMES, THEME_COLUMNS,
                [[t.code, t.kind, t.name, t.name_en, t.parent, t.order] for t in cat.themes])
    _data_sheet(wb, SHEET_PERIODS, PERIOD_COLUMNS,
                [[p.code, p.name, p.name_en, p.start_year, p.end_year, p.baseline_year, p.legal_basis]
                 for p in cat.periods])
    wb.save(path_or_buffer)


def _set(cell, value: Any) -> None:
    if isinstance(value, str):
        put(cell, value or None)   # text, never a formula
        return
    cell.value = value
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"


def _data_sheet(wb: Workbook, title: str, columns: tuple[str, ...], rows: list[list]) -> None:
    ws = wb.create_sheet(title)
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(1, c, name)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        ws.column_dimensions[get_column_letter(c)].width = _WIDE.get(name, max(12, len(name) + 2))
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _set(ws.cell(r, c), value)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    for name, allowed in ENUMS[title].items():
        col = get_column_letter(columns.index(name) + 1)
        formula = allowed if isinstance(allowed, str) else '"' + ",".join(allowed) + '"'
        choices = "lihat daftar / see the list" if isinstance(allowed, str) else ", ".join(allowed)
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                            errorTitle="Nilai tidak dikenal / Unknown value",
                            error=f"Pilih dari daftar / Pick from the list: {choices}"[:255])
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{MAX_ROWS}")


def _help_sheet(ws, cat: Catalogue) -> None:
    ws.title = SHEET_HELP
    bold = _HEADER_FONT
    lines: list[tuple[Any, ...]] = [
        ("Katalog indikator PantauRB / PantauRB indicator catalogue",),
        (),
        (VERSION_LABEL, cat.version),
        (),
        ("Cara menyunting (Bahasa Indonesia)",),
        ("1. Ubah nilai langsung di lembar Indikator, Target, Seri, Tema dan Periode. Jangan mengganti nama lembar "
         "atau judul kolom; urutan kolom boleh berubah, kolom tambahan diabaikan.",),
        ("2. Kolom berpanah (daftar pilihan) hanya menerima nilai dari daftar.",),
        ("3. Target yang berubah ditambahkan sebagai baris baru dengan version + 1 dan effective_from = tanggal "
         "penetapan; baris lama tidak dihapus.",),
        ("4. Jangan mengarang angka: setiap nilai wajib punya sumber (penerbit | judul | tanggal | tautan | "
         "primary/secondary) dan keyakinan (high/medium/low). Berita adalah sumber sekunder dan tidak boleh 'high'.",),
        ("5. Periksa berkas dengan: python -m loaders catalogue import BERKAS.xlsx (tambahkan --write untuk "
         "menyimpannya sebagai katalog yang berlaku). Kesalahan menyebut lembar dan sel, mis. Indikator!F7.",),
        (),
        ("How to edit (English)",),
        ("1. Change values directly in the Indikator, Target, Seri, Tema and Periode sheets. Do not rename sheets "
         "or column headers; column order may change, extra columns are ignored.",),
        ("2. Columns with a drop-down accept only values from the list.",),
        ("3. A changed target is added as a new row with version + 1 and effective_from = the date it was set; "
         "old rows are kept.",),
        ("4. Never invent a figure: every value needs a source (publisher | title | date | link | "
         "primary/secondary) and a confidence (high/medium/low). A news article is a secondary source and cannot "
         "be 'high'.",),
        ("5. Check the file with: python -m loaders catalogue import FILE.xlsx (add --write to save it as the "
         "catalogue in use). Problems name the sheet and cell, e.g. Indikator!F7.",),
        (),
        ("Lembar / sheet", "Kolom / column", "Keterangan", "Description"),
        *COLUMN_HELP,
        (),
        ("Nilai yang diizinkan / allowed values",),
        ("kind", ", ".join(THEME_KINDS)), ("level", ", ".join(LEVELS)), ("applies_to", ", ".join(AGENCY_TYPES)),
        ("value_type", ", ".join(VALUE_TYPES)), ("direction", ", ".join(DIRECTIONS)),
        ("measurement", ", ".join(MEASUREMENTS)), ("aggregation", ", ".join(AGGREGATIONS)),
        ("confidence", ", ".join(CONFIDENCES)),
    ]
    for r, line in enumerate(lines, start=1):
        for c, v in enumerate(line, start=1):
            ws.cell(r, c, v).alignment = Alignment(wrap_text=c > 2 or len(line) == 1, vertical="top")
    for r in (1, 5, 12, 19, 21 + len(COLUMN_HELP)):
        for c in range(1, 5):
            ws.cell(r, c).font = bold
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 34
    ws.column_dimensions["C"].width = 70
    ws.column_dimensions["D"].width = 70
    ws.freeze_panes = "A2"


# ------------------------------------------------------------------ import
def import_catalogue_xlsx(path_or_bytes: str | Path | bytes | IO[bytes], file_name: str | None = None) -> Catalogue:
    """Read an edited catalogue workbook and validate it like `load_catalogue`.

    Raises `CatalogueError`; each problem names the file, the indicator, the sheet and cell and the key."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        label, src = file_name or "katalog.xlsx", io.BytesIO(path_or_bytes)
    elif isinstance(path_or_bytes, (str, Path)):
        label, src = file_name or Path(path_or_bytes).name, path_or_bytes
    else:
        label, src = file_name or getattr(path_or_bytes, "name", "katalog.xlsx"), path_or_bytes
    try:
        wb = load_workbook(src, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a workbook we can read"
        raise CatalogueError([CatalogueProblem(
            label, "(katalog)", "", f"berkas tidak dapat dibaca sebagai .xlsx / file cannot be read as .xlsx ({exc})")])
    problems: list[CatalogueProblem] = []
    sheets = {}
    for title, columns in ((SHEET_INDICATORS, INDICATOR_COLUMNS), (SHEET_TARGETS, TARGET_COLUMNS),
                           (SHEET_SERIES, SERIES_COLUMNS), (SHEET_THEMES, THEME_COLUMNS),
                           (SHEET_PERIODS, PERIOD_COLUMNS)):
        sheets[title] = _read_sheet(wb, title, columns, label, problems)
    if problems:
        raise CatalogueError(problems)

    raw: dict[str, Any] = {"version": _version(wb, label, problems)}
    raw["periods"] = [row for row in sheets[SHEET_PERIODS]]
    raw["themes"] = [row for row in sheets[SHEET_THEMES]]
    indicators: list[dict] = []
    by_code: dict[str, dict] = {}
    for row in sheets[SHEET_INDICATORS]:
        cells = row[_CELLS]
        base = {k[len("baseline_"):]: row.pop(k) for k in list(row) if k.startswith("baseline_")}
        base[_CELLS] = {k[len("baseline_"):]: v for k, v in cells.items() if k.startswith("baseline_")}
        row["baseline"] = None if all(v is None for k, v in base.items() if k != _CELLS) else base
        row["targets"], row["series"] = [], []
        row["rules"] = rules_from_text(row.get("rules"))
        indicators.append(row)
        if isinstance(row.get("code"), str):
            by_code.setdefault(row["code"], row)
    raw["indicators"] = indicators
    for title, key in ((SHEET_TARGETS, "targets"), (SHEET_SERIES, "series")):
        for row in sheets[title]:
            code = row.pop("indicator_code")
            cell = row[_CELLS].pop("indicator_code")
            if code not in by_code:
                problems.append(CatalogueProblem(
                    label, str(code) if code is not None else "(katalog)", "indicator_code",
                    f"kode indikator {code!r} tidak ada di lembar {SHEET_INDICATORS} / indicator code {code!r} "
                    f"is not in the {SHEET_INDICATORS} sheet", cell))
                continue
            by_code[code][key].append(row)
    try:
        cat = build_catalogue(raw, label)
    except CatalogueError as exc:
        problems.extend(exc.problems)
        raise CatalogueError(problems) from None
    if problems:
        raise CatalogueError(problems)
    return cat


def _version(wb, label: str, problems: list[CatalogueProblem]) -> Any:
    if SHEET_HELP not in wb.sheetnames:
        return 1  # the instructions sheet is optional; version defaults to 1
    ws = wb[SHEET_HELP]
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 60), max_col=2):
        if isinstance(row[0].value, str) and row[0].value.strip().lower() == VERSION_LABEL:
            v = _number(row[1].value)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                problems.append(CatalogueProblem(label, "(katalog)", "version",
                                                 f"harus bilangan bulat ≥ 1 / must be a whole number ≥ 1, bukan/not "
                                                 f"{row[1].value!r}", f"{SHEET_HELP}!{row[1].coordinate}"))
                return 1
            return v
    return 1


def _read_sheet(wb, title: str, columns: tuple[str, ...], label: str,
                problems: list[CatalogueProblem]) -> list[dict]:
    if title not in wb.sheetnames:
        problems.append(CatalogueProblem(label, "(katalog)", title,
                                         f"lembar '{title}' tidak ditemukan / sheet '{title}' not found "
                                         f"(ada/present: {', '.join(wb.sheetnames)})"))
        return []
    ws = wb[title]
    header = next(ws.iter_rows(min_row=1, max_row=1), ())
    index: dict[str, int] = {}
    for cell in header:
        name = str(cell.value).strip().lower() if cell.value is not None else ""
        if not name:
            continue
        if name in index:
            problems.append(CatalogueProblem(label, "(katalog)", name,
                                             "kolom muncul dua kali / column appears twice",
                                             f"{title}!{cell.coordinate}"))
        index[name] = cell.column - 1
    missing = [c for c in columns if c not in index and c not in OPTIONAL_COLUMNS]
    for name in missing:
        problems.append(CatalogueProblem(label, "(katalog)", name,
                                         f"kolom '{name}' tidak ada di baris judul / column '{name}' is missing "
                                         f"from the header row", f"{title}!1"))
    if missing:
        return []
    rows = []
    for excel_row in ws.iter_rows(min_row=2):
        values = {name: (excel_row[i] if i < len(excel_row) else None) for name, i in index.items() if name in columns}
        if all(_clean(c.value if c is not None else None, n) is None for n, c in values.items()):
            continue
        item: dict[str, Any] = {}
        cells: dict[str, str] = {}
        for name, cell in values.items():
            item[name] = _clean(cell.value if cell is not None else None, name)
            if cell is not None:
                cells[name] = f"{title}!{cell.coordinate}"
        item[_CELLS] = cells
        rows.append(item)
    return rows


def _clean(value: Any, name: str) -> Any:
    """A cell value as the YAML would hold it: blank → None, text trimmed, numbers as numbers."""
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
        return _number(value) if name in NUMERIC else value
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if name in NUMERIC:
            return _number(value)
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _number(v: Any) -> Any:
    """Whole numbers as int, other numbers as float; numeric text ('4,5', '45') converted; else unchanged."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        t = v.strip().replace("\u00a0", "").replace(" ", "")
        if "," in t and "." not in t:
            t = t.replace(",", ".")
        try:
            v = float(t)
        except ValueError:
            return v.strip()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


__all__ = ["export_catalogue_xlsx", "import_catalogue_xlsx", "INDICATOR_COLUMNS", "TARGET_COLUMNS",
           "SERIES_COLUMNS", "THEME_COLUMNS", "PERIOD_COLUMNS"]
