"""What the quarterly workbook looks like: sheets, header block, columns and their aliases.

The template writer and the reader both use these declarations, so a column renamed here is renamed
everywhere. Column titles are matched case- and space-insensitively, in Indonesian or English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.texts import quarter_name

TEMPLATE_VERSION = "2024.1"

INSTRUCTIONS_SHEET = "Petunjuk"
INDICATOR_SHEET = "Indikator"
RENAKSI_SHEET = "Rencana Aksi"
META_SHEET = "_pantaurb"          # hidden: dropdown lists and the fingerprint

# Header block on the Indikator sheet: label in column A, value in column B.
HEADER_FIELDS = {
    "agency_code": ("Kode Instansi", "Agency Code"),
    "agency_name": ("Nama Instansi", "Agency Name"),
    "year": ("Tahun", "Year"),
    "quarter": ("Triwulan", "Quarter"),
}
HEADER_EXAMPLES = {"agency_code": "32.73", "agency_name": "Kota Bandung", "year": "2024", "quarter": "2"}


@dataclass(frozen=True)
class Column:
    field: str
    title: str                      # Indonesian title written in the template
    aliases: tuple[str, ...] = ()   # other accepted titles (English, older wording)
    required: bool = False
    kind: str = "text"              # text | number | code | url
    prefix: bool = False            # match any title starting with the title (e.g. "Target 2024")
    width: int = 14


INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("indicator_code", "Kode Indikator", ("Indicator Code", "Kode"), required=True, kind="code", width=18),
    Column("indicator_name", "Nama Indikator", ("Indicator Name", "Indicator"), width=48),
    Column("unit", "Satuan", ("Unit",), width=16),
    Column("target", "Target", ("Target Tahunan", "Annual Target", "Yearly Target"), required=True,
           kind="number", prefix=True, width=14),
    Column("previous", "Realisasi TW Sebelumnya", ("Previous Quarter", "Realisasi Sebelumnya"), kind="number", width=14),
    Column("value", "Realisasi", ("Realisation", "Realization", "Actual", "Nilai"), required=True, kind="number", width=14),
    Column("target_reason", "Alasan Perubahan Target", ("Target Change Reason",), width=30),
    Column("note", "Keterangan", ("Notes", "Remarks", "Catatan"), width=30),
    Column("evidence_url", "Bukti Dukung (URL)", ("Bukti Dukung", "Evidence URL", "Evidence"), kind="url", width=36),
    Column("justification", "Konfirmasi Nilai (Alasan)", ("Value Confirmation (Reason)", "Konfirmasi Nilai",
                                                           "Justification"), width=30),
    # An agency's own band (indicators whose direction is `band`, e.g. inflation 1.5-3.5 %): both bounds, or
    # neither. Last, so every earlier column keeps its place; templates made before these columns existed are
    # still read (same template version).
    Column("target_low", "Target Batas Bawah", ("Target Lower Bound", "Band Lower Bound", "Batas Bawah Target"),
           kind="number", width=12),
    Column("target_high", "Target Batas Atas", ("Target Upper Bound", "Band Upper Bound", "Batas Atas Target"),
           kind="number", width=12),
)

def quarter_target_column(quarter: int) -> Column:
    """'Target TW II' (the ministry's TW I–IV, `indicators.texts`); templates made before 2024.1 was reworded
    say 'Target TW2', and those workbooks are still read."""
    return Column(f"target_tw{quarter}", f"Target {quarter_name(quarter)}",
                  (f"Target TW{quarter}", f"Target {quarter_name(quarter, 'en')}"), kind="number", width=10)


RENAKSI_COLUMNS: tuple[Column, ...] = (
    Column("theme", "Tema", ("Theme",), required=True, width=22),
    Column("action_plan", "Rencana Aksi", ("Action Plan", "Renaksi"), required=True, width=40),
    Column("output_indicator", "Indikator Output", ("Output Indicator", "Output"), required=True, width=36),
    Column("unit", "Satuan", ("Unit", "Satuan Output"), width=12),
    *(quarter_target_column(q) for q in range(1, 5)),
    Column("realisation", "Realisasi TW Ini", ("Realisasi", "Realisation This Quarter", "Realisation"),
           kind="number", width=12),
    Column("budget", "Anggaran (Rp)", ("Anggaran", "Budget", "Budget (Rp)"), kind="number", width=16),
    Column("budget_realisation", "Realisasi Anggaran s.d. TW Ini (Rp)",
           ("Realisasi Anggaran", "Budget Realisation", "Budget Realisation To Date (Rp)"), kind="number", width=18),
    Column("intervention_focus", "Fokus Intervensi", ("Intervention Focus",), width=24),
    Column("coordinator", "Koordinator", ("Coordinator",), width=20),
    Column("implementer", "Pelaksana", ("Implementer",), width=20),
    Column("obstacles", "Kendala", ("Obstacles", "Problems"), width=30),
    Column("follow_up", "Rencana Tindak Lanjut", ("Follow-up Plan", "Follow Up", "RTL"), width=30),
    Column("plan_id", "ID Rencana Aksi", ("Action Plan ID", "ID Renaksi"), kind="code", width=16),
)

# Fokus intervensi categories (HanaDewi/portalrb-indv FokusIntervensiSeeder, see domain.md §2.3).
INTERVENTION_FOCUS = (
    "Perencanaan dan Penganggaran", "Proses Bisnis dan SOP", "Sumber Daya Manusia",
    "Pengawasan", "Teknologi dan Informasi", "Inovasi",
)

MAX_TEXT = 2000          # characters in one free-text cell
RENAKSI_MAX_FACTOR = 3   # realisation above this multiple of the quarter's target is an error
JUMP_WARNING_PCT = 50    # change against last quarter above this % is a warning


def normalise(title: object) -> str:
    """'  Bukti Dukung (URL) ' -> 'buktidukungurl'."""
    return re.sub(r"[^a-z0-9]", "", str(title or "").lower())


def match_column(title: object, columns: tuple[Column, ...]) -> Column | None:
    key = normalise(title)
    if not key:
        return None
    for col in columns:
        names = (col.title,) + col.aliases
        if key in {normalise(n) for n in names}:
            return col
        if col.prefix and re.fullmatch(normalise(col.title) + r"(20\d\d)?", key):
            return col
    return None


@dataclass
class IndicatorRow:
    row: int
    indicator_code: str
    value: float | None = None
    value_text: str | None = None        # categorical indicators (e.g. WTP)
    target: float | None = None
    target_text: str | None = None
    target_low: float | None = None      # an agency's own band (band indicators): lower and upper bound
    target_high: float | None = None
    previous: float | None = None
    target_reason: str = ""
    note: str = ""
    evidence_url: str = ""
    justification: str = ""              # why an unusual value is right (kept with the value)
    cells: dict[str, str] = field(default_factory=dict)   # field -> "E12"
    raw: dict[str, object] = field(default_factory=dict)  # field -> value as found

    @property
    def target_bounds(self) -> tuple[float | None, float | None]:
        """The yearly target as (low, high): the agency's band when both bounds are given (it takes
        precedence over the single Target cell), else the single target twice."""
        if self.target_low is not None and self.target_high is not None:
            return self.target_low, self.target_high
        return self.target, self.target


@dataclass
class RenaksiRow:
    row: int
    theme: str
    action_plan: str
    output_indicator: str
    unit: str = ""
    targets: tuple[float | None, float | None, float | None, float | None] = (None, None, None, None)
    realisation: float | None = None
    budget: float | None = None
    budget_realisation: float | None = None
    intervention_focus: str = ""
    coordinator: str = ""
    implementer: str = ""
    obstacles: str = ""
    follow_up: str = ""
    plan_id: str = ""                    # stable id carried across quarters ("" for a new plan)
    cells: dict[str, str] = field(default_factory=dict)
    raw: dict[str, object] = field(default_factory=dict)  # field -> value as found


@dataclass(frozen=True)
class Fingerprint:
    template_version: str
    agency_code: str
    year: int | None
    quarter: int | None
    checksum: str
    checksum_ok: bool


@dataclass
class ParsedWorkbook:
    file_name: str
    sha256: str
    size: int
    sheets: list[str] = field(default_factory=list)
    agency_code: str | None = None
    agency_name: str | None = None
    year: int | None = None
    quarter: int | None = None
    header_cells: dict[str, str] = field(default_factory=dict)   # field -> "B3" on the Indikator sheet
    fingerprint: Fingerprint | None = None
    indicators: list[IndicatorRow] = field(default_factory=list)
    renaksi: list[RenaksiRow] = field(default_factory=list)
    issues: list = field(default_factory=list)                    # list[loaders.issues.Issue]
