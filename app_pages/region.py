"""Wilayah: provinces compared on one indicator and quarter (ranked bars and a tile-grid map), then the
kabupaten/kota of one province."""

import streamlit as st

from indicators import charts, queries, tilegrid
from ui.auth import current_scope
from ui.data import q, require_data
from ui.format import md, fmt, present, quarter_label, show_chart, show_table, synthetic_note, url_select
from ui.i18n import lang, t

st.title(t("rg_title"))
st.caption(t("rg_intro"))
require_data()
en = lang() == "en"

# --- filters: indicator and quarter (?indicator=...&tw=2024Q4)
inds = q(queries.region_indicators)
if inds.empty:
    st.info(t("rg_no_indicators"))
    st.stop()
meta = {r["indicator_code"]: r for r in inds.to_dict("records")}
c1, c2 = st.columns([3, 1])
with c1:
    code = url_select(t("rg_indicator"), list(meta), "indicator",
                      format_func=lambda c: f"{meta[c]['name_en' if en else 'name']} ({(en and meta[c].get('unit_en')) or meta[c]['unit'] or '–'})")
quarters = q(queries.indicator_quarters, code)
keys = [f"{int(y)}Q{int(qq)}" for y, qq in zip(quarters["year"], quarters["quarter"])]
with c2:
    tw = url_select(t("rg_period"), keys, "tw", format_func=lambda k: quarter_label(k[:4], k[-1]))
if tw is None:
    st.info(t("rg_no_indicators"))
    st.stop()
year, quarter = int(tw[:4]), int(tw[-1])
period = quarter_label(year, quarter)
ind = meta[code]
ascending = ind["direction"] == "lower_better"  # best first


def with_labels(df):
    """Value (or 'tidak ada data') and status in words: the text drawn next to bars and in tiles."""
    value = [fmt(v, int(d) if d == d else 2) if v == v else t("rg_no_data")
             for v, d in zip(df["value"], df["decimals"])]
    return df.assign(value_text=value, bar_text=[t("ops_value_status", value=v, status=charts.status_label(s, lang()))
                                                 for v, s in zip(value, df["status"])])


titles = {"x": t("rg_chart_value", unit=(en and ind.get("unit_en")) or ind["unit"] or "–"), "status": t("col_status"), "name": t("col_name"),
          "value": t("col_value")}
table_cols = ["agency_code", "name", "agency_type", "value", "unit", "capaian", "status", "pacing_status",
              "source_cell", "submission_id", "synthetic"]

# --- provinces: ranked bars and the tile-grid map
st.subheader(t("rg_provinces_heading"))
prov = with_labels(q(queries.region_comparison, code, year, quarter, "PROV", None))
reported = prov[prov["value"].notna()]
st.markdown(t("rg_reported", n=fmt(len(reported), 0), total=fmt(len(prov), 0), period=period))
synthetic_note(prov)
if reported.empty:
    st.info(t("rg_provinces_none", period=period))
else:
    show_chart(charts.ranked_bar_chart(prov, lang(), titles, text="bar_text", ascending=ascending),
               f"provinsi_{code}_{tw}", "rg_prov_bars", alt_text=titles["x"])
    missing = prov.loc[prov["value"].isna(), "name"].tolist()
    if missing:
        st.caption(t("rg_missing", period=period, names=md(", ".join(missing))))
st.markdown(f"**{t('rg_map_heading')}**")
st.caption(t("rg_map_help"))
tiles = with_labels(tilegrid.with_values(prov.drop(columns=["value_text", "bar_text"])).assign(
    decimals=lambda d: d["decimals"].fillna(2)))
scope = current_scope()
if scope is not None and not scope.reads_all:  # a coordinator: other provinces are outside the scope, not "no data"
    outside = ~tiles["province_code"].isin(set(prov["agency_code"]))
    tiles.loc[outside, "status"] = "outside_scope"
    tiles.loc[outside, "value_text"] = t("rg_outside_scope")
with st.container(key="wide_rg_tiles"):   # 14 columns of tiles need a wide screen
    show_chart(charts.tile_map_chart(tiles, lang(), {**titles, "name": t("col_province_name")},
                                     labels={"no_data": t("rg_no_data"), "outside_scope": t("rg_outside_scope")}),
               f"peta_petak_{code}_{tw}", "rg_tiles",
               alt_text=t("rg_map_alt", indicator=ind["name_en" if en else "name"], period=period),
               title=f"{ind['name_en' if en else 'name']} — {t('rg_map_heading')}")
with st.container(key="phone_rg_tiles"):  # a phone: the ranked bars above carry every province, in words
    st.caption(t("rg_map_phone"))
show_table(present(prov, table_cols), f"provinsi_{code}_{tw}", "rg_prov_table", decimals={t("col_capaian"): 1})

# --- kabupaten/kota of one province (?province=32)
st.subheader(t("rg_kabkota_heading"))
provinces = q(queries.provinces)
names = dict(zip(provinces["province_code"], provinces["name"]))
if not names:
    st.info(t("ops_no_agencies"))
    st.stop()
all_kk = q(queries.region_comparison, code, year, quarter, "KABKOTA", None)
busiest = all_kk[all_kk["value"].notna()]["province_code"].value_counts()  # default: most kab/kota reporting
province = url_select(t("rg_kabkota_province"), list(names), "province",
                      default=busiest.index[0] if len(busiest) else None, format_func=lambda c: names[c])
kk = with_labels(q(queries.region_comparison, code, year, quarter, "KABKOTA", province))
if kk.empty:
    st.info(t("rg_kabkota_none", province=md(names[province])))
elif kk["value"].isna().all():
    st.info(t("rg_kabkota_nodata", province=md(names[province]), period=period))
else:
    synthetic_note(kk)
    show_chart(charts.ranked_bar_chart(kk, lang(), titles, text="bar_text", ascending=ascending),
               f"kabkota_{province}_{code}_{tw}", "rg_kk_bars", alt_text=titles["x"])
    missing = kk.loc[kk["value"].isna(), "name"].tolist()
    if missing:
        st.caption(t("rg_missing", period=period, names=md(", ".join(missing))))
if not kk.empty:
    show_table(present(kk, table_cols), f"kabkota_{province}_{code}_{tw}", "rg_kk_table",
               decimals={t("col_capaian"): 1})
