"""The end-of-roadmap PDF: what the Road Map RB achieved over its whole period, not a quarterly briefing.

Period (e.g. 2020–2024), final status per indicator and per theme against the targets of the period's last
year, the indicators the final-report page reports (national indicators, and agency indicators over all
agencies), split into *achieved* and *not achieved*, the indicators counted apart (no target, not in the
roll-up), sources and method. The counts are the final-report page's (`briefing.final_counts`, the one roll-up
rule of `headline.counted_mask`).

`gather(con, period_code)` reads through `indicators.queries`; `render(data, lang)` is a pure function of it
(tests read the text back with pypdf).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd

from indicators import briefing, charts, headline, progress, queries, rules_text, texts
from indicators.briefing_pdf import _fonts, build_pdf, cite_markup
from indicators.charts import STATUS_COLORS, STATUS_ORDER

TEXT = {
    "id": {"title": "Capaian Akhir Road Map Reformasi Birokrasi {start}–{end}",
           "subtitle": "{period}: status akhir setiap indikator dan tema terhadap target {end}",
           "generated": "Dibuat {at} dengan PantauRB", "cutoff": "Data diterima s.d. {cutoff}.",
           "synthetic": "Data sintetis (demo): nilai instansi dalam laporan ini bukan data resmi.",
           "summary": "Ringkasan akhir periode",
           "overall": "Dari {n} indikator yang dinilai terhadap target (indikator nasional, dan indikator instansi "
                      "untuk semua instansi): {parts}.",
           "apart": "{n} indikator lain tidak dihitung dalam rekap (tanpa target, atau bukan seri utama konsepnya).",
           "scope_line": "Cakupan: {n_nat} indikator nasional dan {n_all} indikator instansi; total {n} indikator "
                         "dilaporkan.",
           "chart": "Indikator per status akhir, per tema", "unit": "Satuan: jumlah indikator",
           "chart_source": "Sumber: seri nasional di katalog PantauRB dan laporan triwulanan instansi",
           "themes": "Status akhir per tema", "theme": "Tema", "scope": "Cakupan", "status": "Status akhir",
           "n_indicators": "Indikator", "n_achieved": "Target tercapai", "capaian": "Capaian rata-rata",
           "achieved": "Yang tercapai", "achieved_none": "Tidak ada indikator yang mencapai target {end}.",
           "not_achieved": "Yang belum tercapai", "not_achieved_none": "Semua indikator yang dinilai mencapai target.",
           "apart_heading": "Tidak dihitung dalam rekap",
           "indicator": "Indikator", "value": "Nilai akhir", "target": "Target {end}", "cap": "Capaian",
           "source": "Sumber", "sources": "Sumber data",
           "agency_source": "Nilai instansi: laporan triwulanan yang diunggah ke PantauRB (nilai akhir = median "
                            "nilai instansi; capaian = rata-rata capaian yang dihitung, maks. 110%).",
           "method": "Catatan metode",
           "method_lines": [
               "Status akhir = penilaian TW IV tahun terakhir periode.",
               rules_text.STATUS_RULE["id"], rules_text.BASIS_RULE["id"],
               "Indikator instansi dirangkum atas semua instansi (rata-rata skor); setiap indikator berbobot sama "
               "dalam rekap tema.",
               rules_text.CAPAIAN_RULE["id"]],
           "data_year": "data {year}", "agency_reports": "{n} laporan instansi",
           "scope_national": "Nasional", "scope_all": "Semua instansi", "page": "Halaman {n}"},
    "en": {"title": "Final results of the Bureaucratic Reform Road Map {start}–{end}",
           "subtitle": "{period}: final status of every indicator and theme against the {end} targets",
           "generated": "Generated {at} by PantauRB", "cutoff": "Data received up to {cutoff}.",
           "synthetic": "Synthetic (demo) data: agency values in this report are not official data.",
           "summary": "End-of-period summary",
           "overall": "Of {n} {indicators} judged against a target (national indicators, and agency indicators over "
                      "all agencies): {parts}.",
           "apart": "{n} other {indicators} not counted in roll-ups (no target, or not the main series of {its} "
                    "concept).",
           "scope_line": "Scope: {n_nat} national and {n_all} agency indicators; {n} indicators reported in total.",
           "chart": "Indicators by final status, per theme", "unit": "Unit: number of indicators",
           "chart_source": "Source: national series in the PantauRB catalogue and agencies' quarterly reports",
           "themes": "Final status by theme", "theme": "Theme", "scope": "Scope", "status": "Final status",
           "n_indicators": "Indicators", "n_achieved": "Target achieved", "capaian": "Mean achievement",
           "achieved": "What was achieved", "achieved_none": "No indicator reached its {end} target.",
           "not_achieved": "What was not achieved", "not_achieved_none": "Every assessed indicator reached its target.",
           "apart_heading": "Not counted in roll-ups",
           "indicator": "Indicator", "value": "Final value", "target": "Target {end}", "cap": "Achievement",
           "source": "Source", "sources": "Data sources",
           "agency_source": "Agency values: quarterly reports uploaded to PantauRB (final value = median of the "
                            "agencies' values; achievement = mean credited achievement, max. 110%).",
           "method": "Method notes",
           "method_lines": [
               "Final status = the Q4 assessment of the period's last year.",
               rules_text.STATUS_RULE["en"], rules_text.BASIS_RULE["en"],
               "Agency indicators are rolled up over all agencies (mean score); every indicator weighs the same in "
               "a theme's roll-up.",
               rules_text.CAPAIAN_RULE["en"]],
           "data_year": "{year} data", "agency_reports": "{n} agency reports",
           "scope_national": "National", "scope_all": "All agencies", "page": "Page {n}"},
}


@dataclass
class FinalData:
    period_code: str
    period_name: str
    period_name_en: str
    start_year: int
    end_year: int
    indicators: pd.DataFrame   # queries.final_indicator_results (every scope)
    themes: pd.DataFrame       # queries.final_theme_rollup of it
    cutoff: datetime | None = None
    synthetic: bool = False


def gather(con, period_code: str) -> FinalData:
    """The final-report page's tables for one roadmap period."""
    periods = queries.periods(con)
    row = periods[periods["period_code"] == period_code]
    if row.empty:
        raise LookupError(period_code)
    p = row.iloc[0]
    ind = queries.final_indicator_results(con, period_code)
    cut = queries.data_cutoff(con, int(p["end_year"]), 4).iloc[0]["last_received_at"]
    return FinalData(period_code, str(p["name"]), str(p["name_en"]), int(p["start_year"]), int(p["end_year"]), ind,
                     queries.final_theme_rollup(ind), None if pd.isna(cut) else pd.Timestamp(cut).to_pydatetime(),
                     bool(ind["synthetic"].any()) if len(ind) else False)


