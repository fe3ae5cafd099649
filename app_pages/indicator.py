"""Indikator: series (national + one agency) with baseline and targets, why this status, what is needed,
distribution across agencies, agency table and metadata."""

import pandas as pd
import streamlit as st

from indicators import charts, queries, rules_text, texts
from indicators.periods import quarter_of_time
from ui.data import q, require_data, select_period_quarter
from ui.format import (md, agency_type_text, col, confidence_text, dash, fmt, fmt_target, present, quarter_label, quarter_text, show_chart,
                       show_table, source_text, status_chip, synthetic_note, type_titles, url_select,
                       year_text)
from ui.i18n import lang, t

st.title(t("indicator_title"))
st.caption(t("indicator_intro"))
require_data()
period, year, quarter = select_period_quarter()
en = lang() == "en"
inds = q(queries.indicator_list)
if inds.empty:
    st.info(t("no_indicators"))
    st.stop()
by_code = {r["indicator_code"]: r for r in inds.to_dict("records")}
c1, c2 = st.columns(2)
with c1:
    code = url_select(t("filter_indicator"), list(by_code), "indicator",
                      format_func=lambda c: f"{c} — {by_code[c]['name_en' if en else 'name']}")
m = by_code[code]
agency = None
if m["level"] == "agency":
    options = q(queries.agency_options, code)
    agency_names = dict(zip(options["agency_code"], options["agency_name"]))
    with c2:
        agency = url_select(t("filter_agency"), ["", *agency_names], "agency",
                            format_func=lambda c: t("agency_none") if c == "" else f"{agency_names[c]} ({c})") or None
unit = "" if dash(m["unit_en"] if en else m["unit"]) == "–" else (m["unit_en"] if en else m["unit"])
dec = (int(m["decimals"]) if pd.notna(m["decimals"]) else 0)

st.header(md(m["name_en"] if en else m["name"]))
st.caption(t("indicator_subtitle", code=md(code), theme=md(m["theme_name_en" if en else "theme_name"]),
             level=t(f"level_{m['level']}"), unit=md(unit), direction=t(f"direction_{m['direction']}")))

# --- series with baseline and targets
series = q(queries.indicator_series, code, year, quarter, agency)
targets = q(queries.indicator_targets, code, agency)
is_category = m["value_type"] == "category"
# An agency indicator's own "national" line is the aggregate of agency reports: named for what it is, never
# "Nasional", and kept apart from the published national series (the national indicators).
aggregate_label = t("series_aggregate", rule=t(f"series_aggregate_rule_{m['aggregation']}"))
national_label = t("series_national") if m["level"] == "national" else aggregate_label
titles = {"series_national": national_label,
          "series_agency": agency_names[agency] if agency else t("series_agency"), "target": t("target"),
          "baseline": t("baseline"), "x": t("axis_year"), "y": unit or t("col_value"), "value": t("col_value"),
          "period": t("col_period"), "source": t("col_source"), "series": t("series"), "year": t("col_year"),
          "basis": t("col_basis"), "confidence": t("col_confidence")}
series = series.assign(source=series["source"].map(   # the aggregate's "source" is the agency reports
    lambda v: aggregate_label if isinstance(v, str) and v.startswith("aggregate:") else v))
baseline = (m["baseline_year"], m["baseline_value"]) if pd.notna(m["baseline_value"]) else None
if is_category:  # categories (e.g. BPK opinion WTP/WDP/TW/TMP): how many hold each, per year, as stacked bars
    dist = q(queries.category_distribution, code, year, quarter)
    what = (m["name_en"] if en else m["name"])
    st.subheader(t("category_heading" if m["level"] == "agency" else "category_heading_national", what=md(what)))
    if dist.empty:
        st.info(t("no_series"))
    else:
        cats = [] if m["categories"] is None or isinstance(m["categories"], float) else [str(c) for c in m["categories"]]
        show_chart(charts.category_chart(dist, lang(), {"x": t("col_year"), "year": t("col_year"),
                                                       "count": t("count_agencies") if m["level"] == "agency" else t("count"),
                                                       "category": t("col_category")}, cats),
                   f"sebaran_{code}_{year}_TW{quarter}", "category", title=f"{what} ({code})", unit=t("col_category"),
                   source=aggregate_label if m["level"] == "agency" else None)
        synthetic_note(dist)
        st.caption(t("category_note_agency", period=quarter_text(year, quarter)) if m["level"] == "agency"
                   else t("category_note_national"))
        with st.expander(t("series_table")):
            show_table(present(dist.rename(columns={"n": "n_agencies"}), ["year", "category", "n_agencies", "synthetic"]
                               if m["level"] == "agency" else ["year", "category"]),
                       f"sebaran_{code}_{year}_TW{quarter}", "category_table")
