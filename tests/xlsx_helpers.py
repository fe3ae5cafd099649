"""Builders for test workbooks: tiny inline sheets, a filled template, LibreOffice re-saves, zip surgery,
and a small catalogue/agency made from the real dataclasses when those modules import."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Iterable

import openpyxl

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


# ----------------------------------------------------------------------------------------- workbooks

@dataclass(frozen=True)
class Fmt:
    """A cell value with a number format, e.g. Fmt(0.125, "0.0%")."""

    value: object
    number_format: str


def make_workbook(sheets: dict[str, list[list]], *, hidden: Iterable[str] = ()) -> bytes:
    """{"Indikator": [[row 1 values], [row 2 values], ...]} -> xlsx bytes (written by openpyxl).
    Strings starting with '=' are formulas (with no cached value); Fmt(...) sets a number format."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, Fmt):
                    cell.value, cell.number_format = value.value, value.number_format
                else:
                    cell.value = value
        if name in set(hidden):
            ws.sheet_state = "hidden"
    return save(wb)


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def find_row(ws, code: str, column: int = 1) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, column).value == code:
            return r
    raise KeyError(code)


def header_columns(ws, header_row: int) -> dict[str, int]:
    return {str(ws.cell(header_row, c).value): c for c in range(1, ws.max_column + 1) if ws.cell(header_row, c).value}


def fill_template(data: bytes, values: dict[str, object], *, column: str = "Realisasi",
                  renaksi: list[dict[str, object]] | None = None, edit: Callable | None = None) -> bytes:
    """Type `values` (indicator code -> value) into the template's `column` like an agency would, plus
    optional Rencana Aksi rows ({column title: value}) appended after the prefilled ones."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Indikator"]
    cols = header_columns(ws, 8)
    for code, value in values.items():
        ws.cell(find_row(ws, code), cols[column], value)
    if renaksi:
        rws = wb["Rencana Aksi"]
        rcols = header_columns(rws, 1)
        r = 2
        while rws.cell(r, 1).value not in (None, ""):
            r += 1
        for item in renaksi:
            for title, value in item.items():
                rws.cell(r, rcols[title], value)
            r += 1
    if edit:
        edit(wb)
    return save(wb)


def edit_zip(data: bytes, part: str, change: Callable[[bytes], bytes] | None = None, *, drop: bool = False,
             add: dict[str, bytes] | None = None) -> bytes:
    """Rewrite (or drop) one part of an xlsx package, and append parts (a name may repeat on purpose)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == part:
                if drop:
                    continue
                content = change(content)
            dst.writestr(info.filename, content)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)     # "Duplicate name" is the point of some tests
            for name, content in (add or {}).items():
                dst.writestr(name, content)
    return out.getvalue()


# -------------------------------------------------------------------------------------- LibreOffice

