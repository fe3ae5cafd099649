"""Output helpers for the pages: numbers in the session language, status text, tables and charts with
their downloads, and widgets whose value lives in the URL (`st.query_params`) so a view can be shared.

Pure functions (`neutralise`, `to_csv_bytes`, `to_xlsx_bytes`, `chart_png`, `fmt`) are unit-tested
directly; the `show_*` and `url_*` helpers are thin Streamlit wrappers around them.
"""

from __future__ import annotations

import functools
import html
import io
import re
from typing import Any, Callable, Sequence

import pandas as pd
from openpyxl.styles import Font
import streamlit as st

from indicators import progress, rules_text, texts
from indicators.periods import qtime
from indicators.xlsx_text import ILLEGAL_XML_CHARS, neutralise_frame, neutralise_value
from ui.i18n import lang, t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------ pure helpers
neutralise = neutralise_frame   # one neutraliser for every download (indicators/xlsx_text.py)


def _flatten_for_export(df: pd.DataFrame) -> pd.DataFrame:
    """Lists/tuples/dicts in cells become text; timezone-aware datetimes become naive (xlsx needs it)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s) and getattr(s.dt, "tz", None) is not None:
            out[col] = s.dt.tz_localize(None)
        elif s.dtype == object:
            out[col] = s.map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple, set)) else
                             (str(v) if isinstance(v, dict) else v))
    return out


CSV_DECIMALS = 4  # exported floats are rounded (83.52941176470588 -> 83.5294); screens round further


def _rounded(df: pd.DataFrame, decimals: int = CSV_DECIMALS) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(decimals)
    return out


def absolute_links(df: pd.DataFrame, base_url: str | None) -> pd.DataFrame:
    """Relative page links ('./instansi?agency=21') become absolute ('https://host/instansi?agency=21'),
    so a link still works after the file travels. Without a base URL the table is returned unchanged."""
    if not base_url:
        return df
    base = base_url.rstrip("/") + "/"
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v: base + v[2:] if isinstance(v, str) and v.startswith("./") else v)
    return out


def to_csv_bytes(df: pd.DataFrame, locale: str = "plain", base_url: str | None = None) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it with the right characters), formulas neutralised, floats rounded,
    page links absolute. locale 'plain': comma separated, decimal point; 'id': what Excel and LibreOffice
    set to Indonesian expect, semicolon separated with a decimal comma."""
    data = neutralise(_flatten_for_export(absolute_links(_rounded(df), base_url)))
    if locale == "id":
        return data.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    return data.to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "Data", header: Sequence[tuple[str, str]] = (),
                  base_url: str | None = None) -> bytes:
    """An .xlsx with one sheet: an optional header block (label, text rows: title, period, source, generated
    at, filter) above the table, the table's header row frozen, numbers stored as numbers with a number
    format (whole numbers '#,##0', others '#,##0.0#'; the reader's Excel shows its own separators),
    formulas neutralised (openpyxl would otherwise write a text starting with '=' as a live formula)."""
    data = neutralise(_flatten_for_export(absolute_links(df, base_url)))
    for col in data.columns:
        if data[col].dtype == object or pd.api.types.is_string_dtype(data[col]):
            data[col] = data[col].map(lambda v: ILLEGAL_XML_CHARS.sub("", v) if isinstance(v, str) else v)
    head = [(neutralise_value(str(k)), neutralise_value(ILLEGAL_XML_CHARS.sub("", str(v)))) for k, v in header]
    start = len(head) + 1 if head else 0
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        data.to_excel(xw, index=False, sheet_name=sheet_name[:31], startrow=start)
        ws = xw.sheets[sheet_name[:31]]
        for r, (label, text) in enumerate(head, start=1):
            ws.cell(row=r, column=1, value=label).font = Font(bold=True)
            ws.cell(row=r, column=2, value=text)
        ws.freeze_panes = f"A{start + 2}"
        for i, col in enumerate(data.columns, start=1):
            width = min(60, max(10, len(str(col)) + 2, *(len(str(v)) + 1 for v in data[col].head(200))))
            ws.column_dimensions[ws.cell(row=start + 1, column=i).column_letter].width = width
            s = data[col]
            if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
                continue
            whole = pd.api.types.is_integer_dtype(s) or bool((s.dropna() % 1 == 0).all())
            fmt_ = "0" if str(col).endswith("year") or col in LABEL_NUMBER_COLUMNS else ("#,##0" if whole else "#,##0.0#")
            for row in ws.iter_rows(min_row=start + 2, max_row=start + 1 + len(data), min_col=i, max_col=i):
                row[0].number_format = fmt_
    return buf.getvalue()


