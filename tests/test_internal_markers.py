"""Nothing internal reaches what users see.

Research notes, file names, settings and the research trail ("§", "recalled", "belum dibaca", "menurut
ingatan", repository names, …) must never appear on a page, in the template, in the receipt or in any
export. This test builds a small demo database from the real catalogue and registry (through the real
ingest path), then walks every page in both languages with AppTest, capturing every download the page
offers (CSV, xlsx, briefing, catalogue), and reads the template and the receipts the ingest wrote.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from indicators.catalogue import internal_markers
from loaders import api, store
from loaders.auth import Scope
from loaders.demo import build_demo

OPERATOR = Scope.system("cli:test")

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
PAGES = ["national", "theme", "indicator", "final_report", "catalogue", "agency", "region", "compliance", "upload"]
# Words that are internal whatever the context (on top of the catalogue's own marker list).
EXTRA = re.compile(r"cahyadsn|portalrb-indv|HanaDewi|gophr|research notes|catatan riset|domain\.md|"
                   r"indicator_catalog_draft|roadmap-targets|house-style|tech-notes", re.I)


VEGA_SCHEMA = re.compile(r'"\$schema": "https://vega\.github\.io/[^"]*"')


def markers(text: str) -> list[str]:
    return internal_markers(text) + [m.group(0) for m in EXTRA.finditer(text or "")]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """Two K/L (one reorganised in October 2024), provinces and cities: every agency type, real catalogue."""
    path = tmp_path_factory.mktemp("markers") / "pantaurb.duckdb"
    build_demo(path, years=range(2024, 2025), n_agencies=6, echo=lambda s: None)
    return path


def _payload_text(data) -> str:
    """The text inside a download: xlsx cells and comments, or the decoded bytes (csv, html)."""
    if callable(data):
        data = data()
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray)):
        return ""
    data = bytes(data)
    if data[:2] == b"PK":
        wb = openpyxl.load_workbook(io.BytesIO(data))
        parts = list(wb.sheetnames)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        parts.append(str(c.value))
                    if c.comment is not None:
                        parts.append(c.comment.text)
        return "\n".join(parts)
    if data[:4] == b"\x89PNG":
        return ""
    if data[:4] == b"%PDF":   # what a reader sees: the text of the pages (the compressed bytes can match by chance)
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        return "\n".join([p.extract_text() for p in reader.pages] + [str(reader.metadata.title or "")])
    return data.decode("utf-8-sig", errors="replace")


@pytest.fixture
def captured_downloads(monkeypatch):
    """Record every st.download_button's file name and content (deferred callables are called)."""
    seen: list[tuple[str, str]] = []
    original = DeltaGenerator.download_button

    def recording(self, label, data, file_name=None, *args, **kwargs):
        seen.append((str(file_name), _payload_text(data)))
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    monkeypatch.setattr(streamlit, "download_button",
                        lambda *a, **k: recording(streamlit._main, *a, **k))
    return seen


def _page_texts(at: AppTest) -> list[str]:
    """Every string of every element on the page (labels, help, options, values), and table contents."""
    out = []
    for node in at._tree:
        if getattr(node, "type", "") == "navigation":
            continue  # the page list names the page scripts; it is not shown as text
        value = getattr(node, "value", None)
        if isinstance(value, pd.DataFrame):
            out.append(value.to_csv(index=False))
        proto = getattr(node, "proto", None)
        if proto is not None:
            out += [VEGA_SCHEMA.sub("", s) for s in _proto_strings(proto)]  # a chart spec names its schema
    return out


def _proto_strings(message) -> list[str]:
    """Every text field of a protobuf message, recursively (bytes fields such as Arrow tables are skipped)."""
    out = []
    for field, value in message.ListFields():
        single = isinstance(value, (str, bytes)) or hasattr(value, "ListFields") or not hasattr(value, "__iter__")
        values = [value] if single else list(value)
        for v in values:
            if isinstance(v, str):
                out.append(v)
            elif hasattr(v, "ListFields"):
                out += _proto_strings(v)
    return out