def period_for_year(con, year: int) -> str:
    periods = queries.periods(con)
    match = periods[(periods["start_year"] <= year) & (periods["end_year"] >= year)]
    if match.empty:
        raise LookupError(", ".join(f"{r.start_year}–{r.end_year}" for r in periods.itertuples()) or "–")
    return str(match.iloc[-1]["period_code"])


def _value(r: dict, lang: str, end: int) -> str:
    tx = TEXT[lang]
    if isinstance(r.get("value_text"), str) and r["value_text"]:
        v = r["value_text"]
    else:
        unit = (r.get("unit_en") or r.get("unit")) if lang == "en" else r.get("unit")
        v = progress.fmt_number(r.get("value"), int(progress._num(r.get("decimals")) or 0), lang)
        v = v if v == "–" or not isinstance(unit, str) or not unit else f"{v} {unit}"
    year = progress._num(r.get("value_year"))
    if v != "–" and year is not None and int(year) < end:
        v += f" ({tx['data_year'].format(year=int(year))})"
    return v


def _source(r: dict, lang: str) -> str:
    if r.get("level") == "agency":
        n = progress._num(r.get("n_agencies"))
        return TEXT[lang]["agency_reports"].format(n=int(n or 0))
    return cite_markup(r.get("source"), lang, limit=24)


