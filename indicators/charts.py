"""Pure Altair chart builders for the dashboard: DataFrame in, `alt.Chart` out.

They never call streamlit and never cache. Labels come in through `titles` (the page passes text
from ui.i18n) and `lang` ("id" | "en": status labels, period labels and the number locale, Indonesian
1.234,5). Status colours are the Okabe–Ito colour-blind-safe palette, and every colour is named by a
text label (legend, axis or cell text). Tooltips carry submission_id / source so a number can be
traced back to its report.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import altair as alt
import pandas as pd

from indicators import progress, texts
from indicators.periods import time_to_date

# Okabe & Ito (2008) palette: https://jfly.uni-koeln.de/color/
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
             "grey": "#BBBBBB"}

# One palette per meaning; no colour is reused for another meaning.
# Status against a target: Okabe-Ito hues, green (achieved) to vermillion (deterioration).
STATUS_ORDER = ("target_achieved", "on_track", "acceleration_needed", "limited_progress", "deterioration",
                "unable_to_assess")
STATUS_COLORS = {"target_achieved": OKABE_ITO["bluish_green"], "on_track": OKABE_ITO["sky_blue"],
                 "acceleration_needed": OKABE_ITO["yellow"], "limited_progress": OKABE_ITO["orange"],
                 "deterioration": OKABE_ITO["vermillion"], "unable_to_assess": OKABE_ITO["grey"]}
# Direction of change of a series without a target (never counted with the statuses above): purples.
TREND_ORDER = ("trend_improving", "trend_stable", "trend_worsening", "discontinued")
TREND_COLORS = {"trend_improving": "#CC79A7", "trend_stable": "#E7C3D7", "trend_worsening": "#7A2E5A",
                "discontinued": "#F2F2F2"}
STATUS_COLORS.update(TREND_COLORS)
VERDICT_ORDER = (*STATUS_ORDER[:-1], *TREND_ORDER, STATUS_ORDER[-1])
# Within-year pacing of action plans: a single-hue blue scale (dark = ahead).
PACING_ORDER = ("above_target", "on_target", "at_risk", "concerned", "no_target", "no_data")
PACING_COLORS = {"above_target": "#08306B", "on_target": "#2171B5", "at_risk": "#9ECAE1",
                 "concerned": "#DEEBF7", "no_target": "#BDBDBD", "no_data": "#DDDDDD"}
# Reporting compliance: teal to brown (ColorBrewer BrBG).
COMPLIANCE_ORDER = ("on_time", "revised", "late", "not_received")
COMPLIANCE_COLORS = {"on_time": "#01665E", "revised": "#80CDC1", "late": "#DFC27D",
                     "not_received": "#8C510A"}
NEUTRAL_COLOR = "#8C8C8C"  # capaian and other plain numbers: no status colour
COMPLIANCE_LABELS = {lang: {s: texts.COMPLIANCE_LABELS[lang][s] for s in COMPLIANCE_ORDER} for lang in ("id", "en")}
AGENCY_TYPE_ORDER = ("KL", "PROV", "KAB", "KOTA")
SERIES_COLORS = (OKABE_ITO["blue"], OKABE_ITO["reddish_purple"], OKABE_ITO["black"], "#777777")

# d3-format locales (https://github.com/d3/d3-format/tree/main/locale): Indonesian uses a decimal comma.
NUMBER_LOCALES = {
    "id": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}


_COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)


_CONFIDENCE = {"id": {"high": "tinggi", "medium": "sedang", "low": "rendah"},
               "en": {"high": "high", "medium": "medium", "low": "low"}}


def _cite(source, lang: str) -> str:
    """A source in a tooltip: the one citation form (texts.cite) with a short link; '' when missing."""
    from indicators import texts
    text = texts.cite(source, lang, short_links=True)
    return "" if text == "–" else text


def locale_config(lang: str = "id") -> dict:
    """Vega-Lite `config.locale` for the language (numbers as 1.234,5 in Indonesian)."""
    return {"number": NUMBER_LOCALES["en" if lang == "en" else "id"]}


def status_label(status: str | None, lang: str = "id") -> str:
    labels = progress.STATUS_LABELS["en" if lang == "en" else "id"]
    return labels.get(status or "unable_to_assess", status or "")


def _status_scale(lang: str, order=VERDICT_ORDER, colors=STATUS_COLORS, labels=None) -> alt.Scale:
    labels = labels or progress.STATUS_LABELS["en" if lang == "en" else "id"]
    return alt.Scale(domain=[labels[s] for s in order], range=[colors[s] for s in order])


def _finish(chart, lang: str):
    return chart.configure(locale=locale_config(lang)).configure_view(stroke=None)


def _t(titles: dict | None, key: str, default: str) -> str:
    return (titles or {}).get(key, default)


def _with_type_labels(d: pd.DataFrame, titles: dict | None) -> tuple[pd.DataFrame, list[str]]:
    """Adds `type_label` (titles["type_KL"] etc., default the code) and returns the labels in order."""
    labels = {c: _t(titles, f"type_{c}", c) for c in AGENCY_TYPE_ORDER}
    d = d.copy()
    d["type_label"] = [labels.get(c, c) for c in d["agency_type"]]
    return d, [labels[c] for c in AGENCY_TYPE_ORDER]


def _num_format(decimals: int | None) -> str:
    return f",.{max(0, int(decimals or 0))}f"


# ------------------------------------------------------------------ theme x status matrix
def status_matrix_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None) -> alt.Chart:
    """Theme (rows) x status (columns) cells coloured by status, with the count as text; one panel
    per scope (agency assessments / national indicators). Input: queries.theme_status_matrix."""
    lang = "en" if lang == "en" else "id"
    d = df.copy()
    d["status_label"] = [status_label(s, lang) for s in d["status"]]
    d["theme_label"] = d["theme_name_en"] if lang == "en" else d["theme_name"]
    d["scope_label"] = [_t(titles, f"scope_{s}", s) for s in d["scope"]]
    d["rollup_label"] = [status_label(s, lang) for s in d["rollup_status"]]
    themes = list(dict.fromkeys(d.sort_values("sort_order", na_position="last")["theme_label"]))
    present = set(d["status"])
    statuses = [status_label(s, lang) for s in VERDICT_ORDER if s in present or s in STATUS_ORDER]
    # Status names as two-line labels below the cells ("Perlu / percepatan"), never dropped for overlap;
    # below, because multi-line labels above a faceted panel run into its header and the axis line.
    x = alt.X("status_label:N", sort=statuses, title=None,
              axis=alt.Axis(orient="bottom", labelAngle=0, labelOverlap=False, labelExpr="split(datum.label, ' ')",
                            labelFontSize=11, labelLimit=0))
    y = alt.Y("theme_label:N", sort=themes, title=None, axis=alt.Axis(labelLimit=250))
    tooltip = [alt.Tooltip("theme_label:N", title=_t(titles, "theme", "Tema")),
               alt.Tooltip("status_label:N", title=_t(titles, "status", "Status")),
               alt.Tooltip("n:Q", title=_t(titles, "count", "Jumlah")),
               alt.Tooltip("rollup_label:N", title=_t(titles, "rollup", "Status tema"))]
    base = alt.Chart(d).encode(x=x, y=y, tooltip=tooltip)
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status_label:N", scale=_status_scale(lang), title=_t(titles, "status", "Status"),
                        legend=alt.Legend(orient="bottom", columns=3)))
    text = base.mark_text(fontSize=12, fontWeight="bold").encode(
        text=alt.Text("n:Q", format=",d"),
        color=alt.condition(alt.FieldOneOfPredicate(field="status", oneOf=list(_WHITE_TEXT)),
                            alt.value("white"), alt.value("black")))
    # One panel above the other (agency assessments, then national indicators): fits a laptop screen
    # even with eight themes and the statuses with and without a target.
    chart = alt.layer(rect, text).properties(width=alt.Step(60), height=alt.Step(30)).facet(
        row=alt.Row("scope_label:N", title=None, sort=[_t(titles, "scope_agency", "agency"),
                                                      _t(titles, "scope_national", "national")],
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top",
                                      labelFontWeight="bold", labelFontSize=12, labelPadding=10)))
    return _finish(chart.resolve_scale(y="independent"), lang)


# ------------------------------------------------------------------ status distribution by agency type
def status_by_type_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None) -> alt.Chart:
    """Stacked bars: assessments per agency type split by status (queries.theme_status_by_type)."""
    lang = "en" if lang == "en" else "id"
    d, types = _with_type_labels(df, titles)
    d["status_label"] = [status_label(s, lang) for s in d["status"]]
    d["status_rank"] = [STATUS_ORDER.index(s) if s in STATUS_ORDER else 99 for s in d["status"]]
    chart = alt.Chart(d).mark_bar().encode(
        y=alt.Y("type_label:N", sort=types, title=_t(titles, "agency_type", "Jenis instansi")),
        x=alt.X("sum(n):Q", stack="zero", title=_t(titles, "count", "Jumlah penilaian"), axis=_COUNT_AXIS),
        color=alt.Color("status_label:N", scale=_status_scale(lang), title=_t(titles, "status", "Status"),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("status_rank:Q"),
        tooltip=[alt.Tooltip("type_label:N", title=_t(titles, "agency_type", "Jenis instansi")),
                 alt.Tooltip("status_label:N", title=_t(titles, "status", "Status")),
                 alt.Tooltip("sum(n):Q", title=_t(titles, "count", "Jumlah"))],
    ).properties(height=alt.Step(34))
    return _finish(chart, lang)


# ------------------------------------------------------------------ indicator series with targets
def _date(t) -> str:
    """Fractional time (docs/architecture.md) -> ISO date of the period end it stands for."""
    return time_to_date(float(t)).isoformat()


def _shift(t, days: int) -> str:
    return (time_to_date(float(t)) + timedelta(days=days)).isoformat()


def _time_axis(lang: str, title: str, years: list[int], baseline_year: int | None = None,
               quarterly: bool = True) -> alt.Axis:
    """A real time axis: one tick at the end of every year, labelled "TW IV 2021" / "Q4 2021" for quarterly
    data and "2021" for annual, monthly or per-round data (the data's own frequency); the baseline year's tick
    reads "Dasar 2019" / "Baseline 2019"."""
    q = "floor(utcmonth(datum.value) / 3)"  # 0..3 (utcmonth is 0-based): the same in every browser time zone
    prefix = f"'Q' + ({q} + 1)" if lang == "en" else f"'TW ' + ['I', 'II', 'III', 'IV'][{q}]"
    expr = f"{prefix} + ' ' + utcyear(datum.value)" if quarterly else "'' + utcyear(datum.value)"
    if baseline_year is not None:
        word = "Baseline" if lang == "en" else "Dasar"
        expr = f"utcyear(datum.value) == {int(baseline_year)} ? '{word} {int(baseline_year)}' : {expr}"
    return alt.Axis(title=title, values=[_date(y) for y in years], labelExpr=expr, labelAngle=0, grid=True)


def series_chart(series: pd.DataFrame, targets: pd.DataFrame, lang: str = "id", titles: dict | None = None,
                 decimals: int = 2, baseline: tuple[float, float] | None = None,
                 period: tuple[int, int] | None = None) -> alt.Chart:
    """Layered chart of an indicator: observed series (points + line, one colour per series), the yearly
    target path (dashed line + points) or target band (a shaded bar low–high per year), and the
    baseline (diamond, named with its year). Inputs: queries.indicator_series and
    queries.indicator_targets; baseline = (time, value); period = (baseline year, end year): the axis
    range. The x axis is real time: every point sits at the end date of its quarter, month or year."""
    lang = "en" if lang == "en" else "id"
    fmt = _num_format(decimals)
    names = {"national": _t(titles, "series_national", "Nasional"), "agency": _t(titles, "series_agency", "Instansi")}
    target_name, baseline_name = _t(titles, "target", "Target"), _t(titles, "baseline", "Baseline")
    present = {"national": len(series) and (series["series"] == "national").any(),
               "agency": len(series) and (series["series"] == "agency").any(),
               "target": len(targets) > 0, "baseline": baseline is not None}
    pairs = [(names["national"], SERIES_COLORS[0], present["national"]),
             (names["agency"], SERIES_COLORS[1], present["agency"]),
             (target_name, SERIES_COLORS[2], present["target"]), (baseline_name, SERIES_COLORS[3], present["baseline"])]
    color = alt.Color("what:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0),
                      scale=alt.Scale(domain=[n for n, _, p in pairs if p] or [names["national"]],
                                      range=[c for _, c, p in pairs if p] or [SERIES_COLORS[0]]))
    x_title, y_title = _t(titles, "x", "Waktu"), _t(titles, "y", "Nilai")
    times = [float(v) for v in list(series.get("t", [])) + list(targets.get("t", [])) if pd.notna(v)]
    if baseline is not None and baseline[0] is not None:
        times.append(float(baseline[0]))
    this_year = date.today().year
    first, last = (int(period[0]), int(period[1])) if period else \
        ((math.floor(min(times)), math.ceil(max(times))) if times else (this_year - 1, this_year))
    x_scale = alt.Scale(domain=[_shift(first, -45), _shift(last, 45)], nice=False)
    quarterly = bool(len(series)) and "quarter" in series and series["quarter"].notna().any()
    x_axis = _time_axis(lang, x_title, list(range(first, last + 1)), first if period else None, quarterly)
    layers = []

    s = series.dropna(subset=["value"]).copy() if len(series) else pd.DataFrame(columns=list(series.columns) + ["t"])
    if len(s):
        s["what"] = [names.get(x, x) for x in s["series"]]
        months = s["month"] if "month" in s else pd.Series([None] * len(s), index=s.index)
        s["period"] = [progress.format_time(t, lang, "month" if pd.notna(m) and int(m) != 12 else None)
                       for t, m in zip(s["t"], months)]   # the March poverty round reads "Maret 2024"
        s["date"] = [_date(t) for t in s["t"]]
        for col in ("source", "confidence", "submission_id", "n_agencies"):
            if col not in s:
                s[col] = None
        s["source"] = [_cite(v, lang) for v in s["source"]]
        s["submission_id"] = s["submission_id"].fillna("").astype(str)
        tip = [alt.Tooltip("what:N", title=_t(titles, "series", "Seri")),
               alt.Tooltip("period:N", title=_t(titles, "period", "Periode")),
               alt.Tooltip("value:Q", title=_t(titles, "value", "Nilai"), format=fmt),
               alt.Tooltip("source:N", title=_t(titles, "source", "Sumber")),
               alt.Tooltip("submission_id:N", title="submission_id")]
        base = alt.Chart(s).encode(x=alt.X("date:T", scale=x_scale, axis=x_axis),
                                   y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
                                   color=color, detail="what:N", tooltip=tip)
        layers += [base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=50)]

    tg = targets.copy() if len(targets) else pd.DataFrame(columns=["t", "target_low", "target_high", "series"])
    tg = tg.dropna(subset=["target_low", "target_high"], how="all")
    if len(tg):
        tg["target_low"] = tg["target_low"].fillna(tg["target_high"])
        tg["target_high"] = tg["target_high"].fillna(tg["target_low"])
        tg["what"] = target_name
        tg["who"] = [names.get(x, x) for x in tg.get("series", pd.Series(["national"] * len(tg)))]
        tg["x0"], tg["x1"] = [_shift(t, -60) for t in tg["t"]], [_shift(t, 60) for t in tg["t"]]
        tg["date"] = [_date(t) for t in tg["t"]]
        tg["label"] = [progress.fmt_target(lo, hi, None, decimals, lang)
                       for lo, hi in zip(tg["target_low"], tg["target_high"])]
        for col in ("source", "basis", "confidence", "submission_id"):
            if col not in tg:
                tg[col] = None
            tg[col] = tg[col].fillna("").astype(str)
        tg["source"] = [_cite(v, lang) for v in tg["source"]]
        tg["confidence"] = [_CONFIDENCE["en" if lang == "en" else "id"].get(v, v) for v in tg["confidence"]]
        tip = [alt.Tooltip("what:N", title=_t(titles, "series", "Seri")), alt.Tooltip("who:N", title=" "),
               alt.Tooltip("year:Q", title=_t(titles, "year", "Tahun"), format="d"),
               alt.Tooltip("label:N", title=target_name), alt.Tooltip("basis:N", title=_t(titles, "basis", "Dasar")),
               alt.Tooltip("source:N", title=_t(titles, "source", "Sumber")),
               alt.Tooltip("confidence:N", title=_t(titles, "confidence", "Keyakinan"))]
        band = tg[tg["target_low"] != tg["target_high"]]
        single = tg[tg["target_low"] == tg["target_high"]]
        if len(band):
            layers.append(alt.Chart(band).mark_rect(opacity=0.16).encode(
                x=alt.X("x0:T", scale=x_scale, axis=x_axis), x2="x1:T",
                y=alt.Y("target_low:Q", title=y_title), y2="target_high:Q", color=color, tooltip=tip))
            layers.append(alt.Chart(band).mark_rule(strokeWidth=1, strokeDash=[3, 2]).encode(
                x=alt.X("date:T", scale=x_scale, axis=x_axis), y="target_low:Q", y2="target_high:Q", color=color,
                tooltip=tip))
        if len(single):
            tb = alt.Chart(single).encode(x=alt.X("date:T", scale=x_scale, axis=x_axis),
                                          y=alt.Y("target_low:Q", title=y_title), color=color, detail="who:N",
                                          tooltip=tip)
            layers += [tb.mark_line(strokeDash=[5, 4], strokeWidth=1.5), tb.mark_point(shape="cross", size=80)]

    if baseline is not None and baseline[0] is not None and baseline[1] is not None:
        b = pd.DataFrame([{"t": float(baseline[0]), "date": _date(baseline[0]), "value": float(baseline[1]),
                           "what": baseline_name, "label": progress.fmt_number(baseline[1], decimals, lang)}])
        layers.append(alt.Chart(b).mark_point(shape="diamond", size=140, filled=True).encode(
            x=alt.X("date:T", scale=x_scale, axis=x_axis), y=alt.Y("value:Q", title=y_title), color=color,
            tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("label:N", title=_t(titles, "value", "Nilai")),
                     alt.Tooltip("t:Q", title=_t(titles, "year", "Tahun"), format="d")]))

    if not layers:
        layers = [alt.Chart(pd.DataFrame({"date": [], "value": []})).mark_point().encode(
            x=alt.X("date:T", scale=x_scale, axis=x_axis), y="value:Q")]
    chart = alt.layer(*layers).properties(height=340)
    return _finish(chart, lang)


# ------------------------------------------------------------------ distribution across agencies
def distribution_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None, decimals: int = 2) -> alt.Chart:
    """Box plot of the latest values per agency type with every agency as a point (tooltip: agency,
    value, status, submission_id). Input: queries.indicator_agencies."""
    lang = "en" if lang == "en" else "id"
    used = ["agency_type", "agency_name", "latest_value", "latest_time", "status", "submission_id"]
    d, types = _with_type_labels(df.dropna(subset=["latest_value"])[used], titles)   # only what is drawn
    d["status_label"] = [status_label(s, lang) for s in d["status"]]
    d["period"] = [progress.format_time(t, lang, freq="quarter") for t in d["latest_time"]]
    x = alt.X("type_label:N", sort=types, title=_t(titles, "agency_type", "Jenis instansi"),
              axis=alt.Axis(labelAngle=0))
    y = alt.Y("latest_value:Q", title=_t(titles, "value", "Nilai"), scale=alt.Scale(zero=False))
    box = alt.Chart(d).mark_boxplot(extent="min-max", size=36, color="#9bb7d4", opacity=0.7).encode(x=x, y=y)
    points = alt.Chart(d).mark_point(filled=True, size=55, opacity=0.9).encode(
        x=x, y=y,
        xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-60, 60])),
        color=alt.Color("status_label:N", scale=_status_scale(lang), title=_t(titles, "status", "Status"),
                        legend=alt.Legend(orient="bottom", columns=3)),
        shape=alt.Shape("status_label:N", title=_t(titles, "status", "Status"),
                        scale=alt.Scale(domain=[status_label(s, lang) for s in STATUS_ORDER],
                                        range=["circle", "square", "triangle-up", "triangle-down", "diamond", "cross"])),
        tooltip=[alt.Tooltip("agency_name:N", title=_t(titles, "agency", "Instansi")),
                 alt.Tooltip("latest_value:Q", title=_t(titles, "value", "Nilai"), format=_num_format(decimals)),
                 alt.Tooltip("period:N", title=_t(titles, "period", "Periode")),
                 alt.Tooltip("status_label:N", title=_t(titles, "status", "Status")),
                 alt.Tooltip("submission_id:N", title="submission_id")],
    ).transform_calculate(jitter="(random() - 0.5) * 30")
    chart = alt.layer(box, points).properties(height=320, width=alt.Step(120))
    return _finish(chart, lang)


# ------------------------------------------------------------------ rencana aksi pacing
# Categories best first (catalogue rules.categories, e.g. WTP > WDP > TW > TMP): Okabe–Ito blue to vermillion.
CATEGORY_COLORS = ("#0072B2", "#56B4E9", "#E69F00", "#D55E00", "#CC79A7", "#999999")


def category_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None,
                   categories: tuple[str, ...] | list[str] = ()) -> alt.Chart:
    """Stacked bars per year: how many agencies hold each category (queries.category_distribution), the best
    category at the bottom, each labelled with its count. Categories outside `categories` follow in grey."""
    lang = "en" if lang == "en" else "id"
    d = df.copy()
    d["year_label"] = d["year"].astype(int).astype(str)
    order = list(categories) + sorted(set(d["category"]) - set(categories))
    d["rank"] = [order.index(c) if c in order else len(order) for c in d["category"]]
    colors = [CATEGORY_COLORS[min(i, len(CATEGORY_COLORS) - 1)] for i in range(len(order))]
    count = _t(titles, "count", "Jumlah")
    base = alt.Chart(d).encode(
        x=alt.X("year_label:O", title=_t(titles, "x", "Tahun"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("n:Q", title=count, stack="zero", axis=_COUNT_AXIS),
        order=alt.Order("rank:Q", sort="ascending"),
        tooltip=[alt.Tooltip("year_label:O", title=_t(titles, "year", "Tahun")),
                 alt.Tooltip("category:N", title=_t(titles, "category", "Kategori")),
                 alt.Tooltip("n:Q", title=count, format=",d")])
    bars = base.mark_bar().encode(color=alt.Color("category:N", title=_t(titles, "category", "Kategori"),
                                                  scale=alt.Scale(domain=order, range=colors),
                                                  legend=alt.Legend(orient="bottom")))
    text = base.mark_text(dy=-2, baseline="top", color="white", fontWeight="bold").encode(
        y=alt.Y("n:Q", stack="zero"), text=alt.Text("n:Q", format=",d"))
    return _finish((bars + text).properties(height=300, width="container"), lang)


def pacing_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None,
                 labels: dict | None = None) -> alt.Chart:
    """Stacked bars: rencana aksi outputs per agency type by pacing status (queries.renaksi_pacing).
    `labels` maps pacing statuses to text (defaults: progress.STATUS_LABELS)."""
    lang = "en" if lang == "en" else "id"
    labels = labels or progress.STATUS_LABELS[lang]
    # counted here, not in the browser: the chart carries one row per type and status, not one per output
    counts = df.groupby(["agency_type", "pacing_status"], as_index=False, dropna=False).size()\
        .rename(columns={"size": "n"})
    d, types = _with_type_labels(counts, titles)
    d["pacing_label"] = [labels.get(s, s) for s in d["pacing_status"]]
    d["rank"] = [PACING_ORDER.index(s) if s in PACING_ORDER else 99 for s in d["pacing_status"]]
    return _stacked_by_type(d, types, "sum(n)", "pacing_label", _status_scale(lang, PACING_ORDER, PACING_COLORS, labels),
                            titles, lang, count_title=("Jumlah output", "Jumlah"), legend_columns=3, step=34)


def _stacked_by_type(d: pd.DataFrame, types: list[str], x_field: str, label_field: str, scale: alt.Scale,
                     titles: dict | None, lang: str, *, count_title: tuple[str, str], legend_columns: int,
                     step: int) -> alt.Chart:
    """Horizontal stacked bars: one bar per agency type, segments by a status label in `rank` order."""
    x = f"{x_field}:Q"
    chart = alt.Chart(d).mark_bar().encode(
        y=alt.Y("type_label:N", sort=types, title=_t(titles, "agency_type", "Jenis instansi")),
        x=alt.X(x, stack="zero", title=_t(titles, "count", count_title[0]), axis=_COUNT_AXIS),
        color=alt.Color(f"{label_field}:N", title=_t(titles, "status", "Status"), scale=scale,
                        legend=alt.Legend(orient="bottom", columns=legend_columns)),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("type_label:N", title=_t(titles, "agency_type", "Jenis instansi")),
                 alt.Tooltip(f"{label_field}:N", title=_t(titles, "status", "Status")),
                 alt.Tooltip(x, title=_t(titles, "count", count_title[1]))],
    ).properties(height=alt.Step(step))
    return _finish(chart, lang)


# ------------------------------------------------------------------ compliance
def compliance_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None) -> alt.Chart:
    """Stacked bars of expected reports per agency type by compliance status (queries.compliance_summary,
    the 'ALL' row left out)."""
    lang = "en" if lang == "en" else "id"
    labels = COMPLIANCE_LABELS[lang]
    d = df[df["agency_type"] != "ALL"].melt(id_vars=["agency_type"], value_vars=list(COMPLIANCE_ORDER),
                                            var_name="compliance_status", value_name="n")
    d, types = _with_type_labels(d, titles)
    d["label"] = [labels[s] for s in d["compliance_status"]]
    d["rank"] = [COMPLIANCE_ORDER.index(s) for s in d["compliance_status"]]
    return _stacked_by_type(d, types, "n", "label", _status_scale(lang, COMPLIANCE_ORDER, COMPLIANCE_COLORS, labels),
                            titles, lang, count_title=("Jumlah instansi", "Jumlah"), legend_columns=2, step=30)


# ------------------------------------------------------------------ final report
def final_theme_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None,
                      compact: bool = False) -> alt.Chart:
    """Theme (rows) x scope (columns) cells coloured by the final roll-up status and naming it; the mean
    capaian (%) is in the tooltip and the table, never printed on a status colour
    (queries.final_theme_results). `compact`: for a phone — only the national and all-agency scopes,
    theme names wrapped on short lines."""
    import textwrap
    lang = "en" if lang == "en" else "id"
    d = df[df["scope"].isin(["national", "all"])].copy() if compact else df.copy()
    d["status_label"] = [status_label(s, lang) for s in d["status"]]
    d["theme_label"] = d["theme_name_en"] if lang == "en" else d["theme_name"]
    d["scope_label"] = [_t(titles, f"scope_{s}", s) for s in d["scope"]]
    d["cap_text"] = [("–" if pd.isna(c) else progress.fmt_number(c, 0, lang) + "%") for c in d["mean_capaian"]]
    themes = list(dict.fromkeys(d.sort_values("sort_order", na_position="last")["theme_label"]))
    scopes = [_t(titles, f"scope_{s}", s) for s in ("national", "all", *AGENCY_TYPE_ORDER)]
    x = alt.X("scope_label:N", sort=scopes, title=None, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("theme_label:N", sort=themes, title=None, axis=alt.Axis(labelLimit=340))
    if compact:
        d["theme_label"] = [textwrap.fill(str(x_), 18).replace("\n", "|") for x_ in d["theme_label"]]
        themes = [textwrap.fill(str(x_), 18).replace("\n", "|") for x_ in themes]
        x = alt.X("scope_label:N", sort=scopes, title=None,
                  axis=alt.Axis(labelAngle=0, orient="top", labelExpr="split(datum.label, ' ')", labelOverlap=False))
        y = alt.Y("theme_label:N", sort=themes, title=None,
                  axis=alt.Axis(labelLimit=140, labelExpr="split(datum.label, '|')", labelOverlap=False))
    tip = [alt.Tooltip("theme_label:N", title=_t(titles, "theme", "Tema")),
           alt.Tooltip("scope_label:N", title=_t(titles, "scope", "Cakupan")),
           alt.Tooltip("status_label:N", title=_t(titles, "status", "Status")),
           alt.Tooltip("cap_text:N", title=_t(titles, "capaian", "Capaian")),
           alt.Tooltip("n_indicators:Q", title=_t(titles, "n_indicators", "Indikator"))]
    base = alt.Chart(d).encode(x=x, y=y, tooltip=tip)
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status_label:N", scale=_status_scale(lang), title=_t(titles, "status", "Status"),
                        legend=alt.Legend(orient="bottom", columns=1 if compact else 3)))
    text = base.mark_text(fontSize=10, lineBreak=" " if compact else "").encode(
        text="status_label:N",
        color=alt.condition(alt.FieldOneOfPredicate(field="status", oneOf=list(_WHITE_TEXT)),
                            alt.value("white"), alt.value("black")))
    chart = alt.layer(rect, text).properties(width=alt.Step(80 if compact else 120),
                                             height=alt.Step(56 if compact else 34))
    return _finish(chart, lang)


# --- operational pages ----------------------------------------------------------------------------
# Builders for app_pages/agency.py, region.py and compliance.py, same conventions as above (lang,
# titles, Okabe-Ito colours each named by text). "no_data" and "not_due" are the two extra states.
NO_DATA_COLOR = "#DDDDDD"
OPS_STATUS_ORDER = (*VERDICT_ORDER, "no_data", "outside_scope")   # outside_scope: a province the reader may not see
OPS_STATUS_COLORS = {**STATUS_COLORS, "no_data": NO_DATA_COLOR, "outside_scope": "#F4F4F4"}
OPS_PACING_ORDER = PACING_ORDER
OPS_COMPLIANCE_ORDER = (*COMPLIANCE_ORDER, "not_due")
OPS_COMPLIANCE_COLORS = {**COMPLIANCE_COLORS, "not_due": "#EEEEEE"}
OPS_COMPLIANCE_LABELS = texts.COMPLIANCE_LABELS      # with not_due
COMPLIANCE_SYMBOLS = {"on_time": "✓", "revised": "✓*", "late": "!", "not_received": "✗", "not_due": "·"}
_WHITE_TEXT = ("target_achieved", "deterioration", "trend_worsening", "above_target", "on_target", "on_time",
               "not_received")


def _ops_scale(lang: str, order, colors, labels, present) -> alt.Scale:
    """Like _status_scale, restricted to the statuses present (a legend without empty entries)."""
    keep = [s for s in order if s in set(present)] or list(order)
    return alt.Scale(domain=[labels.get(s, s) for s in keep], range=[colors[s] for s in keep])


def _ops_labels(lang: str, labels: dict | None) -> dict:
    return {**progress.STATUS_LABELS["en" if lang == "en" else "id"], **(labels or {})}


def ranked_bar_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None, *, label: str = "name",
                     value: str = "value", status: str = "status", text: str = "value_text",
                     ascending: bool = False, labels: dict | None = None, pacing: bool = False,
                     neutral: bool = False, compact: bool = False) -> alt.Chart:
    """Horizontal bars of `value` per `label`, sorted best first (ascending=True for lower-is-better),
    coloured by `status` (progress or, with pacing=True, pacing statuses) and with `text` printed
    next to each bar so the status never depends on colour alone. Rows without a value are left out
    (the page lists them in words). Tooltips carry `submission_id` when the column exists.
    neutral=True: every bar in one neutral colour (for capaian: a number is never coloured by a status
    it does not measure; the status is in the text).
    compact=True (a phone): each name on its own line above its bar, so the bars keep the full width."""
    lang = "en" if lang == "en" else "id"
    labels = _ops_labels(lang, labels)
    order, colors = (OPS_PACING_ORDER, PACING_COLORS) if pacing else (OPS_STATUS_ORDER, OPS_STATUS_COLORS)
    d = df[df[value].notna()].copy()
    d["status_label"] = [labels.get(s, s) for s in d[status]]
    sort = d.sort_values(value, ascending=ascending)[label].tolist()
    low, high = min(0.0, float(d[value].min())) if len(d) else 0.0, max(0.0, float(d[value].max())) if len(d) else 1.0
    domain = [low, high + 0.45 * ((high - low) or 1.0)]  # room for the text after the longest bar
    tip = [alt.Tooltip(f"{label}:N", title=_t(titles, "name", "Nama")),
           alt.Tooltip(f"{text}:N", title=_t(titles, "value", "Nilai")),
           alt.Tooltip("status_label:N", title=_t(titles, "status", "Status"))]
    if "submission_id" in d.columns:
        tip.append(alt.Tooltip("submission_id:N", title=_t(titles, "submission", "Laporan")))
    if compact:
        domain = [low, high + 0.75 * ((high - low) or 1.0)]   # the words after the bar need more room on a phone
    y_axis = None if compact else alt.Axis(labelLimit=240)
    base = alt.Chart(d).encode(y=alt.Y(f"{label}:N", sort=sort, title=None, axis=y_axis))
    x = alt.X(f"{value}:Q", title=_t(titles, "x", value), scale=alt.Scale(domain=domain, nice=False))
    if compact:
        bar_kw = dict(size=14, yOffset=7)
        bars = (base.mark_bar(color=NEUTRAL_COLOR, **bar_kw).encode(x=x, tooltip=tip) if neutral else
                base.mark_bar(**bar_kw).encode(
                    x=x, tooltip=tip, color=alt.Color("status_label:N", title=_t(titles, "status", "Status"),
                                                      scale=_ops_scale(lang, order, colors, labels, d[status]),
                                                      legend=alt.Legend(orient="bottom", columns=2))))
        names = base.mark_text(align="left", baseline="bottom", dy=-1, fontSize=11, fontWeight="bold", limit=340,
                               color="#222222").encode(x=alt.value(0), text=alt.Text(f"{label}:N"))
        words = base.mark_text(align="left", dx=4, dy=7, fontSize=10, color="#222222").encode(
            x=alt.X(f"{value}:Q"), text=alt.Text(f"{text}:N"))
        return _finish(alt.layer(bars, names, words).properties(height=alt.Step(40)), lang)
    if neutral:
        bars = base.mark_bar(color=NEUTRAL_COLOR).encode(x=x, tooltip=tip)
    else:
        bars = base.mark_bar().encode(
            x=x, color=alt.Color("status_label:N", title=_t(titles, "status", "Status"),
                                 scale=_ops_scale(lang, order, colors, labels, d[status]),
                                 legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=tip)
    words = base.mark_text(align="left", dx=4, fontSize=11, color="#222222").encode(
        x=alt.X(f"{value}:Q"), text=alt.Text(f"{text}:N"))
    chart = alt.layer(bars, words).properties(height=alt.Step(24))
    return _finish(chart, lang)


def tile_map_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None, *, tile: int = 64,
                   labels: dict | None = None) -> alt.Chart:
    """Tile-grid map of the provinces: one square per province at (col, row) from indicators/tilegrid.py,
    coloured by `status`, showing the short name and `value_text` (the page passes "tidak ada data"
    when there is no value). Columns: province_code, short, col, row, name, status, value_text."""
    lang = "en" if lang == "en" else "id"
    labels = _ops_labels(lang, labels)
    d = df.copy()
    d["status_label"] = [labels.get(s, s) for s in d["status"]]
    d["ink"] = ["white" if s in _WHITE_TEXT else "#222222" for s in d["status"]]
    n_cols, n_rows = int(d["col"].max()) + 1, int(d["row"].max()) + 1
    base = alt.Chart(d).encode(
        x=alt.X("col:O", axis=None, scale=alt.Scale(domain=list(range(n_cols)), paddingInner=0.06)),
        y=alt.Y("row:O", axis=None, scale=alt.Scale(domain=list(range(n_rows)), paddingInner=0.06)),
        tooltip=[alt.Tooltip("name:N", title=_t(titles, "name", "Provinsi")),
                 alt.Tooltip("value_text:N", title=_t(titles, "value", "Nilai")),
                 alt.Tooltip("status_label:N", title=_t(titles, "status", "Status"))])
    rect = base.mark_rect(cornerRadius=3).encode(
        color=alt.Color("status_label:N", title=_t(titles, "status", "Status"),
                        scale=_ops_scale(lang, OPS_STATUS_ORDER, OPS_STATUS_COLORS, labels, d["status"]),
                        legend=alt.Legend(orient="bottom", columns=4)))
    name = base.mark_text(baseline="bottom", dy=-2, fontSize=10, fontWeight="bold").encode(
        text="short:N", color=alt.Color("ink:N", scale=None))
    value = base.mark_text(baseline="top", dy=3, fontSize=8).encode(
        text="value_text:N", color=alt.Color("ink:N", scale=None))
    # + room for the legend: Streamlit stretches the width and fits legend and plot into `height`
    chart = alt.layer(rect, name, value).properties(width=n_cols * tile, height=n_rows * tile + 70)
    return _finish(chart, lang)


def compliance_matrix_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None,
                            compact: bool = False) -> alt.Chart:
    """Agencies (rows, in the order given) x quarters (columns): each cell coloured by compliance status
    and marked with a symbol (✓ on time, ✓* revised after the deadline, ! late, ✗ not received,
    · not yet due). Columns: agency_label, quarter, status. `compact`: for a phone — agency names cut at
    170 px so the four quarter columns keep readable cells."""
    lang = "en" if lang == "en" else "id"
    labels = OPS_COMPLIANCE_LABELS[lang]
    d = df[["agency_label", "quarter", "status"]].copy()   # only what is drawn travels to the browser
    d["period"] = [texts.quarter_name(int(q), lang) for q in d["quarter"]]
    d["status_label"] = [labels.get(s, s) for s in d["status"]]
    d["symbol"] = [COMPLIANCE_SYMBOLS.get(s, "?") for s in d["status"]]
    d["ink"] = ["white" if s in _WHITE_TEXT else "#222222" for s in d["status"]]
    base = alt.Chart(d).encode(
        x=alt.X("period:O", title=None, sort=sorted(set(d["period"])), axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("agency_label:N", title=None, sort=list(dict.fromkeys(d["agency_label"])),
                axis=alt.Axis(labelLimit=170 if compact else 300)),
        tooltip=[alt.Tooltip("agency_label:N", title=_t(titles, "agency", "Instansi")),
                 alt.Tooltip("period:O", title=_t(titles, "quarter", "Triwulan")),
                 alt.Tooltip("status_label:N", title=_t(titles, "status", "Status"))])
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("status_label:N", title=_t(titles, "status", "Status"),
                        scale=_ops_scale(lang, OPS_COMPLIANCE_ORDER, OPS_COMPLIANCE_COLORS, labels, d["status"]),
                        legend=alt.Legend(orient="bottom", columns=2 if compact else 3)))
    marks = base.mark_text(fontSize=13, fontWeight="bold").encode(text="symbol:N", color=alt.Color("ink:N", scale=None))
    chart = alt.layer(rect, marks).properties(width=alt.Step(34 if compact else 64), height=alt.Step(22))
    return _finish(chart, lang)


def quality_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None) -> alt.Chart:
    """Data-quality score (0-100) and its three components (shown on 0-100) per quarter, one line each
    with point markers and dash patterns (not colour alone). Columns: year, quarter, score,
    timeliness, completeness, validation (components 0..1)."""
    lang = "en" if lang == "en" else "id"
    parts = ("score", "timeliness", "completeness", "validation")
    names = [_t(titles, p, p) for p in parts]
    d = df.copy()
    d["period"] = [progress.format_time(int(y) - 1 + int(q) / 4, lang, "quarter")
                   for y, q in zip(d["year"], d["quarter"])]
    for p in parts[1:]:
        d[p] = d[p] * 100
    long = d.melt(id_vars=["period"], value_vars=list(parts), var_name="part", value_name="v")
    long["part_label"] = [names[parts.index(p)] for p in long["part"]]
    chart = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("period:O", sort=list(dict.fromkeys(d["period"])), title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("v:Q", title=_t(titles, "y", "0–100"), scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("part_label:N", title=None, sort=names,
                        scale=alt.Scale(domain=names, range=[OKABE_ITO["black"], OKABE_ITO["blue"],
                                                             OKABE_ITO["orange"], OKABE_ITO["reddish_purple"]]),
                        legend=alt.Legend(orient="bottom")),
        strokeDash=alt.StrokeDash("part_label:N", sort=names, legend=None),
        tooltip=[alt.Tooltip("period:O", title=_t(titles, "quarter", "Triwulan")),
                 alt.Tooltip("part_label:N", title=_t(titles, "component", "Komponen")),
                 alt.Tooltip("v:Q", title="0–100", format=",.0f")],
    ).properties(height=260)
    return _finish(chart, lang)


# --- charts that travel (PNG downloads, PDF briefing) -------------------------------------------
def with_caption(chart, title: str, lines: list[str] | tuple[str, ...] = ()):
    """The chart with a title block above it (title, then one subtitle line each for period, unit, source
    and the synthetic-data label), so an exported PNG says what it shows on its own. The block sits
    clear of the chart's own headers (offset) and long lines are never cut."""
    lines = [s for s in lines if s]
    return chart.properties(title=alt.TitleParams(text=title, subtitle=lines or None, anchor="start", offset=14,
                                                  fontSize=15, subtitleFontSize=11, subtitleColor="#444444",
                                                  limit=0, subtitlePadding=4))


def status_count_chart(df: pd.DataFrame, lang: str = "id", titles: dict | None = None,
                       compact: bool = False) -> alt.Chart:
    """Number of indicators per status (stacked bar per theme), the count written in each segment.
    Input: columns theme_label, status, n (one row per theme and status; themes in the given order).
    `compact`: for a phone — the chart takes its container's width and theme names wrap onto short lines."""
    import textwrap
    lang = "en" if lang == "en" else "id"
    if compact:
        df = df.assign(theme_label=[textwrap.fill(str(x), 16).replace("\n", "|") for x in df["theme_label"]])
    d = df[df["n"] > 0].copy()
    d["status_label"] = [status_label(s, lang) for s in d["status"]]
    d["order"] = [STATUS_ORDER.index(s) if s in STATUS_ORDER else 99 for s in d["status"]]
    themes = list(dict.fromkeys(df["theme_label"]))
    axis = (alt.Axis(labelLimit=130, labelExpr="split(datum.label, '|')", labelOverlap=False) if compact
            else alt.Axis(labelLimit=260))
    y = alt.Y("theme_label:N", sort=themes, title=None, axis=axis)
    x = alt.X("n:Q", title=_t(titles, "count", "Jumlah indikator"), axis=_COUNT_AXIS, stack="zero")
    base = alt.Chart(d).encode(y=y, order=alt.Order("order:Q"))
    bars = base.mark_bar(stroke="white").encode(
        x=x, color=alt.Color("status_label:N", scale=_status_scale(lang), title=_t(titles, "status", "Status"),
                             legend=alt.Legend(orient="bottom", columns=3, labelLimit=200)),
        tooltip=[alt.Tooltip("theme_label:N", title=_t(titles, "theme", "Tema")),
                 alt.Tooltip("status_label:N", title=_t(titles, "status", "Status")),
                 alt.Tooltip("n:Q", title=_t(titles, "count", "Jumlah indikator"))])
    text = base.mark_text(dx=-8, align="right", fontSize=11).encode(
        x=alt.X("n:Q", stack="zero"), text="n:Q",
        color=alt.condition(alt.FieldOneOfPredicate(field="status", oneOf=list(_WHITE_TEXT)),
                            alt.value("white"), alt.value("black")))
    legend_cols = 1 if compact else 3
    bars = bars.encode(color=alt.Color("status_label:N", scale=_status_scale(lang), title=_t(titles, "status", "Status"),
                                       legend=alt.Legend(orient="bottom", columns=legend_cols, labelLimit=200)))
    chart = alt.layer(bars, text).properties(width="container" if compact else 420,
                                             height=alt.Step(52 if compact else 26))
    return _finish(chart, lang)
