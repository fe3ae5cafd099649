"""Problems found in an uploaded workbook, as records (frictionless-style, bilingual).

Every problem is an `Issue` with a stable kebab-case code, a severity, the file, sheet and cell it points
at, the column title, the value found, and a message in Bahasa Indonesia and English that says how to
fix it. Errors block a submission; warnings are stored with it and shown.

A message is rendered per language from the problem's values: numbers (`Number`) and dates are written in
the reader's language (1.234,5 / 1,234.5; 15 April 2024 / April 15, 2024) when the message is built, while
`Issue.value` keeps the cell as the officer typed it.
"""

from __future__ import annotations

import re
import string
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Iterable, Mapping

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class IssueType:
    code: str
    severity: str
    template: str      # Bahasa Indonesia
    template_en: str   # English, same placeholders


def _t(code, severity, template, template_en):
    return code, IssueType(code, severity, template, template_en)


ISSUE_TYPES: dict[str, IssueType] = dict([
    # --- the file itself
    _t("file-unsafe", ERROR,
       "Berkas ditolak sebelum dibaca: {reason}. Simpan ulang sebagai .xlsx biasa dari templat PantauRB lalu unggah lagi.",
       "File refused before reading: {reason}. Save it again as a plain .xlsx from the PantauRB template and upload it again."),
    _t("file-too-complex", ERROR,
       "Berkas ditolak sebelum dibaca: berisi terlalu banyak {what} (paling banyak {limit}). Berkas seperti ini "
       "menghabiskan memori server. Hapus isi tambahan itu, atau salin isian Anda ke templat PantauRB yang baru, lalu unggah lagi.",
       "File refused before reading: it holds too many {what} (at most {limit}). A file like this exhausts the "
       "server's memory. Remove the extra content, or copy your entries into a fresh PantauRB template, and upload it again."),
    _t("file-macro", ERROR,
       "Berkas berisi makro (VBA) dan tidak diterima. Buka berkas, pilih File > Simpan Sebagai, pilih jenis 'Excel Workbook (.xlsx)' (bukan .xlsm), lalu unggah berkas .xlsx itu.",
       "The file contains macros (VBA) and is not accepted. Open it, choose File > Save As, pick the type 'Excel Workbook (.xlsx)' (not .xlsm), and upload that .xlsx file."),
    _t("file-unreadable", ERROR,
       "Berkas tidak dapat dibaca sebagai .xlsx ({reason}). Pastikan formatnya Excel Workbook (.xlsx), bukan .xls/.csv/.ods atau berkas terenkripsi.",
       "The file could not be read as .xlsx ({reason}). Make sure it is an Excel Workbook (.xlsx), not .xls/.csv/.ods or an encrypted file."),
    _t("external-link", ERROR,
       "Berkas berisi tautan ke buku kerja lain ({value}). PantauRB hanya menerima nilai yang ada di dalam berkas ini. Di Excel pilih Data > Edit Tautan > Putuskan Tautan (nilai tetap tinggal), simpan, lalu unggah lagi.",
       "The file links to another workbook ({value}). PantauRB only accepts values held in this file. In Excel choose Data > Edit Links > Break Link (the values stay), save, and upload again."),
    _t("external-formula", ERROR,
       "Sel {cell} di lembar '{sheet}' berisi rumus yang mengambil data dari luar berkas ({value}). Ganti rumus itu dengan nilainya (salin sel, lalu Tempel Spesial > Nilai), simpan, lalu unggah lagi.",
       "Cell {cell} in sheet '{sheet}' holds a formula that fetches data from outside the file ({value}). Replace the formula with its value (copy the cell, then Paste Special > Values), save, and upload again."),
    _t("file-empty", ERROR,
       "Berkas tidak berisi data: lembar '{sheet}' tidak memiliki baris indikator maupun rencana aksi. Isi kolom Realisasi lalu unggah lagi.",
       "The file holds no data: sheet '{sheet}' has no indicator or action-plan rows. Fill in the Realisasi column and upload again."),
    _t("missing-sheet", ERROR,
       "Lembar '{sheet}' tidak ditemukan (lembar yang ada: {found}). Gunakan templat PantauRB dan jangan mengganti nama lembar.",
       "Sheet '{sheet}' was not found (sheets present: {found}). Use the PantauRB template and do not rename its sheets."),
    _t("header-not-found", ERROR,
       "Baris judul kolom tidak ditemukan di lembar '{sheet}': tidak ada baris yang memuat kolom '{column}'. Salin kembali baris judul dari templat.",
       "No header row found in sheet '{sheet}': no row contains the column '{column}'. Copy the header row back from the template."),
    _t("missing-column", ERROR,
       "Kolom '{column}' tidak ada di baris judul lembar '{sheet}' (baris {row}). Tambahkan kembali kolom itu dari templat.",
       "Column '{column}' is missing from the header row of sheet '{sheet}' (row {row}). Add the column back from the template."),
    _t("ambiguous-column", ERROR,
       "Kolom '{column}' muncul lebih dari sekali di baris judul lembar '{sheet}'. Hapus salah satunya.",
       "Column '{column}' appears more than once in the header row of sheet '{sheet}'. Remove one of them."),
    _t("missing-header-field", ERROR,
       "'{column}' di kepala lembar '{sheet}' (sel {cell}) kosong atau tidak terbaca. Isi sesuai templat (mis. {example}).",
       "'{column}' in the header block of sheet '{sheet}' (cell {cell}) is empty or unreadable. Fill it in as in the template (e.g. {example})."),
    # --- who and when
    _t("unknown-agency", ERROR,
       "Kode instansi '{value}' (sel {cell}) tidak terdaftar. Periksa kode instansi Anda atau unduh ulang templat untuk instansi Anda.",
       "Agency code '{value}' (cell {cell}) is not registered. Check your agency code or download the template for your agency again."),
    _t("wrong-agency", ERROR,
       "Berkas ini untuk instansi '{value}', sedangkan Anda mengunggah untuk '{expected}'. Unduh templat untuk instansi Anda sendiri.",
       "This file is for agency '{value}', but you are uploading for '{expected}'. Download the template for your own agency."),
    _t("agency-inactive", ERROR,
       "Instansi '{value}' tidak aktif pada periode {period} (berlaku {valid}). Laporkan atas nama instansi yang berlaku pada periode itu.",
       "Agency '{value}' is not active in period {period} (valid {valid}). Report under the agency that existed in that period."),
    _t("period-outside-roadmap", ERROR,
       "Periode {period} (sel {cell}) berada di luar peta jalan yang terdaftar ({periods}). Periksa Tahun dan Triwulan.",
       "Period {period} (cell {cell}) is outside the registered roadmap periods ({periods}). Check the Year and Quarter."),
    _t("invalid-quarter", ERROR,
       "Triwulan '{value}' (sel {cell}) tidak valid. Isi angka 1, 2, 3 atau 4 (atau TW I–IV).",
       "Quarter '{value}' (cell {cell}) is not valid. Enter 1, 2, 3 or 4 (or Q1–Q4)."),
    _t("period-mismatch", ERROR,
       "Berkas berisi periode {value}, sedangkan Anda memilih {expected}. Unduh templat untuk triwulan yang benar atau pilih periode yang sesuai.",
       "The file holds period {value}, but you chose {expected}. Download the template for the right quarter or choose the matching period."),
    _t("fingerprint-mismatch", ERROR,
       "Templat ini dibuat untuk {expected}, tetapi kepala lembar menyebut {value}. Jangan menyalin isi antar templat; unduh templat baru untuk instansi dan triwulan ini.",
       "This template was made for {expected}, but its header block says {value}. Do not copy between templates; download a fresh template for this agency and quarter."),
    _t("outdated-template", ERROR,
       "Versi templat {value} sudah tidak berlaku (versi sekarang {expected}). Unduh templat terbaru lalu salin nilai Anda ke sana.",
       "Template version {value} is outdated (current version {expected}). Download the latest template and copy your values into it."),
    _t("template-modified", WARNING,
       "Struktur templat telah diubah (judul kolom atau lembar berbeda dari aslinya). Berkas tetap dibaca berdasarkan nama kolom; periksa hasilnya.",
       "The template structure was changed (column titles or sheets differ from the original). The file is still read by column name; check the result."),
    # --- indicator rows
    _t("unknown-indicator", ERROR,
       "Kode indikator '{value}' di sel {cell} tidak ada dalam katalog. Gunakan kode dari templat (kolom Kode Indikator) tanpa mengubahnya.",
       "Indicator code '{value}' in cell {cell} is not in the catalogue. Use the code from the template (Kode Indikator column) unchanged."),
    _t("indicator-not-applicable", ERROR,
       "Indikator '{value}' (sel {cell}) tidak berlaku untuk jenis instansi {agency_type}. Hapus baris ini.",
       "Indicator '{value}' (cell {cell}) does not apply to agency type {agency_type}. Delete this row."),
    _t("duplicate-indicator", ERROR,
       "Indikator '{value}' muncul lagi di sel {cell} (sudah ada di baris {first_row}). Sisakan satu baris per indikator.",
       "Indicator '{value}' appears again in cell {cell} (already on row {first_row}). Keep one row per indicator."),
    _t("not-a-number", ERROR,
       "Sel {cell} (kolom '{column}') berisi '{value}', bukan angka. Tulis angka saja, mis. 1.234,5 atau 12,5 (tanpa satuan atau teks).",
       "Cell {cell} (column '{column}') contains '{value}', which is not a number. Enter a number only, e.g. 1234.5 or 12.5 (no unit or text)."),
    _t("ambiguous-number", ERROR,
       "Sel {cell} (kolom '{column}') berisi '{value}' yang bisa dibaca sebagai {reading_a} atau {reading_b}. Ketik ulang sebagai angka tanpa pemisah ribuan.",
       "Cell {cell} (column '{column}') contains '{value}', which could mean {reading_a} or {reading_b}. Re-type it as a number without thousands separators."),
    _t("formula-error", ERROR,
       "Sel {cell} (kolom '{column}') berisi galat rumus {value}. Perbaiki rumusnya atau ketik nilainya langsung.",
       "Cell {cell} (column '{column}') holds the formula error {value}. Fix the formula or type the value directly."),
    _t("formula-without-value", ERROR,
       "Sel {cell} (kolom '{column}') berisi rumus tanpa nilai tersimpan. Buka berkas di Excel/LibreOffice, simpan, lalu unggah lagi.",
       "Cell {cell} (column '{column}') holds a formula with no saved value. Open the file in Excel/LibreOffice, save it, and upload again."),
    _t("invalid-category", ERROR,
       "Sel {cell} (kolom '{column}') berisi '{value}'. Pilih salah satu: {allowed}.",
       "Cell {cell} (column '{column}') contains '{value}'. Choose one of: {allowed}."),
    _t("percent-out-of-range", ERROR,
       "Sel {cell} (kolom '{column}') berisi {value}%, padahal persentase harus 0–100. Jika sel berformat %, ketik 85 sebagai 85%, bukan 8500%.",
       "Cell {cell} (column '{column}') holds {value}%, but a percentage must be 0–100. In a %-formatted cell type 85 as 85%, not 8500%."),
    _t("out-of-limits", ERROR,
       "Sel {cell} (kolom '{column}') berisi {value}, di luar rentang yang mungkin untuk indikator ini ({low} s.d. {high} {unit}). Periksa angka dan satuannya.",
       "Cell {cell} (column '{column}') holds {value}, outside the possible range for this indicator ({low} to {high} {unit}). Check the number and its unit."),
    _t("negative-value", ERROR,
       "Sel {cell} (kolom '{column}') berisi {value}; nilai negatif tidak mungkin di sini. Tulis nilai 0 atau lebih.",
       "Cell {cell} (column '{column}') holds {value}; a negative value is impossible here. Enter 0 or more."),
    _t("missing-value", WARNING,
       "Realisasi indikator '{indicator}' (sel {cell}) kosong. Isi bila datanya sudah ada, atau jelaskan di kolom Keterangan.",
       "The realisation of indicator '{indicator}' (cell {cell}) is empty. Fill it in when the data exist, or explain in the Keterangan column."),
    _t("target-missing", WARNING,
       "Target tahunan indikator '{indicator}' (sel {cell}) kosong, sehingga capaian tidak dapat dihitung. Isi target tahun ini.",
       "The yearly target of indicator '{indicator}' (cell {cell}) is empty, so achievement cannot be computed. Fill in this year's target."),
    _t("target-changed-without-reason", ERROR,
       "Target '{indicator}' di sel {cell} berubah dari {previous} menjadi {target} setelah TW1 tanpa alasan. Isi kolom 'Alasan Perubahan Target' atau kembalikan targetnya.",
       "Target of '{indicator}' in cell {cell} changed from {previous} to {target} after Q1 without a reason. Fill in 'Alasan Perubahan Target' or restore the target."),
    _t("band-target-incomplete", ERROR,
       "Target rentang '{indicator}' hanya berisi satu batas (sel {cell}). Isi 'Target Batas Bawah' dan 'Target Batas Atas', atau kosongkan keduanya untuk memakai rentang nasional.",
       "The band target of '{indicator}' has only one bound (cell {cell}). Fill in both 'Target Batas Bawah' (lower) and 'Target Batas Atas' (upper), or leave both empty to use the national band."),
    _t("band-target-reversed", ERROR,
       "Batas bawah target '{indicator}' ({value}, sel {cell}) lebih besar daripada batas atasnya ({high}). Tukar kedua angka.",
       "The lower bound of the target of '{indicator}' ({value}, cell {cell}) is above its upper bound ({high}). Swap the two numbers."),
    _t("band-target-not-band", ERROR,
       "Indikator '{indicator}' tidak memakai target rentang, tetapi sel {cell} berisi batas rentang. Kosongkan 'Target Batas Bawah/Atas' dan isi kolom 'Target'.",
       "Indicator '{indicator}' has no band target, but cell {cell} holds a band bound. Empty 'Target Batas Bawah/Atas' and fill in the 'Target' column."),
    _t("large-jump", WARNING,
       "Nilai '{indicator}' di sel {cell} berubah {change}% dibanding triwulan lalu ({previous}). Pastikan angkanya benar atau jelaskan di Keterangan.",
       "The value of '{indicator}' in cell {cell} changed by {change}% against last quarter ({previous}). Check it or explain in Keterangan."),
    _t("missing-evidence", WARNING,
       "Bukti dukung (URL) untuk '{indicator}' (sel {cell}) kosong. Tambahkan tautan dokumen pendukung.",
       "The evidence URL for '{indicator}' (cell {cell}) is empty. Add a link to the supporting document."),
    _t("invalid-url", WARNING,
       "Bukti dukung di sel {cell} ('{value}') bukan tautan http(s) yang valid. Tulis alamat lengkap, mis. https://…",
       "The evidence in cell {cell} ('{value}') is not a valid http(s) link. Write the full address, e.g. https://…"),
    _t("text-too-long", ERROR,
       "Teks di sel {cell} (kolom '{column}') terlalu panjang ({length} karakter, maksimum {limit}). Ringkas isinya.",
       "The text in cell {cell} (column '{column}') is too long ({length} characters, maximum {limit}). Shorten it."),
    # --- action-plan (renaksi) rows
    _t("renaksi-unknown-theme", ERROR,
       "Tema '{value}' di sel {cell} tidak dikenal. Pilih dari daftar: {allowed}.",
       "Theme '{value}' in cell {cell} is unknown. Choose from the list: {allowed}."),
    _t("renaksi-missing-field", ERROR,
       "Sel {cell} (kolom '{column}') wajib diisi untuk setiap rencana aksi.",
       "Cell {cell} (column '{column}') is required for every action-plan row."),
    _t("renaksi-duplicate", ERROR,
       "Rencana aksi dan indikator output di baris {row} sama dengan baris {first_row}. Gabungkan atau bedakan namanya.",
       "The action plan and output indicator on row {row} repeat row {first_row}. Merge them or name them differently."),
    _t("renaksi-realisation-too-high", ERROR,
       "Realisasi {value} di sel {cell} lebih dari {factor}× target triwulan ({target}). Periksa satuan atau targetnya.",
       "The realisation {value} in cell {cell} is more than {factor}× the quarter's target ({target}). Check the unit or the target."),
    _t("budget-over", ERROR,
       "Realisasi anggaran {value} di sel {cell} melebihi anggaran {budget}. Periksa kedua angka (keduanya dalam Rupiah).",
       "The budget realisation {value} in cell {cell} exceeds the budget {budget}. Check both numbers (both in Rupiah)."),
    _t("renaksi-behind-no-obstacle", WARNING,
       "Realisasi rencana aksi di baris {row} belum sesuai jadwal ({achievement}% dari {expected}% yang diharapkan s.d. triwulan ini) tetapi kolom Kendala kosong. Jelaskan kendala dan rencana tindak lanjut.",
       "The action plan on row {row} is behind schedule ({achievement}% against the {expected}% expected by this quarter) but Kendala is empty. Explain the obstacle and the follow-up plan."),
    _t("number-too-large", ERROR,
       "Sel {cell} (kolom '{column}') berisi {value}, angka yang terlalu besar untuk laporan ini (lebih dari 10^15). Periksa apakah angkanya terketik berulang atau tertempel dari rumus, lalu tulis nilai yang benar.",
       "Cell {cell} (column '{column}') holds {value}, a number too large for this report (over 10^15). Check whether digits were repeated or pasted from a formula, then enter the right value."),
    _t("rupiah-in-scaled-cell", ERROR,
       "Sel {cell} (kolom '{column}') berisi '{value}', jumlah dalam Rupiah penuh, padahal satuan indikator ini {unit}. Tulis angkanya dalam {unit} tanpa 'Rp': '{value}' sama dengan {converted} {unit}.",
       "Cell {cell} (column '{column}') holds '{value}', an amount in full rupiah, but this indicator's unit is {unit}. Enter the number in {unit} without 'Rp': '{value}' equals {converted} {unit}."),
    _t("rupiah-in-non-money-cell", ERROR,
       "Sel {cell} (kolom '{column}') berisi '{value}' dengan 'Rp', padahal satuan kolom ini {unit}, bukan Rupiah. Tulis angkanya saja dalam {unit}.",
       "Cell {cell} (column '{column}') holds '{value}' with 'Rp', but this column's unit is {unit}, not rupiah. Enter the number only, in {unit}."),
    _t("percent-in-money-cell", ERROR,
       "Sel {cell} (kolom '{column}') berisi '{value}' dengan '%', padahal kolom ini berisi jumlah uang dalam {unit}. Tulis jumlahnya dalam {unit}, bukan persentase.",
       "Cell {cell} (column '{column}') holds '{value}' with '%', but this column holds an amount of money in {unit}. Enter the amount in {unit}, not a percentage."),
    _t("implausible-magnitude", ERROR,
       "Nilai {value} {unit} di sel {cell} sekitar {factor} kali {reference_label} ({reference} {unit}). Selisih sebesar ini biasanya salah satuan (mis. Rupiah penuh di kolom {unit}). Perbaiki angkanya, atau bila memang benar, tulis alasannya di kolom 'Konfirmasi Nilai (Alasan)' pada baris yang sama.",
       "The value {value} {unit} in cell {cell} is about {factor} times {reference_label} ({reference} {unit}). A gap this size is usually a unit slip (e.g. full rupiah in a {unit} column). Correct the number, or if it is right, write the reason in the 'Konfirmasi Nilai (Alasan)' column of the same row."),
    _t("capaian-implausible", ERROR,
       "Capaian {capaian}% (realisasi {value} terhadap target {target} {unit}, sel {cell}) melebihi batas wajar {limit}%. Periksa satuan realisasi dan target; bila memang benar, tulis alasannya di kolom 'Konfirmasi Nilai (Alasan)' pada baris yang sama.",
       "Achievement of {capaian}% (realisation {value} against target {target} {unit}, cell {cell}) exceeds the plausible bound of {limit}%. Check the units of realisation and target; if it is right, write the reason in the 'Konfirmasi Nilai (Alasan)' column of the same row."),
    _t("value-confirmed", WARNING,
       "Nilai {value} di sel {cell} tidak biasa ({why}) dan dikonfirmasi dengan alasan: \"{justification}\". Alasan ini disimpan bersama nilainya dan ditampilkan kepada analis.",
       "The value {value} in cell {cell} is unusual ({why}) and was confirmed with the reason: \"{justification}\". The reason is stored with the value and shown to analysts."),
    _t("relation-violated", ERROR,
       "Nilai '{indicator}' ({value}, sel {cell}) lebih besar daripada '{other}' ({other_value}, sel {other_cell}), padahal tidak mungkin melebihinya. Periksa kedua angka.",
       "The value of '{indicator}' ({value}, cell {cell}) is larger than '{other}' ({other_value}, cell {other_cell}), which it can never exceed. Check both numbers."),
    _t("renaksi-unknown-plan-id", WARNING,
       "ID rencana aksi '{value}' di sel {cell} tidak dikenal untuk instansi ini; baris ini dicatat sebagai rencana aksi baru. Jangan mengubah ID yang diisi templat; kosongkan untuk rencana aksi baru.",
       "Action-plan id '{value}' in cell {cell} is unknown for this agency; the row is recorded as a new action plan. Do not change ids filled in by the template; leave it empty for a new action plan."),
    # --- the template itself
    _t("template-fingerprint-missing", ERROR,
       "Lembar tersembunyi '{sheet}' dari templat PantauRB hilang atau isinya diubah ({detail}), sehingga berkas tidak dapat dicocokkan dengan instansi, triwulan dan versi templatnya. Unduh templat baru di halaman Unggah, salin nilai Anda ke sana, lalu unggah lagi.",
       "The hidden sheet '{sheet}' of the PantauRB template is missing or was altered ({detail}), so the file cannot be matched to its agency, quarter and template version. Download a fresh template on the Upload page, copy your values into it and upload again."),
    # --- the submission as a whole
    _t("early-submission", WARNING,
       "Laporan {period} diterima sebelum triwulannya berakhir ({end}), jadi angkanya belum mencakup seluruh triwulan. Periksa Tahun dan Triwulan di kepala lembar, atau kirim perbaikan setelah triwulan berakhir.",
       "The {period} report was received before its quarter ended ({end}), so its figures cannot cover the whole quarter. Check the Year and Quarter in the header block, or send a correction after the quarter ends."),
    _t("late-submission", WARNING,
       "Laporan {period} diterima {days} hari setelah batas waktu ({deadline}). Laporan tetap diproses dan dicatat sebagai terlambat.",
       "The {period} report was received {days} day(s) after the deadline ({deadline}). It is still processed and recorded as late."),
    _t("reason-required", ERROR,
       "Batas waktu {period} sudah lewat ({deadline}) dan data periode ini sudah pernah diterima. Perbaikan memerlukan alasan (--reason / kolom Alasan).",
       "The deadline for {period} has passed ({deadline}) and data for this period were already accepted. A correction needs a reason (--reason / the Reason field)."),
    # --- the reporting calendar and verification (loaders/verification.py)
    _t("period-not-open", ERROR,
       "Pelaporan {period} belum dibuka; dibuka pada {opens}. Unggah lagi mulai tanggal itu.",
       "Reporting for {period} is not open yet; it opens on {opens}. Upload again from that date."),
    _t("period-closed", ERROR,
       "Pelaporan {period} sudah ditutup (masa terlambat berakhir {late_until}). Hubungi admin PantauRB untuk membuka kembali.",
       "Reporting for {period} is closed (the late window ended on {late_until}). Contact a PantauRB admin to reopen it."),
    _t("quarter-locked", ERROR,
       "Laporan {agency} untuk {period} sudah diverifikasi dan dikunci. Minta admin membukanya kembali (dengan alasan) sebelum mengirim perbaikan.",
       "The report of {agency} for {period} is verified and locked. Ask an admin to reopen it (with a reason) before sending a correction."),
])


