"""The agency registry: K/L, provinces and kabupaten/kota, keyed by code.

* `load_registry()` reads the shipped list `data/registry/agencies.csv` (resolved from the repository
  root, not the working directory) and refuses it when any row has an error.
* `read_registry_file(data, file_name)` reads a ministry-supplied csv or xlsx. Columns are found by
  name (case and spaces ignored; Indonesian aliases such as kode, nama, jenis, kode_provinsi, induk,
  berlaku_mulai, berlaku_sampai, otonom, email). It returns the agencies of the rows without errors and
  every problem as a `RegistryProblem` (severity, row, column, value, message, message_en).
* `merge_registry(existing, incoming)` upserts by code and counts added/updated/unchanged.

Codes stay text: Kemendagri `PP` for provinces (`32`), `PP.KK` for kabupaten/kota (`32.73`, kota have
KK >= 71), `KL-<SHORT>` for ministries and agencies (PantauRB-internal until an official list exists).
`parent_code` is the *daerah induk*: the unit this one was split from (e.g. 93 Papua Selatan ← 91 Papua).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Iterable

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY_PATH = REPO_ROOT / "data" / "registry" / "agencies.csv"

ERROR, WARNING = "error", "warning"
AGENCY_TYPES = ("KL", "PROV", "KAB", "KOTA")
COLUMNS = ("code", "name", "agency_type", "province_code", "parent_code", "valid_from", "valid_to", "autonomous",
           "contact_email", "source")
REQUIRED = ("code", "name", "agency_type")
MAX_ROWS = 50_000  # the national list is ~650 rows; anything far larger is not an agency list

# Header aliases, after normalisation (lower case, non-alphanumerics → "_").
ALIASES = {
    "code": "code", "kode": "code", "kode_instansi": "code", "kode_wilayah": "code", "agency_code": "code",
    "name": "name", "nama": "name", "nama_instansi": "name", "nama_wilayah": "name",
    "agency_type": "agency_type", "jenis": "agency_type", "jenis_instansi": "agency_type", "tipe": "agency_type",
    "type": "agency_type",
    "province_code": "province_code", "kode_provinsi": "province_code", "kode_prov": "province_code",
    "parent_code": "parent_code", "induk": "parent_code", "kode_induk": "parent_code", "daerah_induk": "parent_code",
    "valid_from": "valid_from", "berlaku_mulai": "valid_from", "mulai_berlaku": "valid_from",
    "valid_to": "valid_to", "berlaku_sampai": "valid_to", "berlaku_hingga": "valid_to",
    "autonomous": "autonomous", "otonom": "autonomous",
    "contact_email": "contact_email", "email": "contact_email", "e_mail": "contact_email", "surel": "contact_email",
    "source": "source", "sumber": "source",
}
TYPE_ALIASES = {
    "KL": "KL", "K/L": "KL", "K_L": "KL", "KEMENTERIAN": "KL", "LEMBAGA": "KL", "KEMENTERIAN/LEMBAGA": "KL",
    "PROV": "PROV", "PROVINSI": "PROV",
    "KAB": "KAB", "KABUPATEN": "KAB",
    "KOTA": "KOTA",
}
TRUE_WORDS = {"true", "ya", "y", "yes", "1", "benar", "otonom"}
FALSE_WORDS = {"false", "tidak", "no", "n", "0", "salah", "bukan"}

_PROV = re.compile(r"^\d{2}$")
_KABKOTA = re.compile(r"^(\d{2})\.(\d{2})$")
_KL = re.compile(r"^KL-[A-Z0-9]+(?:-[A-Z0-9]+)*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    agency_type: str  # KL | PROV | KAB | KOTA
    province_code: str | None
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None
    autonomous: bool
    contact_email: str
    source: str


@dataclass(frozen=True)
class RegistryProblem:
    severity: str  # "error" (the row is not imported) | "warning"
    row: int | None  # as the spreadsheet shows it: header = 1
    column: str | None  # spreadsheet column letter, e.g. "A"
    value: str | None
    message: str  # Bahasa Indonesia
    message_en: str
    code: str = ""  # stable kebab-case problem type, e.g. "bad-code-format"


class RegistryError(ValueError):
    """The shipped registry has errors. `problems` holds them."""

    def __init__(self, file_name: str, problems: list[RegistryProblem]):
        self.problems = problems
        lines = [f"{file_name}, baris/row {p.row} kolom/column {p.column}: {p.message} / {p.message_en}"
                 for p in problems]
        super().__init__("\n".join(lines))


# ------------------------------------------------------------------ public API
def load_registry(path: Path | str | None = None) -> tuple[Agency, ...]:
    """The shipped agency registry (default `data/registry/agencies.csv` under the repository root).

    Raises `RegistryError` when any row has an error; warnings are ignored here."""
    p = Path(path) if path is not None else DEFAULT_REGISTRY_PATH
    st = p.stat()
    return _load_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> tuple[Agency, ...]:
    agencies, problems = read_registry_file(Path(path), existing=())
    errors = [p for p in problems if p.severity == ERROR]
    if errors:
        raise RegistryError(Path(path).name, errors)
    return tuple(agencies)


def read_registry_file(path_or_bytes: str | Path | bytes | IO[bytes], file_name: str | None = None, *,
                       existing: Iterable[Agency] | None = None) -> tuple[list[Agency], list[RegistryProblem]]:
    """Read a ministry-supplied agency list (.csv or .xlsx).

    Returns the agencies from rows without errors, and every problem found (errors and warnings).
    Province and parent codes may refer to rows in the file or to `existing` agencies (default: the
    shipped registry), so a file of kabupaten/kota alone is fine."""
    if isinstance(path_or_bytes, (str, Path)):
        file_name = file_name or Path(path_or_bytes).name
        data = Path(path_or_bytes).read_bytes()
    elif isinstance(path_or_bytes, (bytes, bytearray)):
        data = bytes(path_or_bytes)
    else:
        data = path_or_bytes.read()
        file_name = file_name or getattr(path_or_bytes, "name", None)
    file_name = file_name or "agencies.csv"
    problems: list[RegistryProblem] = []
    is_xlsx = data[:4] == b"PK\x03\x04" or file_name.lower().endswith((".xlsx", ".xlsm"))
    try:
        header, rows = _read_xlsx(data) if is_xlsx else _read_csv(data, problems)
    except Exception as exc:  # noqa: BLE001 - any reader failure is one clear problem for the user
        problems.append(_problem(ERROR, "file-unreadable", None, None, None,
                                 f"Berkas '{file_name}' tidak dapat dibaca sebagai {'xlsx' if is_xlsx else 'csv'} ({exc}).",
                                 f"File '{file_name}' could not be read as {'xlsx' if is_xlsx else 'csv'} ({exc})."))
        return [], problems
    columns = _map_columns(header, problems)
    if any(p.severity == ERROR for p in problems):
        return [], problems
    if existing is None:
        try:
            existing = load_registry()
        except (OSError, RegistryError):
            existing = ()
    return _validate(rows, columns, tuple(existing), problems), problems


def agency_active(agency: Agency, on_date: date | datetime) -> bool:
    """Whether `agency` exists on `on_date` (valid_from and valid_to are inclusive; empty = open)."""
    day = on_date.date() if isinstance(on_date, datetime) else on_date
    return (agency.valid_from is None or agency.valid_from <= day) and (agency.valid_to is None or day <= agency.valid_to)


def merge_registry(existing: Iterable[Agency], incoming: Iterable[Agency]) -> tuple[list[Agency], dict]:
    """Upsert `incoming` into `existing` by code. Existing order is kept; new agencies are appended.

    Returns the merged list and {"added", "updated", "unchanged"} counts over `incoming`."""
    merged = {a.code: a for a in existing}
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for a in incoming:
        old = merged.get(a.code)
        if old is None:
            counts["added"] += 1
        elif old == a:
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
        merged[a.code] = a
    return list(merged.values()), counts


def write_registry(agencies: Iterable[Agency], path: Path | str | None = None) -> Path:
    """Write agencies as the registry csv (UTF-8, ISO dates, autonomous true/false)."""
    p = Path(path) if path is not None else DEFAULT_REGISTRY_PATH
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for a in agencies:
        w.writerow([a.code, a.name, a.agency_type, a.province_code or "", a.parent_code or "",
                    a.valid_from.isoformat() if a.valid_from else "", a.valid_to.isoformat() if a.valid_to else "",
                    "true" if a.autonomous else "false", a.contact_email, a.source])
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(p)
    return p


def import_registry_file(path_or_bytes: str | Path | bytes, file_name: str | None = None, *,
                         registry_path: Path | str | None = None, write: bool = False
                         ) -> tuple[dict, list[RegistryProblem]]:
    """Read a ministry list and merge it into the registry csv. Nothing is written when any row has an
    error or when `write` is False (dry run). Returns counts (plus "rejected") and the problems."""
    current = list(load_registry(registry_path))
    incoming, problems = read_registry_file(path_or_bytes, file_name, existing=current)
    if any(p.severity == ERROR for p in problems):
        return {"added": 0, "updated": 0, "unchanged": 0, "rejected": True}, problems
    merged, counts = merge_registry(current, incoming)
    if write:
        write_registry(merged, registry_path)
    return {**counts, "rejected": False}, problems


# ------------------------------------------------------------------ reviewable changes
CHANGE_KINDS = ("added", "renamed", "ended", "successor", "changed")
_KIND_TEXT = {"added": ("baru", "added"), "renamed": ("ganti nama", "renamed"), "ended": ("berakhir", "ended"),
              "successor": ("penerus", "successor"), "changed": ("diubah", "changed")}
_FIELDS = ("name", "agency_type", "province_code", "parent_code", "valid_from", "valid_to", "autonomous",
           "contact_email", "source")
_FIELD_ID = {"name": "nama", "agency_type": "jenis", "province_code": "kode_provinsi", "parent_code": "induk",
             "valid_from": "berlaku_mulai", "valid_to": "berlaku_sampai", "autonomous": "otonom",
             "contact_email": "email", "source": "sumber"}   # the Indonesian column names the import accepts


@dataclass(frozen=True)
class AgencyChange:
    """What an import does to one agency: `kinds` ⊆ CHANGE_KINDS, `fields` the columns that differ."""
    code: str
    kinds: tuple[str, ...]
    before: Agency | None
    after: Agency
    fields: tuple[str, ...]

    def text(self, lang: str = "id") -> str:
        """One line, e.g. `KL-KOMDIGI Kementerian Komunikasi dan Digital: baru; penerus dari KL-KOMINFO`."""
        en = lang == "en"
        parts = []
        for kind in self.kinds:
            label = _KIND_TEXT[kind][1 if en else 0]
            if kind == "renamed":
                label += f" ({self.before.name} → {self.after.name})"
            elif kind == "ended":
                label += f" ({'on' if en else 'pada'} {self.after.valid_to.isoformat()})"
            elif kind == "successor":
                since = f", {'from' if en else 'sejak'} {self.after.valid_from.isoformat()}" if self.after.valid_from else ""
                label += f" ({'of' if en else 'dari'} {self.after.parent_code}{since})"
            elif kind == "changed":
                covered = {"renamed": "name", "ended": "valid_to", "successor": "parent_code"}
                shown = [f for f in self.fields if f not in {covered[k] for k in self.kinds if k in covered}]
                label += f" ({', '.join(shown if en else [_FIELD_ID.get(f, f) for f in shown])})"
            parts.append(label)
        return f"{self.code} {self.after.name}: {'; '.join(parts)}"


@dataclass(frozen=True)
class RegistryDiff:
    """The per-agency difference between the registry in force and an incoming list."""
    changes: tuple[AgencyChange, ...]
    unchanged: int

    @property
    def counts(self) -> dict:
        """{"added", "renamed", "ended", "successor", "changed"}: agencies with that kind of change, plus
        "updated" (every existing agency that changes) and "unchanged"."""
        out = {k: sum(k in c.kinds for c in self.changes) for k in CHANGE_KINDS}
        out["updated"] = sum(c.before is not None for c in self.changes)
        out["unchanged"] = self.unchanged
        return out

    def lines(self, lang: str = "id") -> list[str]:
        return [c.text(lang) for c in self.changes]

    def rows(self, lang: str = "id") -> list[dict]:
        """One dict per change, for a table: code, name, change (translated kinds), detail."""
        en = lang == "en"
        return [{"code": c.code, "name": c.after.name,
                 "change": ", ".join(_KIND_TEXT[k][1 if en else 0] for k in c.kinds),
                 "detail": c.text(lang).split(": ", 1)[1]} for c in self.changes]


def agency_record(agency: Agency | None) -> dict | None:
    """An agency as a JSON-ready dict (ISO dates), e.g. for the audit trail's before/after."""
    if agency is None:
        return None
    return {"code": agency.code, **{f: (v.isoformat() if isinstance(v, date) else v)
                                    for f in _FIELDS for v in [getattr(agency, f)]}}


