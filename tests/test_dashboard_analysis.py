"""The analysis pages (national, theme, indicator, catalogue, final report) through AppTest on the seeded
database, plus the pure helpers behind them: ui.format (downloads, formula neutralisation, numbers) and
indicators.briefing (final-report xlsx/HTML, catalogue diff)."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from accounts import sign_in

from indicators import briefing, queries as Q
from ui import format as F

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
MY_PAGES = ["national", "theme", "indicator", "catalogue", "final_report"]


def _open(page: str, query: dict | None = None) -> AppTest:
    at = sign_in(AppTest.from_file(APP, default_timeout=60))
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page != "national":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [h.value for h in at.header] + [i.value for i in at.info] + [str(m.value) for m in at.metric]
    return "\n".join(parts)


def _english(at: AppTest) -> AppTest:
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _db_rows(db_path, sql: str) -> list[tuple]:
    import duckdb
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------ pages
def test_national_page_numbers_filter_and_language(app_env):
    at = _open("national")
    assert at.title[0].value == "Ringkasan nasional"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Melapor / wajib lapor"] == "11 / 14"  # default: latest quarter with data
    assert metrics["Persentase penduduk miskin (Maret)"] == "9,03"
    assert metrics["Realisasi investasi"] == "1.714,2"  # Indonesian number format
    assert "target 2024: **6,00–7,00**" in _texts(at)  # band shown as low–high
    assert "[bps.go.id](https://bps.go.id/nat_pov_mar/2024)" in _texts(at)  # source, linked
    assert "Kemajuan terbatas" in _texts(at)  # status as text next to its colour
    assert dict(at.query_params)["year"] == "2024" and dict(at.query_params)["quarter"] == "4"
    # the one-line answer: national indicators with a target, counted per status, with period and cut-off
    headline = next(m.value for m in at.markdown if m.value.startswith("**Dari "))
    assert re.fullmatch(r"\*\*Dari \d+ indikator nasional bertarget: .+\.\*\*", headline), headline
    assert "Posisi TW IV 2024; data diterima s.d. " in _texts(at)
    assert at.get("download_button")  # the PDF briefing among the downloads

    at.selectbox(key="url_quarter").set_value(3).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Melapor / wajib lapor"] == "14 / 14"
    assert metrics["Laporan revisi"] == "1"
    assert dict(at.query_params)["quarter"] == "3"

    _english(at)
    assert at.title[0].value == "National overview"
    assert "Reporting this quarter" in [s.value for s in at.subheader]


def test_national_page_deep_link_sets_the_filters(app_env):
    at = _open("national", {"year": "2021", "quarter": "2"})
    assert at.selectbox(key="url_year").value == 2021 and at.selectbox(key="url_quarter").value == 2
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Indeks Persepsi Korupsi"] == "37"  # the 2020 figure, the latest known in TW II 2021
    assert "Apa yang berubah sejak TW I 2021 (sekarang TW II 2021)" in [s.value for s in at.subheader]


def test_theme_page_filter_changes_the_theme(app_env):
    at = _open("theme")
    assert at.header[0].value == "RB General"
    assert "Belum ada rencana aksi" in _texts(at)
    at.selectbox(key="url_theme").set_value("kemiskinan").run()
    assert not at.exception
    assert at.header[0].value == "Pengentasan Kemiskinan"
    assert dict(at.query_params)["theme"] == "kemiskinan"
    frames = [d.value for d in at.dataframe]
    renaksi = next(f for f in frames if "Status progres triwulanan" in f.columns)
    assert len(renaksi) == 12 and set(renaksi["Rencana aksi"]) == {"Pemutakhiran data DTKS"}
    offtrack = next(f for f in frames if "Indikator terlemah" in f.columns)
    assert offtrack.iloc[0]["Status"] in ("Memburuk", "Kemajuan terbatas")
    # agencies and their weakest indicator by name, never by code
    names = dict(_db_rows(app_env, "SELECT agency_code, name FROM agencies"))
    indicator_names = dict(_db_rows(app_env, "SELECT indicator_code, name FROM indicators"))
    assert len(offtrack) and set(offtrack["Instansi"]) <= set(names.values())
    assert not set(offtrack["Instansi"]) & set(names), "agency codes shown instead of names"
    weakest = set(offtrack["Indikator terlemah"].dropna())
    assert weakest and weakest <= set(indicator_names.values()) and not weakest & set(indicator_names)
    ranked = next(f for f in frames if "Belum sesuai jalur (%)" in f.columns)
    assert list(ranked.columns[:2]) == ["Indikator", "Kode indikator"]
    assert "tertinggal" not in _texts(at)
    assert "Data sintetis (demo)" in _texts(at)  # st.badge renders as :orange-badge[...] markdown
    _english(at)
    assert at.header[0].value == "Poverty alleviation" and at.title[0].value == "Themes"
    frames = [d.value for d in at.dataframe]
    offtrack = next(f for f in frames if "Weakest indicator" in f.columns)
    english_names = dict(_db_rows(app_env, "SELECT indicator_code, name_en FROM indicators"))
    assert set(offtrack["Weakest indicator"].dropna()) <= set(english_names.values())
    assert "Agencies furthest from target" in [s.value for s in at.subheader]


def test_indicator_page_series_explanation_and_agency(app_env):
    at = _open("indicator", {"indicator": "NAT_POV_MAR"})
    assert at.header[0].value == "Persentase penduduk miskin (Maret)"
    text = _texts(at)
    assert "9,03%" in text and "Kemajuan terbatas" in text
    assert "Periode telah berakhir; selisih akhir terhadap target 6,00–7,00: **2,03**" in text  # TW IV 2024
    assert "Agar kembali ke jalur" not in text
    assert len(at.get("vega_lite_chart")) >= 1
    mid = _texts(_open("indicator", {"indicator": "NAT_POV_MAR", "year": "2024", "quarter": "2"}))
    steps = mid.split("Agar kembali ke jalur")[1].split("\n")[0]
    assert "TW III 2024" in steps and "TW IV 2024" in steps and "2025" not in steps and "TW II 2024" not in steps

    at.selectbox(key="url_indicator").set_value("AG_SAKIP").run()
    assert not at.exception
    at.selectbox(key="url_agency").set_value("32.73").run()
    assert not at.exception
    assert dict(at.query_params)["agency"] == "32.73"
    assert "**Kota Bandung**" in "\n".join(m.value for m in at.markdown)
    table = next(d.value for d in at.dataframe if "Tautan" in d.value.columns)
    assert len(table) == 14
    assert table["Tautan"].str.startswith("./instansi?agency=").all()
    assert "32.73-2024Q4-v1" in set(table["submission_id"])
    _english(at)
    assert at.header[0].value == "SAKIP score" and "Why this status, and what is needed" in [s.value for s in at.subheader]


def test_catalogue_page_filters_and_import_guard(app_env):
    at = _open("catalogue")
    assert "12 indikator." in _texts(at)
    at.selectbox(key="url_level").set_value("national").run()
    assert not at.exception
    assert "6 indikator." in _texts(at) and dict(at.query_params)["level"] == "national"
    versions = next(d.value for d in at.dataframe if "Berlaku" in d.value.columns)
    assert len(versions) >= 1
    assert "siapa, kapan dan alasannya" in _texts(at)  # the admin note: versions kept with who, when, why
    _english(at)
    assert at.title[0].value == "Indicator catalogue" and "6 indicators." in _texts(at)


def test_final_report_page(app_env):
    at = _open("final_report")
    assert at.title[0].value == "Capaian akhir Road Map RB"
    assert "12 indikator (nasional, dan indikator instansi untuk semua instansi) per status akhir" in _texts(at)
    table = at.dataframe[-1].value
    n_all = len(table)
    at.radio(key="url_scope").set_value("KL").run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert 0 < len(table) < n_all and set(table["Cakupan"]) == {"K/L"}
    assert dict(at.query_params)["scope"] == "KL"
    _english(at)
    assert at.title[0].value == "Final results of the RB Road Map"


@pytest.mark.parametrize("page", MY_PAGES)
def test_pages_explain_a_missing_database_instead_of_failing(page, tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAURB_DB", str(tmp_path / "none" / "pantaurb.duckdb"))
    at = _open(page)
    assert any("python -m loaders demo" in c.value for c in at.code)
    assert any("Basis data belum ada" in i.value for i in at.info)
    assert not (tmp_path / "none" / "pantaurb.duckdb").exists()  # looking never creates the file


def test_pages_explain_an_empty_database(tmp_path, monkeypatch):
    from loaders import store

    path = tmp_path / "empty.duckdb"
    with store.session(path) as con:
        store.migrate(con)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    at = _open("national")
    assert any("masih kosong" in i.value for i in at.info)


# ------------------------------------------------------------------ strings
def _keys_used() -> set[str]:
    keys = set()
    for path in [ROOT / "dashboard.py", *(ROOT / "app_pages" / f"{p}.py" for p in MY_PAGES),
                 ROOT / "ui" / "format.py", ROOT / "ui" / "data.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                keys.add(node.args[0].value)
    return keys


def test_every_string_used_exists_in_both_languages():
    from ui.i18n import _catalogue
    from ui.strings import STRINGS

    missing = sorted(k for k in _keys_used() if k not in _catalogue())
    assert not missing
    for key, entry in STRINGS.items():
        assert entry.get("id") and entry.get("en"), key
        assert set(re.findall(r"{(\w+)}", entry["id"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_analysis_strings_do_not_collide_with_the_operational_strings():
    from ui.strings import STRINGS
    from ui.strings_ops import STRINGS_OPS

    assert not sorted(set(STRINGS) & set(STRINGS_OPS))


# ------------------------------------------------------------------ ui.format
def test_neutralise_prefixes_formula_cells_only():
    df = pd.DataFrame({"a": ["=1+1", "+62 812", "-x", "@SUM(A1)", "ok", None], "n": [-1, 2, 3, 4, 5, 6]})
    out = F.neutralise(df)
    assert out["a"].tolist()[:5] == ["'=1+1", "'+62 812", "'-x", "'@SUM(A1)", "ok"]
    assert out["n"].tolist() == [-1, 2, 3, 4, 5, 6]
    assert F.neutralise(pd.DataFrame({"=bad": [1]})).columns[0] == "'=bad"
    assert df["a"][0] == "=1+1"  # the input is not modified


def test_to_csv_bytes_is_excel_friendly_and_safe():
    data = F.to_csv_bytes(pd.DataFrame({"nama": ["Bandung", "=HYPERLINK(\"x\")"], "nilai": [1.5, None]}))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and text.splitlines()[0] == "nama,nilai"


def test_to_xlsx_bytes_writes_text_not_formulas():
    df = pd.DataFrame({"obstacles": ["=cmd|' /C calc'!A0", "aman"], "value": [1234.5, -2.0],
                       "tags": [["a", "b"], []]})
    wb = openpyxl.load_workbook(io.BytesIO(F.to_xlsx_bytes(df)))
    ws = wb["Data"]
    assert ws["A2"].value == "'=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 1234.5 and ws["B3"].value == -2 and ws["C2"].value == "a; b"
    assert ws.freeze_panes == "A2"


def test_number_helpers_follow_the_language():
    assert F.fmt(1234.5, 1, "id") == "1.234,5" and F.fmt(1234.5, 1, "en") == "1,234.5"
    assert F.fmt(None, 1, "id") == "–" and F.fmt_pct(71, 1, "id") == "71,0%"
    assert F.fmt_target(6, 7, None, 2, "id") == "6,00–7,00" and F.fmt_target(45, 45, None, 0, "id") == "45"
    assert F.fmt_target(None, None, "WTP") == "WTP"
    assert F.quarter_text(2024, 4, "id") == "TW IV 2024" and F.quarter_text(2024, 4, "en") == "Q4 2024"


# ------------------------------------------------------------------ indicators.briefing
@pytest.fixture
def final_frames(seeded_con):
    return Q.final_indicator_results(seeded_con, "2020-2024"), Q.final_theme_results(seeded_con, "2020-2024")


def test_briefing_xlsx(final_frames):
    ind, themes = final_frames
    data = briefing.briefing_xlsx(ind, themes, period_name="Road Map RB 2020–2024", lang="id", synthetic=True)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Ringkasan", "Tema", "Indikator", "Catatan"]
    assert wb["Ringkasan"]["A1"].value == "Capaian Akhir Reformasi Birokrasi Road Map RB 2020–2024"
    assert "sintetis" in wb["Ringkasan"]["A3"].value
    header = [c.value for c in wb["Indikator"][1]]
    assert {"Kode", "Status", "Capaian (%)", "Sumber"} <= set(header)
    assert wb["Indikator"].max_row == len(ind) + 1
    en = openpyxl.load_workbook(io.BytesIO(briefing.briefing_xlsx(ind, themes, period_name="P", lang="en")))
    assert en.sheetnames == ["Summary", "Themes", "Indicators", "Notes"]


def test_briefing_html_is_self_contained(final_frames):
    ind, themes = final_frames
    page = briefing.briefing_html(ind, themes, period_name="Road Map <RB>", lang="id", synthetic=True).decode()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "src=" not in page
    assert "Road Map &lt;RB&gt;" in page  # text is escaped
    assert "Kemajuan terbatas" in page and "#D55E00" in page.upper()  # colour + label
    assert "data sintetis" in page.lower()
    assert page.count("<tr>") == len(ind) + len(themes) + 2
    assert "Final Bureaucratic Reform results" in briefing.briefing_html(ind, themes, period_name="P", lang="en").decode()


def test_catalogue_diff():
    old = {"indicators": [{"code": "A", "unit": "%", "targets": [1]}, {"code": "B", "unit": "x"}], "themes": []}
    new = {"indicators": [{"code": "A", "unit": "persen", "targets": [1]}, {"code": "C", "unit": "x"}],
           "themes": [{"code": "t1"}]}
    diff = briefing.catalogue_diff(old, new)
    rows = {(r.kind, r.code): (r.change, r.fields) for r in diff.itertuples()}
    assert rows == {("indicators", "A"): ("changed", "unit"), ("indicators", "B"): ("removed", ""),
                    ("indicators", "C"): ("added", ""), ("themes", "t1"): ("added", "")}


# ------------------------------------------------------------------ catalogue import (admin)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _catalogue_bytes(cat) -> bytes:
    from indicators.catalogue_xlsx import export_catalogue_xlsx

    buf = io.BytesIO()
    export_catalogue_xlsx(cat, buf)
    return buf.getvalue()


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="catalogue_upload").set_value((name, data, XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_catalogue_import_reports_problems_in_words(app_env):
    pytest.importorskip("indicators.catalogue_xlsx")
    at = _upload(_open("catalogue"), "rusak.xlsx", b"not a workbook")
    assert any("Katalog tidak dapat dipakai" in e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert "Masalah" in problems.columns and len(problems) >= 1


def test_catalogue_import_shows_a_diff_and_applies_only_for_an_admin(app_env, tmp_path, monkeypatch):
    pytest.importorskip("indicators.catalogue_xlsx")
    import dataclasses

    from indicators import catalogue as cat_mod

    import shutil

    from loaders import audit, catalogue_store, store

    db = tmp_path / "copy.duckdb"      # the apply writes: a private copy of the seeded database
    shutil.copy(app_env, db)
    monkeypatch.setenv("PANTAURB_DB", str(db))
    shipped = cat_mod.DEFAULT_PATH.read_bytes()
    cat = cat_mod.load_catalogue()
    first = cat.indicators[0]
    edited = dataclasses.replace(cat, indicators=(dataclasses.replace(first, unit=first.unit + " (ubah)"),
                                                  *cat.indicators[1:]), by_code={})
    data = _catalogue_bytes(edited)

    at = _open("catalogue")
    sign_in(at, "analis").run()   # an analyst sees the diff but cannot apply it
    at = _upload(at, "katalog.xlsx", data)
    assert any("Katalog lolos pemeriksaan" in s.value for s in at.success)
    diff = at.dataframe[-1].value
    assert diff.to_dict("records") == [{"Jenis perubahan": "Indikator", "Kode": first.code, "Perubahan": "diubah",
                                        "Isian yang berubah": "unit"}]
    assert any("Hanya admin" in i.value for i in at.info) and not [b for b in at.button if b.key == "catalogue_apply"]

    sign_in(at, "admin").run()
    at.button(key="catalogue_apply").click().run()
    assert "Alasan" in at.error[0].value          # a change needs a reason
    at.text_input(key="catalogue_reason").input("Satuan diperbaiki").run()
    at.button(key="catalogue_apply").click().run()
    assert not at.exception and "versi 1" in at.success[-1].value
    with store.session(db) as con:                # into the database, versioned with who/when/why
        assert catalogue_store.current(con).by_code[first.code].unit == first.unit + " (ubah)"
        assert con.execute("SELECT unit FROM indicators WHERE indicator_code = ?", [first.code]).fetchone()[0] \
            == first.unit + " (ubah)"
        row = catalogue_store.versions(con).iloc[0]
        assert (row["version"], row["saved_by"], row["reason"]) == (1, "admin", "Satuan diperbaiki")
        assert audit.entries(con, action="catalogue_change").iloc[0]["detail"] == "Satuan diperbaiki"
    assert cat_mod.DEFAULT_PATH.read_bytes() == shipped   # the source tree is never written
