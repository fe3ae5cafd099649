"""Read one uploaded quarterly workbook into a `ParsedWorkbook`, every problem recorded as an `Issue`.

Order of work (each step only runs when the one before succeeded):
1. `check_xlsx`: a pre-flight guard on the raw bytes. python-calamine densifies a sheet's used range, so a
   single cell at XFD1048576 makes it request 512 GiB and *abort the process* (not a Python exception);
   https://github.com/tafia/calamine/issues/693. Zip bombs and DTDs are refused here too.
2. Values come from python-calamine (7-9x faster than openpyxl, docs/tech-notes §5).
3. What calamine does not expose (formula errors, formulas without a cached value, %-formats) comes from
   a regex scan of the sheet XML that the guard already decompressed.
4. The header block, the column header row and the data rows are located by their labels, so inserted
   rows and English or re-cased titles are tolerated.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Iterable, Sequence
from xml.sax.saxutils import unescape

from defusedxml import ElementTree as SafeET
from python_calamine import CalamineWorkbook

from loaders.issues import Issue, Number
from loaders.numbers import (
    AMBIGUOUS, EMPTY, MONEY_IN_SCALED, NOT_A_NUMBER, format_plain_id, parse_number, unit_problem,
)
from loaders.sheets import (
    HEADER_EXAMPLES,
    HEADER_FIELDS,
    INDICATOR_COLUMNS,
    INDICATOR_SHEET,
    MAX_TEXT,
    META_SHEET,
    RENAKSI_COLUMNS,
    RENAKSI_SHEET,
    TEMPLATE_VERSION,
    Column,
    Fingerprint,
    IndicatorRow,
    ParsedWorkbook,
    RenaksiRow,
    match_column,
    normalise,
)

# --- limits of the pre-flight guard (tech-notes §5)
MAX_TOTAL = 50 * 2**20        # bytes of all parts once decompressed
MAX_RATIO = 100               # compression ratio of one part larger than 1 MB
MAX_PARTS = 5_000
MAX_ROW = 100_000
MAX_COL = 200
MAX_CELLS = 2_000_000         # rows x columns: calamine and to_python() fill the whole rectangle (100k x 200
                              # took 3.6 s and 840 MB in one read)
MAX_COMMENTS = 10_000         # cell comments (notes and threaded comments) in the whole package; openpyxl turned
                              # 120,000 comments (590 KB on disk) into about 1 GB of objects
MAX_SHAPES = 20_000           # shapes in all drawings (legacy VML and DrawingML anchors)
MAX_ELEMENTS = 250_000        # XML elements in any one part that is not a sheet or the shared-string table
                              # (styles, comments, drawings, charts, properties, ...): a parser builds objects
                              # for each; the template's largest such part has about 300
MAX_STRINGS = MAX_CELLS       # entries of the shared-string table

# --- layout tolerances of the reader
HEADER_SCAN_ROWS = 30         # the header block (Kode Instansi, ...) sits in these rows
COLUMN_HEADER_SCAN_ROWS = 50  # the column header row sits in these rows
BLANK_RUN_STOP = 20           # this many blank rows in a row end the table

# Where the template puts the header values; used to point at a field that is missing altogether.
TEMPLATE_HEADER_CELLS = {"agency_code": "B3", "agency_name": "B4", "year": "B5", "quarter": "B6"}
# Sheets added by `loaders.annotate`; an agency fixing an annotated file keeps them, and that is no
# change of the template's structure.
ANNOTATION_SHEETS = ("Masalah", "Problems")
META_KEYS = ("template_version", "agency_code", "year", "quarter", "checksum")


class UnsafeWorkbook(ValueError):
    """The file is refused before any parser sees it; `reason` says why (in English, for the message)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotAnXlsx(UnsafeWorkbook):
    """Not an .xlsx package at all (.xls, .csv, .ods, an encrypted file, a broken zip): unreadable, not hostile."""


class TooComplexWorkbook(UnsafeWorkbook):
    """Too many comments, shapes or XML elements: parsing it would take the server's memory. `what` and
    `what_en` name the thing in both languages, `limit` the most allowed."""

    def __init__(self, reason: str, what: str, what_en: str, limit: int):
        super().__init__(reason)
        self.what, self.what_en, self.limit = what, what_en, limit


class MacroWorkbook(UnsafeWorkbook):
    """A macro-enabled workbook (.xlsm: a VBA project or a macro-enabled content type): refused, never archived
    as a report; the officer saves it again as a plain .xlsx."""


_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX", b"ms-excel.sheet.binary")


# ------------------------------------------------------------------------------------------------ guard

_PFX = rb"(?:[A-Za-z_][\w.-]*:)?"            # an optional namespace prefix, as in <x:c r="A1">
# In sheet XML only <row> and <c> carry an attribute named r, so one pass finds every row and cell address.
# Starting the pattern with the literal "r" (not with \s) makes it about twice as fast; an attribute that
# merely ends in "r" could only add matches, which errs on the safe side.
_R_ATTR = re.compile(rb"r\s*=\s*[\"']([A-Za-z]*)([0-9]+)[\"']")
_ROW_TAG = re.compile(rb"<" + _PFX + rb"row\b")
_CELL_TAG = re.compile(rb"<" + _PFX + rb"c\b")
_PLAIN_CELL_TAG = re.compile(rb"<c[\s>/]")
_PREFIXED = re.compile(rb":(?:c[\s>/]|row\b)")
_DIM_AT = re.compile(rb"dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']")
_REF_PART = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)")


@dataclass
class _Package:
    """The xml parts of a checked package, decompressed once and shared by the guard and the reader."""

    parts: dict[str, bytes]
    sheet_paths: dict[str, str]      # sheet name -> part name, in workbook order


def _col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        n = n * 26 + (ord(ch) - 64)
    return n