@dataclass(frozen=True)
class Number:
    """A number in a problem's message, written in the reader's language when the message is rendered:
    at most `decimals` decimals (None: every digit), trailing zeros dropped, thousands grouped unless
    `group` is off (where grouping would be ambiguous)."""
    value: float
    decimals: int | None = 2
    group: bool = True

    def text(self, lang: str = "id") -> str:
        from loaders.numbers import format_number
        return format_number(self.value, lang, self.decimals, self.group)

    def __str__(self) -> str:
        return self.text("id")


@dataclass(frozen=True)
class Issue:
    code: str
    file: str = ""
    sheet: str | None = None
    cell: str | None = None          # "E12" (without the sheet)
    column: str | None = None        # column title as found in the workbook
    value: str | None = None         # the offending value as typed (None for an empty cell)
    params: Mapping[str, object] = field(default_factory=dict)
    indicator: str | None = None     # the indicator code of the row, when the problem is on one

    @property
    def type(self) -> IssueType:
        return ISSUE_TYPES[self.code]

    @property
    def severity(self) -> str:
        return self.type.severity

    @property
    def location(self) -> str:
        """`Indikator!E12`, or the sheet, or the file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    @property
    def row(self) -> int | None:
        digits = "".join(ch for ch in (self.cell or "") if ch.isdigit())
        return int(digits) if digits else None

    def message(self, lang: str = "id") -> str:
        template = self.type.template_en if lang == "en" else self.type.template
        values = {"sheet": self.sheet or "", "cell": self.cell or "", "column": self.column or "",
                  "value": "" if self.value is None else self.value, "row": self.row or "", "file": self.file,
                  "indicator": self.indicator or ""}
        values.update({k: _fmt(v, lang) for k, v in self.params.items()})
        if lang == "en":    # a parameter with an English form ('deadline_en') stands in for its base name
            values.update({k[:-3]: _fmt(v, lang) for k, v in self.params.items() if k.endswith("_en")})
        return template.format_map(_Default(values))

    def parts(self, lang: str = "id") -> tuple[str, str]:
        """The message split into what is wrong and how to fix it (the sentences after the first)."""
        return split_fix(self.message(lang))

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "file": self.file, "sheet": self.sheet,
                "cell": self.cell, "location": self.location, "column": self.column, "value": self.value,
                "indicator": self.indicator, "message": self.message("id"), "message_en": self.message("en")}


# A sentence ends at ". " before a capital or a quote, but not after a one-letter abbreviation ("s.d.").
_SENTENCE_END = re.compile(r"(?<![.\s]\w)\. (?=[A-Z'\"(])")


def split_fix(message: str) -> tuple[str, str]:
    """'Cell E9 holds 'abc'. Enter a number.' -> ("Cell E9 holds 'abc'.", 'Enter a number.')."""
    m = _SENTENCE_END.search(message)
    if not m:
        return message, ""
    return message[:m.start() + 1], message[m.end():]


class _Default(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fmt(value, lang: str = "id") -> str:
    """A message parameter in the reader's language (numbers and dates; text as it is)."""
    if isinstance(value, Number) or callable(getattr(value, "text", None)):
        return value.text(lang)
    if isinstance(value, (date, datetime)):
        from indicators.texts import format_date
        return format_date(value, lang)
    if isinstance(value, float):
        return Number(value).text(lang)
    return str(value)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass
