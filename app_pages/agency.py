"""Instansi: the report card of one agency (?agency=CODE): indicators, action plans, report history with a
version diff, and the data-quality score."""

import pandas as pd
import streamlit as st

from indicators import charts, queries, texts
from loaders import verification
from ui.data import q, require_data
from ui.format import (md, agency_type_text, fmt, fmt_pct, fmt_target, present, quarter_label, show_chart, show_table,
                       synthetic_note, url_select)
from ui.i18n import lang, t

st.title(t("ag_title"))
st.caption(t("ag_intro"))
require_data()
en = lang() == "en"

# --- which agency: type and province narrow the list; ?agency=CODE preselects one
provinces = q(queries.provinces)
prov_names = dict(zip(provinces["province_code"], provinces["name"]))
c1, c2, c3 = st.columns([1, 1, 2])
with c1:
    kind = url_select(t("ops_filter_type"), ["ALL", "KL", "PROV", "KAB", "KOTA"], "type", format_func=agency_type_text)
with c2:
    province = url_select(t("ops_filter_province"), ["ALL", *prov_names], "province", disabled=kind == "KL",
                          format_func=lambda c: t("ops_all_provinces") if c == "ALL" else prov_names[c])
agencies = q(queries.ops_agencies, None if kind == "ALL" else kind, None if province == "ALL" or kind == "KL" else province)
if agencies.empty:
    st.info(t("ops_no_agencies"))
    st.stop()
names = dict(zip(agencies["agency_code"], agencies["name"]))
with c3:
    busiest = agencies.sort_values("n_submissions", ascending=False, kind="stable")["agency_code"].iloc[0]
    code = url_select(t("ops_agency"), list(names), "agency", default=busiest,   # open on one with reports
                      format_func=lambda c: t("ops_agency_option", name=names[c], code=c))
me = agencies[agencies["agency_code"] == code].iloc[0]
where = t("ag_in_province", province=md(me["province_name"])) if me["agency_type"] in ("KAB", "KOTA") else ""
st.subheader(t("ag_header", name=md(me["name"]), type=agency_type_text(me["agency_type"]), province=where))
synthetic_note(bool(me["synthetic"]))
lineage = q(queries.agency_lineage, code)
if pd.notna(me.get("valid_to")):
    st.caption(t("ag_valid_until", date=texts.format_date(me["valid_to"], lang())))
elif pd.notna(me.get("valid_from")):
    st.caption(t("ag_valid_since", date=texts.format_date(me["valid_from"], lang())))


def _lineage_names(rows) -> str:
    return ", ".join(t("ag_lineage_item_until", name=r.name, date=texts.format_date(r.valid_to, lang()))
                     if pd.notna(r.valid_to) else
                     t("ag_lineage_item_since", name=r.name, date=texts.format_date(r.valid_from, lang()))
                     if pd.notna(r.valid_from) else r.name for r in rows.itertuples())


for relation in ("predecessor", "successor"):
    rows = lineage[lineage["relation"] == relation]
    if len(rows):
        st.caption(t(f"ag_lineage_{relation}", names=_lineage_names(rows)))

tab_ind, tab_ren, tab_hist, tab_qual = st.tabs([t("ag_tab_indicators"), t("ag_renaksi_heading"),
                                                t("ag_history_heading"), t("ag_quality_heading")])
quarters = q(queries.agency_quarters, code)
if quarters.empty:
    for tab in (tab_ind, tab_ren, tab_hist):
        tab.info(t("ag_no_submissions", name=md(me["name"])))
        tab.page_link("app_pages/upload.py", label=t("ag_upload_link"), icon=":material/upload_file:",
                      query_params={"agency": code})