def libreoffice_resave_many(paths: Iterable[Path], outdir: Path) -> list[Path]:
    """Re-save several .xlsx files with LibreOffice in ONE soffice call (about 1 s plus 0.05 s a file);
    this is what a file saved by Excel looks like: formulas carry cached values."""
    paths = [Path(p) for p in paths]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    if SOFFICE is None:
        raise FileNotFoundError("soffice (LibreOffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [SOFFICE, "--headless", "--norestore", "--nolockcheck",
               f"-env:UserInstallation=file://{profile}/lo",
               "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), *map(str, paths)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                              env={**os.environ, "HOME": profile})
    results = [outdir / p.name for p in paths]
    missing = [p for p in results if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}: rc={proc.returncode} {proc.stdout} {proc.stderr}")
    return results


def libreoffice_resave(path: Path, outdir: Path) -> Path:
    return libreoffice_resave_many([path], outdir)[0]


# ------------------------------------------------------------------------------- catalogue, agencies

def _real(module: str, name: str):
    try:
        mod = __import__(module, fromlist=[name])
        return getattr(mod, name)
    except Exception:        # the module is being written by someone else; fall back to a namespace
        return None


def _build(cls, defaults: dict, **kw):
    values = {**defaults, **kw}
    if cls is None or not dataclasses.is_dataclass(cls):
        return SimpleNamespace(**values)
    args = {}
    for f in dataclasses.fields(cls):
        if f.name in values:
            args[f.name] = values[f.name]
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            args[f.name] = None
    try:
        return cls(**args)
    except TypeError:
        return SimpleNamespace(**values)


def make_theme(code: str, kind: str, name: str, name_en: str, order: int):
    return _build(_real("indicators.catalogue", "Theme"),
                  dict(code=code, kind=kind, name=name, name_en=name_en, parent=None, order=order))


def make_indicator(code: str, theme: str, **kw):
    defaults = dict(code=code, theme=theme, level="agency", applies_to=("KL", "PROV", "KAB", "KOTA"),
                    name=f"Indikator {code}", name_en=f"Indicator {code}", definition="", definition_en="",
                    unit="%", unit_en="%", value_type="number", direction="higher_better",
                    measurement="snapshot", aggregation="mean", limit=None, min_value=None, max_value=None,
                    decimals=2, legal_basis="", data_source="", notes="", baseline_year=None, baseline_value=None,
                    baseline_source="", baseline_confidence="", targets=(), series=())
    return _build(_real("indicators.catalogue", "Indicator"), defaults, **kw)


class FakeCatalogue:
    def __init__(self, themes, indicators):
        self.periods = ()
        self.themes = tuple(themes)
        self.indicators = tuple(indicators)
        self.by_code = {i.code: i for i in self.indicators}

    def current_period(self, year):
        return None


def make_catalogue(themes, indicators):
    cls = _real("indicators.catalogue", "Catalogue")
    if cls is not None and dataclasses.is_dataclass(cls):
        names = {f.name for f in dataclasses.fields(cls)}
        args = {"periods": (), "themes": tuple(themes), "indicators": tuple(indicators)}
        if "by_code" in names:
            args["by_code"] = {i.code: i for i in indicators}
        try:
            cat = cls(**{k: v for k, v in args.items() if k in names})
            if {i.code for i in cat.indicators} == {i.code for i in indicators} and cat.by_code:
                return cat
        except Exception:
            pass
    return FakeCatalogue(themes, indicators)


def make_agency(code: str = "32.73", name: str = "Kota Bandung", agency_type: str = "KOTA"):
    return _build(_real("loaders.registry", "Agency"),
                  dict(code=code, name=name, agency_type=agency_type, province_code=code.split(".")[0],
                       parent_code=None, valid_from=None, valid_to=None, autonomous=True,
                       contact_email="", source="test"))


def sample_catalogue():
    """Five indicators for a KOTA (sorted: AG_LAPOR, AG_OPINI_BPK, AG_SAKIP, TEM_KEM_P0, TEM_INV_REAL) plus
    one K/L-only and one national indicator that the template must leave out."""
    themes = [make_theme("rb_general", "general", "RB General", "General RB", 1),
              make_theme("kemiskinan", "tematik", "Pengentasan Kemiskinan", "Poverty Alleviation", 2),
              make_theme("investasi", "tematik", "Peningkatan Investasi", "Investment Promotion", 3),
              make_theme("digitalisasi", "tematik", "Digitalisasi Administrasi Pemerintahan",
                         "Digital Government Administration", 4)]
    indicators = [
        make_indicator("TEM_INV_REAL", "investasi", name="Realisasi investasi PMA+PMDN", unit="Rp miliar",
                       measurement="cumulative", applies_to=("PROV", "KAB", "KOTA")),
        make_indicator("AG_SAKIP", "rb_general", name="Nilai SAKIP", unit="skor 0-100", min_value=0.0,
                       max_value=100.0),
        make_indicator("AG_OPINI_BPK", "rb_general", name="Opini BPK", unit="category (WTP/WDP/TW/TMP)",
                       value_type="category"),
        make_indicator("AG_LAPOR", "rb_general", name="Tindak lanjut pengaduan SP4N-LAPOR!", unit="%",
                       measurement="cumulative", min_value=0.0, max_value=100.0),
        make_indicator("TEM_KEM_P0", "kemiskinan", name="Persentase penduduk miskin", unit="%",
                       direction="lower_better", applies_to=("PROV", "KAB", "KOTA")),
        make_indicator("AG_IKPA", "rb_general", name="IKPA", applies_to=("KL",)),
        make_indicator("NAT_IPK", "rb_general", name="IPK", level="national", applies_to=()),
    ]
    return make_catalogue(themes, indicators)


SAMPLE_CODES = ["AG_LAPOR", "AG_OPINI_BPK", "AG_SAKIP", "TEM_KEM_P0", "TEM_INV_REAL"]


# ------------------------------------------------------------- one LibreOffice call for the whole run

def require_soffice() -> None:
    """Skip locally when LibreOffice is missing; in CI (env CI set) or with PANTAURB_REQUIRE_SOFFICE=1
    (scripts/test.sh) that is a failure, not a skip."""
    import pytest

    if SOFFICE is None:
        if os.environ.get("CI") or os.environ.get("PANTAURB_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required in CI for the round-trip tests")
        pytest.skip("LibreOffice (soffice) is not installed")


_LO_SOURCES: dict[str, Callable[[], bytes]] = {}
_LO_RESULTS: dict[str, bytes] = {}


def lo_source(name: str):
    """Register a builder whose workbook the first `resaved()` call re-saves with all the others."""
    def register(builder: Callable[[], bytes]) -> Callable[[], bytes]:
        _LO_SOURCES[name] = builder
        return builder
    return register


def resaved(name: str) -> bytes:
    """The LibreOffice re-save of a registered workbook. Every registered workbook goes through one
    soffice call the first time any of them is asked for (LibreOffice costs about 1 s per call)."""
    require_soffice()
    if name not in _LO_RESULTS:
        with tempfile.TemporaryDirectory(prefix="pantaurb-lo-") as tmp:
            src = Path(tmp) / "in"
            src.mkdir()
            paths = []
            for key, builder in _LO_SOURCES.items():
                path = src / f"{key}.xlsx"
                path.write_bytes(builder())
                paths.append(path)
            for path in libreoffice_resave_many(paths, Path(tmp) / "out"):
                _LO_RESULTS[path.stem] = path.read_bytes()
    return _LO_RESULTS[name]


# --- filling a template by field name (indicator values, targets, evidence URLs, action-plan rows)
from openpyxl import load_workbook  # noqa: E402

from loaders.sheets import INDICATOR_COLUMNS, INDICATOR_SHEET, RENAKSI_COLUMNS, RENAKSI_SHEET, match_column  # noqa: E402


def _header_map(ws, columns) -> tuple[int, dict[str, int]]:
    for row in ws.iter_rows(min_row=1, max_row=50):
        found = {}
        for cell in row:
            col = match_column(cell.value, columns)
            if col:
                found[col.field] = cell.column
        if "indicator_code" in found or "action_plan" in found:
            return row[0].row, found
    raise ValueError("header row not found in generated template")


def fill_workbook(template: bytes, values: dict[str, object], targets: dict[str, object],
                  renaksi: list[dict], urls: dict[str, str]) -> bytes:
    wb = load_workbook(io.BytesIO(template))
    ws = wb[INDICATOR_SHEET]
    header_row, cols = _header_map(ws, INDICATOR_COLUMNS)
    for r in range(header_row + 1, ws.max_row + 1):
        code = ws.cell(r, cols["indicator_code"]).value
        if not code:
            continue
        if code in values:
            ws.cell(r, cols["value"]).value = values[code]
        if code in targets and "target" in cols:
            ws.cell(r, cols["target"]).value = targets[code]
        if code in urls and "evidence_url" in cols:
            ws.cell(r, cols["evidence_url"]).value = urls[code]
    rs = wb[RENAKSI_SHEET]
    header_row, cols = _header_map(rs, RENAKSI_COLUMNS)
    for i, row in enumerate(renaksi):
        r = header_row + 1 + i
        for fld, value in row.items():
            if fld in cols:
                rs.cell(r, cols[fld]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- a template as agencies still hold it: made before the quarter targets read "Target TW I".."Target TW IV"
OLD_QUARTER_TITLES = {f"Target TW {r}": f"Target TW{q}" for q, r in enumerate(("I", "II", "III", "IV"), start=1)}


def as_old_template(data: bytes) -> bytes:
    """The same template as the writer made it before the rewording: 'Target TW1'..'Target TW4' on the
    Rencana Aksi sheet and the hidden sheet's checksum computed over those titles (same template version)."""
    from loaders.sheets import HEADER_FIELDS, META_SHEET
    from loaders.template import SHEET_NAMES, column_titles
    from loaders.workbook import structure_checksum

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ren = wb[RENAKSI_SHEET]
    for cell in ren[1]:
        cell.value = OLD_QUARTER_TITLES.get(cell.value, cell.value)
    meta = {row[0].value: row[1] for row in wb[META_SHEET].iter_rows(min_row=2, max_col=2) if row[0].value}
    ind_titles, ren_titles = column_titles(int(meta["year"].value))
    ws = wb[INDICATOR_SHEET]
    codes = [ws.cell(r, 1).value for r in range(9, ws.max_row + 1) if ws.cell(r, 1).value]
    meta["checksum"].value = structure_checksum(
        meta["template_version"].value, SHEET_NAMES, [labels[0] for labels in HEADER_FIELDS.values()],
        ind_titles + [OLD_QUARTER_TITLES.get(t, t) for t in ren_titles], codes)
    return save(wb)


def comment_bomb(data: bytes, comments: int = 120_000, shapes: int = 20_000) -> bytes:
    """A workbook whose comment part holds `comments` notes (and its legacy drawing as many shapes): a few
    hundred KB on disk that openpyxl turns into about a gigabyte of objects (issue 21's 435 KB file)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        part = next(n for n in z.namelist() if n.startswith("xl/comments"))
        vml = next(n for n in z.namelist() if n.endswith(".vml"))
    cells = [f"{col}{row}" for row in range(1, comments // 3 + 2) for col in "ABC"][:comments]
    xml = ('<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>x</author>'
           '</authors><commentList>' + "".join(f'<comment ref="{c}" authorId="0"><text><t>{c}</t></text></comment>'
                                              for c in cells) + "</commentList></comments>").encode()
    shape = ('<v:shape type="#_x0000_t202" style="position:absolute;visibility:hidden" fillcolor="#ffffe1">'
             '<x:ClientData ObjectType="Note"><x:Row>{r}</x:Row><x:Column>0</x:Column></x:ClientData></v:shape>')
    drawing = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
               'xmlns:x="urn:schemas-microsoft-com:office:excel">' + "".join(shape.format(r=r) for r in
                                                                            range(shapes)) + "</xml>").encode()
    out = edit_zip(data, part, lambda _: xml)
    return edit_zip(out, vml, lambda _: drawing)
