"""Ringkasan nasional: reporting this quarter, theme x status matrix, national indicator tiles, changes."""

import functools
import html

import streamlit as st

from indicators import briefing_pdf, charts, headline, queries, rules_text, texts
from indicators.periods import previous_quarter
from loaders import api
from ui.data import db_path, q, require_data, select_period_quarter
from ui.format import (md, capaian_text, confidence_text, dash, fmt, fmt_target, per_value, period_text,
                       present, quarter_text, show_chart, show_table, source_markdown, source_text, status_chip,
                       synthetic_note, type_titles, year_text)
from ui.i18n import lang, t

st.title(t("national_title"))
st.caption(t("national_intro"))
status = require_data()
period, year, quarter = select_period_quarter()
st.markdown(t("as_of", period=quarter_text(year, quarter)))

# --- the one-line answer: national indicators with a target, per status (the PDF briefing says the same)
tiles = q(queries.national_assessments, year, quarter)
en = lang() == "en"
theme_names = {r.theme: (r.name_en if en else r.name) for r in q(queries.themes).itertuples()}
cut = q(queries.data_cutoff, year, quarter)["last_received_at"].dropna()
head = headline.headline(tiles, lang=lang(), period=quarter_text(year, quarter), theme_names=theme_names,
                         cutoff=texts.format_date(cut.iloc[0], lang()) if len(cut) else "")
with st.container(border=True, key="headline"):
    st.subheader(t("headline_heading"))
    st.markdown(f"**{head.overall}**")
    st.markdown("\n".join(f"- {sentence}" for _, sentence in head.themes))
    st.caption(" ".join(x for x in (head.as_of, head.trend) if x))
    st.download_button(t("briefing_pdf"), functools.partial(api.briefing_pdf, year, quarter, lang=lang(),
                                                            db_path=db_path()),
                       file_name=briefing_pdf.file_name(year, quarter, lang()), mime="application/pdf",
                       key="briefing_pdf", on_click="ignore", icon=":material/picture_as_pdf:", type="primary",
                       help=t("briefing_pdf_help"))

# --- reporting this quarter (v_compliance)
comp = q(queries.compliance_summary, year, quarter)
total = comp[comp["agency_type"] == "ALL"]
st.subheader(t("reporting_heading"))
if total.empty or int(total["expected"].iloc[0]) == 0:
    st.info(t("reporting_none"))
else:
    r = total.iloc[0]
    with st.container(key="wide_reporting_cards"):
        c1, c2, c3, c4 = st.columns(4)
        c1.metric(t("reported_of_expected"), f"{fmt(r['reported'], 0)} / {fmt(r['expected'], 0)}",
                  help=t("reported_help", deadline=str(r["deadline"])), border=True)
        c2.metric(t("compliance_on_time"), fmt(r["on_time"], 0), border=True)
        c3.metric(t("compliance_late_revised"), fmt(int(r["late"]) + int(r["revised"]), 0), border=True)
        c4.metric(t("compliance_not_received"), fmt(r["not_received"], 0), border=True)
    with st.container(key="phone_reporting_cards"):   # a phone: the same four numbers in one dense block
        st.markdown("  \n".join(f"**{v}** {label}" for v, label in (
            (f"{fmt(r['reported'], 0)} / {fmt(r['expected'], 0)}", t("reported_of_expected")),
            (fmt(r["on_time"], 0), t("compliance_on_time")),
            (fmt(int(r["late"]) + int(r["revised"]), 0), t("compliance_late_revised")),
            (fmt(r["not_received"], 0), t("compliance_not_received")))))
    synthetic_note(bool(comp["synthetic"].any()) or bool(status["any_synthetic"]))  # demo agencies or reports
    with st.expander(t("reporting_by_type")):
        show_chart(charts.compliance_chart(comp, lang(), {**type_titles(), "agency_type": t("col_agency_type"),
                                                          "count": t("count_agencies"), "status": t("col_status")}),
                   f"kepatuhan_{year}_TW{quarter}", "compliance")
        show_table(present(comp, ["agency_type", "expected", "reported", "on_time", "late", "revised", "not_received"]),
                   f"kepatuhan_{year}_TW{quarter}", "compliance_table")

# --- theme x status matrix
st.subheader(t("matrix_heading"))
st.caption(t("matrix_help"))
matrix = q(queries.theme_status_matrix, year, quarter)
if matrix.empty:
    st.info(t("no_assessments"))
else:
    titles = {"scope_agency": t("scope_agency"), "scope_national": t("scope_national"), "theme": t("col_theme"),
              "status": t("col_status"), "count": t("count"), "rollup": t("col_rollup_status")}
    with st.container(key="wide_matrix"):  # desktop: theme x status for agencies and national indicators
        show_chart(charts.status_matrix_chart(matrix, lang(), titles), f"matriks_tema_{year}_TW{quarter}", "matrix",
                   title=t("matrix_heading"), unit=t("count"))
    with st.container(key="phone_matrix"):  # phone: national indicators with a target, one bar per theme
        show_chart(charts.status_count_chart(headline.count_frame(tiles, theme_names), lang(),
                                             {"count": t("count"), "status": t("col_status")}, compact=True),
                   f"status_tema_{year}_TW{quarter}", "matrix_compact", title=t("headline_heading"),
                   unit=t("count"))
    synthetic_note(matrix)
    rollups = matrix.drop_duplicates(["theme", "scope"]).assign(
        scope=lambda d: d["scope"].map({"agency": t("scope_agency"), "national": t("scope_national")}),
        theme_name=lambda d: d["theme_name_en"] if lang() == "en" else d["theme_name"])
    with st.expander(t("matrix_table")):
        show_table(present(rollups, ["theme_name", "scope", "rollup_status", "rollup_score", "n_indicators",
                                     "n_assessed"]), f"status_tema_{year}_TW{quarter}", "matrix_table")