def _col_letters(col0: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    col, out = col0 + 1, ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


@lru_cache(maxsize=1 << 16)
def cell_ref(row0: int, col0: int) -> str:
    """(8, 5) -> 'F9' (0-based row and column to an A1 reference)."""
    return f"{_col_letters(col0)}{row0 + 1}"


def check_xlsx(data: bytes) -> None:
    """Raise `UnsafeWorkbook` unless `data` is a zip package that python-calamine can safely read.

    Refuses: anything that is not a zip, a corrupt zip, more than 50 MB of XML once decompressed, a part
    compressed more than 100:1, duplicate part names, a missing xl/workbook.xml, any DTD/ENTITY, a shared-string
    table declaring far more strings than it holds (or more than 2,000,000), a sheet whose used range (cells,
    rows, or the <dimension> tag) goes beyond 100,000 rows, 200 columns or 2,000,000 cells, more than 10,000
    comments or 20,000 drawing shapes, and any other XML part (styles, comments, drawings, charts, ...) with
    more than 250,000 elements. Every part any reader here parses (calamine, openpyxl) is decompressed and
    counted; only images, the theme and printer settings are never opened.
    """
    _open_package(data)


# Parts no reader here opens (neither python-calamine nor openpyxl parses them; their declared sizes still
# count towards MAX_TOTAL). Comments, drawings, charts and properties are read and counted: openpyxl parses
# them when it opens a whole workbook (the annotated copy, the catalogue).
_NEVER_READ = ("xl/theme/", "xl/media/", "xl/printerSettings/")
_NOT_PARSED = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".ico", ".bin")
_SST = re.compile(rb"<" + _PFX + rb"sst\b([^>]*)>")
_UNIQUE_COUNT = re.compile(rb"uniqueCount\s*=\s*[\"']([^\"']*)[\"']")
_SI = re.compile(rb"<" + _PFX + rb"si\b")


def _open_package(data: bytes) -> _Package:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise NotAnXlsx("not a file")
    data = bytes(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAnXlsx("an .xls or password-protected file, not .xlsx")
    if not data.startswith(b"PK\x03\x04"):
        raise NotAnXlsx("not an xlsx (zip) file")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:                        # BadZipFile, LargeZipFile, ValueError, OSError ...
        raise NotAnXlsx(f"corrupt zip: {exc}") from exc
    if len(infos) > MAX_PARTS:
        raise UnsafeWorkbook("too many parts in the zip")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise UnsafeWorkbook("duplicate part names in the zip")   # which copy a reader takes is undefined
    if sum(i.file_size for i in infos) > MAX_TOTAL:
        raise UnsafeWorkbook("too large when uncompressed")
    if any(n.lower().endswith(("vbaproject.bin", "vbadata.xml")) or n.lower().startswith("xl/macrosheets/")
           for n in names):
        raise MacroWorkbook("macro-enabled workbook (VBA project)")
    if "[Content_Types].xml" in names:
        with zf.open("[Content_Types].xml") as fh:
            types = fh.read(1_000_000)
        if any(t in types for t in _MACRO_TYPES):
            raise MacroWorkbook("macro-enabled workbook (content type)")
    if "xl/workbook.xml" not in names:
        raise NotAnXlsx("missing xl/workbook.xml")

    parts: dict[str, bytes] = {}
    total = 0
    skipped: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.filename.startswith(_NEVER_READ):
            skipped[info.filename] = info           # calamine never opens these; read below if a sheet rel does
            continue
        try:
            with zf.open(info) as fh:
                content = fh.read(MAX_TOTAL - total + 1)   # the declared size can lie: read with a cap
        except Exception as exc:                    # CRC error, bad local header, encryption, zlib error
            raise NotAnXlsx(f"corrupt zip: {exc}") from exc
        total += len(content)
        if total > MAX_TOTAL:
            raise UnsafeWorkbook("too large when uncompressed")
        if len(content) > 1_000_000 and len(content) > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeWorkbook(f"{info.filename}: compression ratio too high")
        if not info.filename.lower().endswith(_NOT_PARSED):
            if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                raise UnsafeWorkbook("DTD not allowed")
            if b"uniqueCount" in content or b"sst" in content[:4096]:
                _check_shared_strings(info.filename, content)
        parts[info.filename] = content

    sheet_paths = _sheet_paths(parts)
    for path in set(sheet_paths.values()) & set(skipped):
        with zf.open(skipped[path]) as fh:
            parts[path] = fh.read(MAX_TOTAL - total + 1)
        total += len(parts[path])
        if total > MAX_TOTAL or b"<!DOCTYPE" in parts[path] or b"<!ENTITY" in parts[path]:
            raise UnsafeWorkbook(f"{path}: refused")
    # Every part that could be read as a worksheet, however the rels point at it (odd paths included).
    for name, xml in parts.items():
        if name in sheet_paths.values() or (not name.lower().endswith(_NOT_PARSED) and b"sheetData" in xml):
            _check_used_range(name, xml)
    _check_markup({n: x for n, x in parts.items() if not n.lower().endswith(_NOT_PARSED)},
                  set(sheet_paths.values()) | _shared_strings_paths(parts))
    return _Package(parts, sheet_paths)


def _check_shared_strings(name: str, xml: bytes) -> None:
    """calamine reserves memory for uniqueCount strings up front: uniqueCount="4000000000" aborts the
    process (96 GB allocation) just like a far cell does. A real table declares about as many as it holds."""
    root = _SST.search(xml)
    present = _count(_SI, xml)
    if present > MAX_STRINGS:
        raise UnsafeWorkbook(f"{name}: more than {MAX_STRINGS:,} shared strings")
    for declared in _UNIQUE_COUNT.findall(root.group(1) if root else b""):
        digits = re.sub(rb"[^0-9]", b"", declared).lstrip(b"0") or b"0"   # Rust also parses "+4000000000"
        if len(digits) > 9 or int(digits) > present + 100_000:
            raise UnsafeWorkbook(f"{name}: declared string count exceeds the strings present")


_COMMENT = re.compile(rb"<" + _PFX + rb"(?:comment|threadedComment)\b")
_SHAPE = re.compile(rb"<" + _PFX + rb"(?:shape|twoCellAnchor|oneCellAnchor|absoluteAnchor|relSizeAnchor|"
                    rb"absSizeAnchor)\b")


def _count(pattern: re.Pattern, xml: bytes) -> int:
    return sum(1 for _ in pattern.finditer(xml))     # no list of matches: a bomb holds millions


def _shared_strings_paths(parts: dict[str, bytes]) -> set[str]:
    found = {"xl/sharedStrings.xml"}
    for m in _REL_TAG.finditer(parts.get("xl/_rels/workbook.xml.rels", b"")):
        a = _attrs(m.group(1))
        if a.get("Type", "").endswith("/sharedStrings") and a.get("Target"):
            target = unescape(a["Target"]).replace("\\", "/")
            found.add(target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target)))
    return found