def render(data: FinalData, lang: str = "id", generated_at: datetime | None = None) -> bytes:
    """The end-of-roadmap PDF (A4 portrait) as bytes."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, PageBreak, Paragraph, Spacer, Table, TableStyle

    lang = "en" if lang == "en" else "id"
    tx = TEXT[lang]
    labels = progress.STATUS_LABELS[lang]
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5)
    cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=base, fontName=bold, fontSize=19, leading=24, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=base, fontName=bold, fontSize=14, leading=18, spaceBefore=8, spaceAfter=6,
                        textColor=colors.HexColor("#1d5fa8"))
    lead = ParagraphStyle("lead", parent=base, fontName=bold, fontSize=12.5, leading=16.5, spaceAfter=6)
    warn = ParagraphStyle("warn", parent=base, backColor=colors.HexColor("#fff4e0"), borderPadding=5,
                          borderColor=colors.HexColor("#E69F00"), borderWidth=0.8, spaceBefore=6, spaceAfter=10)
    P = lambda text, style=base: Paragraph(escape(str(text)), style)  # noqa: E731
    width = A4[0] - 36 * mm
    end, start = data.end_year, data.start_year
    period = data.period_name_en if lang == "en" else data.period_name
    at = texts.format_datetime_wib(generated_at or datetime.now(timezone.utc), lang)

    def table(rows, widths, status_col=None, statuses=None):
        body = [[c if not isinstance(c, str) else P(c, cell) for c in r] for r in rows]
        t = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [("FONTNAME", (0, 0), (-1, 0), bold), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                 ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c5ccd3")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
        for i, s in enumerate(statuses or [], start=1):
            if status_col is not None and s in STATUS_COLORS:
                style.append(("LINEBEFORE", (status_col, i), (status_col, i), 5, colors.HexColor(STATUS_COLORS[s]),
                              "butt"))
        t.setStyle(TableStyle(style))
        return t

    ind = data.indicators
    top = ind[ind["scope"].isin(["national", "all"])] if len(ind) else ind
    mask = headline.counted_mask(top) if len(top) else pd.Series(dtype=bool)
    counted, apart = (top[mask], top[~mask]) if len(top) else (top, top)
    counts = briefing.final_counts(ind) if len(ind) else {s: 0 for s in STATUS_ORDER}
    n = sum(counts.values())
    parts = headline._parts(counts, lang)
    words = headline.plural_words(n, lang)
    story = [P(tx["title"].format(start=start, end=end), h1),
             P(tx["subtitle"].format(period=period, end=end)),
             P(tx["generated"].format(at=at), small)]
    if data.cutoff is not None:
        story.append(P(tx["cutoff"].format(cutoff=texts.format_date(data.cutoff.date(), lang)), small))
    if data.synthetic:
        story.append(P(tx["synthetic"], warn))
    story += [Spacer(1, 3 * mm), P(tx["summary"], h2), P(tx["overall"].format(n=n, parts=parts, **words), lead)]
    if len(apart):
        w = headline.plural_words(len(apart), lang)
        story.append(P(tx["apart"].format(n=len(apart), its="its" if w["indicators"] == "indicator" else "their",
                                          **w)))
    story.append(P(tx["scope_line"].format(n_nat=int((top["scope"] == "national").sum()) if len(top) else 0,
                                           n_all=int((top["scope"] == "all").sum()) if len(top) else 0, n=len(top))))
    names = {r["theme"]: (r["theme_name_en"] if lang == "en" else r["theme_name"]) for r in ind.to_dict("records")}
    if len(top):
        import vl_convert
        chart = charts.status_count_chart(headline.count_frame(top, names), lang,
                                          {"count": tx["n_indicators"], "status": tx["status"]})
        chart = charts.with_caption(chart, tx["chart"], [f"{start}–{end}", tx["unit"], tx["chart_source"]])
        img = io.BytesIO(vl_convert.vegalite_to_png(chart.to_json(), scale=2))
        w_, h_ = ImageReader(img).getSize()
        img.seek(0)
        scale = min(width / w_, 105 * mm / h_)
        story += [Spacer(1, 3 * mm), Image(img, width=w_ * scale, height=h_ * scale)]

    # --- per theme (national, all agencies)
    th = data.themes[data.themes["scope"].isin(["national", "all"])] if len(data.themes) else data.themes
    story += [PageBreak(), P(tx["themes"], h2)]
    rows = [[tx["theme"], tx["scope"], tx["status"], tx["n_indicators"], tx["n_achieved"], tx["capaian"]]]
    for r in th.to_dict("records"):
        cap = progress._num(r["mean_capaian"])
        rows.append([names.get(r["theme"], r["theme"]), tx[f"scope_{r['scope']}"], labels.get(r["status"], r["status"]),
                     progress.fmt_number(r["n_indicators"], 0, lang), progress.fmt_number(r["n_achieved"], 0, lang),
                     "–" if cap is None else progress.fmt_number(cap, 1, lang) + "%"])
    story.append(table(rows, [58 * mm, 26 * mm, 32 * mm, 18 * mm, 20 * mm, width - 154 * mm], 2, list(th["status"])))

    def indicator_rows(df):
        rows = [[tx["indicator"], tx["scope"], tx["value"], tx["target"].format(end=end), tx["status"], tx["cap"],
                 tx["source"]]]
        for r in df.to_dict("records"):
            cap = progress._num(r.get("capaian"))
            name = escape(str(r["indicator_name_en" if lang == "en" else "indicator_name"] or r["indicator_name"]))
            rows.append([Paragraph(f'{name}<br/><font size="6.5" color="#555555">{escape(r["indicator_code"])}</font>',
                                   cell), tx[f"scope_{r['scope']}"], _value(r, lang, end),
                         briefing._target_text(r, lang), labels.get(r["status"], r["status"]),
                         "–" if cap is None else progress.fmt_number(cap, 1, lang) + "%",
                         Paragraph(_source(r, lang), cell)])
        return table(rows, [42 * mm, 16 * mm, 22 * mm, 19 * mm, 20 * mm, 15 * mm, width - 134 * mm], 4,
                     list(df["status"]))

    achieved = counted[counted["status"] == "target_achieved"] if len(counted) else counted
    missed = counted[counted["status"] != "target_achieved"] if len(counted) else counted
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    missed = missed.assign(_o=missed["status"].map(order)).sort_values(["_o", "sort_order"]).drop(columns="_o") \
        if len(missed) else missed
    story += [PageBreak(), P(tx["achieved"], h2)]
    story.append(indicator_rows(achieved) if len(achieved) else P(tx["achieved_none"].format(end=end)))
    story += [P(tx["not_achieved"], h2)]
    story.append(indicator_rows(missed) if len(missed) else P(tx["not_achieved_none"]))
    if len(apart):
        story += [P(tx["apart_heading"], h2), indicator_rows(apart)]

    story += [P(tx["sources"], h2)]
    cited = {texts.cite(s, lang): s for s in top["source"] if texts.cite(s, lang) != "–"} if len(top) else {}
    story += [Paragraph("• " + cite_markup(cited[k], lang), small) for k in sorted(cited)]
    story += [Spacer(1, 2 * mm), P(tx["agency_source"]), P(tx["method"], h2)]
    story += [P("• " + m) for m in tx["method_lines"]]

    note = f"PantauRB · {start}–{end}" + (" · " + tx["synthetic"] if data.synthetic else "")
    return build_pdf(story, title=tx["title"].format(start=start, end=end), note=note, page=tx["page"],
                     font=regular, lang=lang)


__all__ = ["FinalData", "gather", "period_for_year", "render"]
