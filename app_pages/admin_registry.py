"""Registri instansi (admin): import an agency list as a reviewable change. The per-agency diff (added,
renamed, ended, successor, changed) is shown first, from `api.preview_registry` (the same `diff_registry` the
CLI prints); only an explicit click applies it through `api.import_registry`, which audits each agency's
before → after."""

import pandas as pd
import streamlit as st

from loaders import api, store
from loaders.auth import ScopeDenied
from ui.auth import require_permission
from ui.data import db_path, require_data
from ui.format import flash_and_rerun, fmt, show_flash, show_table
from ui.i18n import lang, t

st.title(t("adm_reg_title"))
st.caption(t("adm_reg_intro"))
require_data()
scope = require_permission("registry")
show_flash()

if lang() != "en":
    st.caption(t("uploader_words"))
upload = st.file_uploader(t("adm_reg_file"), type=["csv", "xlsx"], key="reg_file")
if st.button(t("adm_reg_preview"), key="reg_preview", icon=":material/difference:"):
    if upload is None:
        st.warning(t("adm_reg_need_file"))
    else:
        try:
            diff, problems = api.preview_registry(upload.getvalue(), upload.name, scope=scope, db_path=db_path())
            st.session_state["reg_result"] = {"file": (upload.name, upload.size), "diff": diff, "problems": problems}
        except ScopeDenied as exc:
            st.error(exc.text(lang()))
        except store.DatabaseBusy:
            st.error(t("db_busy"))

result = st.session_state.get("reg_result")
if result and upload is not None and result["file"] == (upload.name, upload.size):
    diff, problems = result["diff"], result["problems"]
    if problems:
        st.subheader(t("adm_reg_problems"))
        show_table(pd.DataFrame([{t("col_severity_text"): p.severity, t("col_row"): p.row,
                                  t("col_column"): p.column or "", t("col_value"): p.value or "",
                                  t("col_message"): p.message_en if lang() == "en" else p.message}
                                 for p in problems]), "masalah_registri", "reg_problems")
    if diff is None:
        st.error(t("adm_reg_rejected", n=fmt(sum(p.severity == "error" for p in problems), 0)))
    else:
        st.subheader(t("adm_reg_diff_heading"))
        st.caption(t("adm_reg_counts", **{k: fmt(v, 0) for k, v in diff.counts.items()}))
        if not diff.changes:
            st.info(t("adm_reg_nothing"))
        else:
            rows = pd.DataFrame(diff.rows(lang()))
            show_table(rows.rename(columns={"code": t("col_agency_code"), "name": t("col_name"),
                                            "change": t("col_change"), "detail": t("col_reg_detail")}),
                       "perubahan_registri", "reg_diff")
            if st.button(t("adm_reg_apply", n=fmt(len(diff.changes), 0)), key="reg_apply", type="primary",
                         icon=":material/done_all:"):
                try:
                    counts, problems = api.import_registry(upload.getvalue(), upload.name, scope=scope,
                                                           db_path=db_path())
                except ScopeDenied as exc:
                    st.error(exc.text(lang()))
                except store.DatabaseBusy:
                    st.error(t("db_busy"))
                else:
                    st.session_state.pop("reg_result", None)
                    st.cache_data.clear()
                    flash_and_rerun(t("adm_reg_applied", n=fmt(counts["added"] + counts["updated"], 0)))