# --- indicators: latest value, target in force, capaian, status
if not quarters.empty:
    with tab_ind:
        keys = [f"{int(y)}Q{int(qq)}" for y, qq in zip(quarters["year"], quarters["quarter"])]
        as_of = url_select(t("ag_as_of"), keys, "asof", format_func=lambda k: quarter_label(k[:4], k[-1]))
        year, quarter = int(as_of[:4]), int(as_of[-1])
        card = q(queries.agency_report_card, code, year, quarter)
        card = card.assign(
            name=card["name_en" if en else "name"], unit=card["unit_en" if en else "unit"],
            value_shown=[v if isinstance(v, str) else fmt(x, d) for v, x, d in
                         zip(card["value_text"], card["value"], card["decimals"].fillna(2).astype(int))],
            target_shown=[fmt_target(lo, hi, tx, int(d)) for lo, hi, tx, d in zip(
                card["target_low"], card["target_high"], card["target_text"], card["decimals"].fillna(2))],
            end_target_shown=[fmt_target(lo, hi, None, int(d)) for lo, hi, d in
                              zip(card["end_target_low"], card["end_target_high"], card["decimals"].fillna(2))],
            latest_period=[quarter_label(y, qq) for y, qq in zip(card["latest_year"], card["latest_quarter"])],
            target_source=card["target_source"].map(lambda s: t(f"target_source_{s}") if isinstance(s, str) else "–"))
        st.markdown(f"**{t('ag_indicators_heading', period=quarter_label(year, quarter))}**")
        # the cards add up: total = achieved + on the way + off track + the rest (no data, no target, not assessable)
        achieved = int((card["status"] == "target_achieved").sum())
        on_way = int(card["status"].isin(["on_track", "acceleration_needed"]).sum())
        off_track = int(card["status"].isin(["limited_progress", "deterioration"]).sum())
        rest = len(card) - achieved - on_way - off_track
        with st.container(key="wide_ag_cards"):
            m = st.columns(5)
            m[0].metric(t("ag_metric_indicators"), fmt(len(card), 0), border=True)
            m[1].metric(t("ag_metric_achieved"), fmt(achieved, 0), border=True)
            m[2].metric(t("ag_metric_on_way"), fmt(on_way, 0), border=True)
            m[3].metric(t("ag_metric_off_track"), fmt(off_track, 0), border=True)
            m[4].metric(t("ag_metric_rest"), fmt(rest, 0), border=True,
                        help=t("ag_metric_rest_help", no_data=fmt(int((card["status"] == "no_data").sum()), 0)))
        with st.container(key="phone_ag_cards"):   # a phone: the same five numbers in one dense block
            st.markdown("  \n".join(f"**{fmt(n, 0)}** {label}" for n, label in (
                (len(card), t("ag_metric_indicators")), (achieved, t("ag_metric_achieved")),
                (on_way, t("ag_metric_on_way")), (off_track, t("ag_metric_off_track")), (rest, t("ag_metric_rest")))))
        synthetic_note(card)
        st.caption(t("ops_status_help"))
        bars = card.assign(bar_text=[t("ops_value_status", value=fmt_pct(c), status=charts.status_label(s, lang()))
                                     for c, s in zip(card["capaian"], card["status"])])
        if bars["capaian"].notna().any():
            for compact in (False, True):  # desktop: names beside the bars; phone (<= 640 px): names above them
                with st.container(key="phone_ag_capaian" if compact else "wide_ag_capaian"):
                    show_chart(charts.ranked_bar_chart(bars, lang(), {"x": t("ag_capaian_chart"),
                                                                      "status": t("col_status")},
                                                       label="name", value="capaian", text="bar_text", neutral=True,
                                                       compact=compact),
                               f"capaian_{code}_{as_of}", "ag_capaian_phone" if compact else "ag_capaian",
                               alt_text=t("ag_capaian_chart"), title=f"{me['name']} — {t('ag_capaian_chart')}",
                               unit="%")
        else:
            st.info(t("ag_no_capaian"))
        cols = ["indicator_code", "name", "unit", "latest_period", "value_shown", "target_shown", "target_source",
                "capaian", "status", "pacing_status", "end_target_shown", "justification", "source_cell",
                "submission_id", "synthetic"]
        raw = ["indicator_code", "name", "unit", "latest_year", "latest_quarter", "value", "value_text", "target_low",
               "target_high", "target_text", "target_source", "capaian", "status", "score", "pacing_status",
               "end_target_low", "end_target_high", "target_year", "justification", "source_cell", "submission_id",
               "synthetic"]
        show_table(present(card, cols), f"rapor_{code}_{as_of}", "ag_card", decimals={t("col_capaian"): 1},
                   export=present(card, raw))

# --- action plans: cumulative realisation, pacing, budget absorption
if not quarters.empty:
    with tab_ren:
        years = [int(y) for y in q(queries.agency_renaksi_years, code)["year"]]
        if not years:
            st.info(t("ag_renaksi_none"))
        else:
            ryear = url_select(t("ag_renaksi_year"), years, "ryear")
            ren = q(queries.agency_renaksi, code, ryear)
            rq = int(ren["quarter"].iloc[0]) if len(ren) else 4
            st.caption(t("ag_renaksi_help", quarter=texts.quarter_name(rq, lang()), quarters=texts.quarter_range(1, rq, lang()),
                         expected=fmt_pct(rq * 25, 0)))
            synthetic_note(ren)
            themes = q(queries.themes)
            theme_names = dict(zip(themes["theme"], themes["name_en" if en else "name"]))
            ren = ren.assign(achievement_pct=ren["achievement"] * 100, to_date_pct=ren["to_date_ratio"] * 100,
                             absorption_pct=ren["budget_share"] * 100,
                             theme=ren["theme"].map(lambda c: theme_names.get(c, c)))
            ren["bar_text"] = [t("ops_value_status", value=fmt_pct(a), status=charts.status_label(s, lang()))
                               for a, s in zip(ren["achievement_pct"], ren["pacing_status"])]
            if ren["achievement_pct"].notna().any():
                show_chart(charts.ranked_bar_chart(ren, lang(), {"x": t("ag_renaksi_chart"), "status": t("col_status")},
                                                   label="output_indicator", value="achievement_pct",
                                                   status="pacing_status", text="bar_text", pacing=True),
                           f"renaksi_{code}_{ryear}", "ag_renaksi", alt_text=t("ag_renaksi_chart"))
            cols = ["theme", "action_plan", "output_indicator", "unit", "annual_target", "target_to_date",
                    "realised_to_date", "achievement_pct", "to_date_pct", "pacing_status", "budget", "budget_realised",
                    "absorption_pct", "obstacles", "submission_id", "synthetic"]
            show_table(present(ren, cols), f"renaksi_{code}_{ryear}", "ag_renaksi_table",
                       decimals={t("col_budget"): 0, t("col_budget_realised"): 0, t("col_achievement_pct"): 1,
                                 t("col_to_date_pct"): 1, t("col_absorption_pct"): 1})