def chart_png(chart, scale: float = 2.0, title: str | None = None, lines: Sequence[str] = ()) -> bytes:
    """PNG of an Altair chart through vl-convert (no browser), with the title block (title, then period,
    unit, source, synthetic label) when a title is given. vl-convert-python 1.9:
    vegalite_to_png(vl_spec: str | dict, vl_version=None, scale=None, ppi=None, config=None, ...)."""
    import vl_convert

    from indicators.charts import with_caption
    if title:
        chart = with_caption(chart, title, list(lines))
    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)


def fmt(x, decimals: int = 2, language: str | None = None) -> str:
    """Number in the session language: 1.234,5 (id) or 1,234.5 (en); '–' for missing."""
    return progress.fmt_number(x, decimals, language or lang())


def fmt_pct(x, decimals: int = 1, language: str | None = None) -> str:
    return "–" if progress._num(x) is None else fmt(x, decimals, language) + "%"


def capaian_text(raw, capped, language: str | None = None) -> str:
    """'93,0%', or for a capaian above the cap the raw number and what is credited: '518,0% (dihitung 110,0%)'."""
    if progress._num(raw) is None:
        return "–"
    if progress._num(capped) is not None and abs(raw - capped) > 1e-9:
        word = "credited" if (language or lang()) == "en" else "dihitung"
        return f"{fmt_pct(raw, 1, language)} ({word} {fmt_pct(capped, 1, language)})"
    return fmt_pct(raw, 1, language)


def fmt_target(low, high, text=None, decimals: int = 2, language: str | None = None) -> str:
    """'45', '6,00–7,00' for a band, or the categorical text (e.g. 'WTP'), in the session language."""
    return progress.fmt_target(low, high, text, decimals, language or lang())


def year_text(value) -> str:
    """A year that may come as a float or be missing: 2024.0 -> '2024', NaN -> '–'."""
    v = progress._num(value)
    return "–" if v is None else str(int(v))