elif series.empty and targets.empty:
    st.info(t("no_series"))
else:
    span = (int(period["baseline_year"]), int(period["end_year"]))  # the roadmap period is the axis range
    used = targets[targets["used"].astype(bool)] if "used" in targets else targets  # what the verdicts judged against
    cited = [v for v in series["source"] if isinstance(v, str) and v.strip()] if m["level"] == "national" else []
    chart_source = (texts.cite(cited[-1], lang(), short_links=True) if cited else
                    (aggregate_label if m["level"] == "agency" else None))
    show_chart(charts.series_chart(series, used, lang(), titles, dec, baseline, span), f"seri_{code}", "series",
               title=f"{m['name_en'] if en else m['name']} ({code})", unit=unit or None, source=chart_source)
    synthetic_note(series)
    if m["level"] == "agency":
        st.caption(t("aggregate_note", rule=t(f"aggregation_{m['aggregation']}")))
        st.caption(t("aggregate_not_national", label=aggregate_label))

# --- why this status, what is needed
st.subheader(t("why_heading"))
explain = q(queries.indicator_explanation, code, year, quarter, agency)
alternatives = q(queries.target_alternatives, year, quarter, code) if m["level"] == "national" else None
if explain.empty:
    st.caption(t("why_none_agency" if m["level"] == "agency" and not agency else "why_none"))
for r in explain.to_dict("records"):
    who = national_label if r["scope"] == "national" else agency_names.get(agency, agency)
    st.markdown(f"**{md(who)}**")
    st.markdown(status_chip(r["status"]), unsafe_allow_html=True)      # fixed HTML: colour + status label only
    st.markdown(md(r["explanation_en"] if en else r["explanation_id"]))
    if r["scope"] == "national" and r["kind"] == "target" and pd.notna(r["target_year"]):
        used_basis = targets[(targets["year"] == r["target_year"]) & targets["used"].astype(bool)] \
            if "used" in targets and "basis_code" in targets else targets.iloc[0:0]
        basis_code = used_basis["basis_code"].iloc[0] if len(used_basis) else None
        st.markdown(md(rules_text.designated_line(basis_code, int(r["target_year"]), rules_text.target_words(
            r["target_low"], r["target_high"], None, dec, unit, lang()), lang())))
        for a in (alternatives.to_dict("records") if alternatives is not None else []):
            st.markdown("- " + md(rules_text.alternative_line(a["basis_code"], a["year"], rules_text.target_words(
                a["target_low"], a["target_high"], a["target_text"], dec, unit, lang()), a["status"], lang())))
    if r["needed"]:
        steps = "; ".join(md(f"{quarter_label(*quarter_of_time(tt))}: {fmt(v, dec)} {unit}".strip()) for tt, v in r["needed"])
        st.markdown(t("needed_next", steps=steps))
    elif r["kind"] == "target" and r["gap"] is not None and r["gap"] == r["gap"]:
        target = fmt_target(r["target_low"], r["target_high"], None, dec)
        st.markdown(t("needed_final_gap" if r["period_over"] else "needed_no_quarter", target=target,
                      gap=fmt(abs(r["gap"]), dec), unit=unit))
    elif r["kind"] == "trend":
        st.caption(t("needed_none"))