def _signed_in_as_demo_admin(at: AppTest) -> AppTest:
    """The demo's admin account (created by build_demo), as the sign-in screen's demo button does."""
    from loaders.audit import utc_now
    now = utc_now()
    at.session_state["auth"] = {"username": "demo-admin", "role": "admin", "agency_code": None, "province_code": None,
                                "demo": True, "via": "demo", "started_at": now, "last_seen": now}
    return at


def _open(page: str, language: str) -> AppTest:
    at = _signed_in_as_demo_admin(AppTest.from_file(APP, default_timeout=120))
    at.query_params["lang"] = language
    at.run()
    if page != "national":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_no_internal_marker_on_pages_and_their_downloads(demo_db, monkeypatch, captured_downloads, page, language):
    monkeypatch.setenv("PANTAURB_DB", str(demo_db))
    at = _open(page, language)
    if page == "agency":  # also open a reorganised ministry: the lineage line is shown
        at.query_params["agency"] = "KL-KEMENKUMHAM"
        at.run()
        assert not at.exception
    found = {m for text in _page_texts(at) for m in markers(text)}
    assert not found, f"{page} ({language}) shows internal markers: {sorted(found)}"
    for name, text in captured_downloads:
        assert not markers(Path(name).stem) and not markers(text), (page, language, name, sorted(set(markers(text))))
    if language == "en":  # file names in English mode are English
        assert not any(re.search(r"katalog|kepatuhan|tanda_terima|capaian|_TW\d|bertanda", n)
                       for n, _ in captured_downloads), [n for n, _ in captured_downloads]


def test_the_catalogue_page_shows_editors_notes_marked_as_such(demo_db, monkeypatch, captured_downloads):
    monkeypatch.setenv("PANTAURB_DB", str(demo_db))
    at = _signed_in_as_demo_admin(AppTest.from_file(APP, default_timeout=120))
    at.query_params["indicator"] = "NAT_SPBE"
    at.run()
    at.switch_page("app_pages/catalogue.py").run()
    labels = [e.label for e in at.expander]
    assert "Catatan penyunting (internal, untuk analis; tidak ditampilkan kepada instansi)" in labels
    assert any("2,6 adalah target tahun 2025" in m.value for m in at.markdown)


def test_template_and_receipts_carry_no_internal_marker(demo_db):
    with store.session(demo_db) as con:
        agencies = [r[0] for r in con.execute("SELECT DISTINCT agency_code FROM v_submissions").fetchall()]
    assert agencies
    for code in agencies:
        text = _payload_text(api.template_bytes(code, 2024, 4, scope=OPERATOR, db_path=demo_db))
        assert not markers(text), (code, sorted(set(markers(text))))
        assert "TW IV" in text or "Triwulan IV" in text
    receipts = sorted((demo_db.parent / "receipts").glob("*.html"))
    assert receipts
    for path in receipts:
        html = path.read_text(encoding="utf-8")
        assert not markers(html), (path.name, markers(html))
        assert " WIB" in html and "Triwulan" in html and "(UTC)" not in html


def test_marker_list_catches_the_research_trail():
    for text in ("indeks (25–100 menurut ingatan)", "lihat domain.md §3.9", "catatan riset (diingat)",
                 "metode gophr", "PANTAURB_ADMIN=1", "indicators/reporting.yaml", "(recalled)",
                 "definisi resmi belum dibaca", "github.com/x/y"):
        assert markers(text), text
    for text in ("Indeks Persepsi Korupsi", "Definisi resmi belum diverifikasi.", "31 Desember 2024 14.05 WIB",
                 "Badan Pusat Statistik, “IPAK 2024”, 15 Juli 2024. https://www.bps.go.id/x.html"):
        assert not markers(text), text


def test_zip_payloads_are_read(tmp_path):
    """The xlsx reader used above sees cell comments too (a template's definitions live there)."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "ok"
    wb.active["A1"].comment = openpyxl.comments.Comment("lihat domain.md", "x")
    buf = io.BytesIO()
    wb.save(buf)
    assert zipfile.is_zipfile(io.BytesIO(buf.getvalue()))
    assert markers(_payload_text(buf.getvalue())) == ["domain.md", "domain.md"]