# --- report history and the diff between two versions
if not quarters.empty:
    with tab_hist:
        subs = q(queries.agency_submissions, code)
        st.caption(t("ag_history_help"))
        synthetic_note(subs)
        subs = subs.assign(period=[quarter_label(y, qq) for y, qq in zip(subs["year"], subs["quarter"])],
                           version_status=subs["status"].map(lambda s: t(f"ag_{s}")))
        show_table(present(subs, ["period", "version", "version_status", "received_at", "uploader", "file_name",
                                  "sha256_short", "reason", "n_values", "n_warnings", "submission_id", "synthetic"]),
                   f"riwayat_{code}", "ag_history")
        reviews = q(verification.agency_reviews, code)   # returns carry the analyst's note for the agency
        if len(reviews):
            st.markdown(f"**{t('vf_agency_reviews')}**")
            reviews = reviews.assign(review_status=reviews["review_status"].map(lambda s: t(f"vf_status_{s}")),
                                     period=[quarter_label(y, qq) for y, qq in zip(reviews["year"], reviews["quarter"])])
            show_table(present(reviews, ["submission_id", "period", "version", "review_status", "reviewed_at",
                                         "reviewer", "note"]), f"verifikasi_{code}", "ag_reviews")
        st.markdown(f"**{t('ag_diff_heading')}**")
        ids = list(subs["submission_id"])
        if len(ids) < 2:
            st.info(t("ag_diff_single"))
        else:
            # default pair: the newest correction and the version it replaced, else the two newest reports
            revised = subs[subs["replaces"].notna()]
            new_default, old_default = (revised.iloc[0]["submission_id"], revised.iloc[0]["replaces"]) \
                if len(revised) else (ids[0], ids[1])
            d1, d2 = st.columns(2)
            with d1:
                old = url_select(t("ag_diff_old"), ids, "old", default=old_default)
            with d2:
                new = url_select(t("ag_diff_new"), ids, "new", default=new_default)
            if old == new:
                st.info(t("ag_diff_same"))
            else:
                diff = q(queries.submission_diff, old, new)
                counts = diff["change_kind"].value_counts()
                st.markdown(t("ag_diff_summary", **{k: fmt(int(counts.get(k, 0)), 0)
                                                    for k in ("changed", "added", "removed", "unchanged")}))
                diff = diff.assign(name=diff["name_en" if en else "name"], difference=diff["change"],
                                   change_kind=diff["change_kind"].map(lambda k: t(f"ag_change_{k}")))
                show_table(present(diff, ["change_kind", "indicator_code", "name", "unit", "old_value", "new_value",
                                          "difference"]), f"selisih_{old}_{new}", "ag_diff")

# --- data-quality score (not a performance ranking)
with tab_qual:
    st.warning(t("ag_quality_not_ranking"), icon=":material/info:")
    qual = q(queries.agency_quality, code)
    if qual.empty:
        st.info(t("ag_quality_none"))
    else:
        last = qual.iloc[-1]
        period = quarter_label(last["year"], last["quarter"])
        m = st.columns(4)
        m[0].metric(t("ag_quality_latest", period=period), fmt(last["score"], 0), border=True)
        for box, part in zip(m[1:], ("timeliness", "completeness", "validation")):
            box.metric(t(f"ag_quality_{part}"), fmt_pct(last[part] * 100 if last[part] == last[part] else None, 0),
                       border=True)
        titles = {p: t(f"ag_quality_{p}") for p in ("score", "timeliness", "completeness", "validation")}
        show_chart(charts.quality_chart(qual, lang(), {**titles, "quarter": t("ops_quarter")}),
                   f"kualitas_data_{code}", "ag_quality", alt_text=t("ag_quality_heading"))
        st.caption(t("ag_quality_method"))
        qual = qual.assign(period=[quarter_label(y, qq) for y, qq in zip(qual["year"], qual["quarter"])],
                           compliance_text=qual["compliance_status"].map(lambda s: t(f"cp_status_{s}")),
                           timeliness_pct=qual["timeliness"] * 100, completeness_pct=qual["completeness"] * 100,
                           validation_pct=qual["validation"] * 100, quality_score=qual["score"])
        show_table(present(qual, ["period", "deadline", "compliance_text", "timeliness_pct", "n_filled", "n_applicable",
                                  "completeness_pct", "n_accepted", "n_attempts", "validation_pct", "quality_score"]),
                   f"kualitas_data_{code}", "ag_quality_table", decimals=0)