class Report:
    """The result of checking one file."""

    file_name: str
    issues: list[Issue] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def flatten(self, fields=("code", "sheet", "cell")) -> list[list]:
        return [[getattr(i, f) for f in fields] for i in self.issues]

    def to_dict(self) -> dict:
        return {"file": self.file_name, "valid": self.valid, "errors": len(self.errors),
                "warnings": len(self.warnings), "stats": self.stats,
                "issues": [i.to_dict() for i in self.issues]}

    def sorted_issues(self) -> list[Issue]:
        """Errors first, then warnings; each in the order found (sheet, row)."""
        return sorted(self.issues, key=lambda i: i.severity != ERROR)

    def to_rows(self, lang: str = "id", names: Mapping[str, str] | None = None) -> list[dict]:
        """One row per problem, errors first: what an officer needs to act (no internal codes in the text
        columns; `code` is kept for exports). `names` maps indicator codes to their names."""
        rows = []
        for i in self.sorted_issues():
            what, fix = i.parts(lang)
            rows.append({"severity": i.severity, "code": i.code, "location": i.location, "column": i.column or "",
                         "indicator": (names or {}).get(i.indicator or "", i.indicator or ""),
                         "value": i.value or "", "problem": what, "fix": fix, "message": i.message(lang)})
        return rows

    def headline(self, lang: str = "id") -> str:
        """'3 masalah harus diperbaiki, 2 peringatan' (or that there is nothing to fix)."""
        e, w = len(self.errors), len(self.warnings)
        if lang == "en":
            head = (f"{e} problem{'s' if e != 1 else ''} must be fixed" if e else "Nothing must be fixed")
            return f"{head}, {w} warning{'s' if w != 1 else ''}."
        head = f"{e} masalah harus diperbaiki" if e else "Tidak ada yang harus diperbaiki"
        return f"{head}, {w} peringatan."

    def summary(self, lang: str = "id") -> str:
        if lang == "en":
            state = "valid" if self.valid else "REJECTED"
            return f"{self.file_name}: {state} — {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        state = "valid" if self.valid else "DITOLAK"
        return f"{self.file_name}: {state} — {len(self.errors)} kesalahan, {len(self.warnings)} peringatan"

    def to_text(self, lang: str = "id") -> str:
        lines = [self.summary(lang)]
        for i in self.issues:
            sev = {"error": "KESALAHAN" if lang != "en" else "ERROR",
                   "warning": "PERINGATAN" if lang != "en" else "WARNING"}[i.severity]
            lines.append(f"  {i.location or '-':<18} {sev:<10} {i.code:<30} {i.message(lang)}")
        return "\n".join(lines)


__all__ = ["ERROR", "WARNING", "ISSUE_TYPES", "Issue", "IssueType", "Number", "Report", "placeholders", "asdict", "split_fix"]