# --- distribution across agencies and the agency table
if m["level"] == "agency":
    st.subheader(t("distribution_heading", period=quarter_text(year, quarter)))
    table = q(queries.indicator_agencies, code, year, quarter)
    if table.empty:
        st.info(t("no_agency_values"))
    else:
        synthetic_note(table)
        if not is_category:  # a category indicator's spread is the stacked chart above
            show_chart(charts.distribution_chart(table, lang(), {
                **type_titles(), "agency_type": t("col_agency_type"), "value": unit or t("col_value"),
                "status": t("col_status"), "agency": t("col_agency_name"), "period": t("col_period")}, dec),
                f"sebaran_{code}_{year}_TW{quarter}", "distribution",
                title=f"{m['name_en'] if en else m['name']} ({code})", unit=unit or None)
        table = table.assign(link="./instansi?agency=" + table["agency_code"],
                             target_shown=[fmt_target(lo, hi, tx, dec) for lo, hi, tx in zip(
                                 table["target_low"], table["target_high"], table["target_text"])],
                             target_source=table["target_source"].map(
                                 lambda s: t(f"target_source_{s}") if s in ("agency", "catalogue") else "–"))
        value_cols = (["latest_text"] if is_category else   # the opinion itself (WTP, WDP, …); no capaian
                      ["latest_value", "latest_time", "target_shown", "capaian", "capaian_capped"])
        show_table(present(table, ["agency_code", "agency_name", "agency_type", *value_cols,
                                   *(["latest_time"] if is_category else []), "status", "target_source",
                                   "submission_id",
                                   "synthetic", "link"]),
                   f"instansi_{code}_{year}_TW{quarter}", "agency_table", height=380,
                   decimals={col("latest_value"): dec, col("capaian"): 1, col("capaian_capped"): 1},
                   column_config={col("link"): st.column_config.LinkColumn(display_text=t("open_agency"))},
                   export=present(table, ["agency_code", "agency_name", "agency_type", "latest_value", "latest_text",
                                          "latest_time", "target_low", "target_high", "target_text", "capaian",
                                          "capaian_capped", "status", "target_source", "submission_id", "synthetic",
                                          "link"]))   # targets as numbers (low/high), never '6,00–7,00' text

# --- metadata
st.subheader(t("metadata_heading"))
meta_rows = [
    (t("meta_definition"), dash(m["definition_en"] if en and dash(m["definition_en"]) != "–" else m["definition"])),
    (t("meta_unit"), unit), (t("meta_direction"), t(f"direction_{m['direction']}")),
    (t("meta_measurement"), t(f"measurement_{m['measurement']}")),
    (t("meta_aggregation"), t(f"aggregation_{m['aggregation']}")),
    (t("meta_limit"), fmt(m["natural_limit"], dec)),
    (t("meta_baseline"), f"{fmt(m['baseline_value'], dec)} ({year_text(m['baseline_year'])}) — {source_text(m['baseline_source'])}"
     if pd.notna(m["baseline_value"]) else "–"),
    (t("meta_source"), dash(m["data_source"])), (t("meta_legal_basis"), dash(m["legal_basis"])),
    (t("meta_confidence"), confidence_text(m["baseline_confidence"])),
    (t("meta_applies_to"), ", ".join(agency_type_text(c.strip()) for c in str(m["applies_to"]).split(",") if c.strip())
     if m["applies_to"] else t(f"level_{m['level']}")), (t("meta_notes"), dash(m["notes"])),
]
st.table({t("meta_field"): [a for a, _ in meta_rows], t("meta_value"): [str(b) for _, b in meta_rows]})
series_names = {"national": national_label, "agency": agency_names[agency] if agency else t("series_agency")}
series = series.assign(series=series["series"].map(lambda x: series_names.get(x, x)))   # words, not codes
targets = targets.assign(series=targets["series"].map(lambda x: series_names.get(x, x)))
with st.expander(t("series_table")):
    show_table(present(series, ["series", "t", "value", "value_text", "n_agencies", "source", "confidence",
                                "submission_id", "synthetic"]), f"data_{code}", "series_table",
               decimals={col("value"): dec})
    show_table(present(targets, ["series", "year", "basis_code", "target_low", "target_high", "target_text", "version",
                                 "basis", "used", "source", "confidence", "submission_id"]), f"target_{code}", "target_table",
               decimals={col("target_low"): dec, col("target_high"): dec})
