"""Jejak audit (admin): the append-only trail, filtered by action, with the hash-chain check and a CSV export.
The page only reads; nothing in the app edits the trail."""

import streamlit as st

from loaders import audit
from ui.auth import require_permission
from ui.data import db_path, q, require_data
from ui.format import show_table
from ui.i18n import t

ACTIONS = ("login", "login_failed", "login_locked", "logout", "session_end", "denied", "upload", "verify", "return",
           "reopen", "calendar_change", "registry_import", "agency_change", "catalogue_change", "account_add",
           "account_disable", "account_enable", "account_reset", "account_unlock", "oidc_bind", "account_oidc_unbind",
           "reminder")

st.title(t("adm_audit_title"))
st.caption(t("adm_audit_intro"))
require_data()
require_permission("audit")

ok, bad, problem = q(audit.chain_status, str(db_path())).iloc[0][["ok", "first_bad", "problem"]]
entries = q(audit.entries)
if ok:
    st.success(t("adm_audit_chain_ok", n=len(entries)), icon=":material/link:")
else:
    st.error(t("adm_audit_chain_broken" if problem == "chain" else f"adm_audit_{problem}", seq=int(bad)),
             icon=":material/link_off:")
action = st.selectbox(t("adm_audit_action"), ["", *ACTIONS], key="audit_action",
                      format_func=lambda a: t("adm_audit_all") if a == "" else a)
shown = entries[entries["action"] == action] if action else entries
show_table(shown, "jejak_audit", "audit_table", height=520)
st.download_button(t("adm_audit_export"), audit.export_csv(shown), file_name="jejak_audit.csv", mime="text/csv",
                   key="audit_export", on_click="ignore", icon=":material/download:")
