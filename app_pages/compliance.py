"""Kepatuhan pelaporan: agencies x quarters matrix (v_compliance), counts per status, and the late /
not-received list with contact e-mails for reminders."""

import streamlit as st

from indicators import charts, queries
from ui.auth import current_scope
from ui.data import q, require_data, smtp_secrets, write
from ui.format import agency_type_text, fmt, per_value, present, quarter_label, show_chart, show_table, synthetic_note, url_select
from ui.i18n import lang, t

MATRIX_ROWS = 80  # more rows than this make the chart unreadable; the table always has them all
STATUSES = ("on_time", "revised", "late", "not_received", "not_due")

st.title(t("cp_title"))
st.caption(t("cp_intro"))
require_data()

# --- filters (?year=2024&type=KAB&province=32)
provinces = q(queries.provinces)
prov_names = dict(zip(provinces["province_code"], provinces["name"]))
years = [int(y) for y in q(queries.compliance_years)["year"]]
if not years:
    st.info(t("cp_none"))
    st.stop()
c1, c2, c3 = st.columns(3)
with c1:
    year = url_select(t("ops_year"), years, "year")
with c2:
    kind = url_select(t("ops_filter_type"), ["ALL", "KL", "PROV", "KAB", "KOTA"], "type", format_func=agency_type_text)
with c3:
    province = url_select(t("ops_filter_province"), ["ALL", *prov_names], "province", disabled=kind == "KL",
                          format_func=lambda c: t("ops_all_provinces") if c == "ALL" else prov_names[c])
df = q(queries.compliance_matrix, year, None if kind == "ALL" else (kind,),
       None if province == "ALL" or kind == "KL" else province)
if df.empty:
    st.info(t("cp_none"))
    st.stop()
labels = {(y, qq): quarter_label(y, qq) for y, qq in set(zip(df["year"], df["quarter"]))}   # few quarters
option = t("ops_agency_option")   # '{name} ({code})', filled per row without looking the string up again
df = df.assign(agency_label=[option.format(name=n, code=c) for n, c in zip(df["name"], df["agency_code"])],
               period=[labels[k] for k in zip(df["year"], df["quarter"])],
               compliance_text=per_value(df["status"], lambda s: t(f"cp_status_{s}")))

# --- counts per status
counts = df["status"].value_counts()
for box, status in zip(st.columns(len(STATUSES)), STATUSES):
    box.metric(t(f"cp_status_{status}"), fmt(int(counts.get(status, 0)), 0), border=True)
synthetic_note(df)

# --- agencies x quarters
st.subheader(t("cp_matrix_heading", year=year))
st.caption(t("cp_legend"))
df = df.assign(problem_rank=queries.problem_ranks(df))   # ranked within the caller's scope (q restricts rows)
n_agencies = int(df["problem_rank"].max())
shown = df[df["problem_rank"] <= MATRIX_ROWS]
if n_agencies > MATRIX_ROWS:
    st.caption(t("cp_matrix_limited", n=fmt(MATRIX_ROWS, 0), total=fmt(n_agencies, 0)))
for compact in (False, True):  # phone (<= 640 px): names cut short so the quarter cells stay readable
    with st.container(key="phone_cp_matrix" if compact else "wide_cp_matrix"):
        show_chart(charts.compliance_matrix_chart(shown, lang(), {"agency": t("ops_agency"),
                                                                  "quarter": t("ops_quarter"),
                                                                  "status": t("col_status")}, compact=compact),
                   f"kepatuhan_{year}", "cp_matrix_phone" if compact else "cp_matrix",
                   alt_text=t("cp_matrix_alt", year=year))
with st.expander(t("cp_table_heading")):
    show_table(present(df, ["agency_code", "name", "agency_type", "province_name", "period", "deadline",
                            "first_received_at", "versions", "compliance_text", "synthetic"]),
               f"kepatuhan_{year}", "cp_table")

# --- to follow up: late or not received, with contact e-mails
st.subheader(t("cp_followup_heading"))
todo = df[df["status"].isin(["late", "not_received"])]
if todo.empty:
    st.success(t("cp_followup_none"))
else:
    st.caption(t("cp_followup_help"))
    no_email = int(todo.drop_duplicates("agency_code")["contact_email"].fillna("").eq("").sum())
    if no_email:
        st.warning(t("cp_missing_emails", n=fmt(no_email, 0)), icon=":material/mail:")
    show_table(present(todo, ["agency_code", "name", "agency_type", "province_name", "period", "deadline",
                              "compliance_text", "first_received_at", "contact_email", "synthetic"]),
               f"tindak_lanjut_{year}", "cp_followup")

# --- reminders over SMTP (analysts and admins; settings in secrets [smtp]); every reminder is logged
scope = current_scope()
if scope is not None and scope.can("remind"):
    from loaders import reminders
    st.subheader(t("rm_heading"))
    missing = df[df["status"] == "not_received"]
    periods = sorted({(int(y), int(qq)) for y, qq in zip(missing["year"], missing["quarter"])}, reverse=True)
    settings = reminders.SmtpSettings.from_mapping(smtp_secrets())
    if not periods:
        st.success(t("cp_followup_none"))
    elif settings is None:
        st.info(t("rm_not_configured"), icon=":material/mail:")
    else:
        ry, rq = st.selectbox(t("rm_quarter"), periods, key="rm_period", format_func=lambda p: quarter_label(*p))
        st.caption(t("rm_intro", period=quarter_label(ry, rq)))
        codes = sorted(set(missing[(missing["year"] == ry) & (missing["quarter"] == rq)]["agency_code"]))
        if st.button(t("rm_send", n=fmt(len(codes), 0)), key="rm_send", icon=":material/send:"):
            counts, problem = write(reminders.send_reminders, ry, rq, codes, settings)
            if problem:
                st.error(problem)
            else:
                st.success(t("rm_result", **counts))
