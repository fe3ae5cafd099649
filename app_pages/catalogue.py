"""Katalog: browse indicators and their metadata, target versions and national series (with source and
confidence); download the catalogue as xlsx; admin import of an edited catalogue xlsx (validate → diff →
apply)."""

import pandas as pd
import streamlit as st

from indicators import briefing, queries
from loaders import catalogue_store
from ui.auth import require_scope
from ui.data import catalogue_export, current_catalogue, editor_notes, q, require_data, write
from ui.format import md, XLSX_MIME, col, dash, file_input, file_stem, fmt, present, show_table, url_select
from ui.i18n import lang, t

st.title(t("catalogue_title"))
st.caption(t("catalogue_intro"))
require_data()
en = lang() == "en"

# --- filters (theme, level) and the indicator list
themes = q(queries.themes)
theme_names = {r.theme: (r.name_en if en else r.name) for r in themes.itertuples()}
c1, c2 = st.columns(2)
with c1:
    theme = url_select(t("filter_theme"), ["", *theme_names], "theme",
                       format_func=lambda c: t("all_themes") if c == "" else theme_names[c])
with c2:
    level = url_select(t("filter_level"), ["", "national", "agency"], "level",
                       format_func=lambda v: t("all_levels") if v == "" else t(f"level_{v}"))
inds = q(queries.indicator_list, theme or None, level or None)
st.markdown(t("catalogue_count", n=fmt(len(inds), 0)))
shown = inds.assign(name=inds["name_en" if en else "name"], theme_name=inds["theme_name_en" if en else "theme_name"],
                    level=inds["level"].map(lambda v: t(f"level_{v}")),
                    direction=inds["direction"].map(lambda v: t(f"direction_{v}")),
                    measurement=inds["measurement"].map(lambda v: t(f"measurement_{v}")),
                    link="./indikator?indicator=" + inds["indicator_code"])
show_table(present(shown, ["indicator_code", "name", "theme_name", "level", "unit", "direction", "measurement",
                           "applies_to", "data_source", "legal_basis", "link"]),
           "katalog_indikator", "catalogue_list", height=320,
           column_config={col("link"): st.column_config.LinkColumn(display_text=t("open"))},
           export=inds)

# --- one indicator: metadata, target versions, national series
if len(inds):
    by_code = {r["indicator_code"]: r for r in inds.to_dict("records")}
    code = url_select(t("filter_indicator"), list(by_code), "indicator",
                      format_func=lambda c: f"{c} — {by_code[c]['name_en' if en else 'name']}")
    m = by_code[code]
    st.subheader(md(m["name_en"] if en else m["name"]))
    st.markdown(md(dash(m["definition_en"] if en and dash(m["definition_en"]) != "–" else m["definition"])))
    st.caption(t("catalogue_meta_line", unit=md(dash(m["unit_en"] if lang() == "en" and m.get("unit_en") else m["unit"])), direction=t(f"direction_{m['direction']}"),
                 source=md(dash(m["data_source"])), legal=md(dash(m["legal_basis"]))))
    st.caption(t("catalogue_sources_rule"))
    tab1, tab2 = st.tabs([t("catalogue_targets"), t("catalogue_series")])
    dec = (int(m["decimals"]) if pd.notna(m["decimals"]) else 0)
    with tab1:
        versions = q(queries.target_versions, code)
        versions = versions.assign(in_force=versions["in_force"].map(lambda v: t("yes") if v else t("no")))
        show_table(present(versions, ["year", "target_low", "target_high", "target_text", "version", "in_force",
                                      "effective_from", "basis", "source", "confidence", "reason"]),
                   f"target_{code}", "catalogue_targets", decimals={col("target_low"): dec, col("target_high"): dec})
    with tab2:
        series = q(queries.national_series_table, code)
        if series.empty:
            st.info(t("catalogue_no_series"))
        else:
            show_table(present(series, ["year", "month", "value", "value_text", "source", "confidence", "note"]),
                       f"seri_nasional_{code}", "catalogue_series", decimals={col("value"): dec})
    notes, figure_notes = editor_notes(code)
    with st.expander(t("catalogue_editor_notes")):
        if not notes and figure_notes.empty:
            st.caption(t("catalogue_editor_notes_none"))
        if notes:
            st.markdown(notes)
        if not figure_notes.empty:
            show_table(present(figure_notes, ["year", "month", "note"]), f"catatan_penyunting_{code}",
                       "catalogue_editor_notes")

# --- catalogue as xlsx
st.subheader(t("catalogue_download_heading"))
data, problem = catalogue_export()
if data is None:
    st.info(t("catalogue_export_unavailable", reason=problem))
else:
    st.download_button(t("catalogue_download"), data, file_name=f"{file_stem('katalog_indikator')}.xlsx", mime=XLSX_MIME,
                       key="catalogue_xlsx", on_click="ignore", icon=":material/download:")

# --- admin import: validate, diff, apply
st.subheader(t("catalogue_import_heading"))
st.caption(t("catalogue_import_note"))
is_admin = require_scope().can("catalogue")
upload = file_input(t("catalogue_upload"), "catalogue_upload")
if upload is not None:
    from indicators import catalogue as cat_mod
    from loaders.api import read_catalogue_upload
    try:
        new = read_catalogue_upload(upload.getvalue(), upload.name)
    except cat_mod.CatalogueError as exc:
        st.error(t("catalogue_invalid", n=len(exc.problems)))
        problems = [dict(cell=p.cell or "", code=p.code, key=p.key, detail=p.detail) for p in exc.problems]
        show_table(present(pd.DataFrame(problems, columns=["cell", "code", "key", "detail"]),
                           ["cell", "code", "key", "detail"]), "masalah_katalog", "catalogue_problems")
        st.stop()
    except Exception as exc:  # an unreadable file: say so in words
        st.error(t("catalogue_unreadable", error=type(exc).__name__))
        st.stop()
    try:
        current = cat_mod.catalogue_to_dict(current_catalogue())
    except cat_mod.CatalogueError:
        current = {}
    diff = briefing.catalogue_diff(current, cat_mod.catalogue_to_dict(new))
    st.success(t("catalogue_valid", n=fmt(len(new.indicators), 0), changes=fmt(len(diff), 0)))
    diff = diff.assign(kind=diff["kind"].map(lambda k: t(f"cat_kind_{k}")),
                       change=diff["change"].map(lambda c: t(f"cat_change_{c}")))
    show_table(present(diff, ["kind", "code", "change", "fields"]), "perubahan_katalog", "catalogue_diff")
    if not is_admin:
        st.info(t("catalogue_admin_only"))
    elif len(diff):   # stored in the database as a new version (who, when, why); never into the source tree
        reason = st.text_input(t("adm_reason"), key="catalogue_reason")
        if st.button(t("catalogue_apply"), type="primary", key="catalogue_apply"):
            version, problem = write(catalogue_store.save, new, reason)
            if problem:
                st.error(problem)
            else:
                st.success(t("catalogue_applied", version=version))
