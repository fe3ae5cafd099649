"""Write the quarterly workbook an agency downloads, fills in and uploads again.

The layout comes from `loaders.sheets` (the same declarations the reader uses); the META sheet carries the
fingerprint whose checksum `loaders.workbook.structure_checksum` recomputes on upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import texts
from loaders.sheets import (
    HEADER_FIELDS,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    INSTRUCTIONS_SHEET,
    INTERVENTION_FOCUS,
    META_SHEET,
    RENAKSI_COLUMNS,
    RENAKSI_SHEET,
    TEMPLATE_VERSION,
    RenaksiRow,
)
from indicators.xlsx_text import put
from loaders.workbook import structure_checksum

TITLE_ROW = 1
HEADER_BLOCK_ROW = 3          # A3:B6
INDICATOR_HEADER_ROW = 8
RENAKSI_HEADER_ROW = 1
RENAKSI_EMPTY_ROWS = 40
NUMBER_FORMAT = "#,##0.00"
SHEET_NAMES = (INSTRUCTIONS_SHEET, INDICATOR_SHEET, RENAKSI_SHEET, META_SHEET)

_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LOCKED, _UNLOCKED = Protection(locked=True), Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")

# One named style per kind of cell: assigning a name is ~5x cheaper in openpyxl than setting protection,
# border, fill and format one by one on each of the ~1,000 cells of a template.
CELL_STYLES = {
    "pr_in_number": dict(protection=_UNLOCKED, border=_BORDER, number_format=NUMBER_FORMAT),
    "pr_in_textfmt": dict(protection=_UNLOCKED, border=_BORDER, number_format="@"),
    "pr_in_text": dict(protection=_UNLOCKED, border=_BORDER, alignment=_WRAP),
    "pr_in_plain": dict(protection=_UNLOCKED, border=_BORDER),
    "pr_lock_number": dict(protection=_LOCKED, border=_BORDER, fill=_LOCKED_FILL, number_format=NUMBER_FORMAT),
    "pr_lock_textfmt": dict(protection=_LOCKED, border=_BORDER, fill=_LOCKED_FILL, number_format="@"),
    "pr_lock_text": dict(protection=_LOCKED, border=_BORDER, fill=_LOCKED_FILL, alignment=_WRAP),
    "pr_lock_plain": dict(protection=_LOCKED, border=_BORDER, fill=_LOCKED_FILL),
}


def _register_styles(wb) -> None:
    for name, kw in CELL_STYLES.items():
        if name not in wb.named_styles:
            wb.add_named_style(NamedStyle(name=name, **kw))


def _style_name(editable: bool, kind: str) -> str:
    """kind: number | textfmt | text | plain"""
    return f"pr_{'in' if editable else 'lock'}_{kind}"

MEASUREMENT_HINTS = {
    "cumulative": ("Kumulatif: isi nilai sejak 1 Januari sampai akhir triwulan ini.",
                   "Cumulative: enter the value from 1 January to the end of this quarter."),
    "snapshot": ("Posisi: isi nilai terakhir (posisi akhir triwulan ini).",
                 "Snapshot: enter the latest value (as at the end of this quarter)."),
    "average": ("Rata-rata: isi rata-rata sejak awal tahun sampai akhir triwulan ini.",
                "Average: enter the average from the start of the year to the end of this quarter."),
}


@dataclass
class TemplatePrefill:
    """Values carried into a new template, keyed by indicator code (usually last quarter's submission)."""

    targets: dict[str, float | str | None] = field(default_factory=dict)
    previous: dict[str, float | str | None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    renaksi: list[RenaksiRow] = field(default_factory=list)
    values: dict[str, float | str | None] = field(default_factory=dict)   # realisations (demo, tests)
    previous_period: dict[str, object] = field(default_factory=dict)   # code -> (2024, 2) of `previous`
    evidence_hint: dict[str, tuple[str, object]] = field(default_factory=dict)   # code -> (last link, period)
    renaksi_done: dict[str, float] = field(default_factory=dict)    # plan id -> realisation so far this year
    justification: dict[str, str] = field(default_factory=dict)     # typed confirmations (demo, tests)
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)  # band indicators: (lower, upper)


def template_indicators(catalogue, agency_type: str) -> list:
    """The agency-level indicators that apply to `agency_type`, sorted by theme (catalogue order) then code."""
    order = {t.code: (getattr(t, "order", 0), t.code) for t in getattr(catalogue, "themes", ()) or ()}
    chosen = [i for i in catalogue.indicators
              if i.level == "agency" and agency_type in tuple(i.applies_to or ())]
    return sorted(chosen, key=lambda i: (order.get(i.theme, (10**6, i.theme)), i.code))


def category_options(indicator) -> tuple[str, ...]:
    """Allowed answers of a categorical indicator: the declared `rules.categories` of the catalogue (the
    same list `loaders.checks` accepts)."""
    rules = getattr(indicator, "rules", None)
    return tuple(getattr(rules, "categories", ()) or ())


def tematik_theme_names(catalogue) -> list[str]:
    """The Rencana Aksi theme dropdown: `Catalogue.action_plan_themes`, the list the check accepts."""
    return [t.name for t in catalogue.action_plan_themes()]


def period_texts(period) -> tuple[str, str]:
    """A carried value's quarter as the ministry writes it: (2024, 2) -> ('TW II 2024', 'Q2 2024'). The
    older 'TW2-2024' form is read the same way; anything else is shown as it is."""
    if isinstance(period, str):
        m = re.fullmatch(r"\s*TW\s*([1-4])\s*-\s*(\d{4})\s*", period)
        if not m:
            return period, period
        period = (int(m.group(2)), int(m.group(1)))
    year, quarter = period
    return texts.quarter_label(year, quarter, "id"), texts.quarter_label(year, quarter, "en")


def column_titles(year: int) -> tuple[list[str], list[str]]:
    """The column titles the template writes on the Indikator and Rencana Aksi sheets."""
    ind = [f"{c.title} {year}" if c.field == "target" else c.title for c in INDICATOR_COLUMNS]
    return ind, [c.title for c in RENAKSI_COLUMNS]


def write_template(out: str | BinaryIO, *, agency, year: int, quarter: int, catalogue,
                   prefill: TemplatePrefill | None = None) -> None:
    """Write the workbook for one agency and quarter to `out` (a path or a binary buffer)."""
    prefill = prefill or TemplatePrefill()
    indicators = template_indicators(catalogue, agency.agency_type)
    wb = Workbook()
    _register_styles(wb)
    help_ws = wb.active
    help_ws.title = INSTRUCTIONS_SHEET
    ind_ws = wb.create_sheet(INDICATOR_SHEET)
    ren_ws = wb.create_sheet(RENAKSI_SHEET)
    meta_ws = wb.create_sheet(META_SHEET)

    lists = _write_meta_lists(wb, meta_ws, catalogue, indicators)
    _write_instructions(help_ws, agency, year, quarter)
    _write_indicators(ind_ws, agency, year, quarter, indicators, prefill, lists)
    _write_renaksi(ren_ws, catalogue, prefill, lists)

    ind_titles, ren_titles = column_titles(year)
    checksum = structure_checksum(TEMPLATE_VERSION, SHEET_NAMES, [labels[0] for labels in HEADER_FIELDS.values()],
                                  ind_titles + ren_titles, [i.code for i in indicators])
    for r, (key, value) in enumerate((("template_version", TEMPLATE_VERSION), ("agency_code", str(agency.code)),
                                      ("year", int(year)), ("quarter", int(quarter)), ("checksum", checksum)),
                                     start=2):
        meta_ws.cell(r, 1, key)
        cell = put(meta_ws.cell(r, 2), value)
        if isinstance(value, str):
            cell.number_format = "@"
    meta_ws.cell(1, 1, "key")
    meta_ws.cell(1, 2, "value")
    meta_ws.sheet_state = "hidden"     # LibreOffice turns veryHidden into hidden anyway (tech-notes §5)

    for ws in (help_ws, ind_ws, ren_ws, meta_ws):
        ws.protection.sheet = True     # against accidents only; there is no password
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    ren_ws.protection.insertRows = False
    wb.active = 0
    wb.save(out)


# ------------------------------------------------------------------------------------------- sheets

def _write_meta_lists(wb: Workbook, ws, catalogue, indicators) -> dict[str, str]:
    """Dropdown lists on the META sheet, each behind a defined name; returns list key -> name."""
    lists: dict[str, tuple[str, list[str]]] = {
        "theme": ("PRB_Tema", tematik_theme_names(catalogue)),
        "focus": ("PRB_Fokus", list(INTERVENTION_FOCUS)),
    }
    for n, ind in enumerate(i for i in indicators if getattr(i, "value_type", "number") == "category"):
        options = list(category_options(ind))
        if options:
            lists[ind.code] = (f"PRB_Kategori_{n + 1}", options)
    names = {}
    for offset, (key, (name, values)) in enumerate(lists.items()):
        col = 4 + offset
        ws.cell(1, col, key)
        for r, value in enumerate(values, start=2):
            put(ws.cell(r, col), value).number_format = "@"
        if values:
            letter = get_column_letter(col)
            wb.defined_names[name] = DefinedName(
                name, attr_text=f"'{META_SHEET}'!${letter}$2:${letter}${len(values) + 1}")
            names[key] = name
    return names


def _header_cell(cell, text: str) -> None:
    cell.value = text
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    cell.protection = _LOCKED


def _write_indicators(ws, agency, year, quarter, indicators, prefill: TemplatePrefill, lists) -> None:
    ws.cell(TITLE_ROW, 1, "Laporan Triwulanan Capaian Indikator Reformasi Birokrasi (PantauRB)").font = Font(
        bold=True, size=14)
    ws.cell(TITLE_ROW + 1, 1, "Quarterly bureaucratic-reform indicator report. Petunjuk/Instructions: see the "
                              f"'{INSTRUCTIONS_SHEET}' sheet.").font = Font(italic=True, color="595959")
    values = {"agency_code": str(agency.code), "agency_name": agency.name, "year": int(year),
              "quarter": int(quarter)}
    for offset, (fld, (label, _label_en)) in enumerate(HEADER_FIELDS.items()):
        r = HEADER_BLOCK_ROW + offset
        ws.cell(r, 1, label).font = Font(bold=True)
        cell = put(ws.cell(r, 2), values[fld])
        if fld == "agency_code":
            cell.number_format = "@"   # '32.73' must stay text, never the number 32.73
        cell.alignment = Alignment(horizontal="left")

    ind_titles, _ = column_titles(year)
    for c, (col, title) in enumerate(zip(INDICATOR_COLUMNS, ind_titles), start=1):
        _header_cell(ws.cell(INDICATOR_HEADER_ROW, c, None), title)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.row_dimensions[INDICATOR_HEADER_ROW].height = 32

    position = {col.field: c for c, col in enumerate(INDICATOR_COLUMNS, start=1)}
    editable = {"target", "value", "target_reason", "note", "evidence_url", "justification"}
    band_fields = ("target_low", "target_high")
    numeric_dv: dict[tuple, DataValidation] = {}
    list_dv: dict[str, DataValidation] = {}
    first = INDICATOR_HEADER_ROW + 1
    for r, ind in enumerate(indicators, start=first):
        categorical = getattr(ind, "value_type", "number") == "category"
        band = is_band(ind)
        low, high = prefill.bands.get(ind.code, (None, None)) if band else (None, None)
        row_values = {"indicator_code": ind.code, "indicator_name": ind.name, "unit": ind.unit,
                      "target": None if band else prefill.targets.get(ind.code),
                      "target_low": low, "target_high": high, "previous": prefill.previous.get(ind.code),
                      "value": prefill.values.get(ind.code), "target_reason": None, "note": None,
                      "evidence_url": prefill.evidence.get(ind.code),
                      "justification": prefill.justification.get(ind.code)}
        for fld, c in position.items():
            if fld in ("target", "previous", "value") + band_fields:
                kind = "textfmt" if categorical else "number"
            elif fld in ("indicator_name", "target_reason", "note", "justification"):
                kind = "text"
            else:
                kind = "plain"
            # a band indicator's target is its two bounds; every other indicator's the single Target cell
            may_edit = (band if fld in band_fields else (fld in editable and not (band and fld == "target")))
            put(ws.cell(r, c), row_values[fld]).style = _style_name(may_edit, kind)
        ws.cell(r, position["indicator_name"]).comment = _indicator_comment(ind)
        if ind.code in prefill.previous_period and prefill.previous.get(ind.code) is not None:
            when_id, when_en = period_texts(prefill.previous_period[ind.code])
            ws.cell(r, position["previous"]).comment = _note(
                f"Nilai terakhir yang diterima: {when_id}.\nLatest accepted value: {when_en}.")
        if ind.code in prefill.evidence_hint and not prefill.evidence.get(ind.code):
            url, period = prefill.evidence_hint[ind.code]
            when_id, when_en = period_texts(period)
            ws.cell(r, position["evidence_url"]).comment = _note(
                f"Tautan sebelumnya ({when_id}): {url}\nIsi tautan bukti untuk triwulan ini; salin tautan lama "
                f"hanya bila dokumennya masih membuktikan nilai sekarang.\nPrevious link ({when_en}); enter this "
                f"quarter's evidence.")
        if band:
            ws.cell(r, position["target_low"]).comment = _note(BAND_NOTE)
        cells = [f"{get_column_letter(position[fld])}{r}" for fld in (band_fields if band else ("target",)) + ("value",)]
        if categorical:
            name = lists.get(ind.code)
            if name:
                if name not in list_dv:
                    list_dv[name] = DataValidation(
                        type="list", formula1=name, allow_blank=True, showErrorMessage=True,
                        errorTitle="Pilihan tidak valid / Invalid choice",
                        error="Pilih dari daftar. / Choose from the list.")
                for ref in cells:
                    list_dv[name].add(ref)
        else:
            low = getattr(ind, "min_value", None)
            high = getattr(ind, "max_value", None)
            key = (low, high, getattr(ind, "measurement", ""))
            if key not in numeric_dv:
                numeric_dv[key] = _decimal_validation(low, high, getattr(ind, "measurement", ""))
            for ref in cells:
                numeric_dv[key].add(ref)
    for dv in list(numeric_dv.values()) + list(list_dv.values()):
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(first, position["target"])


BAND_NOTE = ("Target instansi berupa rentang: isi batas bawah di sini dan batas atas di kolom sebelah (mis. 1,5 dan "
             "3,5). Kosongkan keduanya untuk memakai rentang nasional.\nThe agency's target is a band: enter the "
             "lower bound here and the upper bound next to it (e.g. 1.5 and 3.5). Leave both empty to use the "
             "national band.")


def is_band(indicator) -> bool:
    """Indicators judged against a band (direction `band`): their target is a lower and an upper bound."""
    return getattr(indicator, "direction", "") == "band" and getattr(indicator, "value_type", "number") != "category"


def _decimal_validation(low, high, measurement: str) -> DataValidation:
    lo = -1e15 if low is None else low
    hi = 1e15 if high is None else high
    hint_id, hint_en = MEASUREMENT_HINTS.get(measurement, ("", ""))
    dv = DataValidation(type="decimal", operator="between", formula1=_num(lo), formula2=_num(hi),
                        allow_blank=True, showErrorMessage=True, showInputMessage=bool(hint_id),
                        errorTitle="Harus angka / Must be a number",
                        error=(f"Isi angka antara {_num(lo)} dan {_num(hi)}, tanpa satuan. / "
                               f"Enter a number between {_num(lo)} and {_num(hi)}, no unit.")[:255])
    if hint_id:
        dv.promptTitle = "Realisasi"
        dv.prompt = f"{hint_id} / {hint_en}"[:255]
    return dv


def _num(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def _note(text: str) -> Comment:
    comment = Comment(text[:1500], "PantauRB")
    comment.width, comment.height = 320, 120
    return comment


def _indicator_comment(ind) -> Comment:
    parts = [ind.name]
    if getattr(ind, "name_en", ""):
        parts.append(f"({ind.name_en})")
    parts.append(f"Satuan / unit: {ind.unit}" + (" — tulis dalam satuan ini, tanpa 'Rp' / in this unit, without 'Rp'"
                                                  if getattr(getattr(ind, "rules", None), "rupiah_factor", None) else ""))
    if getattr(ind, "definition", ""):
        parts.append(ind.definition)
    hint = MEASUREMENT_HINTS.get(getattr(ind, "measurement", ""))
    if hint:
        parts.append(hint[0] + " / " + hint[1])
    comment = Comment("\n".join(parts)[:1500], "PantauRB")
    comment.width, comment.height = 320, 180
    return comment


def _write_renaksi(ws, catalogue, prefill: TemplatePrefill, lists) -> None:
    for c, col in enumerate(RENAKSI_COLUMNS, start=1):
        _header_cell(ws.cell(RENAKSI_HEADER_ROW, c, None), col.title)
        ws.column_dimensions[get_column_letter(c)].width = col.width
    ws.row_dimensions[RENAKSI_HEADER_ROW].height = 45
    theme_names = {t.code: t.name for t in getattr(catalogue, "themes", ()) or ()}
    first = RENAKSI_HEADER_ROW + 1
    rows = list(prefill.renaksi)
    last = first + len(rows) + RENAKSI_EMPTY_ROWS - 1
    realisation_col = next(c for c, col in enumerate(RENAKSI_COLUMNS, start=1) if col.field == "realisation")
    for r in range(first, last + 1):
        item = rows[r - first] if r - first < len(rows) else None
        values = _renaksi_values(item, theme_names) if item else {}
        for c, col in enumerate(RENAKSI_COLUMNS, start=1):
            carried_id = col.field == "plan_id" and bool(values.get("plan_id"))
            put(ws.cell(r, c), values.get(col.field)).style = _style_name(
                not carried_id, "number" if col.kind == "number" else "textfmt" if col.field == "plan_id" else "text")
        if item is not None and item.plan_id in prefill.renaksi_done:
            ws.cell(r, realisation_col).comment = _note(
                f"Realisasi s.d. triwulan lalu: {prefill.renaksi_done[item.plan_id]:g} (dijumlahkan per ID rencana "
                f"aksi). Isi realisasi triwulan ini saja.\nRealised up to last quarter: "
                f"{prefill.renaksi_done[item.plan_id]:g}; enter this quarter only.")
    position = {col.field: get_column_letter(c) for c, col in enumerate(RENAKSI_COLUMNS, start=1)}
    for key, fld in (("theme", "theme"), ("focus", "intervention_focus")):
        if key in lists:
            dv = DataValidation(type="list", formula1=lists[key], allow_blank=True, showErrorMessage=True,
                                errorStyle="warning", errorTitle="Di luar daftar / Not in the list",
                                error="Pilih dari daftar. / Choose from the list.")
            dv.add(f"{position[fld]}{first}:{position[fld]}{last}")
            ws.add_data_validation(dv)
    numbers = DataValidation(type="decimal", operator="between", formula1="-1000000000000000",
                             formula2="1000000000000000", allow_blank=True, showErrorMessage=True,
                             errorTitle="Harus angka / Must be a number",
                             error="Isi angka saja, tanpa satuan. / Enter a number only, no unit.")
    for col in RENAKSI_COLUMNS:
        if col.kind == "number":
            numbers.add(f"{position[col.field]}{first}:{position[col.field]}{last}")
    ws.add_data_validation(numbers)
    ws.freeze_panes = ws.cell(first, 3)


def _renaksi_values(item: RenaksiRow, theme_names: dict[str, str]) -> dict[str, object]:
    targets = tuple(item.targets) + (None,) * (4 - len(item.targets))
    return {"theme": theme_names.get(item.theme, item.theme), "action_plan": item.action_plan,
            "output_indicator": item.output_indicator, "unit": item.unit,
            "target_tw1": targets[0], "target_tw2": targets[1], "target_tw3": targets[2], "target_tw4": targets[3],
            "realisation": item.realisation,        # None when carried over: this quarter starts empty
            "budget": item.budget, "budget_realisation": item.budget_realisation,
            "intervention_focus": item.intervention_focus, "coordinator": item.coordinator,
            "implementer": item.implementer, "obstacles": item.obstacles, "follow_up": item.follow_up,
            "plan_id": item.plan_id or None}


def _write_instructions(ws, agency, year: int, quarter: int) -> None:
    ws.column_dimensions["A"].width = 120
    r = 1
    for kind, text in _instruction_lines(agency, year, quarter):
        cell = put(ws.cell(r, 1), text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.protection = _LOCKED
        if kind == "title":
            cell.font = Font(bold=True, size=14)
        elif kind == "head":
            cell.font = Font(bold=True)
        r += 1


def _instruction_lines(agency, year: int, quarter: int) -> list[tuple[str, str]]:
    who = f"{agency.name} ({agency.code})"
    return [
        ("title", f"Petunjuk pengisian — {who}, {texts.quarter_label(year, quarter, 'id', short=False)}"),
        ("text", "Templat ini dibuat khusus untuk instansi dan triwulan di atas. Jangan mengganti nama lembar, judul "
                 "kolom, atau kode indikator; sel abu-abu terkunci. Gunakan templat baru untuk setiap triwulan."),
        ("head", "1. Lembar 'Indikator'"),
        ("text", f"Isi kolom 'Realisasi' untuk setiap indikator. Di TW I isi atau periksa kolom 'Target {year}' "
                 "(target tahunan). Kolom 'Realisasi TW Sebelumnya' berisi nilai terakhir yang diterima (triwulannya "
                 "tertulis di komentar sel) dan hanya untuk perbandingan. Isi 'Keterangan' bila "
                 "datanya belum ada atau ada hal yang perlu dijelaskan, dan 'Bukti Dukung (URL)' dengan tautan "
                 "lengkap (https://...) ke dokumen pendukung."),
        ("text", "Target yang diubah setelah TW I wajib disertai alasan di kolom 'Alasan Perubahan Target'."),
        ("text", "Indikator yang targetnya berupa rentang (mis. inflasi 1,5–3,5%): isi 'Target Batas Bawah' dan "
                 "'Target Batas Atas' (keduanya, batas bawah tidak lebih besar dari batas atas); kolom 'Target' "
                 "baris itu terkunci. Kosongkan keduanya untuk dinilai dengan rentang nasional."),
        ("text", "Arti Realisasi menurut jenis pengukuran (lihat komentar pada nama indikator): "
                 "KUMULATIF = nilai sejak 1 Januari sampai akhir triwulan ini (year-to-date); "
                 "POSISI = nilai terakhir pada akhir triwulan ini; "
                 "RATA-RATA = rata-rata sejak awal tahun sampai akhir triwulan ini."),
        ("text", "Indikator kategori (mis. Opini BPK: WTP/WDP/TW/TMP): pilih dari daftar pada sel."),
        ("head", "2. Format angka"),
        ("text", "Tulis angka saja, tanpa satuan atau teks. Desimal memakai koma (12,5); pemisah ribuan titik "
                 "(1.234.567) atau tanpa pemisah (1234567). Persentase: tulis 85 atau 85% (bukan 0,85). "
                 "Nilai uang ditulis dalam satuan pada kolom 'Satuan' baris itu, tanpa 'Rp': Rp 1,5 triliun di "
                 "baris 'Rp miliar' ditulis 1.500; di baris 'Rp juta' ditulis 1.500.000. Kolom 'Anggaran (Rp)' dan "
                 "'Realisasi Anggaran s.d. TW Ini (Rp)' di lembar 'Rencana Aksi' ditulis dalam Rupiah penuh "
                 "(mis. 1500000). Rumus boleh dipakai, tetapi simpan berkas di Excel/LibreOffice sebelum mengunggah "
                 "agar nilainya tersimpan."),
        ("text", "Nilai yang sekitar seribu kali atau lebih berbeda dari nilai terakhir Anda atau dari median "
                 "instansi sejenis, atau yang capaiannya di atas 300% dari target, ditolak karena biasanya salah "
                 "satuan. Bila nilainya memang benar, tulis alasannya di kolom 'Konfirmasi Nilai (Alasan)' pada "
                 "baris itu; alasan disimpan bersama nilainya dan terlihat oleh analis."),
        ("head", "3. Lembar 'Rencana Aksi'"),
        ("text", "Satu baris per rencana aksi dan indikator output. Pilih 'Tema' dan 'Fokus Intervensi' dari daftar. "
                 "'Realisasi TW Ini' adalah capaian output pada triwulan ini saja (bukan kumulatif), sedangkan "
                 "'Realisasi Anggaran s.d. TW Ini (Rp)' adalah kumulatif sejak awal tahun sampai triwulan ini. "
                 "Jika realisasi belum sesuai target, isi 'Kendala' dan 'Rencana Tindak Lanjut'. "
                 "Baris baru boleh disisipkan; kosongkan kolom 'ID Rencana Aksi' untuk rencana aksi baru."),
        ("head", "4. Yang dibawa dari laporan sebelumnya"),
        ("text", "Templat ini diisi dari laporan Anda yang sudah diterima: (a) 'Realisasi TW Sebelumnya' = nilai "
                 "terakhir yang diterima untuk setiap indikator, dari triwulan mana pun (triwulan yang terlewat "
                 "tidak mengosongkannya); (b) target = target instansi yang berlaku tahun ini, atau target katalog; "
                 "(c) 'Bukti Dukung (URL)' dikosongkan, tautan sebelumnya ada di komentar sel sebagai petunjuk; "
                 "(d) setiap rencana aksi yang belum selesai (realisasi belum mencapai target tahunan) dibawa dengan "
                 "'ID Rencana Aksi' yang tetap. Jangan mengubah ID itu: realisasi dijumlahkan per ID antartriwulan. "
                 f"Target triwulan ('Target {texts.quarter_range(1, 4)}') dan anggaran hanya dibawa dalam tahun "
                 "yang sama."),
        ("head", "5. Menyimpan dan mengunggah"),
        ("text", "Simpan sebagai Excel Workbook (.xlsx), bukan .xls/.xlsm/.csv/.ods (berkas dengan makro ditolak), "
                 "dan tanpa kata sandi. Jangan menghapus lembar tersembunyi '_pantaurb'. Unggah melalui "
                 "halaman Unggah di dasbor PantauRB. Bila ada masalah, Anda menerima kembali berkas ini dengan sel "
                 "bermasalah ditandai dan lembar 'Masalah' yang menjelaskan cara memperbaikinya."),
        ("head", "6. Bantuan"),
        ("text", "Tabel masalah di halaman Unggah dan lembar 'Masalah' pada berkas bertanda menyebut sel, nilai yang "
                 "Anda tulis dan cara memperbaikinya. Bila masih ragu, hubungi Tim Reformasi Birokrasi instansi Anda "
                 "atau pengelola PantauRB di Kementerian PANRB."),
        ("text", ""),
        ("title", f"Instructions (English) — {who}, {texts.quarter_label(year, quarter, 'en', short=False)}"),
        ("text", "This template is made for the agency and quarter above. Do not rename sheets, column titles or "
                 "indicator codes; grey cells are locked. Use a new template every quarter."),
        ("head", "1. 'Indikator' sheet"),
        ("text", f"Fill in 'Realisasi' (realisation) for every indicator. In Q1 enter or check 'Target {year}' (the "
                 "annual target). 'Realisasi TW Sebelumnya' holds the latest accepted value (its quarter is in the cell's "
                 "comment) and is for comparison only. Use "
                 "'Keterangan' (notes) when data are missing or need explaining, and 'Bukti Dukung (URL)' for a "
                 "full link (https://...) to the supporting document."),
        ("text", "A target changed after Q1 needs a reason in 'Alasan Perubahan Target'."),
        ("text", "Indicators whose target is a band (e.g. inflation 1.5–3.5%): enter 'Target Batas Bawah' (lower "
                 "bound) and 'Target Batas Atas' (upper bound), both, lower not above upper; that row's 'Target' "
                 "cell is locked. Leave both empty to be judged against the national band."),
        ("text", "What Realisasi means by measurement type (see the comment on each indicator name): "
                 "CUMULATIVE = from 1 January to the end of this quarter (year to date); "
                 "SNAPSHOT = the latest value at the end of this quarter; "
                 "AVERAGE = the average from the start of the year to the end of this quarter."),
        ("text", "Categorical indicators (e.g. the BPK audit opinion: WTP/WDP/TW/TMP): choose from the cell's list."),
        ("head", "2. Number format"),
        ("text", "Enter numbers only, no unit or text. Decimals use a comma (12,5); thousands a dot (1.234.567) or "
                 "nothing (1234567). Percentages: 85 or 85% (not 0,85). Money in the unit of the row's 'Satuan' "
                 "column, without 'Rp': IDR 1.5 trillion in an 'Rp miliar' row is 1.500; in an 'Rp juta' row "
                 "1.500.000. 'Anggaran (Rp)' and 'Realisasi Anggaran s.d. TW Ini (Rp)' on the 'Rencana Aksi' sheet are "
                 "in full rupiah (e.g. 1500000). Formulas are fine, but save the file in Excel/LibreOffice before "
                 "uploading so their values are stored."),
        ("text", "A value about a thousand times or more away from your last value or from the median of agencies "
                 "of your type, or with an achievement above 300% of its target, is refused because it is usually a "
                 "unit slip. If it is right, write the reason in 'Konfirmasi Nilai (Alasan)' on that row; the reason "
                 "is stored with the value and shown to analysts."),
        ("head", "3. 'Rencana Aksi' (action plan) sheet"),
        ("text", "One row per action plan and output indicator. Choose 'Tema' (theme) and 'Fokus Intervensi' "
                 "(intervention focus) from the lists. 'Realisasi TW Ini' is this quarter's output only (not "
                 "cumulative), while 'Realisasi Anggaran s.d. TW Ini (Rp)' is the budget spent from the start of the "
                 "year to date. If behind target, fill in 'Kendala' (obstacles) and 'Rencana Tindak Lanjut' "
                 "(follow-up). You may insert rows; leave 'ID Rencana Aksi' empty for a new action plan."),
        ("head", "4. What is carried over from earlier reports"),
        ("text", "This template is prefilled from your accepted reports: (a) 'Realisasi TW Sebelumnya' = each "
                 "indicator's latest accepted value, from whatever quarter (a missed quarter does not empty it); "
                 "(b) targets = the agency's target in force this year, else the catalogue's; (c) 'Bukti Dukung "
                 "(URL)' is left empty, with the previous link in the cell's comment as a hint; (d) every action plan "
                 "not yet finished (realisation below its annual target) is carried with a fixed 'ID Rencana Aksi'. "
                 "Do not change the id: realisation is summed per id across quarters. Quarter targets ('Target "
                 f"{texts.quarter_range(1, 4)}') and budget carry over within the same year only."),
        ("head", "5. Saving and uploading"),
        ("text", "Save as Excel Workbook (.xlsx), not .xls/.xlsm/.csv/.ods (files with macros are refused), and "
                 "without a password. Do not delete the hidden '_pantaurb' sheet. Upload it on the "
                 "PantauRB dashboard's Upload page. If there are problems you get this file back with the problem "
                 "cells marked and a 'Masalah' sheet explaining how to fix each one."),
        ("head", "6. Help"),
        ("text", "The problem table on the Upload page and the 'Masalah' sheet of the marked file name the cell, the "
                 "value you typed and how to fix it. If in doubt, contact your agency's Bureaucratic Reform team or "
                 "the PantauRB administrators at the Ministry (KemenPANRB)."),
    ]


__all__ = ["TemplatePrefill", "write_template", "template_indicators", "category_options", "is_band", "BAND_NOTE",
           "tematik_theme_names", "column_titles", "period_texts", "structure_checksum", "SHEET_NAMES"]
