"""Verifikasi laporan (analis, admin): the quarter's reports in force with their review status; verify one,
or return it with a note the agency sees; admins reopen a locked quarter with a reason."""

import streamlit as st

from indicators import texts
from loaders import verification
from ui.auth import require_permission
from ui.data import q, require_data, write
from ui.format import flash_and_rerun, present, quarter_label, show_flash, show_table, url_select
from ui.i18n import lang, t

st.title(t("vf_title"))
st.caption(t("vf_intro"))
require_data()
scope = require_permission("verify")
show_flash()

years = [int(y) for y in q("compliance_years")["year"]]
c1, c2 = st.columns(2)
with c1:
    year = url_select(t("ops_year"), years, "year")
with c2:
    quarter = url_select(t("ops_quarter"), [1, 2, 3, 4], "quarter", default=4,
                         format_func=lambda x: texts.quarter_name(x, lang()))
queue = q(verification.review_queue, year, quarter)
if queue.empty:
    st.info(t("vf_none"))
    st.stop()
shown = queue.assign(review_status=queue["review_status"].map(lambda s: t(f"vf_status_{s}")),
                     period=[quarter_label(y, qq) for y, qq in zip(queue["year"], queue["quarter"])])
show_table(present(shown, ["submission_id", "agency_code", "name", "period", "version", "received_at", "uploader",
                           "review_status", "reviewed_at", "reviewer", "note"]),
           f"verifikasi_{year}_tw{quarter}", "vf_queue")

labels = {r.submission_id: f"{r.submission_id} · {r.name} · {t('vf_status_' + r.review_status)}"
          for r in queue.itertuples()}
pick = st.selectbox(t("vf_pick"), list(labels), format_func=labels.__getitem__, key="vf_pick")
note = st.text_area(t("vf_note"), key="vf_note")
b1, b2, _ = st.columns([1, 1, 4])
for box, status, label, kind in ((b1, "diverifikasi", "vf_verify", "primary"), (b2, "dikembalikan", "vf_return", "secondary")):
    if box.button(t(label), key=f"vf_{status}", type=kind):
        done, problem = write(verification.review, pick, status, note)
        if problem:
            st.error(problem)
        else:
            flash_and_rerun(t("vf_done", submission=pick, status=t(f"vf_status_{done}")))

if scope.can("reopen"):
    st.subheader(t("vf_reopen_heading"))
    locked = [r for r in queue.itertuples() if r.review_status == "diverifikasi"]
    if locked:
        target = st.selectbox(t("vf_pick"), [r.submission_id for r in locked], key="vf_reopen_pick")
        reason = st.text_input(t("vf_reopen_reason"), key="vf_reopen_reason")
        if st.button(t("vf_reopen"), key="vf_reopen"):
            row = queue[queue["submission_id"] == target].iloc[0]
            _, problem = write(verification.reopen, row["agency_code"], year, quarter, reason)
            if problem:
                st.error(problem)
            else:
                flash_and_rerun(t("vf_reopened", agency=row["agency_code"], period=quarter_label(year, quarter)))
    else:
        st.caption(t("vf_none"))
