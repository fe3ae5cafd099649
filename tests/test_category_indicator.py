"""Category indicators (the BPK audit opinion WTP/WDP/TW/TMP) shown as categories: the opinions per year as
stacked bars, the agency table with the opinion text, and the downloads carrying it — on the real demo data."""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from indicators import charts
from indicators import queries as Q
from loaders import store
from loaders.demo import build_demo
from ui import format as F

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "dashboard.py")
CODE = "AG_OPINI_BPK"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo_cat") / "pantaurb.duckdb"
    build_demo(path, years=range(2023, 2025), n_agencies=5, echo=lambda s: None)
    return path


def _signed_in(db, monkeypatch, lang="id") -> AppTest:
    from loaders.audit import utc_now
    monkeypatch.setenv("PANTAURB_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=90)
    now = utc_now()
    at.session_state["auth"] = {"username": "demo-admin", "role": "admin", "agency_code": None,
                                "province_code": None, "demo": True, "via": "demo", "started_at": now, "last_seen": now}
    at.session_state["lang"] = lang
    at.query_params["indicator"] = CODE
    at.run()
    at.switch_page("app_pages/indicator.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_distribution_counts_each_agency_once_a_year(demo_db):
    with store.session(demo_db) as con:
        dist = Q.category_distribution(con, CODE, 2024, 4)
        n_agencies = con.execute("SELECT count(DISTINCT agency_code) FROM v_values WHERE indicator_code = ? "
                                 "AND year = 2024 AND value_text IS NOT NULL", [CODE]).fetchone()[0]
    assert len(dist) and set(dist["category"]) <= {"WTP", "WDP", "TW", "TMP"}
    assert int(dist[dist["year"] == 2024]["n"].sum()) == n_agencies
    spec = charts.category_chart(dist, "id", {"count": "Jumlah instansi"}, ["WTP", "WDP", "TW", "TMP"]).to_dict()
    layer = spec["layer"][0]
    assert layer["mark"]["type"] == "bar" and layer["encoding"]["y"]["stack"] == "zero"
    assert layer["encoding"]["color"]["scale"]["domain"][:4] == ["WTP", "WDP", "TW", "TMP"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_audit_opinion_page_shows_opinions(demo_db, monkeypatch, lang):
    at = _signed_in(demo_db, monkeypatch, lang)
    heads = [s.value for s in at.subheader]
    assert any(("Sebaran" if lang == "id" else "per year") in h for h in heads), heads
    charts_ = at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    assert charts_, "no chart"
    frames = [d.value for d in at.dataframe]
    col = "Kategori terakhir" if lang == "id" else "Latest category"
    table = next(f for f in frames if col in f.columns)
    assert len(table) and set(table[col]) <= {"WTP", "WDP", "TW", "TMP"} and table[col].notna().all()
    per_year = next(f for f in frames if ("Kategori" if lang == "id" else "Category") in f.columns and col not in f.columns)
    assert {"2023", "2024"} <= set(per_year.iloc[:, 0])
    # the download of the agency table carries the opinion text
    csv = F.to_csv_bytes(table).decode("utf-8-sig")
    assert col in csv and "WTP" in csv
    wb = openpyxl.load_workbook(io.BytesIO(F.to_xlsx_bytes(table)))
    assert "WTP" in {c.value for row in wb.active.iter_rows() for c in row}