def dash(value) -> str:
    """Text for a possibly missing value (None, NaN, empty) -> '–'."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA or value == "":
        return "–"
    return str(value)


# What makes Markdown active: links and images ([ ] ), raw HTML and autolinks (< >), emphasis and code (* _ ` ~),
# headings (#), math ($), Streamlit's :color[...] directives ([ ]) and the escape character itself.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>$~#|])")


def md(value) -> str:
    """Data-derived text for any element that renders Markdown (markdown, caption, headers, alerts, metric
    labels): the characters that make Markdown/HTML active are backslash-escaped, so names show literally
    and can never become links, images, HTML or formatting. Line breaks become spaces; a leading list
    marker stays text."""
    text = dash(value) if value is None or isinstance(value, float) else str(value)
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))
    return "\\" + text if text[:1] in ("-", "+", "=") else text


def safe_url(value) -> str | None:
    """The URL when it is http(s) with a host, else None (never javascript:, data:, relative tricks)."""
    from urllib.parse import quote, urlsplit
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe=":/?#[]@!$&'*+,;=%~-._")   # spaces, quotes, brackets, <> are percent-encoded


def source_markdown(value) -> str:
    """A stored source as a short Markdown citation (publisher and title linked, date, 'sumber sekunder');
    several sources separated by ' ; ' each get one."""
    text = dash(value)
    if text == "–":
        return text
    return " ; ".join(texts.cite_markdown(piece, lang()) for piece in text.split(" ; "))


def source_text(value) -> str:
    """A stored source as one plain citation line in the session language."""
    return texts.cite(value, lang())


def confidence_text(value) -> str:
    """'high' -> 'tinggi' / 'high'; missing -> '–'."""
    return t(f"confidence_{value}") if value in ("high", "medium", "low") else dash(value)


def status_text(status: str | None, language: str | None = None) -> str:
    labels = progress.STATUS_LABELS["en" if (language or lang()) == "en" else "id"]
    return labels.get(status or "", status or "–")


def period_text(t_value, language: str | None = None, month=None) -> str:
    """A data time in words. `month` (the published figure's month, e.g. 3 for the March poverty round) says the
    data are monthly or per round: 'Maret 2024', not 'TW I 2024'; December figures read as the year."""
    m = progress._num(month)
    freq = "month" if m is not None and int(m) != 12 else None
    return progress.format_time(t_value, language or lang(), freq)


def quarter_text(year: int, quarter: int, language: str | None = None) -> str:
    """TW IV 2024 / Q4 2024 (a Q4 time equals the year end, which period_text prints as 2024)."""
    return progress.format_time(qtime(year, quarter), language or lang(), freq="quarter")


# ------------------------------------------------------------------ streamlit: tables and charts
def number_columns(df: pd.DataFrame, decimals: dict[str, int] | int | None,
                   language: str | None = None) -> tuple[pd.DataFrame, dict]:
    """The table as shown: every numeric column written in the session language (1.234,5 in Indonesian,
    1,234.5 in English; never the browser's locale), right-aligned, with the column's decimals; missing
    values stay empty (shown as '–'). Returns (shown frame, column_config). Only the rows on screen are
    formatted (at most PAGE_ROWS), and downloads keep the numbers as numbers."""
    language = language or lang()
    out, config = df.copy(), {}
    for c in df.columns:
        if pd.api.types.is_bool_dtype(df[c]) or not pd.api.types.is_numeric_dtype(df[c]):
            continue
        if isinstance(decimals, dict) and c in decimals:
            prec = decimals[c]
        elif decimals is not None and not isinstance(decimals, dict):
            prec = decimals
        elif pd.api.types.is_integer_dtype(df[c]):
            prec = 0
        else:  # whole numbers stored as floats (counts, targets) print without decimals
            vals = df[c].dropna().to_numpy()
            prec = 0 if len(vals) and (vals % 1 == 0).all() else 2
        if c in LABEL_NUMBER_COLUMNS or str(c).endswith("year"):   # 2024 is a label, never "2.024"
            out[c] = pd.Series([None if progress._num(v) is None else str(int(progress._num(v))) for v in df[c]],
                               index=df.index, dtype=object)
        else:
            out[c] = pd.Series([None if progress._num(v) is None else progress.fmt_number(v, prec, language)
                                for v in df[c]], index=df.index, dtype=object)
        config[c] = st.column_config.TextColumn(alignment="right")
    return out, config


# Download file names are Indonesian words joined by '_'; in English mode each word is translated.
_FILE_WORDS_EN = {
    "kepatuhan": "compliance", "matriks": "matrix", "tema": "theme", "status": "status", "perubahan": "changes",
    "katalog": "catalogue", "indikator": "indicator", "seri": "series", "nasional": "national", "target": "target",
    "sebaran": "distribution", "instansi": "agency", "renaksi": "action_plans",
    "capaian": "achievement", "akhir": "final", "tanda": "receipt", "terima": "", "bertanda": "marked",
    "masalah": "problems", "catatan": "notes", "penyunting": "editors", "riwayat": "history", "rapor": "report_card", "wilayah": "regions", "provinsi": "provinces",
    "kabkota": "regencies_cities", "laporan": "report", "tindak": "follow", "lanjut": "up", "daftar": "list",
    "nilai": "values", "tindaklanjut": "follow_up", "belum": "missing", "lapor": "reports", "unggahan": "uploads",
}


_FILE_PHRASES_EN = {
    "capaian_akhir": "final_results", "tanda_terima": "receipt", "seri_nasional": "national_series",
    "katalog_indikator": "indicator_catalogue", "catatan_penyunting": "editors_notes", "matriks_tema": "theme_matrix",
    "status_tema": "theme_status", "instansi_terjauh_dari_target": "agencies_furthest_from_target",
    "indikator_terjauh_dari_target": "indicators_furthest_from_target",
}


def file_stem(name: str, language: str | None = None) -> str:
    """A download's file name in the session language: 'kepatuhan_2024_TW4' -> 'compliance_2024_Q4' in English."""
    if (language or lang()) != "en":
        return name
    for phrase, english in _FILE_PHRASES_EN.items():
        name = name.replace(phrase, english)
    words = []
    for w in name.split("_"):
        m = re.fullmatch(r"TW(\d)", w)
        w = f"Q{m.group(1)}" if m else _FILE_WORDS_EN.get(w.lower(), w)
        if w:
            words.append(w)
    return "_".join(words)


def _base_url() -> str | None:
    """The dashboard's address as the reader's browser sees it (for absolute links in exports)."""
    try:
        url = st.context.url
    except Exception:  # outside a browser session (AppTest, bare mode)
        return None
    m = re.match(r"(https?://[^/?#]+)", url or "")
    return m.group(1) if m else None


class _FilterLabels(dict):
    """URL parameter -> its name in the session language, for the 'Filter' line of an export header."""
    KEYS = {"indicator": "filter_indicator", "agency": "col_agency_name", "year": "col_year", "quarter": "col_quarter",
            "theme": "col_theme", "scope": "col_scope", "province": "col_province_name", "level": "col_level",
            "tw": "col_period", "asof": "col_period", "ryear": "col_year"}

    def get(self, key, default=None):
        from ui.i18n import _catalogue
        name = self.KEYS.get(key)
        return t(name) if name and name in _catalogue() else default


_FILTER_LABELS = _FilterLabels()


def export_header(title: str | None = None) -> list[tuple[str, str]]:
    """The header block of an xlsx export: title, period, source, generated at, filter (the page's URL
    parameters), in the session language."""
    from datetime import datetime, timezone

    from loaders.timefmt import datetime_text
    ctx = st.session_state.get("_export_context", {})
    filters = ", ".join(f"{_FILTER_LABELS.get(k, k)}: {v}" for k, v in st.query_params.to_dict().items()
                        if k not in ("lang", "asof_page") and not k.endswith("_page"))
    rows = [(t("export_title"), title or ctx.get("title", "PantauRB")), (t("export_period"), ctx.get("period", "–")),
            (t("export_source"), t("export_source_text")),
            (t("export_generated"), datetime_text(datetime.now(timezone.utc).replace(tzinfo=None), lang())),
            (t("export_filter"), filters or "–")]
    if st.session_state.get("_export_synthetic"):
        rows.append(("", t("synthetic_badge")))
    return rows


def set_export_context(*, period: str | None = None, title: str | None = None,
                       synthetic: bool | None = None) -> None:
    """What the page shows (period, title; whether synthetic data is involved), for the header block of
    its downloads and the title block of its chart PNGs."""
    ctx = st.session_state.setdefault("_export_context", {})
    if period is not None:
        ctx["period"] = period
    if title is not None:
        ctx["title"] = title
    if synthetic is not None:
        st.session_state["_export_synthetic"] = bool(synthetic)


def download_buttons(df: pd.DataFrame, name: str, key: str, title: str | None = None) -> None:
    """CSV (plain and Indonesian-locale) and xlsx downloads of `df`, generated only when clicked, formulas
    neutralised, file names in the session language."""
    name, base = file_stem(name), _base_url()
    row = st.container(horizontal=True, gap="small")
    row.download_button(t("download_csv"), functools.partial(to_csv_bytes, df, "plain", base), file_name=f"{name}.csv",
                        mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/download:",
                        help=t("download_csv_help"))
    row.download_button(t("download_csv_id"), functools.partial(to_csv_bytes, df, "id", base),
                        file_name=f"{name}_id.csv", mime="text/csv", key=f"{key}_csv_id", on_click="ignore",
                        icon=":material/download:", help=t("download_csv_id_help"))
    row.download_button(t("download_xlsx"), functools.partial(to_xlsx_bytes, df, "Data", export_header(title), base),
                        file_name=f"{name}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
                        icon=":material/download:")


PAGE_ROWS = 500   # rows per page of a large table (the download always has every row)


def show_table(df: pd.DataFrame, name: str, key: str, *, column_config: dict | None = None,
               decimals: dict[str, int] | int | None = None, height: int | str = "auto",
               export: pd.DataFrame | None = None, column_order: Sequence[str] | None = None) -> None:
    """st.dataframe with number formats from `column_config`, paged above PAGE_ROWS rows, plus CSV/xlsx
    downloads of every row (of `export` when given, so the download can carry traceability columns the
    screen hides)."""
    shown = df
    if len(df) > PAGE_ROWS:
        pages = -(-len(df) // PAGE_ROWS)
        page = st.number_input(t("table_page", pages=fmt(pages, 0)), min_value=1, max_value=pages, value=1, step=1,
                               key=f"{key}_page", width=200)
        start = (int(page) - 1) * PAGE_ROWS
        shown = df.iloc[start:start + PAGE_ROWS]
    shown, numbers = number_columns(shown, decimals)
    config = {**numbers, **(column_config or {})}
    st.dataframe(shown, hide_index=True, column_config=config, height=height, column_order=column_order,
                 key=f"{key}_df", placeholder="–")
    if len(df) > len(shown):
        st.caption(t("table_rows", start=fmt(start + 1, 0), end=fmt(start + len(shown), 0), total=fmt(len(df), 0)))
    download_buttons(df if export is None else export, name, key)


def file_input(label: str, key: str, *, help: str | None = None):
    """An .xlsx upload box. Streamlit 1.67 draws the box's own words in English and offers no way to change
    them, so in Indonesian mode a caption above the box says what they mean."""
    if lang() != "en":
        st.caption(t("uploader_words"))
    return st.file_uploader(label, type=["xlsx"], key=key, help=help)


def chart_synthetic(chart) -> bool | None:
    """Whether the chart draws synthetic values: any `synthetic` flag in the data of the chart or its layers /
    concatenated or faceted parts; None when no part carries the flag (then the page's setting decides)."""
    found, stack = [], [chart]
    while stack:
        c = stack.pop()
        data = getattr(c, "data", None)
        if isinstance(data, pd.DataFrame) and "synthetic" in data.columns:
            found.append(bool(data["synthetic"].fillna(False).astype(bool).any()))
        for attr in ("layer", "hconcat", "vconcat", "concat"):
            parts = getattr(c, attr, None)
            if isinstance(parts, list):
                stack.extend(parts)
        spec = getattr(c, "spec", None)
        if spec is not None and not isinstance(spec, (str, dict)) and hasattr(spec, "to_dict"):
            stack.append(spec)
    return any(found) if found else None


def chart_caption_lines(unit: str | None = None, source: str | None = None, synthetic: bool | None = None) -> list[str]:
    """Period, unit, source and — only when synthetic values are drawn — the synthetic-data label, for a chart's
    exported title block. `source`: the chart's own source (a citation or 'n agency reports'); default the
    general line (catalogue series and agency reports)."""
    ctx = st.session_state.get("_export_context", {})
    lines = [f"{t('export_period')}: {ctx['period']}" if ctx.get("period") else "",
             f"{t('export_unit')}: {unit}" if unit else "",
             f"{t('export_source')}: {source or t('export_source_text')}"]
    if st.session_state.get("_export_synthetic") if synthetic is None else synthetic:
        lines.append(t("synthetic_badge"))
    return [x for x in lines if x]


def show_chart(chart, name: str, key: str, *, alt_text: str | None = None, title: str | None = None,
               unit: str | None = None, source: str | None = None) -> None:
    """st.altair_chart + a PNG download rendered by vl-convert when clicked; the PNG carries a title block
    (title — e.g. the indicator's name —, period, unit, source, and the synthetic label only when the chart's
    data carry synthetic values), its file name follows the session language."""
    st.altair_chart(chart, key=f"{key}_chart", alt=alt_text)
    heading = title or alt_text or st.session_state.get("_export_context", {}).get("title", "PantauRB")
    lines = chart_caption_lines(unit, source, chart_synthetic(chart))
    st.download_button(t("download_png"), functools.partial(chart_png, chart, 2.0, heading, lines),
                       file_name=f"{file_stem(name)}.png", mime="image/png", key=f"{key}_png", on_click="ignore",
                       icon=":material/image:")


def synthetic_note(flag: bool | pd.Series | pd.DataFrame) -> None:
    """The 'Synthetic (demo) data' badge, shown whenever synthetic agencies or submissions are involved."""
    if isinstance(flag, pd.DataFrame):
        flag = bool(flag["synthetic"].fillna(False).astype(bool).any()) if "synthetic" in flag else False
    elif isinstance(flag, pd.Series):
        flag = bool(flag.fillna(False).astype(bool).any())
    if flag:
        st.badge(t("synthetic_badge"), icon=":material/science:", color="orange")


def synthetic_column(df: pd.DataFrame, column: str = "synthetic") -> pd.Series:
    """The synthetic flag as text ('Data sintetis (demo)' / '') for tables."""
    label = t("synthetic_badge")
    return per_value(df[column], lambda v: label if v is not None and bool(v) else "")


# ------------------------------------------------------------------ streamlit: widgets bound to the URL
def url_select(label: str, options: Sequence, param: str, *, default=None,
               format_func: Callable[[Any], str] = str, widget: str = "selectbox", **kwargs):
    """A selectbox/radio/segmented control whose value is read from and written to ?param=... .

    The URL wins when it differs from what this helper last wrote (a shared link, or st.page_link with
    query_params); otherwise the session's current choice is kept, also across pages (the value is
    re-assigned so Streamlit does not drop it when the page changes). Unknown URL values fall back to
    the current choice, then `default`, then the first option."""
    options = list(options)
    wkey, last_key = f"url_{param}", f"_url_written_{param}"
    if not options:
        st.query_params.pop(param, None)
        return None
    by_text = {str(o): o for o in options}
    # Labels are computed now, in the session's language; the widget gets a plain lookup (AppTest and
    # Streamlit may call format_func again outside this script run, where the language is unknown).
    labels = {o: str(format_func(o)) for o in options}
    format_func = labels.__getitem__
    raw = st.query_params.get(param)
    unknown = raw is not None and raw != st.session_state.get(last_key) and raw not in by_text
    if raw is not None and raw != st.session_state.get(last_key) and raw in by_text:
        st.session_state[wkey] = by_text[raw]
    elif wkey in st.session_state and st.session_state[wkey] in options:
        st.session_state[wkey] = st.session_state[wkey]
    else:
        st.session_state[wkey] = default if default in options else options[0]
    if widget == "radio":
        value = st.radio(label, options, key=wkey, format_func=format_func, **kwargs)
    elif widget == "segmented":
        value = st.segmented_control(label, options, key=wkey, format_func=format_func, **kwargs)
        if value is None:  # deselected: keep showing the data for the default
            value = default if default in options else options[0]
    else:
        value = st.selectbox(label, options, key=wkey, format_func=format_func, **kwargs)
    if unknown:  # a link with a value we do not know: say so, never silently show something else
        _unknown_value_notice(label, raw, value, labels, wkey, param)
    st.query_params[param] = st.session_state[last_key] = str(value)
    return value


def nearest_option(raw: str, labels: dict) -> Any | None:
    """The option whose value or label is closest to `raw` (difflib ratio ≥ 0.5), or None."""
    import difflib
    texts = {}
    for option, text in labels.items():
        texts.setdefault(str(option).lower(), option)
        texts.setdefault(str(text).lower(), option)
    match = difflib.get_close_matches(str(raw).lower(), list(texts), n=1, cutoff=0.5)
    return texts[match[0]] if match else None


def _unknown_value_notice(label: str, raw: str, shown, labels: dict, wkey: str, param: str) -> None:
    nearest = nearest_option(raw, labels)
    text = t("url_unknown", value=raw, label=label, shown=labels.get(shown, str(shown)))
    st.warning(text, icon=":material/link_off:")
    if nearest is not None:  # also when it is what is shown: one click confirms it
        def choose():
            st.session_state[wkey] = nearest
            st.session_state[f"_url_written_{param}"] = str(nearest)
            st.query_params[param] = str(nearest)
        st.button(t("url_nearest", nearest=labels[nearest]), key=f"url_nearest_{param}", on_click=choose,
                  icon=":material/arrow_forward:")


def url_toggle(label: str, param: str, *, default: bool = False, **kwargs) -> bool:
    wkey = f"url_{param}"
    if wkey not in st.session_state:
        raw = st.query_params.get(param)
        st.session_state[wkey] = default if raw is None else raw in ("1", "true", "yes")
    value = st.toggle(label, key=wkey, **kwargs)
    st.query_params[param] = "1" if value else "0"
    return value


# ------------------------------------------------------------------ tables for people
STATUS_COLUMNS = ("status", "rollup_status", "before_status", "after_status", "pacing_status", "worst_status")
TIME_COLUMNS = ("latest_time", "t")
# Whole numbers that are labels, not quantities: shown as text so 2024 never prints as "2.024".
LABEL_NUMBER_COLUMNS = ("year", "quarter", "month", "version", "last_quarter", "baseline_year", "target_year",
                        "latest_year", "latest_quarter", "row_no")


def status_chip(status: str | None, language: str | None = None) -> str:
    """HTML: a colour square (Okabe–Ito) followed by the status label; the label always carries the meaning."""
    from indicators.charts import PACING_COLORS, STATUS_COLORS
    color = STATUS_COLORS.get(status or "", PACING_COLORS.get(status or "", "#BBBBBB"))
    return (f'<span style="display:inline-block;width:0.8em;height:0.8em;border-radius:2px;'
            f'background:{color};border:1px solid #555;margin-right:0.35em;vertical-align:-0.05em"></span>'
            f'<b>{status_text(status, language)}</b>')


def type_titles() -> dict[str, str]:
    """Agency-type labels for the chart builders' `titles` (type_KL -> 'K/L', ...)."""
    return {f"type_{c}": t(f"type_{c}") for c in ("KL", "PROV", "KAB", "KOTA")}


def agency_type_text(code: str | None) -> str:
    return t(f"type_{code}") if code in ("KL", "PROV", "KAB", "KOTA", "ALL") else (code or "")


def per_value(series: pd.Series, fn) -> pd.Series:
    """`fn` applied once per distinct value, then mapped onto the rows (labels are few, rows are many);
    missing values get `fn(None)`."""
    values = series.astype(object)   # a nullable integer column (Int32) would refuse the text labels
    table = {v: fn(v) for v in values.dropna().unique()}
    out = values.map(table).astype(object)
    return out.where(values.notna(), fn(None)) if values.isna().any() else out


def present(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Pick `columns`, turn codes into words (status labels, agency types, periods, the synthetic flag)
    and give every column its header from the strings (key 'col_<name>')."""
    out = df[list(columns)].copy()
    language = lang()
    for c in columns:
        english = f"{c}_en"
        if c in ("unit", "name") and language == "en" and english in df.columns:
            # catalogue texts have an English twin: show it in English mode, else the Indonesian text
            out[c] = df[english].where(df[english].fillna("").astype(str).str.strip() != "", df[c])
        elif c in STATUS_COLUMNS:
            out[c] = per_value(out[c], lambda s: status_text(s, language) if isinstance(s, str) else "")
        elif c == "agency_type":
            out[c] = per_value(out[c], agency_type_text)
        elif c == "latest_time":  # agency values are quarterly: TW IV 2024, not "2024"
            out[c] = per_value(out[c], lambda v: progress.format_time(v, language, freq="quarter")
                               if progress._num(v) is not None else "")
        elif c in TIME_COLUMNS:
            out[c] = per_value(out[c], lambda v: period_text(v, language) if progress._num(v) is not None else "")
        elif c == "synthetic":
            out[c] = synthetic_column(out, c)
        elif c == "confidence":
            out[c] = per_value(out[c], lambda v: t(f"confidence_{v}") if v in ("high", "medium", "low") else v)
        elif c == "basis_code":
            out[c] = per_value(out[c], lambda v: rules_text.basis_label(v, language) if isinstance(v, str) else "")
        elif c in ("source", "target_source_cite"):
            out[c] = per_value(out[c], lambda v: "" if texts.cite(v, language) == "–" else texts.cite(v, language))
        elif c in LABEL_NUMBER_COLUMNS:
            out[c] = per_value(out[c], lambda v: "" if progress._num(v) is None else str(int(progress._num(v))))
        elif pd.api.types.is_datetime64_any_dtype(out[c]):
            midnight = bool((out[c].dropna().dt.normalize() == out[c].dropna()).all())
            out[c] = per_value(out[c], lambda v: "" if v is None or pd.isna(v) else texts.format_date(v, language)
                               if midnight else texts.format_datetime_wib(v, language))
    out.columns = [t(f"col_{c}") for c in columns]
    return out


def col(name: str) -> str:
    """The header `present()` gives column `name` (for column_config keys)."""
    return t(f"col_{name}")


# ------------------------------------------------------------------ operational pages
def quarter_label(year, quarter, language: str | None = None) -> str:
    """quarter_text for untidy input: year/quarter may be text ('2024') or missing (NaN/None -> '–')."""
    y, qq = progress._num(year), progress._num(quarter)
    if y is None or qq is None:
        return "–"
    return progress.format_time(qtime(int(y), int(qq)), language or lang(), "quarter")


def wrapped_table_html(df: pd.DataFrame, css_class: str = "pr-wrapped") -> str:
    """`df` as an HTML table whose cells wrap in full (the first two columns, short labels, never break).
    Below 700 px each row becomes a block with the column name before each value, so nothing needs sideways
    scrolling on a phone. Every cell is escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f'<td data-label="{html.escape(str(c))}">{html.escape("" if v is None else str(v))}</td>'
                         for c, v in zip(df.columns, row)) + "</tr>"
        for row in df.itertuples(index=False))
    style = (f"<style>.{css_class}{{border-collapse:collapse;width:100%;font-size:.9rem}}"
             f".{css_class} th,.{css_class} td{{border:1px solid rgba(128,128,128,.35);padding:.35rem .5rem;"
             f"text-align:left;vertical-align:top;overflow-wrap:break-word}}"
             f".{css_class} td:nth-child(-n+2),.{css_class} th:nth-child(-n+2){{white-space:nowrap}}"
             f".{css_class} th{{background:rgba(128,128,128,.12)}}"
             f"@media (max-width:700px){{.{css_class} thead{{display:none}}.{css_class} tr{{display:block;"
             f"border:1px solid rgba(128,128,128,.35);margin-bottom:.6rem}}.{css_class} td{{display:block;"
             f"border:none;padding:.2rem .5rem}}.{css_class} td:empty{{display:none}}"
             f".{css_class} td::before{{content:attr(data-label) ': ';font-weight:600}}}}</style>")
    return f'{style}<table class="{css_class}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# ------------------------------------------------------------------ a message that survives the rerun after a write
FLASH_KEY = "flash"


def flash_and_rerun(message: str) -> None:
    """After a successful write: rerun the page (so it shows the new state) and say what was done."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    """The message `flash_and_rerun` left, once."""
    if FLASH_KEY in st.session_state:
        st.success(st.session_state.pop(FLASH_KEY))
