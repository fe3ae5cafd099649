"""The printable briefing: an A4 PDF for leaders, in Bahasa Indonesia or English.

Cover with the headline sentence and a status chart; one page per theme (status counts, the national
indicators that moved since the previous quarter, the agencies furthest from target); an annex table of every
national indicator; sources and method. Charts are Altair specs rendered by vl-convert and carry title,
period, unit, source and the synthetic-data label. Layout by ReportLab (platypus).

`gather(con, year, quarter)` collects the tables through `indicators.queries`; `render(data, lang)` is a
pure function of them (tests build it from a real database and read the text back with pypdf).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from indicators import charts, headline, progress, queries, rules_text, texts
from indicators.charts import STATUS_COLORS, STATUS_ORDER
from indicators.periods import previous_quarter

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

TEXT = {
    "id": {"title": "Ringkasan Reformasi Birokrasi", "title_final": "Capaian Akhir Reformasi Birokrasi",
           "subtitle": "Pemantauan {period}",
           "position": "Posisi {quarter}", "generated": "Dibuat {at} dengan PantauRB",
           "synthetic": "Data sintetis (demo): nilai instansi dalam laporan ini bukan data resmi.",
           "headline": "Jawaban singkat", "themes_chart": "Indikator nasional bertarget per status",
           "unit_indicators": "Satuan: jumlah indikator", "period": "Periode: {quarter}",
           "source_catalogue": "Sumber: seri nasional resmi di katalog PantauRB (BPS, KemenPANRB, dll.)",
           "counts": "Jumlah indikator bertarget per status", "status": "Status", "n": "Jumlah",
           "moved": "Indikator yang bergerak sejak {prev}", "moved_none": "Tidak ada indikator nasional yang "
           "berubah nilai atau status sejak {prev}.", "before": "Sebelumnya", "after": "Sekarang",
           "behind": "Instansi paling jauh dari target", "behind_none": "Belum ada penilaian instansi untuk tema ini.",
           "agency": "Instansi", "type": "Jenis", "mean_score": "Skor rata-rata", "off_track": "Indikator di "
           "bawah jalur", "worst": "Indikator terlemah", "annex": "Lampiran: seluruh indikator nasional",
           "code": "Kode", "indicator": "Indikator", "value": "Nilai terakhir", "target": "Target {year}",
           "capaian": "Capaian", "source": "Sumber", "sources": "Sumber data", "method": "Catatan metode",
           "agency_source": "Nilai instansi: laporan triwulanan yang diunggah ke PantauRB; setiap angka dapat "
           "ditelusuri ke berkas, pengunggah dan waktu (submission_id).",
           "method_lines": [
               rules_text.STATUS_RULE["id"], rules_text.BASIS_RULE["id"],
               "Hanya indikator yang bertarget dihitung dalam kalimat ringkasan; indikator tanpa target dinilai "
               "menurut trennya dan dihitung terpisah.",
               rules_text.CAPAIAN_RULE["id"]],
           "other_bases": "Status menurut dasar target lain",
           "page": "Halaman {n}", "data_year": "data {year}"},
    "en": {"title": "Bureaucratic Reform briefing", "title_final": "Final Bureaucratic Reform results",
           "subtitle": "Monitoring: {period}",
           "position": "Position {quarter}", "generated": "Generated {at} by PantauRB",
           "synthetic": "Synthetic (demo) data: agency values in this report are not official data.",
           "headline": "The short answer", "themes_chart": "National indicators with a target, by status",
           "unit_indicators": "Unit: number of indicators", "period": "Period: {quarter}",
           "source_catalogue": "Source: official national series in the PantauRB catalogue (BPS, KemenPANRB, etc.)",
           "counts": "Indicators with a target, by status", "status": "Status", "n": "Count",
           "moved": "Indicators that moved since {prev}", "moved_none": "No national indicator changed value or "
           "status since {prev}.", "before": "Before", "after": "Now",
           "behind": "Agencies furthest from target", "behind_none": "No agency assessment for this theme yet.",
           "agency": "Agency", "type": "Type", "mean_score": "Mean score", "off_track": "Indicators off track",
           "worst": "Weakest indicator", "annex": "Annex: every national indicator",
           "code": "Code", "indicator": "Indicator", "value": "Latest value", "target": "Target {year}",
           "capaian": "Achievement", "source": "Source", "sources": "Data sources", "method": "Method notes",
           "agency_source": "Agency values: quarterly reports uploaded to PantauRB; every number can be traced "
           "to its file, uploader and time (submission_id).",
           "method_lines": [
               rules_text.STATUS_RULE["en"], rules_text.BASIS_RULE["en"],
               "Only indicators with a target count in the headline; indicators without a target are judged "
               "by their trend and counted apart.",
               rules_text.CAPAIAN_RULE["en"]],
           "other_bases": "Status against the other official targets",
           "page": "Page {n}", "data_year": "{year} data"},
}


@dataclass
class BriefingData:
    year: int
    quarter: int
    period_name: str           # roadmap period name in Indonesian
    period_name_en: str
    end_year: int
    national: pd.DataFrame     # queries.national_assessments
    themes: pd.DataFrame       # queries.themes (theme, name, name_en, ...)
    changes: pd.DataFrame      # queries.changes_since_previous
    agencies: dict[str, pd.DataFrame] = field(default_factory=dict)  # theme -> queries.theme_agencies
    indicator_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (name, name_en)
    cutoff: datetime | None = None
    synthetic: bool = False
    final: bool = False        # the end-of-roadmap edition


def gather(con, year: int, quarter: int, *, final: bool = False) -> BriefingData:
    """Everything the briefing shows for one quarter, read through `indicators.queries`."""
    periods = queries.periods(con)
    match = periods[(periods["start_year"] <= year) & (periods["end_year"] >= year)]
    if match.empty:
        raise LookupError(", ".join(f"{r.start_year}–{r.end_year}" for r in periods.itertuples()) or "–")
    prow = match.iloc[-1]
    national = queries.national_assessments(con, year, quarter)
    themes = queries.themes(con)
    used = list(dict.fromkeys(national["theme"])) if len(national) else []
    agencies = {th: queries.theme_agencies(con, year, quarter, th) for th in themes["theme"]}
    agencies = {th: df for th, df in agencies.items() if len(df)}
    cut = queries.data_cutoff(con, year, quarter).iloc[0]
    synthetic = bool(cut["synthetic"]) or any(bool(df["synthetic"].any()) for df in agencies.values())
    cutoff = cut["last_received_at"]
    themes = themes[themes["theme"].isin(used + list(agencies))]
    names = {r["indicator_code"]: (r["name"], r["name_en"]) for r in queries.indicator_list(con).to_dict("records")}
    return BriefingData(year, quarter, str(prow["name"]), str(prow["name_en"]), int(prow["end_year"]), national,
                        themes, queries.changes_since_previous(con, year, quarter), agencies, names,
                        None if pd.isna(cutoff) else pd.Timestamp(cutoff).to_pydatetime(), synthetic, final)


# ------------------------------------------------------------------ text helpers
def _lang(lang: str) -> str:
    return "en" if lang == "en" else "id"


def quarter_label(year: int, quarter: int, lang: str) -> str:
    return texts.quarter_label(year, quarter, lang)


def file_name(year: int, quarter: int, lang: str, final: bool = False) -> str:
    """The download's name in the reader's language."""
    if _lang(lang) == "en":
        return f"rb_final_results_{year}.pdf" if final else f"rb_briefing_{year}_Q{quarter}.pdf"
    return f"capaian_akhir_rb_{year}.pdf" if final else f"ringkasan_rb_{year}_TW{quarter}.pdf"


def _theme_names(data: BriefingData, lang: str) -> dict[str, str]:
    return {r["theme"]: (r["name_en"] if lang == "en" else r["name"]) for r in data.themes.to_dict("records")}


def make_headline(data: BriefingData, lang: str, date_text=None) -> headline.Headline:
    """`date_text(date, lang)` writes the cut-off date (the caller's date formatter; ISO date without one)."""
    lang = _lang(lang)
    cutoff = "" if data.cutoff is None else (date_text or texts.format_date)(data.cutoff.date(), lang)
    return headline.headline(data.national, lang=lang, period=quarter_label(data.year, data.quarter, lang),
                             cutoff=cutoff, theme_names=_theme_names(data, lang))


def _value(r: dict, lang: str, year: int | None = None) -> str:
    """The latest value with its unit; when it is older than the briefing's year, its data year follows
    ('2,79 indeks (data 2023)'), so an old figure is never read as the state of the quarter."""
    if r.get("value_type") == "category" or (isinstance(r.get("latest_text"), str) and r.get("latest_text")):
        v = str(r.get("latest_text") or "–")
    else:
        unit = (r.get("unit_en") or r.get("unit")) if lang == "en" else r.get("unit")
        v = progress.fmt_number(r.get("latest_value"), int(r.get("decimals") or 0), lang)
        v = v if v == "–" or not unit else f"{v} {unit}"
    data_year = progress._num(r.get("latest_year"))
    if v != "–" and year is not None and data_year is not None and int(data_year) < int(year):
        v += f" ({TEXT[lang]['data_year'].format(year=int(data_year))})"
    return v


def _target(r: dict, lang: str) -> str:
    return progress.fmt_target(r.get("target_low"), r.get("target_high"), r.get("target_text"),
                               int(r.get("decimals") or 0), lang)


def _unit(r: dict, lang: str) -> str:
    return str((r.get("unit_en") or r.get("unit")) if lang == "en" else r.get("unit") or "")


def basis_lines(r: dict, lang: str) -> list[str]:
    """The verdict's own basis and what each other official target of the year would say:
    'Kemajuan terbatas (target RPJMN 2024 14 %)', 'Terhadap target rencana sektoral 2024 20,1 %: Target
    tercapai' (rules_text)."""
    alts = r.get("alternatives") or []
    if not alts:
        return []
    dec = int(r.get("decimals") or 0)
    own = rules_text.target_words(r.get("target_low"), r.get("target_high"), r.get("target_text"), dec,
                                  _unit(r, lang), lang)
    head = rules_text.alternative_line(r.get("target_basis_code"), int(r.get("target_year") or 0), own,
                                       str(r.get("status")), lang)
    return [head] + [rules_text.alternative_line(a["basis_code"], a["year"], rules_text.target_words(
        a["target_low"], a["target_high"], a["target_text"], dec, _unit(r, lang), lang), a["status"], lang)
        for a in alts]


def cite_markup(source, lang: str, limit: int = 30) -> str:
    """A source as ReportLab paragraph markup: the one citation form (texts.citations), the link shortened
    (host and path start) and clickable, so it wraps as words instead of a URL broken over many lines."""
    from xml.sax.saxutils import escape, quoteattr
    out = []
    for c in texts.citations(source, lang):
        link = (f'<link href={quoteattr(c.url)} color="#1d5fa8">{escape(texts.short_url(c.url, limit))}</link>'
                if c.url else "")
        lead = escape(c.lead)
        out.append((f"{lead}, {link}" if lead and link else lead or link) + escape(c.tail))
    return "; ".join(out) or "–"


# ------------------------------------------------------------------ charts
def _chart_png(df: pd.DataFrame, data: BriefingData, lang: str, title: str) -> bytes:
    import vl_convert
    tx = TEXT[lang]
    q = quarter_label(data.year, data.quarter, lang)
    chart = charts.status_count_chart(headline.count_frame(df, _theme_names(data, lang)), lang,
                                      {"count": tx["n"], "status": tx["status"]})
    chart = charts.with_caption(chart, title, [tx["period"].format(quarter=q), tx["unit_indicators"],
                                               tx["source_catalogue"]])
    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


# ------------------------------------------------------------------ layout
def _fonts() -> tuple[str, str]:
    """DejaVu Sans when installed (covers '–', '×', '→'); else the built-in Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        if "PRB-Sans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("PRB-Sans", str(regular)))
            pdfmetrics.registerFont(TTFont("PRB-Sans-Bold", str(bold)))
        return "PRB-Sans", "PRB-Sans-Bold"
    return "Helvetica", "Helvetica-Bold"


def render(data: BriefingData, lang: str = "id", generated_at: datetime | None = None, date_text=None) -> bytes:
    """The briefing as PDF bytes (A4 portrait); `date_text(date, lang)` formats the data's cut-off date."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (Image, KeepTogether, PageBreak, Paragraph, Spacer, Table,
                                    TableStyle)

    lang = _lang(lang)
    tx = TEXT[lang]
    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5)
    cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)
    h1 = ParagraphStyle("h1", parent=base, fontName=bold, fontSize=20, leading=25, spaceAfter=4)
    h2 = ParagraphStyle("h2", parent=base, fontName=bold, fontSize=14, leading=18, spaceBefore=6, spaceAfter=6,
                        textColor=colors.HexColor("#1d5fa8"))
    h3 = ParagraphStyle("h3", parent=base, fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4)
    lead = ParagraphStyle("lead", parent=base, fontName=bold, fontSize=13, leading=17, spaceAfter=6)
    warn = ParagraphStyle("warn", parent=base, backColor=colors.HexColor("#fff4e0"), borderPadding=5,
                          borderColor=colors.HexColor("#E69F00"), borderWidth=0.8, spaceBefore=6, spaceAfter=10)
    P = lambda text, style=base: Paragraph(escape(str(text)), style)  # noqa: E731
    width = A4[0] - 36 * mm
    labels = progress.STATUS_LABELS[lang]
    names = _theme_names(data, lang)
    quarter = quarter_label(data.year, data.quarter, lang)
    period = data.period_name_en if lang == "en" else data.period_name
    prev = quarter_label(*previous_quarter(data.year, data.quarter), lang)
    head = make_headline(data, lang, date_text)
    at = texts.format_datetime_wib(generated_at or datetime.now(timezone.utc), lang)  # WIB, like xlsx and receipts

    def table(rows, widths, status_col=None, statuses=None):
        body = [[c if not isinstance(c, str) else P(c, cell) for c in r] for r in rows]
        t = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [("FONTNAME", (0, 0), (-1, 0), bold), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f6")),
                 ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#c5ccd3")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
        if status_col is not None:
            for i, s in enumerate(statuses or [], start=1):
                if s in STATUS_COLORS:
                    style.append(("LINEBEFORE", (status_col, i), (status_col, i), 5, colors.HexColor(STATUS_COLORS[s]),
                                  "butt"))
        t.setStyle(TableStyle(style))
        return t

    def worst_name(code):
        names_ = data.indicator_names.get(code or "")
        return f"{names_[1 if lang == 'en' else 0] or names_[0]} ({code})" if names_ else (code or "–")

    def chart(df, title):
        img = io.BytesIO(_chart_png(df, data, lang, title))
        from reportlab.lib.utils import ImageReader
        w, h = ImageReader(img).getSize()
        img.seek(0)
        scale = min(width / w, 110 * mm / h)
        return Image(img, width=w * scale, height=h * scale)

    story = [P(tx["title_final" if data.final else "title"], h1),
             P(tx["subtitle"].format(period=period)),
             P(head.as_of),
             P(tx["generated"].format(at=at), small)]
    if data.synthetic:
        story.append(P(tx["synthetic"], warn))
    story += [Spacer(1, 4 * mm), P(tx["headline"], h2), P(head.overall, lead)]
    if head.trend:
        story.append(P(head.trend))
    story += [Spacer(1, 2 * mm)] + [P("• " + s) for _, s in head.themes]
    if len(data.national):
        story += [Spacer(1, 5 * mm), chart(data.national, tx["themes_chart"])]

    changes = data.changes[data.changes["kind"].isin(["national_value", "national_status"])] \
        if len(data.changes) else data.changes
    by_code = {r["indicator_code"]: r for r in data.national.to_dict("records")}
    sentences = dict(head.themes)
    for theme in data.themes["theme"]:
        nat = data.national[data.national["theme"] == theme] if len(data.national) else data.national
        story += [PageBreak(), P(names.get(theme, theme), h2)]
        if theme in sentences:
            story.append(P(sentences[theme], lead))
        counts = headline.status_counts(nat)
        if sum(counts.values()):
            story.append(KeepTogether([P(tx["counts"], h3), table(
                [[tx["status"], tx["n"]]] + [[labels[s], str(n)] for s, n in counts.items()],
                [70 * mm, 25 * mm], 0, list(counts))]))
        with_alts = [r for r in nat.to_dict("records") if r.get("alternatives")] if len(nat) else []
        if with_alts:
            story.append(P(tx["other_bases"], h3))
            for r in with_alts:
                lines = basis_lines(r, lang)
                story.append(P(f"{r['name_en' if lang == 'en' else 'name'] or r['name']}: {lines[0]}"))
                story += [P("– " + x, small) for x in lines[1:]]
        story.append(P(tx["moved"].format(prev=prev), h3))
        moved = changes[changes["indicator_code"].isin(set(nat["indicator_code"]))] if len(nat) else changes.iloc[0:0]
        if len(moved):
            rows = [[tx["indicator"], tx["before"], tx["after"], tx["status"]]]
            for m in moved.to_dict("records"):
                r = by_code.get(m["indicator_code"], {})
                dec = int(m.get("decimals") or 0)
                st_b, st_a = labels.get(m["before_status"] or "", "–"), labels.get(m["after_status"] or "", "–")
                rows.append([r.get("name_en" if lang == "en" else "name", m["indicator_code"]),
                             progress.fmt_number(m["before_value"], dec, lang),
                             progress.fmt_number(m["after_value"], dec, lang),
                             st_a if st_a == st_b else f"{st_b} → {st_a}"])
            story.append(table(rows, [80 * mm, 25 * mm, 25 * mm, width - 130 * mm], 3, list(moved["after_status"])))
        else:
            story.append(P(tx["moved_none"].format(prev=prev)))
        story.append(P(tx["behind"], h3))
        ag = data.agencies.get(theme)
        if ag is not None and len(ag):
            worst = ag.head(5)
            rows = [[tx["agency"], tx["type"], tx["mean_score"], tx["off_track"], tx["worst"]]]
            for a in worst.to_dict("records"):
                rows.append([f"{a['agency_name']} ({a['agency_code']})", str(a["agency_type"]),
                             progress.fmt_number(a["mean_score"], 1, lang), str(int(a["n_off_track"])),
                             f"{worst_name(a['worst_indicator'])}: {labels.get(a['worst_status'] or '', '–')}"])
            story.append(table(rows, [50 * mm, 14 * mm, 18 * mm, 20 * mm, width - 102 * mm], 4,
                               list(worst["worst_status"])))
            if bool(ag["synthetic"].any()):
                story.append(P(tx["synthetic"], small))
        else:
            story.append(P(tx["behind_none"]))

    story += [PageBreak(), P(tx["annex"], h2)]
    rows = [[tx["indicator"], tx["value"], tx["target"].format(year=data.end_year), tx["status"],
             tx["capaian"], tx["source"]]]
    recs = data.national.to_dict("records")
    for r in recs:
        cap = progress._num(r.get("capaian"))
        name = escape(str(r["name_en" if lang == "en" else "name"] or r["name"]))
        rows.append([Paragraph(f'{name}<br/><font size="6.5" color="#555555">{escape(r["indicator_code"])}</font>',
                               cell), _value(r, lang, data.year), _target(r, lang) + (
                         f" ({rules_text.basis_label(r['target_basis_code'], lang)})"
                         if isinstance(r.get("target_basis_code"), str) and _target(r, lang) != "–" else ""),
                     ". ".join([labels.get(r["status"], r["status"])] + basis_lines(r, lang)[1:]),
                     "–" if cap is None else progress.fmt_number(cap, 1, lang) + "%",
                     Paragraph(cite_markup(r.get("source"), lang), cell)])
    story.append(table(rows, [46 * mm, 21 * mm, 20 * mm, 26 * mm, 16 * mm, width - 129 * mm], 3,
                       [r["status"] for r in recs]))
    story += [P(tx["sources"], h2), P(tx["source_catalogue"])]
    cited = {texts.cite(r.get("source"), lang): r.get("source") for r in recs}
    for text in sorted(k for k in cited if k != "–"):
        story.append(Paragraph("• " + cite_markup(cited[text], lang), small))
    story += [Spacer(1, 2 * mm), P(tx["agency_source"]), P(tx["method"], h2)]
    story += [P("• " + m) for m in tx["method_lines"]]

    note = f"PantauRB · {quarter}" + (" · " + tx["synthetic"] if data.synthetic else "")
    return build_pdf(story, title=tx["title_final" if data.final else "title"] + " · " + quarter, note=note,
                     page=tx["page"], font=regular, lang=lang)


def build_pdf(story: list, *, title: str, note: str, page: str, font: str, lang: str) -> bytes:
    """Lay out `story` on A4 with the running foot (`note` left, 'Halaman n' right): the one page frame of
    both briefings (quarterly and end of roadmap)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(18 * mm, 10 * mm, note[:150])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, page.format(n=doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=title, author="PantauRB", lang=lang)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


__all__ = ["BriefingData", "gather", "render", "file_name", "make_headline", "STATUS_ORDER"]
