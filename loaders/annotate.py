"""Give an agency its own workbook back with every problem marked where it is.

Problem cells get a fill, a border and a comment; a first sheet ("Masalah" / "Problems") lists all issues
with links to their cells. Red and yellow alone are hard to tell apart for colour-blind readers, so the
severity is also written out (KESALAHAN / PERINGATAN) and errors get a thick border, warnings a dashed one.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from typing import Iterable

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet.hyperlink import Hyperlink

from indicators.xlsx_text import put
from loaders.issues import ERROR, Issue
from loaders.workbook import ANNOTATION_SHEETS, check_xlsx

ERROR_FILL = PatternFill("solid", fgColor="F4A6A6")     # light red
WARNING_FILL = PatternFill("solid", fgColor="FFF2A8")   # light yellow, clearly lighter than the red
ERROR_BORDER = Border(*(Side(style="thick", color="C00000"),) * 4)
WARNING_BORDER = Border(*(Side(style="dashed", color="9C6500"),) * 4)
AUTHOR = "PantauRB"

SEVERITY_WORD = {"id": {ERROR: "KESALAHAN", "warning": "PERINGATAN"},
                 "en": {ERROR: "ERROR", "warning": "WARNING"}}
SHEET_TITLE = {"id": "Masalah", "en": "Problems"}
HEADERS = {
    "id": ("No", "Tingkat", "Kode", "Lokasi", "Kolom", "Nilai", "Pesan (Bahasa Indonesia)", "Message (English)"),
    "en": ("No", "Severity", "Code", "Location", "Column", "Value", "Pesan (Bahasa Indonesia)", "Message (English)"),
}
INTRO = {
    "id": "{n} masalah ditemukan ({errors} kesalahan, {warnings} peringatan) di '{file}'. Klik lokasi untuk membuka "
          "selnya; sel bermasalah diberi warna, bingkai dan komentar. Perbaiki lalu unggah berkas ini lagi.",
    "en": "{n} problem(s) found ({errors} error(s), {warnings} warning(s)) in '{file}'. Click a location to open its "
          "cell; problem cells have a fill, a border and a comment. Fix them and upload this file again.",
}


NOT_COPIED = ("Berkas Anda tidak dapat disalin dengan aman (ditolak pemeriksaan awal, tidak terbaca, atau terlalu "
              "besar/rumit untuk diberi tanda); berkas ini hanya memuat daftar masalahnya. / Your file could not be "
              "copied safely (refused by the pre-flight check, unreadable, or too large/complex to mark); this file "
              "holds only the list of problems.")


def annotate_workbook(data: bytes, issues: Iterable[Issue], lang: str = "id") -> bytes:
    """Return a copy of the workbook `data` with `issues` marked and listed on a first sheet.

    Issues without a cell, or pointing at a sheet that does not exist, are only listed. A file that cannot
    be opened safely (refused by the pre-flight guard, or unreadable) gives a new workbook holding only the
    list (`problem_list_workbook`), so the agency still gets the explanation.
    Opening the file parses all of it with openpyxl: in a server, call this through `loaders.isolated` (as
    `loaders.api.annotate_bytes` does), never in the process every user shares.
    """
    lang = "en" if lang == "en" else "id"
    issues = list(issues)
    try:
        check_xlsx(data)
        wb = openpyxl.load_workbook(io.BytesIO(data))
    except Exception:                           # UnsafeWorkbook, BadZipFile, KeyError, ValueError ...
        return problem_list_workbook(issues, lang)
    return _annotated(wb, issues, lang)


def problem_list_workbook(issues: Iterable[Issue], lang: str = "id") -> bytes:
    """A new workbook holding only the list of `issues` and a note (both languages) that the agency's own
    file could not be copied. Parses nothing of the upload: safe in any process."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    return _annotated(wb, list(issues), "en" if lang == "en" else "id", note=NOT_COPIED)


def _annotated(wb, issues: list[Issue], lang: str, note: str | None = None) -> bytes:
    for title in ANNOTATION_SHEETS:             # annotating an annotated file replaces the old list
        if title in wb.sheetnames:
            wb.remove(wb[title])
    _clear_previous_marks(wb)

    by_cell: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        target = _target(wb, issue)
        if target:
            by_cell[target].append(issue)

    for (sheet, ref), cell_issues in by_cell.items():
        ws = wb[sheet]
        was_protected = ws.protection.sheet
        ws.protection.sheet = False             # lift protection while marking, then put it back
        _mark(_writable(ws, ref), cell_issues, lang)
        ws.protection.sheet = was_protected

    _problem_sheet(wb, issues, lang, {id(i): t for t, group in by_cell.items() for i in group}, note)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


