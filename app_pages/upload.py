"""Unggah: download the quarterly template, upload the filled workbook, then check it only or submit it.

Both buttons call loaders.api, the same functions the CLI uses. The last result is kept in
st.session_state["upload_result"] so downloads and reruns do not lose it.
"""

import functools
import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from indicators import queries, texts
from indicators.catalogue import load_catalogue
from loaders import api, store
from loaders.auth import ScopeDenied
from loaders.checks import agency_inactive
from ui.auth import require_scope
from ui.data import db_path, q, require_data
from ui.format import XLSX_MIME, download_buttons, file_input, md, file_stem, synthetic_note, url_select, wrapped_table_html
from ui.i18n import lang, t

log = logging.getLogger(__name__)
SEVERITY_SYMBOL = {"error": "✖", "warning": "⚠"}

st.title(t("up_title"))
st.markdown(t("up_intro"))
require_data()
scope = require_scope()   # the uploader recorded is this account, never a typed name

# --- 1. agency and period -> template (?agency=32.73&year=2024&quarter=4)
st.subheader(t("up_step_template"))
agencies = q(queries.ops_agencies)
names = dict(zip(agencies["agency_code"], agencies["name"]))
years = sorted(int(y) for y in q(queries.compliance_years)["year"])
if not names or not years:
    st.info(t("ops_no_agencies"))
    st.stop()
c1, c2, c3 = st.columns([3, 1, 1])
with c1:
    agency = url_select(t("ops_agency"), list(names), "agency",
                        format_func=lambda c: t("ops_agency_option", name=names[c], code=c))
with c2:
    year = url_select(t("ops_year"), years, "year", default=years[-1])
with c3:
    quarter = url_select(t("ops_quarter"), [1, 2, 3, 4], "quarter", default=4,
                         format_func=lambda x: texts.quarter_name(x, lang()))
chosen = agencies[agencies["agency_code"] == agency]
synthetic_note(chosen)
inactive = agency_inactive(agency, chosen["valid_from"].iloc[0], chosen["valid_to"].iloc[0], year, quarter)
if inactive is not None:       # the check would reject the filled file: same rule, same words, no template
    st.error(inactive.message(lang()), icon=":material/event_busy:")
else:
    template_name = f"{file_stem(f'PantauRB_{agency}_{year}_TW{quarter}')}.xlsx"
    st.download_button(t("up_template_button", file=template_name),
                       functools.partial(api.template_bytes, agency, year, quarter, scope=scope, db_path=db_path()),
                       file_name=template_name, mime=XLSX_MIME, key="upload_template", on_click="ignore",
                       icon=":material/download:")

# --- 2. upload, then check only or submit
st.subheader(t("up_step_upload"))
upload = file_input(t("up_file"), "upload_file", help=t("up_file_help"))
c1, c2 = st.columns(2)
c1.text_input(t("up_uploader"), value=scope.username, key="upload_uploader", help=t("up_uploader_help"), disabled=True)
reason = c2.text_input(t("up_reason"), key="upload_reason", help=t("up_reason_help"))
b1, b2, _ = st.columns([1, 1, 4])
check = b1.button(t("up_check"), key="upload_check", icon=":material/rule:")
submit = b2.button(t("up_submit"), key="upload_submit", type="primary", icon=":material/send:")

if (check or submit) and upload is None:
    st.warning(t("up_need_file"))