def diff_registry(existing: Iterable[Agency], incoming: Iterable[Agency]) -> RegistryDiff:
    """Per agency of `incoming`, what upserting it into `existing` changes: added, renamed, ended (valid_to
    set or moved), successor (a parent newly given: the agency continues or splits from another), changed
    (any other column). The one rule behind the CLI preview, the admin page preview and the audit trail."""
    current = {a.code: a for a in existing}
    changes: list[AgencyChange] = []
    unchanged = 0
    for a in incoming:
        old = current.get(a.code)
        if old == a:
            unchanged += 1
            continue
        fields = tuple(f for f in _FIELDS if old is None or getattr(old, f) != getattr(a, f))
        kinds = []
        if old is None:
            kinds.append("added")
        elif old.name != a.name:
            kinds.append("renamed")
        if a.valid_to is not None and (old is None or old.valid_to != a.valid_to):
            kinds.append("ended")
        if a.parent_code is not None and (old is None or old.parent_code != a.parent_code):
            kinds.append("successor")
        if old is not None and set(fields) - {"name", "valid_to", "parent_code"}:
            kinds.append("changed")
        if not kinds:              # valid_to or parent_code cleared
            kinds.append("changed")
        changes.append(AgencyChange(a.code, tuple(kinds), old, a, fields))
        current[a.code] = a
    return RegistryDiff(tuple(changes), unchanged)


