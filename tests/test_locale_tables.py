"""One locale, from the language switch: every table on a page writes its numbers in the UI language
(1.714,2 in Indonesian, 1,714.2 in English) whatever the browser's locale, and the downloads keep numbers."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from accounts import sign_in
from ui import format as F
from ui import i18n

APP = str(__import__("pathlib").Path(__file__).resolve().parents[1] / "dashboard.py")


def _series_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if any("1714" in str(v).replace(".", "").replace(",", "")
                                                     for v in d.value.astype(str).to_numpy().ravel()))


def test_indicator_tables_follow_the_language_switch(app_env):
    at = sign_in(AppTest.from_file(APP, default_timeout=60))
    at.query_params["indicator"] = "NAT_INV_REAL"
    at.run()
    at.switch_page("app_pages/indicator.py").run()
    assert not at.exception, [e.value for e in at.exception]
    cells = set(_series_table(at).astype(str).to_numpy().ravel())
    assert "1.714,2" in cells and "1.418,9" in cells, cells   # id: thousands dot, decimal comma
    assert not {"1,714.2", "1714.2"} & cells
    at.radio(key="lang").set_value("en").run()
    assert not at.exception, [e.value for e in at.exception]
    cells = set(_series_table(at).astype(str).to_numpy().ravel())
    assert "1,714.2" in cells and "1,418.9" in cells, cells  # en: thousands comma, decimal point
    assert not {"1.714,2", "1714.2"} & cells


def test_number_columns_format_per_language_and_keep_gaps(monkeypatch):
    df = pd.DataFrame({"value": [1714.2, None, 0.5], "n": [1200, 3, 4], "name": ["a", "b", "c"]})
    for language, expected in (("id", ["1.714,20", None, "0,50"]), ("en", ["1,714.20", None, "0.50"])):
        monkeypatch.setattr(i18n, "lang", lambda language=language: language)
        shown, config = F.number_columns(df, {"value": 2}, language)
        assert list(shown["value"]) == expected
        assert list(shown["n"]) == (["1.200", "3", "4"] if language == "id" else ["1,200", "3", "4"])
        assert set(config) == {"value", "n"} and list(shown["name"]) == ["a", "b", "c"]
    shown, _ = F.number_columns(pd.DataFrame({"year": [2024], "quarter": [4]}), None, "id")
    assert list(shown["year"]) == ["2024"] and list(shown["quarter"]) == ["4"]   # labels, not "2.024"
    # the download keeps numbers as numbers (plain CSV: decimal point; Indonesian CSV: decimal comma)
    assert b"1714.2" in F.to_csv_bytes(df) and b"1714,2" in F.to_csv_bytes(df, "id")


def test_no_browser_locale_formats_left():
    root = __import__("pathlib").Path(APP).parent
    for path in [*root.glob("app_pages/*.py"), *root.glob("ui/*.py"), root / "dashboard.py"]:
        assert 'format="localized"' not in path.read_text(encoding="utf-8"), path