elif check or submit:
    data, name = upload.getvalue(), upload.name
    label = t("up_checking" if check else "up_submitting", file=md(name))
    result = {"file": (name, len(data)), "selection": (agency, year, quarter), "mode": "check" if check else "submit",
              "data": data, "name": name}
    with st.status(label, expanded=False) as box:
        box.write(t("up_step_read"))
        try:
            expected = {"expected_agency": agency, "expected_period": (year, quarter), "db_path": db_path()}
            if check:
                res = api.check_file(data, name, scope=scope, reason=reason.strip() or None, **expected)
                result.update(report=res.report, outcome="valid" if res.report.valid else "invalid")
            else:
                res = api.ingest_file(data, name, scope=scope, reason=reason.strip() or None,
                                      on_wait=lambda s, _who: box.write(t("up_waiting", seconds=int(s))), **expected)
                result.update(report=res.report, outcome=res.outcome, submission_id=res.submission_id,
                              version=res.version, receipt_html=res.receipt_html, receipt_error=res.receipt_error)
                box.write(t("up_step_saved"))
            box.update(label=t("up_done", file=md(name)), state="complete")
        except ScopeDenied as exc:   # a file for another agency: refused, only the audit entry is written
            result.update(outcome="error", error=exc.text(lang()))
            box.update(label=t("up_failed", file=md(name)), state="error")
        except store.DatabaseBusy:
            result.update(outcome="error", error=t("up_db_busy"))
            box.update(label=t("up_failed", file=md(name)), state="error")
        except Exception as exc:  # a file that breaks the reader must never show a traceback
            log.exception("upload of %s failed", name)
            result.update(outcome="error", error=t("up_processing_failed", error=type(exc).__name__))
            box.update(label=t("up_failed", file=md(name)), state="error")
    st.session_state["upload_result"] = result

# --- 3. the result of the last check or submission (hidden once the file or the selection changes)
result = st.session_state.get("upload_result")
current = (upload.name, upload.size) if upload is not None else None
if result and result["file"] == current and result["selection"] == (agency, year, quarter):
    report = result.get("report")
    st.subheader(t("up_result_heading", file=md(result["name"])))
    outcome = result["outcome"]
    if outcome == "error":
        st.error(result["error"])
    elif outcome == "valid":
        st.success(t("up_valid", warnings=len(report.warnings)))
    elif outcome == "invalid":
        st.error(t("up_invalid", errors=len(report.errors), warnings=len(report.warnings)))
    elif outcome == "accepted":
        st.success(t("up_accepted", submission=result["submission_id"], version=result["version"],
                     warnings=len(report.warnings)))
        if result.get("receipt_error"):
            st.warning(t("up_receipt_not_saved"))
        st.download_button(t("up_receipt"), result["receipt_html"].encode("utf-8"), key="upload_receipt",
                           file_name=f"{file_stem('tanda_terima')}_{result['submission_id']}.html", mime="text/html",
                           on_click="ignore", icon=":material/receipt_long:")
        st.page_link("app_pages/agency.py", label=t("up_open_agency"), icon=":material/account_balance:",
                     query_params={"agency": agency})
    elif outcome == "duplicate":
        st.info(t("up_duplicate", submission=result["submission_id"]))
    elif outcome == "rejected":
        st.error(t("up_rejected", errors=len(report.errors)))
    if report is not None and any(i.code == "reason-required" for i in report.errors):
        st.warning(t("up_reason_required"))
    window = ("late-submission", "early-submission")
    late = [i for i in (report.issues if report is not None else []) if i.code in window]
    if late:
        st.warning(late[0].message(lang()), icon=":material/schedule:")
    if report is not None and report.issues:
        st.markdown(f"**{t('up_problems_heading')}** — {report.headline(lang())}")
        cat = load_catalogue()
        names = {i.code: (i.name_en or i.name) if lang() == "en" else i.name for i in cat.indicators}
        rows = pd.DataFrame(report.to_rows(lang(), names))
        rows["severity_text"] = [f"{SEVERITY_SYMBOL[s]} {t(f'up_severity_{s}')}" for s in rows["severity"]]
        shown = rows[["severity_text", "location", "indicator", "value", "problem", "fix"]].rename(columns={
            c: t(f"up_col_{c}") for c in ("severity_text", "location", "indicator", "value", "problem", "fix")})
        with st.container(key="upload_problems"):
            # every cell wraps: the whole message and the whole fix stay readable, on a phone row by row
            st.html(wrapped_table_html(shown))   # escaped cells; st.html never reads data as Markdown
        download_buttons(rows[["severity", "location", "column", "indicator", "value", "problem", "fix", "code"]],
                         f"masalah_{Path(result['name']).stem}", "upload_problems")
        st.download_button(t("up_annotated"), functools.partial(api.annotate_bytes, result["data"], report, lang()),
                           file_name=f"{Path(result['name']).stem}_{file_stem('bertanda')}.xlsx", mime=XLSX_MIME,
                           key="upload_annotated", on_click="ignore", help=t("up_annotated_help"),
                           icon=":material/download:")
