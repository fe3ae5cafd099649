"""The operational pages (Instansi, Wilayah, Kepatuhan, Unggah) through AppTest on the seeded database
(tests/conftest.py), plus what they are built from: the tile grid, the `# --- operational pages` query
functions and chart builders, and the strings."""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from accounts import sign_in

from indicators import charts, tilegrid
from indicators.catalogue import load_catalogue
from indicators import queries as Q
from loaders import api
from loaders.auth import Scope
from xlsx_helpers import fill_workbook
from ui import format as F
from ui.strings import STRINGS
from ui.strings_ops import STRINGS_OPS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
SYSTEM = Scope.system("cli:test")
OPS_PAGES = ["agency", "region", "compliance", "upload"]
XLSX = F.XLSX_MIME


def _open(page: str, query: dict | None = None, lang: str | None = None, user: str = "admin") -> AppTest:
    at = sign_in(AppTest.from_file(APP, default_timeout=60), user)
    at.run()
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    if lang:
        at.radio(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [i.value for i in at.info] + [w.value for w in at.warning] + [e.value for e in at.error]
    parts += [s.value for s in at.success] + [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(parts)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# ------------------------------------------------------------------ tile grid
def test_tile_grid_has_38_provinces_at_unique_positions():
    assert len(tilegrid.TILES) == 38
    assert len({t.province_code for t in tilegrid.TILES}) == 38
    assert len({(t.col, t.row) for t in tilegrid.TILES}) == 38
    assert all(0 <= t.col <= 13 and 0 <= t.row <= 6 for t in tilegrid.TILES)


def test_tile_grid_covers_every_province_code_of_the_registry():
    with open(ROOT / "data" / "registry" / "agencies.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    provinces = {r["code"] for r in rows if r["agency_type"] == "PROV"}
    referenced = {r["province_code"] for r in rows if r["province_code"]}
    assert provinces == set(tilegrid.BY_CODE)
    assert referenced <= set(tilegrid.BY_CODE)


def test_tile_grid_runs_west_to_east():
    col = {t.province_code: t.col for t in tilegrid.TILES}
    assert col["11"] < col["32"] < col["35"] < col["73"] < col["81"] < col["91"]  # Aceh … Jatim … Sulsel … Papua
    assert tilegrid.BY_CODE["34"].row > tilegrid.BY_CODE["33"].row  # DIY south of Jawa Tengah


def test_with_values_marks_provinces_without_data_no_data(seeded_con):
    prov = Q.region_comparison(seeded_con, "AG_SAKIP", 2024, 4, "PROV")
    tiles = tilegrid.with_values(prov)
    assert len(tiles) == 38
    assert set(tiles.loc[tiles["province_code"].isin(["31", "32", "33", "35"]), "status"]) != {"no_data"}
    assert (tiles.loc[~tiles["province_code"].isin(["31", "32", "33", "35"]), "status"] == "no_data").all()
    assert tiles.loc[tiles["province_code"] == "11", "name"].item() == "Aceh"


# ------------------------------------------------------------------ queries
def test_agency_report_card_has_every_applicable_indicator_with_target_capaian_status(seeded_con):
    card = Q.agency_report_card(seeded_con, "32.73", 2024, 4).set_index("indicator_code")
    assert sorted(card.index) == ["AG_INFL", "AG_INV", "AG_LAPOR", "AG_POV", "AG_SAKIP", "AG_SPBE"]
    assert card["status"].notna().all() and not (card["status"] == "no_data").any()
    assert card.loc["AG_POV", "target_source"] == "agency"      # the agency's own target wins
    assert card.loc["AG_SAKIP", "target_source"] == "catalogue"
    sakip = card.loc["AG_SAKIP"]
    assert sakip["capaian"] == pytest.approx(sakip["value"] / sakip["target_low"] * 100)
    assert card.loc["AG_INFL", "status"] == "target_achieved"   # 2,78 inside the 1,5–3,5 band
    assert card.loc["AG_INV", "pacing_status"] is not None       # cumulative: within-year pacing too
    assert card.loc["AG_SAKIP", "source_cell"] == "Indikator!F12"
    # same status as the analysis pages (agency_assessments)
    ref = Q.agency_assessments(seeded_con, 2024, 4, agency="32.73").set_index("indicator_code")
    assert (card.loc[ref.index, "status"] == ref["status"]).all()


def test_agency_report_card_of_an_agency_without_reports_says_no_data(seeded_con):
    card = Q.agency_report_card(seeded_con, "31.71", 2024, 4)
    assert len(card) > 0 and (card["status"] == "no_data").all()
    assert card["target_low"].notna().any()  # the target in force is still shown


def test_agency_renaksi_paces_cumulative_realisation(seeded_con):
    ren = Q.agency_renaksi(seeded_con, "32.73", 2024)
    assert len(ren) == 3 and set(ren["quarter"]) == {4}
    row = ren[ren["action_plan"] == "Pemutakhiran data DTKS"].iloc[0]
    assert row["annual_target"] == 40 and row["target_to_date"] == 40
    assert row["to_date_ratio"] == pytest.approx(row["realised_to_date"] / 40)
    assert row["budget_share"] == pytest.approx(row["budget_realised"] / row["budget"])
    assert Q.agency_renaksi(seeded_con, "KL-KEMENKEU", 2024).empty


def test_agency_submissions_and_the_diff_between_versions(seeded_con):
    subs = Q.agency_submissions(seeded_con, "32.73")
    v2 = subs[subs["submission_id"] == "32.73-2024Q3-v2"].iloc[0]
    assert v2["status"] == "in_force" and v2["replaces"] == "32.73-2024Q3-v1" and v2["reason"] == "Koreksi nilai SAKIP"
    assert subs.set_index("submission_id").loc["32.73-2024Q3-v1", "status"] == "superseded"
    assert len(v2["sha256_short"]) == 12
    diff = Q.submission_diff(seeded_con, "32.73-2024Q3-v1", "32.73-2024Q3-v2").set_index("indicator_code")
    assert diff.loc["AG_SAKIP", "change_kind"] == "changed"
    sakip = diff.loc["AG_SAKIP"]
    assert sakip["change"] == pytest.approx(sakip["new_value"] - sakip["old_value"]) and sakip["change"] > 2
    assert set(diff["change_kind"]) <= {"changed", "unchanged", "added", "removed"}


def test_agency_quality_components_and_documented_combination(seeded_con):
    qual = Q.agency_quality(seeded_con, "32.04").set_index(["year", "quarter"])
    q3 = qual.loc[(2024, 3)]  # delivered late; one rejected + one accepted upload
    assert q3["compliance_status"] == "late" and q3["timeliness"] == 0.5
    assert q3["completeness"] == 1.0 and q3["validation"] == 0.5
    assert q3["score"] == pytest.approx(100 * (0.4 * 0.5 + 0.4 * 1.0 + 0.2 * 0.5))
    missing = Q.agency_quality(seeded_con, "32.99").set_index(["year", "quarter"]).loc[(2024, 4)]
    assert missing["compliance_status"] == "not_received" and missing["score"] == 0
    assert missing["validation"] != missing["validation"]  # NaN: no upload, component left out


def test_region_comparison_provinces_and_kabkota(seeded_con):
    prov = Q.region_comparison(seeded_con, "AG_SAKIP", 2024, 4, "PROV")
    assert sorted(prov["agency_code"]) == ["31", "32", "33", "35"] and prov["value"].notna().all()
    kk = Q.region_comparison(seeded_con, "AG_SAKIP", 2024, 4, "KABKOTA", "32").set_index("agency_code")
    assert sorted(kk.index) == ["32.04", "32.73", "32.98", "32.99"]  # 32.99 missed 2024Q4
    assert kk.loc["32.99", "status"] == "no_data" and kk.loc["32.99", "value"] != kk.loc["32.99", "value"]
    assert bool(kk.loc["32.98", "synthetic"])
    assert "31.71" not in Q.region_comparison(seeded_con, "AG_SAKIP", 2024, 4, "KABKOTA", "31")["agency_code"].tolist()


def test_region_indicators_and_quarters(seeded_con):
    inds = Q.region_indicators(seeded_con)
    assert "AG_POV" in set(inds["indicator_code"]) and "NAT_IPK" not in set(inds["indicator_code"])
    quarters = Q.indicator_quarters(seeded_con, "AG_SAKIP")
    assert (int(quarters.iloc[0]["year"]), int(quarters.iloc[0]["quarter"])) == (2024, 4)


def test_compliance_matrix_filters_and_ranks_problems(seeded_con):
    all_ = Q.compliance_matrix(seeded_con, 2024)
    assert set(all_["status"]) <= {"on_time", "late", "revised", "not_received", "not_due"}
    assert len(all_) == 14 * 4  # 14 autonomous agencies x 4 quarters
    kk = Q.compliance_matrix(seeded_con, 2024, ("KAB", "KOTA"), "32")
    assert set(kk["agency_code"]) == {"32.04", "32.73", "32.98", "32.99"}
    assert kk[kk["problem_rank"] == 1]["agency_code"].unique().tolist() == ["32.99"]
    assert (kk[kk["agency_code"] == "32.73"]["status"] == "revised").sum() == 1
    assert all_["contact_email"].notna().all()


def test_compliance_ranks_an_uploaders_agency_within_its_scope(seeded_con):
    """Issue 21.7: the page ranked an uploader's agency against every agency before its scope was applied
    ("80 dari 164", an empty matrix); ranked within the rows the scope keeps, it is 1 of 1."""
    from loaders import auth
    everything = Q.compliance_matrix(seeded_con, 2024)
    coordinator = auth.Scope("koord-32", "koordinator", province_code="32")
    uploader = auth.Scope("unggah-32.73", "pengunggah", agency_code="32.73")
    provinces = auth.agency_provinces(seeded_con)
    assert everything[everything["agency_code"] == "32.73"]["problem_rank"].iloc[0] > 1    # among all agencies
    mine = auth.restrict_frame(everything, uploader, provinces)
    assert set(Q.problem_ranks(mine)) == {1}
    region = auth.restrict_frame(everything, coordinator, provinces)
    ranks = Q.problem_ranks(region)
    assert sorted(set(ranks)) == list(range(1, region["agency_code"].nunique() + 1))
    assert region[ranks == 1]["agency_code"].unique().tolist() == ["32.99"]      # the most problems in 32


@pytest.mark.parametrize("page", ["national", "agency"])
def test_every_page_says_whose_verdicts_wait_and_since_when(seeded_db_path, tmp_path, monkeypatch, page):
    """Issue 21.4: a batch cut short leaves its agencies in the backlog; until the next writer recomputes
    them, the pages name them and say since when (the values are stored, the verdicts may be stale)."""
    import shutil
    from loaders import store
    db = tmp_path / "pantaurb.duckdb"
    shutil.copyfile(seeded_db_path, db)
    with store.session(db) as con:
        con.execute("INSERT INTO assessment_backlog (agency_code, since_key, since_at) VALUES "
                    "('32.73', 8097, TIMESTAMP '2024-04-02 03:04:00')")
    monkeypatch.setenv("PANTAURB_DB", str(db))
    at = _open(page)
    warnings = " ".join(w.value for w in at.warning)
    assert "Penilaian 1 instansi belum diperbarui sejak 2 April 2024" in warnings and "32.73" in warnings
    at = _open(page, lang="en")
    warnings = " ".join(w.value for w in at.warning)
    assert "The verdicts of 1 agencies have not been updated since April 2, 2024" in warnings


# ------------------------------------------------------------------ charts
def test_ranked_bar_chart_sorts_best_first_and_labels_statuses(seeded_con):
    prov = Q.region_comparison(seeded_con, "AG_POV", 2024, 4, "PROV")
    prov = prov.assign(value_text=prov["value"].astype(str))
    spec = charts.ranked_bar_chart(prov, "id", text="value_text", ascending=True).to_dict()
    layer = spec["layer"][0]
    assert layer["encoding"]["y"]["sort"] == prov.sort_values("value")["name"].tolist()  # lower is better
    assert set(layer["encoding"]["color"]["scale"]["domain"]) <= set(F.progress.STATUS_LABELS["id"].values())
    assert spec["layer"][1]["mark"]["type"] == "text"


def test_tile_map_and_compliance_matrix_charts_name_every_colour_in_text(seeded_con):
    tiles = tilegrid.with_values(Q.region_comparison(seeded_con, "AG_SAKIP", 2024, 4, "PROV")).assign(value_text="x")
    spec = charts.tile_map_chart(tiles, "id", labels={"no_data": "tidak ada data"}).to_dict()
    assert "tidak ada data" in spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert spec["layer"][1]["encoding"]["text"]["field"] == "short"
    comp = Q.compliance_matrix(seeded_con, 2024).assign(agency_label=lambda d: d["name"])
    spec = charts.compliance_matrix_chart(comp, "en").to_dict()
    assert spec["layer"][1]["encoding"]["text"]["field"] == "symbol"
    assert "Not received" in spec["layer"][0]["encoding"]["color"]["scale"]["domain"]


# ------------------------------------------------------------------ pages
def test_agency_page_deep_link_numbers_and_agency_filter(app_env):
    at = _open("agency", {"agency": "32.73"})
    assert "Kota Bandung" in at.subheader[0].value
    m = _metrics(at)
    assert m["Indikator berlaku"] == "6" and m["Target tercapai"] == "1"
    text = _texts(at)
    assert "Indikator (TW IV 2024)" in text
    assert "5 nilai berubah" in text                      # default diff: the 2024Q3 correction
    assert "bukan peringkat kinerja" in text               # data quality is not a ranking
    card = at.dataframe[0].value
    assert "Indikator!F12" in set(card["Sel sumber"])
    assert card.loc[card["Kode indikator"] == "AG_SAKIP", "Nilai"].item() == "60,22"  # Indonesian format
    history = at.dataframe[2].value
    assert {"Berlaku", "Digantikan"} <= set(history["Status versi"])

    at.selectbox(key="url_agency").set_value("32.04")
    _run(at)
    assert "Kabupaten Bandung" in at.subheader[0].value
    assert at.query_params["agency"] == ["32.04"] or dict(at.query_params)["agency"] == "32.04"


def test_unknown_agency_in_link_says_so_and_offers_the_nearest(app_env):
    at = _open("agency", {"agency": "32.7"})
    warning = at.warning[0].value
    assert '"32.7"' in warning and "tidak dikenal" in warning  # never silently another agency
    nearest = at.button(key="url_nearest_agency")
    assert "Mungkin maksud Anda" in nearest.label
    nearest.click()
    _run(at)
    assert not at.warning or all("tidak dikenal" not in w.value for w in at.warning)
    assert dict(at.query_params)["agency"] == "32.73"  # "32.7" is closest to 32.73 Kota Bandung
    assert "Kota Bandung" in at.subheader[0].value


def test_nearest_option_matches_value_or_label():
    from ui.format import nearest_option
    labels = {"32.73": "32.73 Kota Bandung", "12": "12 Sumatera Utara", "KL-PANRB": "KL-PANRB KemenPANRB"}
    assert nearest_option("32.37", labels) == "32.73"
    assert nearest_option("kemenpanrb", labels) == "KL-PANRB"
    assert nearest_option("zzzzzzzz", labels) is None


def test_agency_page_type_filter_narrows_the_list_and_empty_agency_is_explained(app_env):
    at = _open("agency", {"type": "KL"})
    assert set(at.selectbox(key="url_agency").options) == {
        "Kementerian Investasi/BKPM (KL-BKPM)", "Kementerian Keuangan (KL-KEMENKEU)", "Kementerian PANRB (KL-PANRB)"}
    at = _open("agency", {"agency": "31.71"})  # administrative city: never reports
    assert "belum mempunyai laporan" in _texts(at)


def test_region_page_numbers_map_and_indicator_filter(app_env):
    at = _open("region", {"indicator": "AG_SAKIP", "tw": "2024Q4"})
    assert "4 dari 4 provinsi melaporkan untuk TW IV 2024." in _texts(at)
    prov = at.dataframe[0].value
    assert len(prov) == 4 and "Jawa Barat" in set(prov["Nama"])
    charts_ = at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")
    assert len(charts_) >= 3  # provinces, tile map, kab/kota
    kk = at.dataframe[1].value
    assert set(kk["Kode instansi"]) == {"32.04", "32.73", "32.98", "32.99"}  # default: busiest province
    assert "Tanpa nilai untuk TW IV 2024: Kota Sintetis Dua." in _texts(at)
    before = prov["Nilai"].tolist()

    at.selectbox(key="url_indicator").set_value("AG_POV")
    _run(at)
    assert at.dataframe[0].value["Nilai"].tolist() != before
    at.selectbox(key="url_province").set_value("35")
    _run(at)
    assert set(at.dataframe[1].value["Kode instansi"]) == {"35.07", "35.78"}


def test_compliance_page_counts_matrix_filter_and_followup_list(app_env, seeded_con):
    at = _open("compliance", {"year": "2024"})
    expected = Q.compliance_matrix(seeded_con, 2024)["status"].value_counts()
    m = _metrics(at)
    assert m["Tepat waktu"] == str(expected["on_time"]) and m["Belum diterima"] == str(expected["not_received"])
    todo = at.dataframe[1].value
    assert set(todo["Kepatuhan"]) <= {"Terlambat", "Belum diterima"}
    assert todo["E-mail kontak"].str.contains("@").all()

    at.selectbox(key="url_type").set_value("KAB")
    _run(at)
    assert int(_metrics(at)["Tepat waktu"]) < int(m["Tepat waktu"])
    assert set(at.dataframe[0].value["Jenis instansi"]) == {"Kabupaten"}


def test_followup_export_neutralises_formulas_and_keeps_emails(seeded_con):
    todo = Q.compliance_matrix(seeded_con, 2024)
    todo = todo[todo["status"].isin(["late", "not_received"])].assign(name="=HYPERLINK(\"http://x\")")
    csv_text = F.to_csv_bytes(todo[["agency_code", "name", "contact_email"]]).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "rb@" in csv_text
    ws = openpyxl.load_workbook(io.BytesIO(F.to_xlsx_bytes(todo[["name", "contact_email"]]))).active
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("'=")


@pytest.mark.parametrize("page", OPS_PAGES)
def test_ops_pages_run_in_english(app_env, page):
    at = _open(page, {"agency": "32.73"} if page in ("agency", "upload") else None, lang="en")
    assert at.title[0].value in {STRINGS_OPS[k]["en"] for k in ("ag_title", "rg_title", "cp_title", "up_title")}


# ------------------------------------------------------------------ upload
@pytest.fixture
def upload_db(seeded_db_path, tmp_path, monkeypatch):
    """A private copy of the seeded database: the upload tests write to it."""
    path = tmp_path / "db" / "pantaurb.duckdb"
    path.parent.mkdir()
    shutil.copy(seeded_db_path, path)
    monkeypatch.setenv("PANTAURB_DB", str(path))
    return path


RENAKSI = [{"theme": "kemiskinan", "action_plan": "Verifikasi data P3KE", "output_indicator": "KK terverifikasi",
            "unit": "KK", "target_tw1": 100, "target_tw2": 100, "target_tw3": 100, "target_tw4": 100,
            "realisation": 100, "budget": 100_000_000, "budget_realisation": 80_000_000,
            "intervention_focus": "Proses Bisnis dan SOP", "coordinator": "Bappeda", "implementer": "Dinsos"}]


def _numeric_codes(agency_type: str = "KOTA") -> list[str]:
    return [i.code for i in load_catalogue().indicators
            if i.level == "agency" and agency_type in i.applies_to and i.value_type == "number"]


def _filled(db, agency="32.99", year=2024, quarter=4, **overrides) -> bytes:
    """The real template for (agency, year, quarter), filled with plausible values like an agency would."""
    values, targets, urls = {}, {}, {}
    for ind in load_catalogue().indicators:
        if ind.level != "agency" or "KOTA" not in ind.applies_to:
            continue
        if ind.value_type == "category":
            values[ind.code] = targets[ind.code] = "WTP"
        else:
            lo = ind.min_value if ind.min_value is not None else 0
            hi = ind.max_value if ind.max_value is not None else lo + 100
            values[ind.code], targets[ind.code] = round(lo + (hi - lo) * 0.4, 2), round(lo + (hi - lo) * 0.5, 2)
        urls[ind.code] = f"https://bukti.contoh.invalid/{ind.code}"
    values.update(overrides)
    return fill_workbook(api.template_bytes(agency, year, quarter, scope=SYSTEM, db_path=db), values, targets, RENAKSI, urls)


def _upload_page(agency="32.99") -> AppTest:
    return _open("upload", {"agency": agency, "year": "2024", "quarter": "4"}, user=f"unggah-{agency}")


def test_upload_check_only_says_valid_and_stores_nothing(upload_db):
    data = _filled(upload_db)
    at = _upload_page()
    at.file_uploader(key="upload_file").set_value(("32.99_TW4.xlsx", data, XLSX))
    _run(at)
    at.button(key="upload_check").click()
    _run(at)
    assert at.success and "Berkas lolos pemeriksaan" in at.success[0].value
    assert not at.error
    assert Q.agency_submissions(_con(upload_db), "32.99").query("year == 2024 and quarter == 4").empty


def _con(path):
    import duckdb
    return duckdb.connect(str(path), read_only=True)


def test_upload_broken_file_shows_the_cell_in_the_problem_table(upload_db):
    code = _numeric_codes("KOTA")[0]
    data = _filled(upload_db, **{code: "delapan"})
    at = _upload_page()
    at.file_uploader(key="upload_file").set_value(("rusak.xlsx", data, XLSX))
    _run(at)
    at.button(key="upload_check").click()
    _run(at)
    assert "Berkas belum dapat diterima" in at.error[0].value
    assert any("masalah harus diperbaiki" in m.value for m in at.markdown)      # the summary sentence
    table = next(h.proto.body for h in at.get("html") if "<table" in h.proto.body)
    cells = re.findall(r'<td data-label="([^"]*)">([^<]*)</td>', table)
    first = [v for k, v in cells[:6]]
    cat = load_catalogue().by_code[code]
    assert first[0] == "✖ Kesalahan" and re.fullmatch(r"Indikator![A-Z]+\d+", first[1])   # errors listed first
    assert first[2] == html.escape(cat.name) and first[3] == "delapan"
    assert first[1].split("!")[1] in first[4] and first[5].startswith("Tulis angka saja")
    assert "not-a-number" not in table                        # no internal codes on screen
    row = {"Lembar!Sel": first[1]}
    row = {"Lokasi": row["Lembar!Sel"]}
    # the annotated workbook (offered as a download) marks the same cell
    report = api.check_file(data, "rusak.xlsx", scope=SYSTEM, db_path=upload_db).report
    wb = openpyxl.load_workbook(io.BytesIO(api.annotate_bytes(data, report, "id")))
    sheet, cell = row["Lokasi"].split("!")
    assert wb[sheet][cell].comment is not None


def test_upload_submit_accepts_then_duplicate_is_a_no_op(upload_db):
    data = _filled(upload_db)
    at = _upload_page()
    at.file_uploader(key="upload_file").set_value(("32.99_TW4.xlsx", data, XLSX))
    _run(at)
    assert at.text_input(key="upload_uploader").value == "unggah-32.99"  # the account, not a typed name
    assert at.text_input(key="upload_uploader").disabled
    at.button(key="upload_submit").click()
    _run(at)
    assert "Diterima sebagai **32.99-2024Q4-v1**" in at.success[0].value
    subs = Q.agency_submissions(_con(upload_db), "32.99")
    assert subs.iloc[0]["submission_id"] == "32.99-2024Q4-v1" and subs.iloc[0]["uploader"] == "unggah-32.99"
    at.button(key="upload_submit").click()
    _run(at)
    assert "sudah diterima sebelumnya" in at.info[0].value
    assert len(Q.agency_submissions(_con(upload_db), "32.99")) == len(subs)


def test_upload_correction_after_deadline_asks_for_a_reason(upload_db):
    at = _upload_page("32.73")  # 2024Q4 already accepted, deadline passed
    at.file_uploader(key="upload_file").set_value(("koreksi.xlsx", _filled(upload_db, agency="32.73"), XLSX))
    _run(at)
    at.button(key="upload_submit").click()
    _run(at)
    assert "Alasan perbaikan" in at.warning[0].value
    at.text_input(key="upload_reason").input("Koreksi angka kemiskinan")
    at.button(key="upload_submit").click()
    _run(at)
    assert "32.73-2024Q4-v2" in at.success[0].value


def test_upload_page_offers_no_template_for_a_quarter_outside_the_agency_validity(upload_db):
    """Issue 18 item 4: the page refuses with the check's own words (loaders.checks.agency_inactive)."""
    from datetime import date
    from loaders.checks import agency_inactive
    import duckdb
    with duckdb.connect(str(upload_db)) as con:
        con.execute("UPDATE agencies SET valid_from = DATE '2025-01-01' WHERE agency_code = '32.99'")
    expected = agency_inactive("32.99", date(2025, 1, 1), None, 2024, 4)
    at = _open("upload", {"agency": "32.99", "year": "2024", "quarter": "4"})
    assert [e.value for e in at.error] == [expected.message("id")]
    assert "1 Januari 2025" in at.error[0].value and not at.get("download_button")
    at = _open("upload", {"agency": "32.99", "year": "2024", "quarter": "4"}, lang="en")
    assert [e.value for e in at.error] == [expected.message("en")]
    at = _open("upload", {"agency": "32.98", "year": "2024", "quarter": "4"})
    assert not at.error and at.get("download_button")


def test_upload_whose_receipt_cannot_be_written_still_says_stored(upload_db):
    (upload_db.parent / "receipts").write_text("a file where the receipts folder should be")
    at = _upload_page()
    at.file_uploader(key="upload_file").set_value(("32.99_TW4.xlsx", _filled(upload_db), XLSX))
    _run(at)
    at.button(key="upload_submit").click()
    _run(at)
    assert "Diterima sebagai **32.99-2024Q4-v1**" in at.success[0].value
    assert "sudah tersimpan" in at.warning[0].value and not at.error
    subs = Q.agency_submissions(_con(upload_db), "32.99")
    assert (subs["submission_id"] == "32.99-2024Q4-v1").sum() == 1


# ------------------------------------------------------------------ strings
def _keys_used(path: Path) -> set[str]:
    keys = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
    return keys


def test_every_string_used_by_the_ops_pages_exists_in_both_languages():
    from ui.strings_auth import STRINGS_AUTH
    catalogue = {**STRINGS, **STRINGS_OPS, **STRINGS_AUTH}
    used = set().union(*(_keys_used(ROOT / "app_pages" / f"{p}.py") for p in OPS_PAGES))
    used |= {f"cp_status_{s}" for s in ("on_time", "revised", "late", "not_received", "not_due")}
    used |= {f"ag_change_{s}" for s in ("changed", "added", "removed", "unchanged")}
    used |= {f"up_severity_{s}" for s in ("error", "warning")} | {"ag_in_force", "ag_superseded"}
    assert not used - set(catalogue)
    for key, entry in STRINGS_OPS.items():
        assert entry.get("id") and entry.get("en"), key
        assert set(re.findall(r"{(\w+)}", entry["id"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_ops_strings_do_not_redefine_shared_keys():
    assert not set(STRINGS_OPS) & set(STRINGS)
