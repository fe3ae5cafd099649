"""Akun (admin): the accounts, adding one, disabling or enabling one. Every change is audited."""

import streamlit as st

from loaders import auth
from ui.auth import require_permission
from ui.data import q, require_data, write
from ui.format import flash_and_rerun, show_flash, show_table
from ui.i18n import lang, t

st.title(t("adm_accounts_title"))
st.caption(t("adm_accounts_intro"))
require_data()
require_permission("accounts")
show_flash()

users = q(auth.list_users)
show_table(users, "akun", "adm_users")

st.subheader(t("adm_add_heading"))
with st.form("adm_add_form", clear_on_submit=True):
    c1, c2 = st.columns(2)
    username = c1.text_input(t("auth_username"), key="adm_new_username")
    role = c2.selectbox(t("adm_role"), auth.ROLES, key="adm_new_role",
                        format_func=lambda r: auth.ROLE_NAMES[r][1 if lang() == "en" else 0])
    c3, c4, c5 = st.columns(3)
    agency = c3.text_input(t("adm_agency"), key="adm_new_agency")
    province = c4.text_input(t("adm_province"), key="adm_new_province")
    email = c5.text_input(t("adm_email"), key="adm_new_email")
    password = st.text_input(t("auth_password"), type="password", key="adm_new_password")
    add = st.form_submit_button(t("adm_add"), type="primary")
if add:
    _, problem = write(auth.add_user, username=username, role=role, agency_code=agency.strip() or None,
                       province_code=province.strip() or None, email=email.strip() or None,
                       password=password or None)
    if problem:
        st.error(problem)
    else:
        flash_and_rerun(t("adm_added", user=username))

st.subheader(t("adm_toggle_heading"))
if len(users):
    c1, c2, c3 = st.columns([3, 1, 1])
    who = c1.selectbox(t("auth_username"), list(users["username"]), key="adm_toggle_user")
    for box, active, label in ((c2, False, "adm_disable"), (c3, True, "adm_enable")):
        if box.button(t(label), key=f"adm_{label}"):
            _, problem = write(auth.set_active, who, active)
            if problem:
                st.error(problem)
            else:
                flash_and_rerun(t("adm_changed", user=who, state=t(label)))
