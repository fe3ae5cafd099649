"""indicators.charts: pure builders, checked on chart.to_dict() encodings (not full snapshots)."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import charts, progress, queries as Q

OKABE_ITO = set(charts.OKABE_ITO.values())


def _layers(spec: dict) -> list[dict]:
    inner = spec.get("spec", spec)
    return inner.get("layer", [inner])


def _color(layer: dict) -> dict:
    return layer["encoding"]["color"]


def test_status_colours_are_okabe_ito_and_named_by_labels():
    assert set(charts.STATUS_COLORS[s] for s in progress.STATUSES) <= OKABE_ITO
    assert len(set(charts.STATUS_COLORS.values())) == len(charts.STATUS_COLORS)


def test_status_matrix_chart(seeded_con):
    df = Q.theme_status_matrix(seeded_con, 2024, 4)
    spec = charts.status_matrix_chart(df, "id", {"scope_agency": "Instansi", "scope_national": "Nasional"}).to_dict()
    assert spec["facet"]["row"]["field"] == "scope_label"
    rect, text = _layers(spec)
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    scale = _color(rect)["scale"]
    assert scale["domain"][0] == "Target tercapai" and scale["range"][0] == charts.STATUS_COLORS["target_achieved"]
    assert text["encoding"]["text"]["field"] == "n"
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_status_matrix_chart_in_english_uses_english_labels_and_locale(seeded_con):
    df = Q.theme_status_matrix(seeded_con, 2024, 4)
    spec = charts.status_matrix_chart(df, "en").to_dict()
    rect, _ = _layers(spec)
    assert "On track" in _color(rect)["scale"]["domain"]
    assert spec["config"]["locale"]["number"]["decimal"] == "."


def test_status_by_type_chart(seeded_con):
    spec = charts.status_by_type_chart(Q.theme_status_by_type(seeded_con, 2024, 4, "rb_general"), "id",
                                       {"type_KL": "K/L", "type_PROV": "Provinsi"}).to_dict()
    enc = spec["encoding"]
    assert enc["x"]["aggregate"] == "sum" and enc["x"]["field"] == "n" and enc["x"]["axis"]["format"] == "d"
    assert enc["y"]["field"] == "type_label" and enc["y"]["sort"] == ["K/L", "Provinsi", "KAB", "KOTA"]
    assert enc["color"]["field"] == "status_label" and spec["mark"]["type"] == "bar"


def test_series_chart_layers_series_target_band_and_baseline(seeded_con):
    series = Q.indicator_series(seeded_con, "NAT_POV_MAR", 2024, 4)
    targets = Q.indicator_targets(seeded_con, "NAT_POV_MAR")
    spec = charts.series_chart(series, targets, "id", {"target": "Target"}, 2, (2019, 9.41), (2019, 2024)).to_dict()
    layers = spec["layer"]
    marks = [ly["mark"]["type"] if isinstance(ly["mark"], dict) else ly["mark"] for ly in layers]
    assert marks.count("line") == 1 and "rect" in marks and "rule" in marks
    band = layers[marks.index("rect")]
    assert band["encoding"]["y"]["field"] == "target_low" and band["encoding"]["y2"]["field"] == "target_high"
    point = layers[1]
    assert point["encoding"]["x"]["field"] == "date" and point["encoding"]["x"]["type"] == "temporal"
    # a real time axis: the March 2024 figure sits at 2024-03-31, the axis spans the period from its baseline
    dates = {v["date"] for v in next(v for k, v in spec["datasets"].items() if any("what" in r for r in v))}
    assert "2024-03-31" in dates
    x = point["encoding"]["x"]
    assert x["scale"]["domain"][0] < "2019-12-31" < "2024-12-31" < x["scale"]["domain"][1]
    assert x["axis"]["values"][0] == "2019-12-31" and "Dasar 2019" in x["axis"]["labelExpr"]
    # the March round is not quarterly data: the year-end ticks read "2021", the points "Maret 2024"
    assert "'TW '" not in x["axis"]["labelExpr"] and "utcyear(datum.value)" in x["axis"]["labelExpr"]
    rows = next(v for k, v in spec["datasets"].items() if any("what" in r for r in v))
    assert any(r.get("period") == "Maret 2024" for r in rows) and not any(r.get("period") == "TW I 2024" for r in rows)
    agency = Q.indicator_series(seeded_con, "AG_SAKIP", 2024, 4)      # quarterly agency data keep "TW IV 2021"
    qx = charts.series_chart(agency, targets.iloc[0:0], "id").to_dict()["layer"][1]["encoding"]["x"]
    assert "'TW '" in qx["axis"]["labelExpr"] and "utcmonth(datum.value)" in qx["axis"]["labelExpr"]
    assert "submission_id" in [tt["field"] for tt in point["encoding"]["tooltip"]]
    diamond = [ly for ly in layers if isinstance(ly["mark"], dict) and ly["mark"].get("shape") == "diamond"]
    assert len(diamond) == 1


def test_series_chart_single_value_targets_are_a_dashed_path(seeded_con):
    series = Q.indicator_series(seeded_con, "AG_SAKIP", 2024, 4, "32.73")
    targets = Q.indicator_targets(seeded_con, "AG_SAKIP")
    layers = charts.series_chart(series, targets).to_dict()["layer"]
    dashed = [ly for ly in layers if isinstance(ly["mark"], dict) and ly["mark"].get("strokeDash")]
    assert len(dashed) == 1 and dashed[0]["encoding"]["y"]["field"] == "target_low"


def test_series_chart_without_data_still_builds():
    empty = pd.DataFrame(columns=Q.SERIES_COLUMNS)
    spec = charts.series_chart(empty, pd.DataFrame(columns=["t", "target_low", "target_high"])).to_dict()
    assert "layer" in spec


def test_distribution_chart(seeded_con):
    spec = charts.distribution_chart(Q.indicator_agencies(seeded_con, "AG_SAKIP", 2024, 4)).to_dict()
    box, points = spec["layer"]
    assert box["mark"]["type"] == "boxplot" and box["encoding"]["y"]["field"] == "latest_value"
    assert points["encoding"]["color"]["field"] == "status_label"
    assert points["encoding"]["shape"]["field"] == "status_label"  # not colour alone


def test_pacing_chart(seeded_con):
    spec = charts.pacing_chart(Q.renaksi_pacing(seeded_con, 2024, 2, "kemiskinan"), "id").to_dict()
    assert spec["encoding"]["x"]["aggregate"] == "sum" and spec["encoding"]["x"]["field"] == "n"
    rows = next(iter(spec["datasets"].values()))   # counted before drawing: one row per type and status
    ren = Q.renaksi_pacing(seeded_con, 2024, 2, "kemiskinan")
    assert len(rows) == ren.groupby(["agency_type", "pacing_status"], dropna=False).ngroups < len(ren)
    assert sum(r["n"] for r in rows) == len(ren)
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"][:4] == ["Di atas rencana", "Sesuai rencana", "Berisiko", "Mengkhawatirkan"]


def test_compliance_chart(seeded_con):
    spec = charts.compliance_chart(Q.compliance_summary(seeded_con, 2024, 4), "en").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["On time", "Revised after deadline", "Late", "Not received"]
    values = next(iter(spec["datasets"].values()))
    assert {v["agency_type"] for v in values} == {"KL", "PROV", "KAB", "KOTA"}


def test_final_theme_chart(seeded_con):
    spec = charts.final_theme_chart(Q.final_theme_results(seeded_con, "2020-2024"), "id").to_dict()
    rect, text = spec["layer"]
    assert rect["encoding"]["x"]["field"] == "scope_label" and rect["encoding"]["y"]["field"] == "theme_label"
    # the cell names its status; capaian (a number) is never printed on a status colour, only in the tooltip
    assert text["encoding"]["text"]["field"] == "status_label"
    assert "cap_text" in [tt["field"] for tt in rect["encoding"]["tooltip"]]
    values = next(iter(spec["datasets"].values()))
    assert all(v["cap_text"].endswith("%") or v["cap_text"] == "–" for v in values)


def test_chart_png_renders_with_vl_convert(seeded_con):
    from ui.format import chart_png

    png = chart_png(charts.status_by_type_chart(Q.theme_status_by_type(seeded_con, 2024, 4, "rb_general")))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


@pytest.mark.parametrize("lang, expected", [("id", "1.234,5"), ("en", "1,234.5")])
def test_locale_config_formats_numbers(lang, expected):
    import altair as alt
    import vl_convert

    chart = alt.Chart(pd.DataFrame({"a": [1234.5]})).mark_text().encode(text=alt.Text("a:Q", format=",.1f"))
    svg = vl_convert.vegalite_to_svg(chart.configure(locale=charts.locale_config(lang)).to_json())
    assert expected in svg
