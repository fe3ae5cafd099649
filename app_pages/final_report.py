"""Capaian akhir: final status and capaian per indicator and theme (national and by agency type) + briefing."""

import functools

import pandas as pd
import streamlit as st

from indicators import briefing, briefing_pdf, charts, headline, queries
from loaders import api
from ui.data import db_path, period_name, q, require_data, select_period
from ui.format import (md, XLSX_MIME, col, file_stem, fmt, fmt_target, present, show_chart, show_table, status_chip,
                       synthetic_note, url_select)
from ui.i18n import lang, t

st.title(t("final_title"))
st.caption(t("final_intro"))
require_data()
period = select_period()
code, end = period["period_code"], int(period["end_year"])
name = period_name(period)
st.markdown(t("final_as_of", period=md(name), end=end))
ind = q(queries.final_indicator_results, code)
themes = queries.final_theme_rollup(ind)   # from the cached indicator results, not a second read
if ind.empty:
    st.info(t("final_none"))
    st.stop()
synthetic = bool(ind["synthetic"].any())

# --- headline: indicators per final status (national indicators + agency indicators over all agencies)
top = ind[ind["scope"].isin(["national", "all"])]
counted = top[headline.counted_mask(top)]  # the one roll-up rule (headline, matrix, PDF, exports count the same)
counts = counted["status"].value_counts()
st.subheader(t("final_headline", n=fmt(len(counted), 0)))
for c, s in zip(st.columns(len(charts.STATUS_ORDER)), charts.STATUS_ORDER):
    c.markdown(f"{status_chip(s)}<br><span style='font-size:1.8rem'>{int(counts.get(s, 0))}</span>",
               unsafe_allow_html=True)
apart = top[~headline.counted_mask(top)]["status"].value_counts()
if len(apart):
    st.markdown(t("final_apart", items=" · ".join(f"{status_chip(s)} {int(n)}" for s, n in apart.items())),
                unsafe_allow_html=True)
synthetic_note(synthetic)

# --- the briefing (xlsx + self-contained HTML)
args = dict(period_name=name, lang=lang(), synthetic=synthetic)
c0, c1, c2, _ = st.columns([1.3, 1, 1, 1.5])
c0.download_button(t("briefing_pdf"), functools.partial(api.briefing_pdf, end, 4, lang=lang(), db_path=db_path(),
                                                        final=True),
                   file_name=briefing_pdf.file_name(end, 4, lang(), final=True), mime="application/pdf",
                   key="briefing_pdf", on_click="ignore", icon=":material/picture_as_pdf:", type="primary",
                   help=t("briefing_pdf_help"))
c1.download_button(t("briefing_xlsx"), functools.partial(briefing.briefing_xlsx, ind, themes, **args),
                   file_name=f"{file_stem(f'capaian_akhir_{code}')}.xlsx", mime=XLSX_MIME, key="briefing_xlsx", on_click="ignore",
                   icon=":material/table_view:")
c2.download_button(t("briefing_html"), functools.partial(briefing.briefing_html, ind, themes, **args),
                   file_name=f"{file_stem(f'capaian_akhir_{code}')}.html", mime="text/html", key="briefing_html", on_click="ignore",
                   icon=":material/description:")

# --- theme x scope
st.subheader(t("final_themes"))
scope_titles = {f"scope_{s}": t(f"scope_{s}") for s in ("national", "all", "KL", "PROV", "KAB", "KOTA")}
theme_titles = {**scope_titles, "theme": t("col_theme"), "status": t("col_status"), "capaian": t("col_capaian"),
                "scope": t("col_scope"), "n_indicators": t("col_n_indicators")}
for compact in (False, True):  # desktop: every scope; phone (<= 640 px): national and all agencies
    with st.container(key="phone_final_themes" if compact else "wide_final_themes"):
        show_chart(charts.final_theme_chart(themes, lang(), theme_titles, compact=compact),
                   f"capaian_akhir_tema_{code}", "final_theme_chart_phone" if compact else "final_theme_chart",
                   title=t("final_themes"), unit=t("col_capaian"))
st.caption(t("final_theme_help"))
themes_shown = themes.assign(theme_name=themes["theme_name_en" if lang() == "en" else "theme_name"],
                             scope=themes["scope"].map(lambda s: t(f"scope_{s}")))
with st.expander(t("final_theme_table")):
    show_table(present(themes_shown, ["theme_name", "scope", "status", "mean_score", "mean_capaian", "n_indicators",
                                      "n_assessed", "n_achieved", "synthetic"]),
               f"capaian_akhir_tema_{code}", "final_theme_table", decimals={col("mean_capaian"): 1})

# --- per indicator, by scope
st.subheader(t("final_indicators"))
scopes = ["all_scopes", "national", "all", "KL", "PROV", "KAB", "KOTA"]
scope = url_select(t("filter_scope"), scopes, "scope", format_func=lambda s: t(f"scope_{s}"), widget="radio",
                   horizontal=True)
rows = ind if scope == "all_scopes" else ind[ind["scope"] == scope]
en = lang() == "en"
_dec = lambda d: int(d) if pd.notna(d) else 0  # noqa: E731
rows = rows.assign(indicator_name=rows["indicator_name_en" if en else "indicator_name"],
                   theme_name=rows["theme_name_en" if en else "theme_name"],
                   scope=rows["scope"].map(lambda s: t(f"scope_{s}")),
                   final_value=[tx if isinstance(tx, str) and tx else fmt(v, _dec(d))
                                for v, tx, d in zip(rows["value"], rows["value_text"], rows["decimals"])],
                   final_target=[fmt_target(lo, hi, tx, _dec(d)) for lo, hi, tx, d in
                                 zip(rows["target_low"], rows["target_high"], rows["target_text"], rows["decimals"])],
                   source=[briefing.source_text(r, lang()) for r in rows.to_dict("records")],
                   link="./indikator?indicator=" + rows["indicator_code"])
show_table(present(rows, ["theme_name", "indicator_code", "indicator_name", "scope", "status", "final_value",
                          "final_target", "unit", "capaian", "mean_score", "n_agencies", "n_achieved", "source",
                          "confidence", "synthetic", "link"]),
           f"capaian_akhir_indikator_{code}", "final_table", height=420, decimals={col("capaian"): 1},
           column_config={col("link"): st.column_config.LinkColumn(display_text=t("open"))},
           export=present(rows, ["theme", "theme_name", "indicator_code", "indicator_name", "level", "scope", "status",
                                 "value", "value_text", "target_low", "target_high", "target_text", "unit", "capaian",
                                 "mean_score", "n_agencies", "n_assessed", "n_achieved", "source", "confidence",
                                 "synthetic"]))