# ------------------------------------------------------------------ reading
def _read_csv(data: bytes, problems: list[RegistryProblem]) -> tuple[list[str], list[tuple[int, list]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        problems.append(_problem(WARNING, "not-utf8", None, None, None,
                                 "Berkas bukan UTF-8; dibaca sebagai Windows-1252. Periksa huruf beraksen.",
                                 "The file is not UTF-8; read as Windows-1252. Check accented letters."))
    first = text.split("\n", 1)[0]
    # Indonesian Excel exports csv with ';' (the decimal separator is ',').
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if len(rows) > MAX_ROWS:
        raise ValueError(f"lebih dari / more than {MAX_ROWS} baris/rows")
    if not rows:
        return [], []
    return rows[0], [(n, r) for n, r in enumerate(rows[1:], start=2)]


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    from openpyxl import load_workbook

    from loaders.xlsx_guard import guard
    guard(data)            # the same pre-flight guard as every other upload (raises: one clear problem)
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        # Read-only mode trusts the sheet's <dimension> tag, which some generators write wrong
        # (rows silently cut off); force a full scan. See tech-notes.md §5.
        ws.reset_dimensions()
        rows = ws.iter_rows(values_only=True)
        header = [("" if v is None else str(v)) for v in next(rows, ())]
        out = []
        for n, r in enumerate(rows, start=2):
            if n > MAX_ROWS:
                raise ValueError(f"lebih dari / more than {MAX_ROWS} baris/rows")
            out.append((n, list(r)))
    finally:
        wb.close()
    return header, out


def _normalise(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def _letter(index: int) -> str:
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _map_columns(header: list[str], problems: list[RegistryProblem]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        key = ALIASES.get(_normalise(h or ""))
        if key is None:
            if (h or "").strip():
                problems.append(_problem(WARNING, "unknown-column", 1, _letter(i), h,
                                         f"Kolom '{h}' tidak dikenal dan diabaikan.",
                                         f"Column '{h}' is not recognised and is ignored."))
            continue
        if key in columns:
            problems.append(_problem(ERROR, "ambiguous-column", 1, _letter(i), h,
                                     f"Kolom '{h}' berarti sama dengan kolom {_letter(columns[key])} ({key}); hapus salah satunya.",
                                     f"Column '{h}' means the same as column {_letter(columns[key])} ({key}); remove one."))
            continue
        columns[key] = i
    for key in REQUIRED:
        if key not in columns:
            aliases = ", ".join(sorted(a for a, k in ALIASES.items() if k == key))
            problems.append(_problem(ERROR, "missing-column", 1, None, None,
                                     f"Kolom wajib '{key}' tidak ada di baris judul (nama yang dikenal: {aliases}).",
                                     f"Required column '{key}' is missing from the header row (accepted names: {aliases})."))
    return columns


# ------------------------------------------------------------------ validation
def _problem(severity, code, row, column, value, message, message_en) -> RegistryProblem:
    return RegistryProblem(severity, row, column, None if value is None else str(value), message, message_en, code)


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def _code_text(v, agency_type: str | None, row: int, col: str, problems: list[RegistryProblem]) -> str:
    """Codes are text. A code typed as a number lost its trailing zero (32.10 → 32.1): rebuild it and warn."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return _text(v)
    text = str(v) if isinstance(v, int) else (f"{v:.2f}" if agency_type in ("KAB", "KOTA") or v != int(v) else str(int(v)))
    problems.append(_problem(WARNING, "numeric-code", row, col, v,
                             f"Kode {v!r} tersimpan sebagai angka dan dibaca sebagai '{text}'. Simpan kode sebagai teks.",
                             f"Code {v!r} is stored as a number and was read as '{text}'. Store codes as text."))
    return text


def _date(v, row: int, col: str, name: str, problems: list[RegistryProblem]) -> tuple[date | None, bool]:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None, True
    if isinstance(v, datetime):
        return v.date(), True
    if isinstance(v, date):
        return v, True
    s = str(v).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(s, fmt).date(), True
        except ValueError:
            pass
    problems.append(_problem(ERROR, "not-a-date", row, col, s,
                             f"Baris {row} kolom {col} ({name}): '{s}' bukan tanggal. Tulis YYYY-MM-DD atau DD/MM/YYYY.",
                             f"Row {row} column {col} ({name}): '{s}' is not a date. Write YYYY-MM-DD or DD/MM/YYYY."))
    return None, False


def _validate(rows: list[tuple[int, list]], columns: dict[str, int], existing: tuple[Agency, ...],
              problems: list[RegistryProblem]) -> list[Agency]:
    def cell(raw: list, key: str):
        i = columns.get(key)
        return raw[i] if i is not None and i < len(raw) else None

    def col(key: str) -> str | None:
        return _letter(columns[key]) if key in columns else None

    # First pass: types and codes, so provinces and parents defined later in the file are known.
    parsed = []
    for n, raw in rows:
        if all(_text(v) == "" for v in raw):
            continue
        t_raw = _text(cell(raw, "agency_type"))
        agency_type = TYPE_ALIASES.get(t_raw.upper())
        code = _code_text(cell(raw, "code"), agency_type, n, col("code"), problems)
        parsed.append((n, raw, code, t_raw, agency_type))
    file_codes: dict[str, int] = {}
    for n, _, code, _, agency_type in parsed:
        if code and agency_type and code not in file_codes:
            file_codes[code] = n
    known_types = {a.code: a.agency_type for a in existing}
    known_types.update({code: t for _, _, code, _, t in parsed if code and t})
    provinces = {c for c, t in known_types.items() if t == "PROV"}

    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for n, raw, code, t_raw, agency_type in parsed:
        before = sum(1 for p in problems if p.severity == ERROR)

        def err(kind, key, value, msg, msg_en):
            problems.append(_problem(ERROR, kind, n, col(key), value, f"Baris {n}: {msg}", f"Row {n}: {msg_en}"))

        def warn(kind, key, value, msg, msg_en):
            problems.append(_problem(WARNING, kind, n, col(key), value, f"Baris {n}: {msg}", f"Row {n}: {msg_en}"))

        name = _text(cell(raw, "name"))
        if not code:
            err("blank-required-cell", "code", None, "kode kosong.", "the code is empty.")
        if not name:
            err("blank-required-cell", "name", None, "nama kosong.", "the name is empty.")
        if agency_type is None:
            err("unknown-agency-type", "agency_type", t_raw,
                f"jenis instansi '{t_raw}' tidak dikenal (harus KL, PROV, KAB atau KOTA).",
                f"agency type '{t_raw}' is unknown (must be KL, PROV, KAB or KOTA).")
        province_code: str | None = _code_text(cell(raw, "province_code"), "PROV", n, col("province_code"),
                                               problems) or None
        if code and agency_type:
            if agency_type == "PROV":
                if not _PROV.match(code):
                    err("bad-code-format", "code", code, f"kode provinsi '{code}' harus 2 angka (mis. 32).",
                        f"province code '{code}' must be 2 digits (e.g. 32).")
                elif province_code not in (None, code):
                    err("province-mismatch", "province_code", province_code,
                        f"kode_provinsi '{province_code}' berbeda dengan kode '{code}'.",
                        f"province_code '{province_code}' differs from the code '{code}'.")
                province_code = code
            elif agency_type in ("KAB", "KOTA"):
                m = _KABKOTA.match(code)
                if not m:
                    err("bad-code-format", "code", code,
                        f"kode kabupaten/kota '{code}' harus berbentuk PP.KK (mis. 32.73).",
                        f"regency/city code '{code}' must look like PP.KK (e.g. 32.73).")
                else:
                    prov, kk = m.group(1), int(m.group(2))
                    if agency_type == "KAB" and kk >= 71:
                        warn("kab-kota-mismatch", "code", code,
                             f"'{code}' bertipe KAB tetapi KK ≥ 71 biasanya kota.",
                             f"'{code}' is typed KAB but KK ≥ 71 is normally a kota (city).")
                    if agency_type == "KOTA" and kk < 71:
                        warn("kab-kota-mismatch", "code", code,
                             f"'{code}' bertipe KOTA tetapi KK < 71 biasanya kabupaten.",
                             f"'{code}' is typed KOTA but KK < 71 is normally a kabupaten (regency).")
                    if province_code not in (None, prov):
                        err("province-mismatch", "province_code", province_code,
                            f"kode_provinsi '{province_code}' tidak cocok dengan awalan kode '{code}'.",
                            f"province_code '{province_code}' does not match the prefix of code '{code}'.")
                    elif prov not in provinces:
                        err("unknown-province", "code", code,
                            f"provinsi '{prov}' untuk '{code}' tidak ada di registri maupun di berkas.",
                            f"province '{prov}' of '{code}' is neither in the registry nor in the file.")
                    province_code = prov
            else:  # KL
                if not _KL.match(code):
                    err("bad-code-format", "code", code,
                        f"kode K/L '{code}' harus berbentuk KL-SINGKATAN (huruf besar/angka, mis. KL-PANRB).",
                        f"ministry/agency code '{code}' must look like KL-SHORT (upper case/digits, e.g. KL-PANRB).")
                if province_code is not None:
                    warn("province-ignored", "province_code", province_code,
                         "K/L tidak memiliki kode provinsi; nilai diabaikan.",
                         "a ministry/agency has no province code; the value is ignored.")
                province_code = None
        if code in seen:
            err("duplicate-code", "code", code, f"kode '{code}' sudah dipakai di baris {seen[code]}.",
                f"code '{code}' is already used on row {seen[code]}.")
        elif code:
            seen[code] = n

        parent_code = _code_text(cell(raw, "parent_code"), known_types.get(_text(cell(raw, "parent_code"))),
                                 n, col("parent_code"), problems) or None
        if parent_code is not None:
            if parent_code == code:
                err("bad-parent", "parent_code", parent_code, "induk tidak boleh dirinya sendiri.",
                    "an agency cannot be its own parent.")
            elif parent_code not in known_types:
                warn("unknown-parent", "parent_code", parent_code,
                     f"induk '{parent_code}' tidak ada di registri maupun di berkas.",
                     f"parent '{parent_code}' is neither in the registry nor in the file.")
            elif agency_type and known_types[parent_code] != agency_type and not (
                    {agency_type, known_types[parent_code]} <= {"KAB", "KOTA"}):
                warn("parent-type-mismatch", "parent_code", parent_code,
                     f"induk '{parent_code}' berjenis {known_types[parent_code]}, berbeda dengan {agency_type}.",
                     f"parent '{parent_code}' is a {known_types[parent_code]}, not a {agency_type}.")

        valid_from, ok_from = _date(cell(raw, "valid_from"), n, col("valid_from"), "valid_from", problems)
        valid_to, ok_to = _date(cell(raw, "valid_to"), n, col("valid_to"), "valid_to", problems)
        if valid_from and valid_to and valid_from > valid_to:
            err("bad-date-range", "valid_to", valid_to.isoformat(),
                f"berlaku_sampai {valid_to.isoformat()} sebelum berlaku_mulai {valid_from.isoformat()}.",
                f"valid_to {valid_to.isoformat()} is before valid_from {valid_from.isoformat()}.")

        auto_raw = cell(raw, "autonomous")
        auto_text = _text(auto_raw).lower()
        if isinstance(auto_raw, bool):
            autonomous = auto_raw
        elif auto_text == "":
            autonomous = True
        elif auto_text in TRUE_WORDS:
            autonomous = True
        elif auto_text in FALSE_WORDS:
            autonomous = False
        else:
            autonomous = True
            err("not-a-boolean", "autonomous", auto_text,
                f"otonom '{auto_text}' harus ya/tidak (true/false).",
                f"autonomous '{auto_text}' must be yes/no (ya/tidak, true/false).")

        email = _text(cell(raw, "contact_email"))
        if email and not _EMAIL.match(email):
            warn("bad-email", "contact_email", email, f"alamat email '{email}' tampak tidak valid.",
                 f"email address '{email}' does not look valid.")
        source = _text(cell(raw, "source"))

        if sum(1 for p in problems if p.severity == ERROR) > before:
            continue
        agencies.append(Agency(code=code, name=name, agency_type=agency_type, province_code=province_code,
                               parent_code=parent_code, valid_from=valid_from, valid_to=valid_to,
                               autonomous=autonomous, contact_email=email, source=source))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return agencies


__all__ = ["AGENCY_TYPES", "Agency", "AgencyChange", "CHANGE_KINDS", "COLUMNS", "RegistryDiff", "agency_record",
           "diff_registry", "DEFAULT_REGISTRY_PATH", "RegistryError", "RegistryProblem",
           "agency_active", "import_registry_file", "load_registry", "merge_registry", "read_registry_file",
           "write_registry"]
