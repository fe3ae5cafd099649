"""Kalender pelaporan (admin): each quarter's open date, deadline and late window; a change needs a reason
and is kept in the history (who, when, why) and the audit trail."""

import pandas as pd
import streamlit as st

from indicators import texts
from loaders import verification
from ui.auth import require_permission
from ui.data import q, require_data, write
from ui.format import flash_and_rerun, present, quarter_label, show_flash, show_table, url_select
from ui.i18n import lang, t

st.title(t("adm_calendar_title"))
st.caption(t("adm_calendar_intro"))
require_data()
require_permission("calendar")
show_flash()

years = [int(y) for y in q("compliance_years")["year"]]
year = url_select(t("ops_year"), years, "year")
cal = q(verification.calendar, year)
shown = cal.assign(period=[quarter_label(y, qq) for y, qq in zip(cal["year"], cal["quarter"])])
show_table(present(shown, ["period", "opens_on", "deadline", "late_until", "source"]), f"kalender_{year}", "cal_table")

st.subheader(t("adm_calendar_edit"))
quarter = st.selectbox(t("ops_quarter"), [1, 2, 3, 4], key="cal_quarter", format_func=lambda x: texts.quarter_name(x, lang()))
row = cal[cal["quarter"] == quarter].iloc[0]
with st.form("cal_form"):
    c1, c2, c3 = st.columns(3)
    opens = c1.date_input(t("adm_opens"), value=row["opens_on"], key=f"cal_opens_{year}_{quarter}")
    deadline = c2.date_input(t("adm_deadline"), value=row["deadline"], key=f"cal_deadline_{year}_{quarter}")
    late = c3.date_input(t("adm_late_until"), value=None if pd.isna(row["late_until"]) else row["late_until"],
                         key=f"cal_late_{year}_{quarter}")
    reason = st.text_input(t("adm_reason"), key="cal_reason")
    save = st.form_submit_button(t("adm_save"), type="primary")
if save:
    _, problem = write(verification.set_window, year, quarter, opens, deadline, late, reason)
    if problem:
        st.error(problem)
    else:
        flash_and_rerun(t("adm_saved", period=quarter_label(year, quarter)))

st.subheader(t("adm_history"))
show_table(q(verification.calendar_history), "riwayat_kalender", "cal_history")