def _check_markup(parts: dict[str, bytes], exempt: set[str]) -> None:
    """Bound what a parser builds objects for: comments and shapes in the whole package, elements in any
    part other than a sheet or the shared-string table (those are bounded by their used range and count)."""
    comments = shapes = 0
    for name, xml in parts.items():
        if b"omment" in xml:
            comments += _count(_COMMENT, xml)
        if b"hape" in xml or b"Anchor" in xml:
            shapes += _count(_SHAPE, xml)
        if comments > MAX_COMMENTS:
            raise TooComplexWorkbook(f"too many cell comments (more than {MAX_COMMENTS:,})", "komentar sel",
                                     "cell comments", MAX_COMMENTS)
        if shapes > MAX_SHAPES:
            raise TooComplexWorkbook(f"too many drawing shapes (more than {MAX_SHAPES:,})",
                                     "bentuk gambar (shape)", "drawing shapes", MAX_SHAPES)
        if name not in exempt and xml.count(b"<") - xml.count(b"</") > MAX_ELEMENTS:
            raise TooComplexWorkbook(f"{name}: too many XML elements (more than {MAX_ELEMENTS:,})",
                                     f"elemen XML di bagian {name}", f"XML elements in part {name}", MAX_ELEMENTS)


def _check_used_range(name: str, xml: bytes) -> None:
    refs = _R_ATTR.findall(xml)
    letters = {letter for letter, _ in refs}
    digits = {d for _, d in refs}
    if any(len(x) > 3 for x in letters) or any(len(d) > 7 for d in digits):
        raise UnsafeWorkbook(f"{name}: used range exceeds limits")
    max_col = max((_col_number(x) for x in letters if x), default=0)
    max_row = max((int(d) for d in digits), default=0)
    at = xml.find(b"dimension")
    while at != -1:
        m = _DIM_AT.match(xml, at)
        for part in (m.group(1).split(b":") if m else ()):
            mm = _REF_PART.fullmatch(part.strip())
            if mm:
                if len(mm.group(1)) > 3 or len(mm.group(2)) > 7:
                    raise UnsafeWorkbook(f"{name}: used range exceeds limits")
                max_col = max(max_col, _col_number(mm.group(1)))
                max_row = max(max_row, int(mm.group(2)))
        at = xml.find(b"dimension", at + 9)
    if _PREFIXED.search(xml):
        n_rows, n_tags, n_addressed = len(_ROW_TAG.findall(xml)), len(_CELL_TAG.findall(xml)), -1
    else:
        n_rows = xml.count(b"<row")
        n_tags = len(_PLAIN_CELL_TAG.findall(xml))
        n_addressed = xml.count(b'<c r="') + xml.count(b"<c r='")   # how every known writer starts a cell
    if n_tags != n_addressed:
        # Cells without an r="" attribute sit one after the other: the widest row bounds the columns.
        for chunk in _ROW_TAG.split(xml):
            max_col = max(max_col, len(_CELL_TAG.findall(chunk)))
    if max_row > MAX_ROW or max_col > MAX_COL or n_rows > MAX_ROW or max_row * max_col > MAX_CELLS:
        raise UnsafeWorkbook(f"{name}: used range exceeds limits ({MAX_ROW:,} rows, {MAX_COL} columns)")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_SHEET_TAG = re.compile(rb"<" + _PFX + rb"sheet\b([^>]*?)/?>")
_REL_TAG = re.compile(rb"<" + _PFX + rb"Relationship\b([^>]*?)/?>")


