"""Every download goes through the one spreadsheet-formula neutraliser (indicators/xlsx_text.py).

ONE test feeds every spreadsheet PantauRB writes the same hostile strings and finds no cell a spreadsheet
would run. The list of writers is not kept by hand only: the source tree is searched (AST) for every
`st.download_button` and every CSV / xlsx writer (`to_csv`, `to_excel`, `csv.writer`, `Workbook()`,
`ExcelWriter`), and the test fails when one appears that is not in `WRITERS` / `DOWNLOADS` below, so a new
download cannot forget the neutraliser: whoever adds it must add a driver here (or say why it has no cells).
"""

from __future__ import annotations

import ast
import csv
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators.xlsx_text import FORMULA_PREFIXES

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)"]
SOURCE_DIRS = ("app_pages", "ui", "loaders", "indicators")


# ------------------------------------------------------------------ what the source tree writes
def _modules():
    for d in SOURCE_DIRS:
        yield from sorted((ROOT / d).glob("*.py"))
    yield ROOT / "dashboard.py"


def _enclosing(tree) -> dict[int, str]:
    """id(node) -> name of its top-level function ('<module>' outside any)."""
    owner: dict[int, str] = {}
    for top in tree.body:
        name = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) else "<module>"
        for n in ast.walk(top):
            owner[id(n)] = name
    return owner


def _is_writer(call: ast.Call) -> bool:
    f = call.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
    if name in ("to_csv", "to_excel", "Workbook", "ExcelWriter"):
        return True
    return name == "writer" and isinstance(f, ast.Attribute) and ast.unparse(f.value) == "csv"


def writer_sites() -> set[str]:
    found = set()
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = _enclosing(tree)
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and _is_writer(n):
                found.add(f"{path.relative_to(ROOT).as_posix()}::{owner[id(n)]}")
    return found


def download_producers() -> set[str]:
    """What each st.download_button's data comes from: the function in functools.partial(f, ...) or f(...)."""
    found = set()
    for path in _modules():
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "download_button":
                data = n.args[1] if len(n.args) > 1 else next(k.value for k in n.keywords if k.arg == "data")
                if isinstance(data, ast.Call) and ast.unparse(data.func) == "functools.partial":
                    producer = ast.unparse(data.args[0])
                elif isinstance(data, ast.Call):
                    producer = ast.unparse(data.func)
                else:
                    producer = ast.unparse(data)
                found.add(f"{path.relative_to(ROOT).as_posix()}::{producer}")
    return found


# ------------------------------------------------------------------ how an output is searched
def live_csv_cells(data: bytes) -> list[str]:
    """Cells a spreadsheet would evaluate: text starting with = + - @ tab CR that is not a plain number."""
    text = data.decode("utf-8-sig")
    bad = []
    for sep in (",", ";"):
        if sep not in text.splitlines()[0]:
            continue
        for row in csv.reader(io.StringIO(text), delimiter=sep):
            for cell in row:
                if cell.startswith(FORMULA_PREFIXES):
                    try:
                        float(cell.replace(",", "."))
                    except ValueError:
                        bad.append(cell)
        return bad
    return bad


def live_xlsx_cells(data: bytes) -> list[str]:
    """Formula cells in the raw XML, plus text cells starting like a formula without the quote prefix a
    spreadsheet keeps as text (an edit of the cell would otherwise turn it into a formula)."""
    bad = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                bad += [f"{name}: {m}" for m in re.findall(rb"<(?:\w+:)?f[ >][^<]*", z.read(name))]
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES) and not c.quotePrefix:
                    bad.append(f"{ws.title}!{c.coordinate}: {c.value}")
    return bad


