"""Tema: a theme's indicators, status by agency type, most off-track agencies/indicators, renaksi pacing."""

import streamlit as st

from indicators import charts, queries, texts
from ui.data import q, require_data, select_period_quarter
from ui.format import md, col, present, show_chart, show_table, status_chip, synthetic_note, type_titles, url_select
from ui.i18n import lang, t

st.title(t("theme_title"))
st.caption(t("theme_intro"))
require_data()
period, year, quarter = select_period_quarter()
themes = q(queries.themes)
if themes.empty:
    st.info(t("no_themes"))
    st.stop()
names = {r.theme: (r.name_en if lang() == "en" else r.name) for r in themes.itertuples()}
theme = url_select(t("filter_theme"), list(names), "theme", format_func=names.get)
en = lang() == "en"
link = st.column_config.LinkColumn
titles = {**type_titles(), "agency_type": t("col_agency_type"), "count": t("count_assessments"), "status": t("col_status")}

st.header(md(names[theme]))

# --- the theme's indicators
st.subheader(t("theme_indicators"))
inds = q(queries.indicator_list, theme)
inds = inds.assign(name=inds["name_en"] if en else inds["name"],
                   level=inds["level"].map(lambda v: t(f"level_{v}")),
                   direction=inds["direction"].map(lambda v: t(f"direction_{v}")),
                   link="./indikator?indicator=" + inds["indicator_code"])
show_table(present(inds, ["name", "indicator_code", "level", "unit", "direction", "applies_to", "data_source", "link"]),
           f"indikator_{theme}", "theme_inds", column_config={col("link"): link(display_text=t("open"))})

# --- status distribution across agencies, by agency type
st.subheader(t("theme_status_by_type"))
dist = q(queries.theme_status_by_type, year, quarter, theme)
if dist.empty:
    st.info(t("no_assessments"))
else:
    synthetic_note(dist)
    show_chart(charts.status_by_type_chart(dist, lang(), titles), f"status_{theme}_{year}_TW{quarter}", "theme_dist")

# --- most off-track agencies and indicators
left, right = st.columns(2)
with left:
    st.subheader(t("theme_offtrack_agencies"))
    agencies = q(queries.theme_agencies, year, quarter, theme)
    # names first (ministry readers know agencies and indicators by name); codes stay in the export
    agencies = agencies.assign(link="./instansi?agency=" + agencies["agency_code"],
                               worst_indicator_name=agencies["worst_indicator_name_en" if en else "worst_indicator_name"])
    show_table(present(agencies.head(15), ["agency_name", "agency_type", "status", "worst_indicator_name", "mean_score",
                                           "n_off_track", "n", "latest_submission_id", "synthetic", "link"]),
               f"instansi_terjauh_dari_target_{theme}_{year}_TW{quarter}", "theme_agencies",
               column_config={col("link"): link(display_text=t("open"))},
               export=present(agencies, ["agency_name", "agency_code", "agency_type", "status", "mean_score",
                                         "n_off_track", "n", "n_assessed", "worst_indicator_name", "worst_indicator",
                                         "worst_status", "latest_submission_id", "synthetic"]))
with right:
    st.subheader(t("theme_offtrack_indicators"))
    summary = q(queries.theme_indicator_summary, year, quarter, theme)
    summary = summary.assign(indicator_name=summary["indicator_name_en" if en else "indicator_name"],
                             level=summary["level"].map(lambda v: t(f"level_{v}")),
                             share_off_track=summary["share_off_track"] * 100)
    show_table(present(summary, ["indicator_name", "indicator_code", "status", "share_off_track", "n_off_track",
                                 "n_agencies", "median_capaian", "level", "source"]),
               f"indikator_terjauh_dari_target_{theme}_{year}_TW{quarter}", "theme_ind_summary",
               decimals={col("share_off_track"): 0, col("median_capaian"): 1})

# --- rencana aksi pacing
st.subheader(t("renaksi_heading", year=year, quarter=texts.quarter_name(quarter, lang())))
st.caption(t("renaksi_help"))
ren = q(queries.renaksi_pacing, year, quarter, theme)
if ren.empty:
    st.info(t("renaksi_none"))
else:
    synthetic_note(ren)
    counts = ren["pacing_status"].value_counts()
    cells = st.columns(4)
    for c, s in zip(cells, ("above_target", "on_target", "at_risk", "concerned")):
        c.markdown(f"{status_chip(s)}<br><span style='font-size:1.6rem'>{int(counts.get(s, 0))}</span>",
                   unsafe_allow_html=True)
    show_chart(charts.pacing_chart(ren, lang(), {**titles, "count": t("count_outputs")}),
               f"renaksi_{theme}_{year}_TW{quarter}", "renaksi_chart")
    ren = ren.assign(achievement=ren["achievement"] * 100, expected_share=ren["expected"] * 100,
                     budget_share=ren["budget_share"] * 100)
    show_table(present(ren, ["agency_name", "agency_type", "action_plan", "output_indicator", "unit",
                             "target_to_date", "realised_to_date", "annual_target", "achievement", "expected_share",
                             "pacing_status", "budget_share", "last_quarter", "submission_ids", "synthetic"]),
               f"renaksi_{theme}_{year}_TW{quarter}", "renaksi_table", height=360,
               decimals={col("achievement"): 0, col("expected_share"): 0, col("budget_share"): 0})