# --- one tile per national indicator, grouped by theme
st.subheader(t("tiles_heading"))
if tiles.empty:
    st.info(t("no_national"))
with st.container(key="phone_tiles"):  # phone: one dense line per indicator instead of a card
    for theme, group in tiles.groupby("theme", sort=False):
        lines = []
        for r in group.to_dict("records"):
            unit = r["unit_en"] if en else r["unit"]
            unit = "" if r["value_type"] == "category" or dash(unit) == "–" else unit
            value = dash(r["latest_text"]) if r["value_type"] == "category" else fmt(r["latest_value"], r["decimals"])
            cap = "" if r["capaian"] is None or r["capaian"] != r["capaian"] else \
                f" · {html.escape(capaian_text(r['capaian'], r['capaian_capped']))}"
            lines.append(f'<li>{html.escape(str(r["name_en"] if en else r["name"]))}: '
                         f'<b>{html.escape(value)}</b> {html.escape(unit or "")} '
                         f'({html.escape(period_text(r["latest_time"], month=r["latest_month"]))})'
                         f'<br>{status_chip(r["status"])}{cap}'
                         f'{"" if r["in_rollup"] else " · " + html.escape(t("tile_no_rollup"))}</li>')
        st.markdown(f"**{md(theme_names.get(theme, theme))}**")
        st.markdown('<ul style="padding-left:1.1em;margin:0 0 .6em 0;line-height:1.35">' + "".join(lines) + "</ul>",
                    unsafe_allow_html=True)

with st.container(key="wide_tiles"):  # desktop: one card per indicator, three per row
    for theme, group in tiles.groupby("theme", sort=False):
        st.markdown(f"**{md(theme_names.get(theme, theme))}**")
        cols = st.columns(3)
        for i, r in enumerate(group.to_dict("records")):
            unit = r["unit_en"] if en else r["unit"]
            unit = "" if r["value_type"] == "category" or dash(unit) == "–" else unit
            value = dash(r["latest_text"]) if r["value_type"] == "category" else fmt(r["latest_value"], r["decimals"])
            with cols[i % 3].container(border=True):
                series = [v for v in r["series_v"] if v is not None]
                st.metric(md(r["name_en"] if en else r["name"]), value,
                          help=t("tile_help", source=md(source_text(r["source"])), confidence=confidence_text(r["confidence"])),
                          chart_data=series if len(series) > 1 else None, chart_type="line")
                lines = [status_chip(r["status"]) + ("" if r["in_rollup"] else f" · {t('tile_no_rollup')}")]
                if r["capaian"] is not None and r["capaian"] == r["capaian"]:  # capaian: plain text, no status colour
                    lines.append(t("tile_capaian", year=year_text(r["target_year"]),
                                   capaian=capaian_text(r["capaian"], r["capaian_capped"])))
                st.markdown("  \n".join(lines), unsafe_allow_html=True)   # one element per tile, not two
                target = fmt_target(r["target_low"], r["target_high"], r["target_text"], r["decimals"])
                targeted = target != "–"
                for a in r["alternatives"]:   # the same data judged against the other official targets of the year
                    st.markdown(md(rules_text.alternative_line(
                        a["basis_code"], a["year"], rules_text.target_words(a["target_low"], a["target_high"],
                                                                            a["target_text"], r["decimals"], unit, lang()),
                        a["status"], lang())))
                basis = r.get("target_basis_code")   # the basis that judges the verdict: "target RPJMN 2024: 14,0"
                target_year = (f"{rules_text.basis_label(basis, lang())} " if isinstance(basis, str) and targeted else "") \
                    + year_text(r["target_year"])
                st.caption(t("tile_caption" if targeted else "tile_caption_untargeted", unit=md(unit or "–"),
                             target_year=md(target_year), target=md(target),
                             period=period_text(r["latest_time"], month=r["latest_month"]),
                             source=source_markdown(r["source"]), confidence=confidence_text(r["confidence"])))
                st.page_link("app_pages/indicator.py", label=t("open_indicator"), icon=":material/arrow_forward:",
                             query_params={"indicator": r["indicator_code"], "year": year, "quarter": quarter})

# --- what changed since the previous quarter
prev_y, prev_q = previous_quarter(year, quarter)
st.subheader(t("changes_heading", prev=quarter_text(prev_y, prev_q), now=quarter_text(year, quarter)))
changes = q(queries.changes_since_previous, year, quarter)
kinds = ["national_value", "national_status", "agency_status", "new_submission", "revision"]
counts = changes["kind"].value_counts()
with st.container(key="wide_change_cards"):
    for c, kind in zip(st.columns(len(kinds)), kinds):
        c.metric(t(f"change_{kind}"), fmt(int(counts.get(kind, 0)), 0))
with st.container(key="phone_change_cards"):   # a phone: one dense block
    st.markdown("  \n".join(f"**{fmt(int(counts.get(kind, 0)), 0)}** {t(f'change_{kind}')}" for kind in kinds))
if changes.empty:
    st.info(t("changes_none"))
else:
    synthetic_note(changes)
    shown = changes.assign(kind=per_value(changes["kind"], lambda k: t(f"change_{k}")),
                           indicator_name=changes["indicator_name_en" if lang() == "en" else "indicator_name"])
    show_table(present(shown, ["kind", "indicator_code", "indicator_name", "agency_code", "agency_name",
                               "before_value", "after_value", "before_status", "after_status", "submission_id",
                               "source", "synthetic"]),
               f"perubahan_{year}_TW{quarter}", "changes", height=360)