def _texts_xlsx(data: bytes) -> set[str]:
    return {c.value for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


# ------------------------------------------------------------------ drivers: each writer fed the hostile strings
def _frame() -> pd.DataFrame:
    return pd.DataFrame({"nama": HOSTILE, HOSTILE[0]: HOSTILE[::-1], "nilai": [1.5, -2.0, 3.0, -4.25]})


def drive_csv(ctx):
    from ui.format import to_csv_bytes
    return [("csv", to_csv_bytes(_frame(), "plain")), ("csv", to_csv_bytes(_frame(), "id"))]


def drive_xlsx(ctx):
    from ui.format import to_xlsx_bytes
    return [("xlsx", to_xlsx_bytes(_frame(), "Data", [(HOSTILE[1], HOSTILE[2])]))]


def drive_audit(ctx):
    """The real path: usernames typed at failed sign-ins, then the audit page's CSV and `audit export`."""
    from click.testing import CliRunner

    from loaders import audit, auth, store
    from loaders.cli import cli
    db = ctx["db"]
    with store.session(db) as con:
        for name in HOSTILE:
            auth.authenticate(con, name, "bukan-kata-sandi-apa-pun")
        audit.merge_pending(con, db)          # as the next writer does
        frame = audit.entries(con)
    assert set(HOSTILE) <= set(frame["actor"])
    out = ctx["tmp"] / "audit.csv"
    done = CliRunner().invoke(cli, ["audit", "export", "--out", str(out), "--db", str(db)])
    assert done.exit_code == 0, done.output
    return [("csv", audit.export_csv(frame)), ("csv", out.read_bytes())]


def drive_briefing(ctx):
    from indicators.briefing import briefing_xlsx
    ind = pd.DataFrame([{"indicator_code": HOSTILE[3], "indicator_name": HOSTILE[0], "indicator_name_en": HOSTILE[0],
                         "theme_name": HOSTILE[1], "theme_name_en": HOSTILE[1], "scope": "national",
                         "status": "target_achieved", "value": None, "value_text": HOSTILE[2], "target_low": None,
                         "target_high": None, "target_text": HOSTILE[2], "unit": HOSTILE[3], "capaian": 100.0,
                         "mean_score": 5.0, "n_agencies": 1, "source": HOSTILE[1], "confidence": "high",
                         "decimals": 1, "synthetic": False}])
    themes = pd.DataFrame([{"theme_name": HOSTILE[2], "theme_name_en": HOSTILE[2], "scope": "national",
                            "status": "target_achieved", "mean_score": 5.0, "mean_capaian": 100.0, "n_indicators": 1,
                            "n_assessed": 1, "n_achieved": 1, "synthetic": False}])
    return [("xlsx", briefing_xlsx(ind, themes, period_name=HOSTILE[3], lang=lang)) for lang in ("id", "en")]


def drive_catalogue(ctx):
    import dataclasses

    from indicators.catalogue import load_catalogue
    from indicators.catalogue_xlsx import export_catalogue_xlsx
    cat = load_catalogue()
    first = dataclasses.replace(cat.indicators[0], name=HOSTILE[0], name_en=HOSTILE[1], notes=HOSTILE[2],
                                data_source=HOSTILE[3])
    buf = io.BytesIO()
    export_catalogue_xlsx(dataclasses.replace(cat, indicators=[first, *cat.indicators[1:]]), buf)
    return [("xlsx", buf.getvalue())]


def drive_template(ctx):
    from loaders import api
    return [("xlsx", api.template_bytes(ctx["city"], 2024, 2, scope=ctx["operator"], db_path=ctx["hostile_db"]))]


def drive_annotate(ctx):
    from loaders import api
    from test_api import filled
    data = filled(ctx["hostile_db"], quarter=2)
    report = api.check_file(data, HOSTILE[0] + ".xlsx", scope=ctx["operator"], db_path=ctx["hostile_db"]).report
    from loaders.annotate import problem_list_workbook
    out = [("xlsx", api.annotate_bytes(data, report, lang)) for lang in ("id", "en")]
    # the copy that holds only the problem list (a file the child could not open): the same texts
    return out + [("xlsx", problem_list_workbook(report.issues, lang)) for lang in ("id", "en")]


NO_CELLS = "not a spreadsheet: no cell can be evaluated (texts escaped, see tests/test_injection.py)"
WRITERS = {
    "ui/format.py::to_csv_bytes": drive_csv,
    "ui/format.py::to_xlsx_bytes": drive_xlsx,
    "loaders/audit.py::export_csv": drive_audit,
    "indicators/briefing.py::briefing_xlsx": drive_briefing,
    "indicators/catalogue_xlsx.py::export_catalogue_xlsx": drive_catalogue,
    "loaders/template.py::write_template": drive_template,
    # annotate_workbook opens the upload and writes through _annotated, as problem_list_workbook does
    "loaders/annotate.py::problem_list_workbook": drive_annotate,
    # the registry file the app reads back (an operator's data file, never a download): names kept exactly
    "loaders/registry.py::write_registry": None,
}
DOWNLOADS = {    # download button -> the writer it goes through, or why it has no cells
    "ui/format.py::to_csv_bytes": "ui/format.py::to_csv_bytes",
    "ui/format.py::to_xlsx_bytes": "ui/format.py::to_xlsx_bytes",
    "ui/format.py::chart_png": NO_CELLS,
    "app_pages/admin_audit.py::audit.export_csv": "loaders/audit.py::export_csv",
    "app_pages/catalogue.py::data": "indicators/catalogue_xlsx.py::export_catalogue_xlsx",  # ui.data.catalogue_export
    "app_pages/final_report.py::briefing.briefing_xlsx": "indicators/briefing.py::briefing_xlsx",
    "app_pages/final_report.py::briefing.briefing_html": NO_CELLS,
    "app_pages/final_report.py::api.briefing_pdf": NO_CELLS,
    "app_pages/national.py::api.briefing_pdf": NO_CELLS,
    "app_pages/upload.py::api.template_bytes": "loaders/template.py::write_template",
    "app_pages/upload.py::api.annotate_bytes": "loaders/annotate.py::problem_list_workbook",
    "app_pages/upload.py::result['receipt_html'].encode": NO_CELLS,
}


@pytest.fixture
def ctx(seeded_db_path, tmp_path, monkeypatch):
    import shutil

    from loaders import api
    from loaders.auth import Scope
    from test_api import CITY
    db = tmp_path / "db" / "pantaurb.duckdb"
    db.parent.mkdir()
    shutil.copy(seeded_db_path, db)
    monkeypatch.setenv("PANTAURB_DB", str(db))
    hostile = tmp_path / "hostile" / "pantaurb.duckdb"
    api.init_database(hostile)
    operator = Scope.system(HOSTILE[0])
    names = "code,name,agency_type,province_code\n" + "\n".join(
        [f'{CITY},"{HOSTILE[0]}",KOTA,32', f'33,"{HOSTILE[1]}",PROV,33', f'34,"{HOSTILE[2]}",PROV,34',
         f'35,"{HOSTILE[3]}",PROV,35'])
    counts, problems = api.import_registry(names.encode(), "agencies.csv", scope=operator, db_path=hostile)
    assert not counts.get("rejected"), [p.message_en for p in problems]
    return {"db": db, "tmp": tmp_path, "hostile_db": hostile, "city": CITY, "operator": operator}


def test_every_download_and_spreadsheet_writer_is_known():
    assert writer_sites() == set(WRITERS), "a new CSV/xlsx writer: add a driver to WRITERS"
    assert download_producers() == set(DOWNLOADS), "a new download: add it to DOWNLOADS"
    assert {w for w in DOWNLOADS.values() if w != NO_CELLS} <= {k for k, v in WRITERS.items() if v}


def test_every_download_neutralises_the_same_hostile_strings(ctx):
    checked = {}
    for site, drive in WRITERS.items():
        if drive is None:
            continue
        outputs = drive(ctx)
        assert outputs, site
        for kind, data in outputs:
            bad = live_csv_cells(data) if kind == "csv" else live_xlsx_cells(data)
            assert bad == [], f"{site}: {bad[:5]}"
            shown = data.decode("utf-8-sig") if kind == "csv" else "\n".join(_texts_xlsx(data))
            checked[site] = sum(h in shown for h in HOSTILE)
    # every writer really carried the hostile texts (as text) into its output
    assert all(n >= 1 for n in checked.values()), checked
    assert checked["loaders/audit.py::export_csv"] == len(HOSTILE)
