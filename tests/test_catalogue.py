"""The indicator catalogue: the shipped YAML, its validation messages, YAML and xlsx round trips."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from indicators.catalogue import (
    CONFIDENCES, DEFAULT_PATH, Catalogue, CatalogueError, build_catalogue, catalogue_to_dict, dump_catalogue,
    load_catalogue,
)
from indicators.catalogue_xlsx import (
    INDICATOR_COLUMNS, TARGET_COLUMNS, export_catalogue_xlsx, import_catalogue_xlsx,
)


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def write_yaml(tmp_path: Path, data: dict, name: str = "catalogue.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p


def indicator(data: dict, code: str) -> dict:
    return next(i for i in data["indicators"] if i["code"] == code)


# ------------------------------------------------------------------ the shipped catalogue
def test_shipped_catalogue_loads_with_one_period(cat):
    assert DEFAULT_PATH.name == "catalogue.yaml"
    p = cat.period("2020-2024")
    assert (p.start_year, p.end_year, p.baseline_year) == (2020, 2024, 2019)
    assert p.legal_basis == "Permenpan RB 25/2020 jo. Permenpan RB 3/2023"


def test_themes_and_their_kinds(cat):
    kinds = {t.code: (t.kind, t.parent) for t in cat.themes}
    assert kinds == {
        "kemiskinan": ("tematik", None), "investasi": ("tematik", None), "digitalisasi": ("tematik", None),
        "prioritas_presiden": ("tematik", None), "pdn": ("tematik", "prioritas_presiden"),
        "inflasi": ("tematik", "prioritas_presiden"), "general": ("general", None), "index": ("index", None)}
    assert all(t.name and t.name_en for t in cat.themes)


def test_every_theme_has_indicators_itself_or_below(cat):
    for t in cat.themes:
        assert cat.indicators_for_theme(t.code), t.code
    leaf_themes = {t.code for t in cat.themes} - {t.parent for t in cat.themes}
    for code in leaf_themes:
        assert cat.indicators_for_theme(code, include_children=False), code


def test_every_indicator_has_direction_unit_and_both_languages(cat):
    for i in cat.indicators:
        assert i.direction in ("higher_better", "lower_better", "band"), i.code
        assert i.unit and i.unit_en, i.code
        assert i.name and i.name_en and i.definition and i.definition_en, i.code
        assert (i.level == "national") == (i.applies_to == ()), i.code


def test_every_published_value_and_target_has_source_and_confidence(cat):
    for i in cat.indicators:
        for o in i.series:
            assert o.source.strip() and o.confidence in CONFIDENCES, (i.code, o.year)
        for t in i.targets:
            assert t.source.strip() and t.basis.strip() and t.confidence in CONFIDENCES, (i.code, t.year)
        if i.baseline_year is not None:
            assert i.baseline_source and i.baseline_confidence in CONFIDENCES, i.code


def test_ipk_series_2019_to_2024(cat):
    ipk = cat.by_code["NAT_IPK"]
    assert [(o.year, o.value) for o in ipk.series] == [
        (2019, 40), (2020, 37), (2021, 38), (2022, 34), (2023, 34), (2024, 37)]
    assert (ipk.baseline_year, ipk.baseline_value) == (2019, 40)
    assert ipk.target_for(2024).low == 45 and ipk.target_for(2024).confidence == "medium"


def test_inflation_is_a_band_and_2024_target_is_1_5_to_3_5(cat):
    infl = cat.by_code["NAT_INFL"]
    assert infl.direction == "band" and infl.limit is None
    t = infl.target_for(2024)
    assert (t.low, t.high) == (1.5, 3.5)
    assert all((infl.target_for(y).low, infl.target_for(y).high) == (2.0, 4.0) for y in range(2020, 2024))
    assert {o.month for o in infl.series} == {12}


def test_ipak_and_spi_targets_with_derived_years_marked_medium(cat):
    ipak = cat.by_code["NAT_IPAK"]
    assert [ipak.target_for(y).low for y in range(2020, 2025)] == [4.00, 4.03, 4.06, 4.09, 4.14]
    assert [o.value for o in ipak.series] == [3.70, 3.84, 3.88, 3.93, 3.92, 3.85]
    spi = cat.by_code["NAT_SPI"]
    assert {y: (spi.target_for(y).low, spi.target_for(y).confidence) for y in range(2021, 2025)} == {
        2021: (70, "high"), 2022: (72, "medium"), 2023: (74, "high"), 2024: (76, "medium")}


def test_target_for_returns_the_highest_version(cat):
    inv = cat.by_code["NAT_INV_REAL"]
    assert [t.version for t in inv.targets if t.year == 2020] == [1, 2]
    assert inv.target_for(2020).low == 817.2
    assert inv.target_for(2019) is None


def test_poverty_rounds_and_two_2024_targets_are_explained(cat):
    mar, sep = cat.by_code["NAT_POV_MAR"], cat.by_code["NAT_POV_SEP"]
    assert {o.month for o in mar.series} == {3} and {o.month for o in sep.series} == {9}
    assert (mar.target_for(2024).low, mar.target_for(2024).high) == (6.0, 7.0)
    assert "6,5–7,5" in mar.notes and "6.5–7.5" in mar.notes
    assert next(o for o in mar.series if o.year == 2020).confidence == "low"


def test_wtp_is_a_category(cat):
    wtp = cat.by_code["NAT_WTP_LKPP"]
    assert wtp.value_type == "category" and wtp.aggregation == "none"
    assert {o.text for o in wtp.series} == {"WTP"} and all(o.value is None for o in wtp.series)
    assert wtp.target_for(2024).text == "WTP" and wtp.target_for(2024).confidence == "low"


def test_agency_indicators_carry_no_national_targets(cat):
    with_targets = {i.code for i in cat.indicators if i.level == "agency" and i.targets}
    assert with_targets == {"TEM_PDN_UMKK"}  # Inpres 2/2022: at least 40% for every K/L and Pemda
    assert "6,0–7,0" in cat.by_code["TEM_KEM_P0"].notes
    assert cat.by_code["TEM_INF_YOY"].direction == "band"
    assert cat.by_code["AG_IKPA"].applies_to == ("KL",)
    assert set(cat.by_code["TEM_PDN_SHARE"].applies_to) == {"KL", "PROV", "KAB", "KOTA"}
    for code in ("TEM_KEM_P0", "TEM_INV_REAL", "TEM_INF_YOY", "TEM_DIG_STUNTING"):
        assert cat.by_code[code].applies_to == ("PROV", "KAB", "KOTA"), code


def test_current_period(cat):
    assert cat.current_period(2022).code == "2020-2024"
    assert cat.current_period(2019) is None and cat.current_period(2025) is None


def test_load_is_cached_until_the_file_changes(tmp_path):
    p = tmp_path / "c.yaml"
    shutil.copy(DEFAULT_PATH, p)
    first = load_catalogue(p)
    assert load_catalogue(p) is first
    text = p.read_text(encoding="utf-8").replace("Pengentasan Kemiskinan", "Penanggulangan Kemiskinan", 1)
    p.write_text(text, encoding="utf-8")
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10_000_000))
    assert load_catalogue(p).theme("kemiskinan").name == "Penanggulangan Kemiskinan"


# ------------------------------------------------------------------ validation messages
def test_unknown_enum_value_names_file_indicator_and_key(cat, tmp_path):
    data = catalogue_to_dict(cat)
    indicator(data, "NAT_IPK")["direction"] = "up"
    p = write_yaml(tmp_path, data)
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(p)
    assert str(exc.value) == (
        f"{p}, NAT_IPK, direction: nilai 'up' tidak dikenal / unknown value 'up' "
        f"(harus/must be: higher_better, lower_better, band)")


def test_shipped_file_is_named_relative_to_the_repository(cat):
    data = catalogue_to_dict(cat)
    indicator(data, "NAT_IPK")["direction"] = "up"
    with pytest.raises(CatalogueError) as exc:
        build_catalogue(data, "indicators/catalogue.yaml")
    assert str(exc.value).startswith("indicators/catalogue.yaml, NAT_IPK, direction: nilai 'up' tidak dikenal")


def test_unknown_theme(cat, tmp_path):
    data = catalogue_to_dict(cat)
    indicator(data, "NAT_SPBE")["theme"] = "digital"
    with pytest.raises(CatalogueError, match=r"NAT_SPBE, theme: tema 'digital' tidak ada di themes / theme "
                                             r"'digital' is not in themes"):
        load_catalogue(write_yaml(tmp_path, data))


def test_target_low_above_high(cat, tmp_path):
    data = catalogue_to_dict(cat)
    indicator(data, "NAT_POV_MAR")["targets"][2].update(low=7.5, high=6.0)
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(write_yaml(tmp_path, data))
    assert "NAT_POV_MAR, targets[2024 v1].low: low 7.5 > high 6 (low harus ≤ high / low must be ≤ high)" in str(exc.value)


def test_band_target_needs_low_below_high(cat):
    data = catalogue_to_dict(cat)
    indicator(data, "NAT_INFL")["targets"][4].update(low=2.5, high=2.5)
    with pytest.raises(CatalogueError, match=r"NAT_INFL, targets\[2024 v1\]\.high: rentang harus low < high"):
        build_catalogue(data, "x.yaml")


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: indicator(d, "NAT_IPK")["series"][0].update(confidence="sure"),
     "NAT_IPK, series[2019].confidence: nilai 'sure' tidak dikenal"),
    (lambda d: indicator(d, "NAT_IPK")["series"][0].update(year=2016),
     "NAT_IPK, series[2016].year: tahun 2016 di luar periode / year 2016 is outside every period"),
    (lambda d: indicator(d, "NAT_IPK")["series"][1].update(value="tiga puluh"),
     "NAT_IPK, series[2020].value: harus angka / must be a number, bukan/not 'tiga puluh'"),
    (lambda d: indicator(d, "NAT_IPK")["series"][1].update(source=""),
     "NAT_IPK, series[2020].source: wajib diisi / required"),
    (lambda d: d["indicators"].append(dict(indicator(d, "NAT_IPK"))),
     "NAT_IPK, code: kode ganda / duplicate code"),
    (lambda d: indicator(d, "NAT_IPK").update(dirction="up"),
     "NAT_IPK, dirction: kunci tidak dikenal / unknown key"),
    (lambda d: indicator(d, "NAT_IPK").update(applies_to=["KL"]),
     "NAT_IPK, applies_to: indikator nasional tidak berlaku"),
    (lambda d: indicator(d, "AG_SAKIP").update(applies_to=["DESA"]),
     "AG_SAKIP, applies_to: jenis instansi 'DESA' tidak dikenal"),
    (lambda d: indicator(d, "NAT_WTP_LKPP").update(aggregation="mean"),
     "NAT_WTP_LKPP, aggregation: indikator kategori tidak dapat diagregasi"),
    (lambda d: indicator(d, "NAT_IPAK")["targets"][0].update(low=6, high=6),
     "NAT_IPAK, targets[2020 v1].low: nilai 6 di luar rentang wajar"),
    (lambda d: d["themes"][4].update(parent="nope"),
     "pdn, parent: tema induk 'nope' tidak ada"),
    (lambda d: indicator(d, "NAT_INV_REAL")["targets"][1].update(version=1),
     "NAT_INV_REAL, targets[2020 v1].version: versi 1 untuk tahun 2020 ganda"),
])
def test_validation_problems_name_indicator_and_key(cat, mutate, expected):
    data = catalogue_to_dict(cat)
    mutate(data)
    with pytest.raises(CatalogueError) as exc:
        build_catalogue(data, "katalog.yaml")
    assert f"katalog.yaml, {expected}" in str(exc.value)


def test_all_problems_are_reported_at_once(cat):
    data = catalogue_to_dict(cat)
    indicator(data, "NAT_IPK")["direction"] = "up"
    indicator(data, "NAT_SPBE")["theme"] = "digital"
    with pytest.raises(CatalogueError) as exc:
        build_catalogue(data, "k.yaml")
    assert [(p.code, p.key) for p in exc.value.problems] == [("NAT_IPK", "direction"), ("NAT_SPBE", "theme")]


def test_duplicate_yaml_keys_and_broken_yaml_are_refused(tmp_path):
    p = tmp_path / "dup.yaml"
    p.write_text("version: 1\nversion: 2\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="duplicate key 'version'"):
        load_catalogue(p)
    p.write_text("version: [1\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="YAML tidak valid / invalid YAML"):
        load_catalogue(p)


def test_a_new_period_is_just_data(cat):
    data = catalogue_to_dict(cat)
    data["periods"].append({"code": "2025-2029", "name": "Road Map RB 2025–2029", "name_en": "RB Road Map 2025–2029",
                            "start_year": 2025, "end_year": 2029, "baseline_year": 2024, "legal_basis": "(belum)"})
    indicator(data, "NAT_INFL")["targets"].append(
        {"year": 2025, "low": 1.5, "high": 3.5, "text": None, "version": 1, "effective_from": date(2024, 1, 1),
         "basis": "PMK 31/2024", "source": "research/domain.md §3.7", "confidence": "high"})
    new = build_catalogue(data, "k.yaml")
    assert new.current_period(2026).code == "2025-2029"
    assert new.by_code["NAT_INFL"].target_for(2025).basis == "PMK 31/2024"


# ------------------------------------------------------------------ YAML round trip
def test_dump_then_load_is_identical(cat, tmp_path):
    p = tmp_path / "out.yaml"
    dump_catalogue(cat, p)
    assert load_catalogue(p) == cat
    assert load_catalogue(p).version == cat.version


def test_dump_keeps_the_key_documentation_of_an_existing_file(cat, tmp_path):
    p = tmp_path / "catalogue.yaml"
    shutil.copy(DEFAULT_PATH, p)
    dump_catalogue(cat, p)
    text = p.read_text(encoding="utf-8")
    assert text.startswith("# ====") and "KUNCI TINGKAT ATAS / TOP-LEVEL KEYS" in text
    assert load_catalogue(p) == cat


# ------------------------------------------------------------------ xlsx
def test_xlsx_round_trip_is_identical(cat, tmp_path):
    p = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(cat, p)
    assert import_catalogue_xlsx(p) == cat
    buf = io.BytesIO()
    export_catalogue_xlsx(cat, buf)
    assert import_catalogue_xlsx(buf.getvalue()) == cat


def test_xlsx_layout_headers_frozen_and_dropdowns(cat, tmp_path):
    p = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(cat, p)
    wb = load_workbook(p)
    assert wb.sheetnames == ["Petunjuk", "Indikator", "Target", "Seri", "Tema", "Periode"]
    ws = wb["Indikator"]
    assert [c.value for c in ws[1]] == list(INDICATOR_COLUMNS)
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "B2"
    assert ws.max_row == len(cat.indicators) + 1
    dv = {str(d.sqref).split(":")[0][:-1]: d.formula1 for d in ws.data_validations.dataValidation}
    col = {name: chr(65 + i) for i, name in enumerate(INDICATOR_COLUMNS)}
    assert dv[col["direction"]] == '"higher_better,lower_better,band"'
    assert dv[col["theme"]].startswith("Tema!$A$2")
    assert wb["Target"].max_row == sum(len(i.targets) for i in cat.indicators) + 1
    assert wb["Seri"].max_row == sum(len(i.series) for i in cat.indicators) + 1
    help_text = " ".join(str(c.value) for row in wb["Petunjuk"].iter_rows() for c in row if c.value)
    assert "Cara menyunting" in help_text and "How to edit" in help_text


def test_xlsx_edit_a_target_and_add_an_indicator_then_dump(cat, tmp_path):
    p = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(cat, p)
    wb = load_workbook(p)
    tg = wb["Target"]
    tcol = {name: i for i, name in enumerate(TARGET_COLUMNS)}
    row = next(r for r in tg.iter_rows(min_row=2) if r[0].value == "NAT_IPK" and r[tcol["year"]].value == 2024)
    row[tcol["low"]].value = row[tcol["high"]].value = 46
    ind = wb["Indikator"]
    new = dict(code="NAT_TEST", theme="index", level="national", applies_to=None, name="Indikator uji",
               name_en="Test indicator", definition="Uji.", definition_en="Test.", unit="indeks", unit_en="index",
               value_type="number", direction="higher_better", measurement="snapshot", aggregation="mean",
               limit=100, min_value=0, max_value=100, decimals=1, legal_basis=None, data_source="Uji",
               notes=None, baseline_year=2019, baseline_value=50, baseline_source="uji", baseline_confidence="low",
               rules=None)
    ind.append([new[c] for c in INDICATOR_COLUMNS])
    wb.save(p)

    edited = import_catalogue_xlsx(p)
    assert edited.by_code["NAT_IPK"].target_for(2024).low == 46
    assert edited.by_code["NAT_TEST"].baseline_value == 50
    assert len(edited.indicators) == len(cat.indicators) + 1
    out = tmp_path / "catalogue.yaml"
    dump_catalogue(edited, out)
    again = load_catalogue(out)
    assert again == edited
    assert again.by_code["NAT_IPK"].target_for(2024).high == 46 and "NAT_TEST" in again.by_code


def test_xlsx_problems_name_sheet_and_cell(cat, tmp_path):
    p = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(cat, p)
    wb = load_workbook(p)
    ind = wb["Indikator"]
    dcol = chr(65 + INDICATOR_COLUMNS.index("direction"))
    ind[f"{dcol}2"] = "up"  # first indicator row
    first = ind["A2"].value
    tg = wb["Target"]
    tg["D2"], tg["E2"] = 9, 1  # low > high on the first target row
    tg_code = tg["A2"].value
    wb.save(p)
    with pytest.raises(CatalogueError) as exc:
        import_catalogue_xlsx(p)
    text = str(exc.value)
    assert (f"katalog.xlsx, {first}, Indikator!{dcol}2 (direction): nilai 'up' tidak dikenal / unknown value 'up'"
            in text)
    assert f"katalog.xlsx, {tg_code}, Target!D2 (targets[" in text and "low 9 > high 1" in text


def test_xlsx_missing_sheet_column_and_unknown_indicator(cat, tmp_path):
    p = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(cat, p)
    wb = load_workbook(p)
    del wb["Seri"]
    wb["Target"]["A3"] = "NAT_NOPE"
    wb.save(p)
    with pytest.raises(CatalogueError, match="lembar 'Seri' tidak ditemukan / sheet 'Seri' not found"):
        import_catalogue_xlsx(p)
    export_catalogue_xlsx(cat, p)
    wb = load_workbook(p)
    wb["Target"]["A3"] = "NAT_NOPE"
    wb["Tema"]["B1"] = "jenis"
    wb.save(p)
    with pytest.raises(CatalogueError) as exc:
        import_catalogue_xlsx(p)
    assert "Tema!1 (kind): kolom 'kind' tidak ada di baris judul" in str(exc.value)
    export_catalogue_xlsx(cat, p)
    wb = load_workbook(p)
    wb["Target"]["A3"] = "NAT_NOPE"
    wb.save(p)
    with pytest.raises(CatalogueError, match=r"NAT_NOPE, Target!A3 \(indicator_code\): kode indikator 'NAT_NOPE'"):
        import_catalogue_xlsx(p)


def test_xlsx_round_trip_through_libreoffice(cat, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    src = tmp_path / "katalog.xlsx"
    export_catalogue_xlsx(cat, src)
    out = tmp_path / "out"
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "xlsx", "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    resaved = out / "katalog.xlsx"
    assert resaved.exists(), result.stdout + result.stderr
    assert resaved.read_bytes() != src.read_bytes()
    assert import_catalogue_xlsx(resaved) == cat
