"""PantauRB dashboard. Run: streamlit run dashboard.py  (README's Quick start builds the demo first)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.i18n import LANGS, lang, t

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="PantauRB", page_icon=":material/monitoring:", layout="wide")

# Language switch: Bahasa Indonesia first; kept in the URL (?lang=en) so a shared link keeps it.
if "lang" not in st.session_state:
    st.session_state["lang"] = lang()
with st.sidebar:
    st.radio(t("language"), LANGS, key="lang", horizontal=True,
             format_func=lambda code: {"id": "Bahasa Indonesia", "en": "English"}[code])
st.query_params["lang"] = st.session_state["lang"]


def _page(path: str, title_key: str, icon: str, url_path: str | None = None, **kwargs) -> st.Page:
    return st.Page(path, title=t(title_key), icon=icon, url_path=url_path, **kwargs)


ANALYSIS = [
    _page("app_pages/national.py", "nav_national", ":material/dashboard:", default=True),  # served at /
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
PAGES = {t("nav_section_analysis"): ANALYSIS, t("nav_section_operations"): OPERATIONS}

with st.sidebar:
    st.caption(t("sidebar_about"))

# One layout rule for phones: containers keyed wide_* show above 640 px, phone_* at or below (static CSS).
st.markdown("<style>@media (max-width:640px){[class*='st-key-wide_']{display:none!important}}"
            "@media (min-width:641px){[class*='st-key-phone_']{display:none!important}}</style>",
            unsafe_allow_html=True)
page = st.navigation(PAGES)
# What this run shows, for the header block of downloads and the title block of chart PNGs (the page's
# filters add the period; require_data adds the synthetic flag).
st.session_state["_export_context"] = {"title": f"PantauRB — {page.title}"}
st.session_state["_export_synthetic"] = False
page.run()
