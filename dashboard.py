"""PantauRB dashboard. Run: streamlit run dashboard.py  (README's Quick start builds the demo first)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

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

st.navigation(PAGES).run()
