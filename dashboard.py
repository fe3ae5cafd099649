"""PantauRB dashboard. Run: streamlit run dashboard.py  (README's Quick start builds the demo first)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth as auth_ui
from ui.data import pin_data_state
from ui.i18n import LANGS, lang, t

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="PantauRB", page_icon=":material/monitoring:", layout="wide")
pin_data_state()   # one data version for this whole rerun; a newer one is picked up on the next

# Language switch: Bahasa Indonesia first; kept in the URL (?lang=en) so a shared link keeps it.
if "lang" not in st.session_state:
    st.session_state["lang"] = lang()
with st.sidebar:
    st.radio(t("language"), LANGS, key="lang", horizontal=True,
             format_func=lambda code: {"id": "Bahasa Indonesia", "en": "English"}[code])
st.query_params["lang"] = st.session_state["lang"]


# Who is signed in (None: nobody yet; then the pages are registered but not run, see below).
scope = auth_ui.signed_in()


DENIED: dict[str, str] = {}   # url path -> page title, of the pages this role may not open (said in words)


def _page(path: str, title_key: str, icon: str, url_path: str | None = None, **kwargs) -> st.Page | None:
    """The page when the signed-in role may see it (ui.auth.PAGE_ROLES); else None (left out of the menu)."""
    stem = Path(path).stem
    if not auth_ui.page_allowed(stem, scope):
        DENIED[url_path or stem] = t(title_key)
        return None
    return st.Page(path, title=t(title_key), icon=icon, url_path=None if stem == DEFAULT else url_path,
                   default=stem == DEFAULT, **kwargs)


# The start page (served at /): the national overview for ministry roles, the agency page for the others.
DEFAULT = next(stem for stem in ("national", "agency") if auth_ui.page_allowed(stem, scope))


ANALYSIS = [
    _page("app_pages/national.py", "nav_national", ":material/dashboard:", "ringkasan"),
    _page("app_pages/theme.py", "nav_theme", ":material/category:", "tema"),
    _page("app_pages/indicator.py", "nav_indicator", ":material/monitoring:", "indikator"),
    _page("app_pages/final_report.py", "nav_final_report", ":material/flag:", "capaian-akhir"),
    _page("app_pages/catalogue.py", "nav_catalogue", ":material/menu_book:", "katalog"),
]
OPERATIONS = [
    _page("app_pages/agency.py", "nav_agency", ":material/account_balance:", "instansi"),
    _page("app_pages/region.py", "nav_region", ":material/map:", "wilayah"),
    _page("app_pages/compliance.py", "nav_compliance", ":material/fact_check:", "kepatuhan"),
    _page("app_pages/upload.py", "nav_upload", ":material/upload_file:", "unggah"),
]
ADMIN = [
    _page("app_pages/verification.py", "nav_verification", ":material/verified:", "verifikasi"),
    _page("app_pages/admin_accounts.py", "nav_admin_accounts", ":material/group:", "akun"),
    _page("app_pages/admin_calendar.py", "nav_admin_calendar", ":material/calendar_month:", "kalender"),
    _page("app_pages/admin_registry.py", "nav_admin_registry", ":material/domain:", "registri"),
    _page("app_pages/admin_audit.py", "nav_admin_audit", ":material/history:", "audit"),
]
SECTIONS = {t("nav_section_analysis"): ANALYSIS, t("nav_section_operations"): OPERATIONS, t("nav_section_admin"): ADMIN}
PAGES = {section: [p for p in pages if p is not None] for section, pages in SECTIONS.items()}
PAGES = {section: pages for section, pages in PAGES.items() if pages}

if scope is None:  # keep the address asked for (page and ?query) while signing in, run no page
    st.navigation(PAGES, position="hidden")
    auth_ui.login_screen()   # stops

auth_ui.sidebar(scope)
with st.sidebar:
    st.toggle(t("vo_switch"), key="verified_only", help=t("vo_switch_help"))
    st.caption(t("vo_showing_verified" if st.session_state.get("verified_only") else "vo_showing_all"))
    st.caption(t("sidebar_about"))

# One layout rule for phones: containers keyed wide_* show above 640 px, phone_* at or below (static CSS).
st.markdown("<style>@media (max-width:640px){[class*='st-key-wide_']{display:none!important}}"
            "@media (min-width:641px){[class*='st-key-phone_']{display:none!important}}</style>",
            unsafe_allow_html=True)
page = st.navigation(PAGES)
auth_ui.explain_denied_page(DENIED, page.title)   # an address outside the role: say so, never silently another page
# What this run shows, for the header block of downloads and the title block of chart PNGs (the page's
# filters add the period; require_data adds the synthetic flag).
st.session_state["_export_context"] = {"title": f"PantauRB — {page.title}"}
st.session_state["_export_synthetic"] = False
page.run()