def _target(wb, issue: Issue) -> tuple[str, str] | None:
    """(sheet, "F9") when the issue points at a real cell of an existing sheet, else None."""
    m = _CELL.fullmatch((issue.cell or "").strip())
    if not issue.sheet or issue.sheet not in wb.sheetnames or not m:
        return None
    column, row = m.group(1).upper(), int(m.group(2))
    if not 1 <= row <= 1_048_576 or column_index_from_string(column) > 16_384:
        return None
    return issue.sheet, f"{column}{row}"


def _writable(ws, ref: str):
    """The cell itself, or the top-left cell of the merged range it lies in (merged cells take no comment)."""
    cell = ws[ref]
    if isinstance(cell, MergedCell):
        for rng in ws.merged_cells.ranges:
            if ref in rng:
                return ws.cell(rng.min_row, rng.min_col)
    return cell


def _mark(cell, issues: list[Issue], lang: str) -> None:
    worst = ERROR if any(i.severity == ERROR for i in issues) else "warning"
    cell.fill = ERROR_FILL if worst == ERROR else WARNING_FILL
    cell.border = ERROR_BORDER if worst == ERROR else WARNING_BORDER
    lines = []
    for issue in issues:
        word = SEVERITY_WORD["id"][issue.severity]
        if lang == "en":
            word = f"{word} / {SEVERITY_WORD['en'][issue.severity]}"
        lines.append(f"{word} [{issue.code}]\n{issue.message('id')}\n(EN) {issue.message('en')}")
    text = "\n\n".join(lines)
    if cell.comment is not None and not _is_mark(cell.comment):
        text = f"{text}\n\n---\n{cell.comment.text}"     # keep the template's or the agency's own note
    comment = Comment(text[:30000], AUTHOR)
    comment.width, comment.height = 360, min(120 + 90 * len(issues), 600)
    cell.comment = comment


def _is_mark(comment) -> bool:
    return comment.author == AUTHOR and comment.text.startswith(tuple(SEVERITY_WORD["id"].values()))


def _clear_previous_marks(wb) -> None:
    """Remove the marks of an earlier annotation: the agency fixed some cells and uploads the file again."""
    marked = {ERROR_FILL.fgColor.rgb, WARNING_FILL.fgColor.rgb}
    for ws in wb.worksheets:
        # only the cells that exist (ws._cells), not every coordinate up to max_row x max_column
        for cell in list(ws._cells.values()):
            if cell.comment is None or not _is_mark(cell.comment):
                continue
            original = cell.comment.text.split("\n\n---\n", 1)
            cell.comment = Comment(original[1], AUTHOR) if len(original) == 2 else None
            if cell.fill.fgColor.rgb in marked:
                cell.fill = PatternFill()
                cell.border = Border(*(Side(style="thin", color="A6A6A6"),) * 4)


def _problem_sheet(wb, issues: list[Issue], lang: str, targets: dict[int, tuple[str, str]],
                   note: str | None = None) -> None:
    ws = wb.create_sheet(SHEET_TITLE[lang], 0)
    errors = sum(1 for i in issues if i.severity == ERROR)
    file_name = next((i.file for i in issues if i.file), "")
    put(ws.cell(1, 1), INTRO[lang].format(n=len(issues), errors=errors, warnings=len(issues) - errors,
                                          file=file_name)).font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws.cell(1, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 45
    if note:
        put(ws.cell(2, 1), note).font = Font(bold=True, color="C00000")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=8)
        ws.cell(2, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[2].height = 45
    for c, title in enumerate(HEADERS[lang], start=1):
        cell = ws.cell(3, c, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    order = sorted(range(len(issues)), key=lambda k: (issues[k].severity != ERROR, k))
    for n, k in enumerate(order, start=1):
        issue = issues[k]
        r = 3 + n
        word = SEVERITY_WORD[lang][issue.severity]
        values = (n, word, issue.code, issue.location or issue.file or "", issue.column or "",
                  "" if issue.value is None else issue.value, issue.message("id"), issue.message("en"))
        for c, value in enumerate(values, start=1):
            cell = put(ws.cell(r, c), value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(r, 2).fill = ERROR_FILL if issue.severity == ERROR else WARNING_FILL
        ws.cell(r, 2).font = Font(bold=issue.severity == ERROR)
        target = targets.get(id(issue))
        if target is None and issue.sheet in wb.sheetnames:
            target = (issue.sheet, "A1")
        if target:
            location = ws.cell(r, 4)
            location.hyperlink = Hyperlink(ref=location.coordinate, location=f"'{target[0]}'!{target[1]}",
                                           display=str(location.value))
            location.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFGH", (5, 13, 26, 22, 22, 22, 70, 70)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False    # one selected tab, or Excel opens the file in group mode
    ws.sheet_view.tabSelected = True
    wb.active = 0


__all__ = ["annotate_workbook", "problem_list_workbook", "NOT_COPIED", "ERROR_FILL", "WARNING_FILL"]