def _sheet_paths(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> worksheet part, from xl/workbook.xml and its rels (names and order as in the file)."""
    targets: dict[str, str] = {}
    for m in _REL_TAG.finditer(parts.get("xl/_rels/workbook.xml.rels", b"")):
        a = _attrs(m.group(1))
        if a.get("Id") and a.get("Target"):
            target = unescape(a["Target"]).replace("\\", "/")
            targets[a["Id"]] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    paths: dict[str, str] = {}
    for m in _SHEET_TAG.finditer(parts["xl/workbook.xml"]):
        a = _attrs(m.group(1))          # prefixes dropped, so r:id is "id"
        name = a.get("name")
        if name is not None and a.get("id") in targets:
            paths[unescape(name, {"&quot;": '"', "&apos;": "'"})] = targets[a["id"]]
    return paths


# ---------------------------------------------------------------------------------- sheet XML semantics

_TOKEN = re.compile(rb"<" + _PFX + rb"(row|c)\b([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</" + _PFX + rb"c>")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_F = re.compile(rb"<" + _PFX + rb"f\b")
_V = re.compile(rb"<" + _PFX + rb"v\s*>(.*?)</" + _PFX + rb"v\s*>", re.S)
_HYPERLINK = re.compile(rb"<" + _PFX + rb"hyperlink\b([^>]*?)/?>")

ERROR, NO_VALUE, PERCENT = "error", "no-value", "percent"
_PERCENT_BUILTIN = {9, 10}


def _attrs(raw: bytes) -> dict[str, str]:
    """Attributes of one tag, namespace prefixes dropped (r:id -> id)."""
    out = {}
    for m in _ATTR.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out[m.group(1).decode().rsplit(":", 1)[-1]] = value.decode("utf-8", "replace")
    return out


_NUMFMT = re.compile(rb"<" + _PFX + rb"numFmt\b([^>]*?)/?>")
_XF = re.compile(rb"<" + _PFX + rb"xf\b([^>]*?)/?>")
_CELLXFS = re.compile(rb"<" + _PFX + rb"cellXfs\b.*?</" + _PFX + rb"cellXfs\s*>", re.S)


def _percent_styles(parts: dict[str, bytes]) -> frozenset[int]:
    """Indices into cellXfs whose number format shows a percentage (its numbers are fractions)."""
    return _percent_styles_of(parts.get("xl/styles.xml") or b"")


@lru_cache(maxsize=64)
def _percent_styles_of(xml: bytes) -> frozenset[int]:
    percent_ids = set(_PERCENT_BUILTIN)
    for m in _NUMFMT.finditer(xml):
        a = _attrs(m.group(1))
        if _is_percent_format(unescape(a.get("formatCode", ""), {"&quot;": '"', "&apos;": "'"})):
            if a.get("numFmtId", "").isdigit():
                percent_ids.add(int(a["numFmtId"]))
    block = _CELLXFS.search(xml)
    found = set()
    for index, m in enumerate(_XF.finditer(block.group(0)) if block else ()):
        fmt = _attrs(m.group(1)).get("numFmtId", "0")
        if fmt.isdigit() and int(fmt) in percent_ids:
            found.add(index)
    return frozenset(found)


def _is_percent_format(code: str) -> bool:
    first = code.split(";", 1)[0]
    first = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", first)    # quoted text, escaped chars, [colours]
    return "%" in first


def _scan_sheet(xml: bytes, percent: frozenset[int]) -> dict[tuple[int, int], tuple[str, str | None]]:
    """(row0, col0) -> (ERROR, "#DIV/0!") | (NO_VALUE, None) | (PERCENT, None)."""
    marks: dict[tuple[int, int], tuple[str, str | None]] = {}
    if not (percent or b"f>" in xml or b"<f " in xml or b":f " in xml or b'"e"' in xml or b"'e'" in xml):
        return marks                                # the common case: no formulas, no errors, no %
    row0, col0 = -1, -1
    for m in _TOKEN.finditer(xml):
        kind, raw, closed = m.group(1), m.group(2), m.group(3)
        if kind == b"row":
            a = _attrs(raw)
            row0 = int(a["r"]) - 1 if a.get("r", "").isdigit() else row0 + 1
            col0 = -1
            continue
        a = _attrs(raw)
        ref = a.get("r")
        ref_m = _REF_PART.fullmatch(ref.encode()) if ref else None
        if ref_m:
            col0 = _col_number(ref_m.group(1)) - 1
            row0 = int(ref_m.group(2)) - 1
        else:
            col0 += 1
        content = b""
        if not closed:
            end = _CELL_END.search(xml, m.end())
            content = xml[m.end():end.start()] if end else b""
        v = _V.search(content)
        value = v.group(1) if v else None
        if a.get("t") == "e":
            text = unescape(value.decode("utf-8", "replace")).strip() if value else ""
            marks[(row0, col0)] = (ERROR, text or "#ERROR")
        elif _F.search(content) and not value and a.get("t") not in ("str", "inlineStr", "s"):
            marks[(row0, col0)] = (NO_VALUE, None)
        elif percent and a.get("s", "").isdigit() and int(a["s"]) in percent and value:
            marks[(row0, col0)] = (PERCENT, None)
    return marks


def _hyperlinks(parts: dict[str, bytes], sheet_path: str, xml: bytes) -> dict[tuple[int, int], str]:
    """Cell -> external hyperlink target (an evidence cell may show 'Link' and point at the document)."""
    if b"hyperlink" not in xml:
        return {}
    rels_path = posixpath.join(posixpath.dirname(sheet_path), "_rels", posixpath.basename(sheet_path) + ".rels")
    targets: dict[str, str] = {}
    if rels_path in parts:
        try:
            for rel in SafeET.fromstring(parts[rels_path]).iter():
                if _local(rel.tag) == "Relationship" and rel.get("Id"):
                    targets[rel.get("Id")] = rel.get("Target") or ""
        except Exception:
            return {}
    links = {}
    for m in _HYPERLINK.finditer(xml):
        a = _attrs(m.group(1))
        target = targets.get(a.get("id", ""))
        ref_m = _REF_PART.fullmatch(a.get("ref", "").split(":")[0].encode())
        if target and ref_m:
            links[(int(ref_m.group(2)) - 1, _col_number(ref_m.group(1)) - 1)] = target
    return links


# ------------------------------------------------------------------------ formulas that reach outside

# Functions that fetch from the network or call code outside the workbook when Excel recalculates.
_OUTSIDE_FN = re.compile(r"(?<![\w.])(?:_xlfn\.)?(WEBSERVICE|RTD|CALL|REGISTER(?:\.ID)?|IMAGE)\s*\(", re.I)
# A reference to another workbook ("[1]Sheet!A1" as stored, or "'C:\x\[book.xlsx]Sheet'!A1") or a DDE link
# ("cmd|' /C calc'!A0").
_OUTSIDE_REF = re.compile(r"\[\d+\][^!]*!|\[[^\]]+\.(?:xl\w*|csv|ods)\]|[\w.]+\|'?[^!]*'?!", re.I)
_SUSPECT = re.compile(rb"WEBSERVICE|RTD|CALL|REGISTER|IMAGE|\[|\|", re.I)
_FORMULA = re.compile(rb"<" + _PFX + rb"f\b[^>]*>(.*?)</" + _PFX + rb"f\s*>", re.S)


def reaches_outside(formula: str) -> bool:
    """Whether a formula's text fetches data from outside the workbook (web, another file, DDE, add-ins)."""
    return bool(_OUTSIDE_FN.search(formula) or _OUTSIDE_REF.search(formula))


def _outside_formulas(xml: bytes) -> list[tuple[str, str]]:
    """(cell, formula) of each formula in a sheet's XML that reaches outside the workbook."""
    found: list[tuple[str, str]] = []
    if b"<f" not in xml and b":f" not in xml or not _SUSPECT.search(xml):
        return found
    row0, col0 = -1, -1
    for m in _TOKEN.finditer(xml):
        kind, raw, closed = m.group(1), m.group(2), m.group(3)
        a = _attrs(raw)
        if kind == b"row":
            row0 = int(a["r"]) - 1 if a.get("r", "").isdigit() else row0 + 1
            col0 = -1
            continue
        ref_m = _REF_PART.fullmatch(a["r"].encode()) if a.get("r") else None
        if ref_m:
            col0, row0 = _col_number(ref_m.group(1)) - 1, int(ref_m.group(2)) - 1
        else:
            col0 += 1
        if closed:
            continue
        end = _CELL_END.search(xml, m.end())
        f = _FORMULA.search(xml, m.end(), end.start() if end else len(xml))
        if f:
            text = unescape(f.group(1).decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
            if reaches_outside(text):
                found.append((cell_ref(row0, col0), text))
    return found


def _external_links(parts: dict[str, bytes]) -> list[str]:
    """Targets of the package's links to other workbooks (xl/externalLinks), or the part names."""
    links = []
    for name in sorted(parts):
        if name.startswith("xl/externalLinks/") and name.endswith(".xml") and "/_rels/" not in name:
            rels = parts.get(posixpath.join("xl/externalLinks/_rels", posixpath.basename(name) + ".rels"), b"")
            targets = [_attrs(m.group(1)).get("Target", "") for m in _REL_TAG.finditer(rels)]
            links.append(", ".join(unescape(t) for t in targets if t) or name)
    return links


# ------------------------------------------------------------------------------------------- checksum

def structure_checksum(template_version: str, sheet_names: Sequence[str], header_labels: Sequence[str],
                       column_titles: Sequence[str], indicator_codes: Sequence[str]) -> str:
    """A short hash of the template's structure, written by the template writer into the META sheet and
    recomputed by the reader from what it finds. Values typed by the agency do not enter it."""
    payload = json.dumps([str(template_version),
                          [str(s).strip() for s in sheet_names if str(s) not in ANNOTATION_SHEETS],
                          [str(s).strip() for s in header_labels],
                          [str(s).strip() for s in column_titles],
                          [str(s).strip() for s in indicator_codes]], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------- reader

def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str:
    """A cell value as a person would read it: 2024.0 -> '2024', dates in ISO form, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def code_text(value: object) -> str:
    """An agency or indicator code as text. A numeric cell holding a region code gives '32' or '32.73'
    (Kemendagri kab/kota codes always have two digits after the dot, so 32.1 is '32.10')."""
    if isinstance(value, float) and not isinstance(value, bool):
        if value.is_integer():
            return str(int(value))
        if round(value, 2) == value:
            return f"{value:.2f}"
    return as_text(value)


_QUARTER_PREFIX = re.compile(r"^(?:TRIWULAN|TRIWULAN KE|TW|Q|QUARTER|KUARTAL|TRIMESTER)", re.I)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def parse_quarter(value: object) -> int | None:
    """1-4, '2', 'TW2', 'TW II', 'TW-2', 'Q2', 'II', 'Triwulan II' -> 2; anything else -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1 <= value <= 4 else None
    text = re.sub(r"[\s\-_.:]+", "", str(value or "")).upper()
    text = _QUARTER_PREFIX.sub("", text)
    if text.startswith("KE"):
        text = text[2:]
    if text in {"1", "2", "3", "4"}:
        return int(text)
    return _ROMAN.get(text)


def parse_year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and 1900 < value < 2200 else None
    if isinstance(value, (date, datetime)):
        return None
    m = re.fullmatch(r"\s*(?:tahun|year)?\s*((?:19|20|21)\d\d)\s*", str(value or ""), re.I)
    return int(m.group(1)) if m else None


@dataclass
class _Sheet:
    name: str
    rows: list[list]
    marks: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, row0: int, col0: int) -> object:
        try:
            return self.rows[row0][col0] if row0 >= 0 and col0 >= 0 else None
        except IndexError:
            return None

    def mark(self, row0: int, col0: int):
        return self.marks.get((row0, col0)) if self.marks else None

    def row_blank(self, row0: int, cols: Iterable[int] | None = None) -> bool:
        row = self.rows[row0]
        if cols is None:
            cols = range(len(row))
        for c in cols:
            v = row[c] if c < len(row) else None
            if not (v is None or (isinstance(v, str) and not v.strip())):
                return False
            if self.marks and (row0, c) in self.marks:
                return False
        return True


@dataclass
class _Header:
    row0: int
    columns: dict[str, int]          # field -> col0 (the first occurrence)
    titles: dict[str, str]           # field -> title as found
    found_titles: list[str]          # every non-empty title in the row, in order
    complete: bool                   # all required columns present, none twice


class _Reader:
    def __init__(self, pw: ParsedWorkbook, catalogue):
        self.pw = pw
        self.catalogue = catalogue
        self.by_code = dict(getattr(catalogue, "by_code", None) or {})
        self.themes = _theme_lookup(catalogue)

    # -- issues
    def issue(self, code: str, sheet: str | None = None, cell: str | None = None, column: str | None = None,
              value: object = None, number: Number | None = None, **params) -> None:
        """`value`: the cell as typed (kept); `number`: what the message says it holds, in the reader's language."""
        if number is not None:
            params["value"] = number
        text = None if value is None else (value if isinstance(value, str) else as_text(value))
        self.pw.issues.append(Issue(code=code, file=self.pw.file_name, sheet=sheet, cell=cell, column=column,
                                    value=text, params=params))

    # -- the whole file
    def run(self, data: bytes) -> None:
        try:
            package = _open_package(data)
        except MacroWorkbook as exc:
            self.issue("file-macro", reason=exc.reason)
            return
        except NotAnXlsx as exc:
            self.issue("file-unreadable", reason=exc.reason)
            return
        except TooComplexWorkbook as exc:
            self.issue("file-too-complex", what=exc.what, what_en=exc.what_en, limit=f"{exc.limit:,}".replace(",", "."),
                       limit_en=f"{exc.limit:,}")
            return
        except UnsafeWorkbook as exc:
            self.issue("file-unsafe", reason=exc.reason)
            return
        try:
            book = CalamineWorkbook.from_object(io.BytesIO(data))
            names = list(book.sheet_names)
        except BaseException as exc:                 # pyo3 panics derive from BaseException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            self.issue("file-unreadable", reason=_short(exc))
            return
        self.pw.sheets = names
        percent = _percent_styles(package.parts)

        def load(name: str) -> _Sheet:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            path = package.sheet_paths.get(name)
            xml = package.parts.get(path, b"") if path else b""
            return _Sheet(name, rows, _scan_sheet(xml, percent), _hyperlinks(package.parts, path, xml) if path else {})

        found = {normalise(n): n for n in reversed(names)}
        wanted = {INDICATOR_SHEET: found.get(normalise(INDICATOR_SHEET)),
                  RENAKSI_SHEET: found.get(normalise(RENAKSI_SHEET)),
                  META_SHEET: found.get(normalise(META_SHEET))}
        for required in (INDICATOR_SHEET, RENAKSI_SHEET):
            if wanted[required] is None:
                self.issue("missing-sheet", sheet=required, found=", ".join(names) or "-")
        try:
            ind = load(wanted[INDICATOR_SHEET]) if wanted[INDICATOR_SHEET] else None
            ren = load(wanted[RENAKSI_SHEET]) if wanted[RENAKSI_SHEET] else None
            meta = load(wanted[META_SHEET]) if wanted[META_SHEET] else None
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            self.issue("file-unreadable", reason=_short(exc))
            return

        ind_header = ren_header = None
        labels: list[str] = []
        if ind is not None:
            ind_header = self.find_header(ind, INDICATOR_COLUMNS)
            labels = self.read_header_block(ind, ind_header.row0 if ind_header else None)
            if ind_header and ind_header.complete:
                self.pw.indicators = list(self.indicator_rows(ind, ind_header))
        if ren is not None:
            ren_header = self.find_header(ren, RENAKSI_COLUMNS)
            if ren_header and ren_header.complete:
                self.pw.renaksi = list(self.renaksi_rows(ren, ren_header))

        readable = ind is not None and ind_header is not None and ind_header.complete and (
            ren is None or (ren_header is not None and ren_header.complete))
        if readable and not self.pw.renaksi and not any(
                not _blank(r.raw.get("value")) or r.value is not None or r.value_text for r in self.pw.indicators):
            self.issue("file-empty", sheet=ind.name)

        if meta is not None:
            titles = (ind_header.found_titles if ind_header else []) + (ren_header.found_titles if ren_header else [])
            self.read_fingerprint(meta, names, labels, titles)
        self.check_outside_references(package)

    def check_outside_references(self, package: _Package) -> None:
        """Links to other workbooks and formulas that fetch from outside (web, files, DDE): refused. Their
        cached values cannot be checked against anything, and opening the file would reach out."""
        for target in _external_links(package.parts):
            self.issue("external-link", value=target[:200])
        for name, path in package.sheet_paths.items():
            for ref, formula in _outside_formulas(package.parts.get(path, b"")):
                self.issue("external-formula", sheet=name, cell=ref, value="=" + formula[:200])


    # -- column header row
    def find_header(self, sheet: _Sheet, columns: tuple[Column, ...]) -> _Header | None:
        required = [c for c in columns if c.required]
        best: tuple[int, int, dict[str, list[int]]] | None = None
        for r in range(min(len(sheet.rows), COLUMN_HEADER_SCAN_ROWS)):
            matches: dict[str, list[int]] = {}
            for c, v in enumerate(sheet.rows[r]):
                if isinstance(v, str) and v.strip():
                    col = _match_column(v, columns)
                    if col is not None:
                        matches.setdefault(col.field, []).append(c)
            n = sum(1 for col in required if col.field in matches)
            if n and (best is None or n > best[0]):
                best = (n, r, matches)
            if n == len(required):
                break
        if best is None:
            self.issue("header-not-found", sheet=sheet.name, column=required[0].title)
            return None
        _, r, matches = best
        complete = True
        first_cell = cell_ref(r, min(c for cs in matches.values() for c in cs))
        for col in required:
            if col.field not in matches:
                complete = False
                self.issue("missing-column", sheet=sheet.name, cell=first_cell, column=col.title)
        for fld, cs in matches.items():
            if len(cs) > 1:
                complete = False
                self.issue("ambiguous-column", sheet=sheet.name, cell=cell_ref(r, cs[1]),
                           column=as_text(sheet.value(r, cs[1])), value=as_text(sheet.value(r, cs[1])))
        titles = {fld: as_text(sheet.value(r, cs[0])) for fld, cs in matches.items()}
        found_titles = [as_text(v) for v in sheet.rows[r] if not _blank(v)]
        return _Header(r, {fld: cs[0] for fld, cs in matches.items()}, titles, found_titles, complete)

    # -- header block (Kode Instansi, Nama Instansi, Tahun, Triwulan)
    def read_header_block(self, sheet: _Sheet, header_row0: int | None) -> list[str]:
        keys = {normalise(label): fld for fld, labels in HEADER_FIELDS.items() for label in labels}
        limit = min(HEADER_SCAN_ROWS, header_row0 if header_row0 is not None else HEADER_SCAN_ROWS, len(sheet.rows))
        found: dict[str, tuple[int, int, str, object]] = {}   # field -> row0, col0, label, inline value
        for r in range(limit):
            for c, v in enumerate(sheet.rows[r]):
                if not isinstance(v, str) or not v.strip():
                    continue
                fld, inline = _header_label(v, keys)
                if fld and fld not in found:
                    found[fld] = (r, c, v.strip(), inline)
        labels = []
        for fld, (label_id, _label_en) in HEADER_FIELDS.items():
            example = HEADER_EXAMPLES.get(fld, "")
            if fld not in found:
                labels.append("")
                self.issue("missing-header-field", sheet=sheet.name, cell=TEMPLATE_HEADER_CELLS[fld],
                           column=label_id, example=example)
                continue
            r, c, label, inline = found[fld]
            labels.append(label)
            if inline is not None:
                ref, value = cell_ref(r, c), inline
            else:
                row = sheet.rows[r]
                vc = next((k for k in range(c + 1, len(row)) if not _blank(row[k]) or sheet.mark(r, k)), None)
                ref = cell_ref(r, vc if vc is not None else c + 1)
                value = row[vc] if vc is not None else None
                mark = sheet.mark(r, vc) if vc is not None else None
                if mark and mark[0] == ERROR:
                    self.issue("formula-error", sheet=sheet.name, cell=ref, column=label, value=mark[1])
                    continue
                if mark and mark[0] == NO_VALUE:
                    self.issue("formula-without-value", sheet=sheet.name, cell=ref, column=label)
                    continue
            self.pw.header_cells[fld] = ref
            if _blank(value):
                self.issue("missing-header-field", sheet=sheet.name, cell=ref, column=label_id, example=example)
            elif fld == "agency_code":
                self.pw.agency_code = code_text(value)
            elif fld == "agency_name":
                self.pw.agency_name = as_text(value)
            elif fld == "year":
                self.pw.year = parse_year(value)
                if self.pw.year is None:
                    self.issue("missing-header-field", sheet=sheet.name, cell=ref, column=label_id, value=value,
                               example=example)
            elif fld == "quarter":
                self.pw.quarter = parse_quarter(value)
                if self.pw.quarter is None:
                    self.issue("invalid-quarter", sheet=sheet.name, cell=ref, column=label_id, value=value)
        return labels

    # -- cells
    def number(self, sheet: _Sheet, r: int, c: int | None, title: str,
               percent_range: tuple[float, float] | None = None, unit: tuple[str, str | None, float | None] = ("", None, None)
               ) -> float | None:
        """The cell as a number (issues for text, errors and uncached formulas). With `percent_range`, a
        %-formatted cell whose percentage falls outside it is reported (85 typed as 8500%). `unit` is the
        cell's (unit text, declared scale, rupiah per unit): text is read by the unit it is in or refused
        with the reason ("Rp 1.500.000" in an "Rp miliar" cell, "12%" in a rupiah cell, 1e308)."""
        if c is None:
            return None
        mark = sheet.mark(r, c)
        if mark and mark[0] == ERROR:
            self.issue("formula-error", sheet=sheet.name, cell=cell_ref(r, c), column=title, value=mark[1])
            return None
        if mark and mark[0] == NO_VALUE:
            self.issue("formula-without-value", sheet=sheet.name, cell=cell_ref(r, c), column=title)
            return None
        raw = sheet.value(r, c)
        parsed = parse_number(raw)
        problem = unit_problem(parsed, unit[1], unit[2])
        if problem:
            extra = {"unit": unit[0] or unit[1] or ""}
            if problem == MONEY_IN_SCALED:
                extra["converted"] = Number(parsed.value / unit[2], None)
            self.issue(problem, sheet=sheet.name, cell=cell_ref(r, c), column=title, value=as_text(raw), **extra)
            return None
        if parsed.ok:
            if mark and mark[0] == PERCENT and isinstance(raw, (int, float)):
                value = round(parsed.value * 100, 10)   # a %-formatted cell stores 12.5% as 0.125
                if percent_range and not percent_range[0] <= value <= percent_range[1]:
                    self.issue("percent-out-of-range", sheet=sheet.name, cell=cell_ref(r, c), column=title,
                               value=format_plain_id(value), number=Number(value, None))
                    return None
                return value
            return parsed.value
        if parsed.kind == EMPTY:
            return None
        if parsed.kind == NOT_A_NUMBER:
            self.issue("not-a-number", sheet=sheet.name, cell=cell_ref(r, c), column=title, value=as_text(raw))
        elif parsed.kind == AMBIGUOUS:
            self.issue("ambiguous-number", sheet=sheet.name, cell=cell_ref(r, c), column=title, value=as_text(raw),
                       reading_a=Number(parsed.readings[0], None, group=False),
                       reading_b=Number(parsed.readings[1], None, group=False))
        return None

    def text(self, sheet: _Sheet, r: int, c: int | None, title: str, url: bool = False) -> str:
        if c is None:
            return ""
        mark = sheet.mark(r, c)
        if mark and mark[0] == ERROR:
            self.issue("formula-error", sheet=sheet.name, cell=cell_ref(r, c), column=title, value=mark[1])
            return ""
        if mark and mark[0] == NO_VALUE:
            self.issue("formula-without-value", sheet=sheet.name, cell=cell_ref(r, c), column=title)
            return ""
        value = as_text(sheet.value(r, c))
        if url and not value.lower().startswith(("http://", "https://")) and (r, c) in sheet.links:
            value = sheet.links[(r, c)]
        if len(value) > MAX_TEXT:
            self.issue("text-too-long", sheet=sheet.name, cell=cell_ref(r, c), column=title,
                       value=value[:60] + "…", length=len(value), limit=MAX_TEXT)
        return value

    def data_rows(self, sheet: _Sheet, header: _Header) -> Iterable[int]:
        mapped = sorted(header.columns.values())
        blank_run = 0
        for r in range(header.row0 + 1, len(sheet.rows)):
            if sheet.row_blank(r):
                blank_run += 1
                if blank_run >= BLANK_RUN_STOP:
                    return
                continue
            blank_run = 0
            if not sheet.row_blank(r, mapped):
                yield r

    # -- Indikator rows
    def indicator_rows(self, sheet: _Sheet, header: _Header) -> Iterable[IndicatorRow]:
        cols, titles = header.columns, header.titles
        number_fields = [c.field for c in INDICATOR_COLUMNS if c.kind == "number" and c.field in cols]
        for r in self.data_rows(sheet, header):
            code = code_text(sheet.value(r, cols["indicator_code"]))
            if not code and all(sheet.row_blank(r, [cols[f]]) for f in number_fields):
                continue      # a signature block or a remark under the table, not an indicator row
            row = IndicatorRow(row=r + 1, indicator_code=code)
            first_issue = len(self.pw.issues)
            for fld, c in cols.items():
                row.cells[fld] = cell_ref(r, c)
                mark = sheet.mark(r, c)
                row.raw[fld] = mark[1] if mark and mark[0] == ERROR else sheet.value(r, c)
            indicator = self.by_code.get(code)
            pct = _percent_range(indicator)
            if indicator is not None and getattr(indicator, "value_type", "number") == "category":
                row.value_text = self.text(sheet, r, cols["value"], titles["value"]) or None
                row.target_text = self.text(sheet, r, cols["target"], titles["target"]) or None
                self.text(sheet, r, cols.get("previous"), titles.get("previous", ""))   # kept in row.raw
            else:
                rules = getattr(indicator, "rules", None)
                unit = (getattr(indicator, "unit", "") or "", getattr(rules, "scale", None),
                        getattr(rules, "rupiah_factor", None))
                row.value = self.number(sheet, r, cols["value"], titles["value"], pct, unit)
                row.target = self.number(sheet, r, cols["target"], titles["target"], pct, unit)
                row.target_low = self.number(sheet, r, cols.get("target_low"), titles.get("target_low", ""), pct, unit)
                row.target_high = self.number(sheet, r, cols.get("target_high"), titles.get("target_high", ""), pct,
                                              unit)
                row.previous = self.number(sheet, r, cols.get("previous"), titles.get("previous", ""), pct, unit)
            self.text(sheet, r, cols.get("indicator_name"), titles.get("indicator_name", ""))
            self.text(sheet, r, cols.get("unit"), titles.get("unit", ""))
            row.target_reason = self.text(sheet, r, cols.get("target_reason"), titles.get("target_reason", ""))
            row.note = self.text(sheet, r, cols.get("note"), titles.get("note", ""))
            row.evidence_url = self.text(sheet, r, cols.get("evidence_url"), titles.get("evidence_url", ""), url=True)
            row.justification = self.text(sheet, r, cols.get("justification"), titles.get("justification", ""))
            if len(code) > MAX_TEXT:
                self.issue("text-too-long", sheet=sheet.name, cell=row.cells["indicator_code"],
                           column=titles["indicator_code"], value=code[:60] + "…", length=len(code), limit=MAX_TEXT)
            if indicator is not None:      # problems of this row name its indicator (the page shows its name)
                self.pw.issues[first_issue:] = [dataclasses.replace(i, indicator=code)
                                                for i in self.pw.issues[first_issue:]]
            yield row

    # -- Rencana Aksi rows
    def renaksi_rows(self, sheet: _Sheet, header: _Header) -> Iterable[RenaksiRow]:
        cols, titles = header.columns, header.titles

        def text(fld):
            return self.text(sheet, r, cols.get(fld), titles.get(fld, ""))

        def number(fld):
            money = ("Rp", "Rp", 1.0) if fld in ("budget", "budget_realisation") else ("", None, None)
            return self.number(sheet, r, cols.get(fld), titles.get(fld, ""), None, money)

        for r in self.data_rows(sheet, header):
            theme = text("theme")
            row = RenaksiRow(row=r + 1, theme=self.themes.get(normalise(theme), theme),
                             action_plan=text("action_plan"), output_indicator=text("output_indicator"),
                             unit=text("unit"))
            row.targets = (number("target_tw1"), number("target_tw2"), number("target_tw3"), number("target_tw4"))
            row.realisation = number("realisation")
            row.budget = number("budget")
            row.budget_realisation = number("budget_realisation")
            for fld in ("intervention_focus", "coordinator", "implementer", "obstacles", "follow_up", "plan_id"):
                setattr(row, fld, text(fld))
            row.cells = {fld: cell_ref(r, c) for fld, c in cols.items()}
            row.raw = {fld: sheet.value(r, c) for fld, c in cols.items()}
            yield row

    # -- META sheet
    def read_fingerprint(self, meta: _Sheet, names: list[str], labels: list[str], titles: list[str]) -> None:
        values: dict[str, object] = {}
        for row in meta.rows:
            if len(row) >= 2 and isinstance(row[0], str) and row[0].strip() in META_KEYS:
                values.setdefault(row[0].strip(), row[1])
        version = as_text(values.get("template_version"))
        checksum = as_text(values.get("checksum"))
        missing = [k for k in META_KEYS if _blank(values.get(k))]
        if missing:
            self.issue("template-fingerprint-missing", sheet=meta.name,
                       detail="kunci kosong: " + ", ".join(missing), detail_en="empty keys: " + ", ".join(missing))
            return
        expected = structure_checksum(version or TEMPLATE_VERSION, names, labels, titles,
                                      [row.indicator_code for row in self.pw.indicators])
        ok = bool(checksum) and checksum == expected
        self.pw.fingerprint = Fingerprint(
            template_version=version, agency_code=code_text(values.get("agency_code")),
            year=parse_year(values.get("year")), quarter=parse_quarter(values.get("quarter")),
            checksum=checksum, checksum_ok=ok)
        if not ok:
            self.issue("template-modified", value=checksum or None, expected=expected)


@lru_cache(maxsize=4096)
def _match_column(title: str, columns: tuple[Column, ...]) -> Column | None:
    """`sheets.match_column`, memoised: the same few titles come back in every file."""
    return match_column(title, columns)


def _header_label(text: str, keys: dict[str, str]) -> tuple[str | None, object]:
    """'Kode Instansi' -> ('agency_code', None); 'Kode Instansi: 32.73' -> ('agency_code', '32.73');
    'Kode Instansi / Agency Code' -> ('agency_code', None)."""
    key = normalise(text)
    if key in keys:
        return keys[key], None
    if ":" in text:
        label, _, rest = text.partition(":")
        if normalise(label) in keys and rest.strip():
            return keys[normalise(label)], rest.strip()
    for part in re.split(r"[/(]", text):
        if normalise(part) in keys:
            return keys[normalise(part)], None
    return None, None


def _percent_range(indicator) -> tuple[float, float]:
    """Percentages a %-formatted cell may hold: 0-100, widened only where the catalogue allows more
    (e.g. an achievement-against-target indicator with max_value 200)."""
    low = getattr(indicator, "min_value", None)
    high = getattr(indicator, "max_value", None)
    return (min(0.0, low) if low is not None else 0.0, max(100.0, high) if high is not None else 100.0)


def _theme_lookup(catalogue) -> dict[str, str]:
    """normalised code / Indonesian name / English name -> theme code (tematik themes win ties)."""
    lookup: dict[str, str] = {}
    themes = sorted(getattr(catalogue, "themes", None) or (), key=lambda t: getattr(t, "kind", "") == "tematik")
    for theme in themes:
        for name in (theme.code, getattr(theme, "name", ""), getattr(theme, "name_en", "")):
            if name:
                lookup[normalise(name)] = theme.code
    return lookup


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text if len(text) <= 200 else text[:197] + "..."


def read_workbook(data: bytes, file_name: str, catalogue=None) -> ParsedWorkbook:
    """Read an uploaded workbook. Never raises for a bad file: every problem becomes an Issue in
    `result.issues` with file, sheet, cell, column and value set."""
    data = bytes(data or b"")
    pw = ParsedWorkbook(file_name=file_name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    _Reader(pw, catalogue).run(data)
    return pw


__all__ = ["UnsafeWorkbook", "NotAnXlsx", "TooComplexWorkbook", "check_xlsx", "reaches_outside", "read_workbook", "structure_checksum", "cell_ref",
           "parse_quarter", "parse_year", "code_text", "as_text", "ANNOTATION_SHEETS", "META_KEYS",
           "TEMPLATE_HEADER_CELLS"]
