"""Final-report briefing documents (xlsx and self-contained HTML) and the catalogue change summary.

Pure functions: DataFrames in (from indicators.queries.final_indicator_results / final_theme_results),
bytes out. No streamlit, no database. Text cells that a spreadsheet would run as formulas are
neutralised with a leading single quote.
"""

from __future__ import annotations

import html
import io
from datetime import datetime, timezone

import pandas as pd

from indicators import progress, rules_text, texts
from indicators.charts import STATUS_COLORS, STATUS_ORDER
from indicators.xlsx_text import neutralise_value


TEXT = {
    "id": {
        "title": "Capaian Akhir Reformasi Birokrasi {period}", "generated": "Dibuat {at}",
        "synthetic": "Memuat data sintetis (demo): bukan data resmi instansi.",
        "summary": "Ringkasan", "themes": "Capaian per tema", "indicators": "Capaian per indikator",
        "notes": "Catatan metode", "n_status": "Jumlah indikator (cakupan nasional/semua instansi) per status",
        "theme": "Tema", "scope": "Cakupan", "status": "Status", "mean_score": "Skor rata-rata",
        "capaian": "Capaian (%)", "n_indicators": "Indikator", "n_assessed": "Dinilai", "n_achieved": "Target tercapai",
        "indicator_code": "Kode", "indicator": "Indikator", "value": "Nilai akhir", "target": "Target",
        "unit": "Satuan", "n_agencies": "Instansi", "source": "Sumber", "confidence": "Tingkat keandalan sumber",
        "basis": "Dasar target status", "other_bases": "Status menurut target lain",
        "synthetic_col": "Data sintetis", "count": "Jumlah", "agency_reports": "{n} laporan instansi",
        "confidence_high": "tinggi", "confidence_medium": "sedang", "confidence_low": "rendah",
        "scope_national": "Nasional", "scope_all": "Semua instansi", "scope_KL": "K/L", "scope_PROV": "Provinsi",
        "scope_KAB": "Kabupaten", "scope_KOTA": "Kota",
        "method": [
            rules_text.STATUS_RULE["id"], rules_text.BASIS_RULE["id"], rules_text.CAPAIAN_RULE["id"],
            "Indikator tingkat instansi dirangkum per indikator (rata-rata skor), lalu per tema; setiap "
            "indikator berbobot sama.",
            "Nilai nasional berasal dari seri resmi yang tercatat di katalog, lengkap dengan sumber dan "
            "tingkat keandalan sumbernya; nilai instansi dapat ditelusuri ke submission_id di dasbor.",
        ],
    },
    "en": {
        "title": "Final Bureaucratic Reform results {period}", "generated": "Generated {at}",
        "synthetic": "Contains synthetic (demo) data: not official agency data.",
        "summary": "Summary", "themes": "Results by theme", "indicators": "Results by indicator",
        "notes": "Method notes", "n_status": "Number of indicators (national / all-agency scope) per status",
        "theme": "Theme", "scope": "Scope", "status": "Status", "mean_score": "Mean score",
        "capaian": "Achievement (%)", "n_indicators": "Indicators", "n_assessed": "Assessed",
        "n_achieved": "Target achieved", "indicator_code": "Code", "indicator": "Indicator", "value": "Final value",
        "target": "Target", "unit": "Unit", "n_agencies": "Agencies", "source": "Source", "confidence": "Confidence",
        "basis": "Target basis of the status", "other_bases": "Status against other targets",
        "synthetic_col": "Synthetic data", "count": "Count", "agency_reports": "{n} agency reports",
        "confidence_high": "high", "confidence_medium": "medium", "confidence_low": "low",
        "scope_national": "National", "scope_all": "All agencies", "scope_KL": "Ministries/agencies",
        "scope_PROV": "Provinces", "scope_KAB": "Regencies", "scope_KOTA": "Cities",
        "method": [
            rules_text.STATUS_RULE["en"], rules_text.BASIS_RULE["en"], rules_text.CAPAIAN_RULE["en"],
            "Agency-level indicators are rolled up per indicator (mean score), then per theme; every indicator "
            "weighs the same.",
            "National values come from the official series recorded in the catalogue, with source and "
            "confidence; agency values can be traced to their submission_id in the dashboard.",
        ],
    },
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "id"


def _safe(v):
    return neutralise_value(v)


def _fmt(x, decimals: int, lang: str) -> str:
    return progress.fmt_number(x, decimals, lang)


def _target_text(r: dict, lang: str) -> str:
    return progress.fmt_target(r.get("target_low"), r.get("target_high"), r.get("target_text"),
                               int(progress._num(r.get("decimals")) or 0), lang)


def _value_text(r: dict, lang: str) -> str:
    if isinstance(r.get("value_text"), str) and r["value_text"]:
        return r["value_text"]
    return _fmt(r.get("value"), int(progress._num(r.get("decimals")) or 0), lang)


def _value_number(r: dict):
    if isinstance(r.get("value_text"), str) and r["value_text"]:
        return r["value_text"]
    return progress._num(r.get("value"))


def _target_number(r: dict, lang: str):
    lo, hi = progress._num(r.get("target_low")), progress._num(r.get("target_high"))
    if (isinstance(r.get("target_text"), str) and r["target_text"]) or (lo is not None and hi is not None and lo != hi):
        return _target_text(r, lang)
    return lo if lo is not None else hi


def source_text(r: dict, lang: str = "id") -> str | None:
    """Where a final figure comes from, in the reader's language: the citation of a national figure, or
    'n laporan instansi' / 'n agency reports' for a roll-up of agency reports."""
    lang = _lang(lang)
    if isinstance(r.get("source"), str) and r["source"].strip():
        return texts.cite(r["source"], lang)
    n = progress._num(r.get("n_agencies"))
    return TEXT[lang]["agency_reports"].format(n=int(n)) if r.get("level") == "agency" and n is not None else None


def final_counts(indicators: pd.DataFrame) -> dict[str, int]:
    """Final status -> number of indicators (national ones, and agency ones over all agencies) that count in the
    roll-up: the same rows and rule as the final-report page, the headline and the PDF (headline.status_counts)."""
    from indicators import headline
    return headline.status_counts(indicators[indicators["scope"].isin(["national", "all"])])


def briefing_tables(indicators: pd.DataFrame, themes: pd.DataFrame, lang: str = "id") -> dict[str, pd.DataFrame]:
    """The three tables of the briefing with translated headers and labels: summary, themes, indicators."""
    lang = _lang(lang)
    tx, labels = TEXT[lang], progress.STATUS_LABELS[lang]
    counts = final_counts(indicators)
    summary = pd.DataFrame({tx["status"]: [labels[s] for s in STATUS_ORDER],
                            tx["count"]: [int(counts.get(s, 0)) for s in STATUS_ORDER]})
    th = pd.DataFrame({
        tx["theme"]: themes["theme_name_en" if lang == "en" else "theme_name"],
        tx["scope"]: [tx.get(f"scope_{s}", s) for s in themes["scope"]],
        tx["status"]: [labels.get(s, s) for s in themes["status"]],
        tx["mean_score"]: themes["mean_score"].round(2),
        tx["capaian"]: themes["mean_capaian"].round(1),
        tx["n_indicators"]: themes["n_indicators"], tx["n_assessed"]: themes["n_assessed"],
        tx["n_achieved"]: themes["n_achieved"],
        tx["synthetic_col"]: themes["synthetic"].map(lambda v: "✓" if v else ""),
    })
    recs = indicators.to_dict("records")
    ind = pd.DataFrame({
        tx["theme"]: indicators["theme_name_en" if lang == "en" else "theme_name"],
        tx["indicator_code"]: indicators["indicator_code"],
        tx["indicator"]: indicators["indicator_name_en" if lang == "en" else "indicator_name"],
        tx["scope"]: [tx.get(f"scope_{s}", s) for s in indicators["scope"]],
        tx["status"]: [labels.get(s, s) for s in indicators["status"]],
        tx["value"]: [_value_text(r, lang) for r in recs],
        tx["target"]: [_target_text(r, lang) for r in recs],
        tx["unit"]: (indicators["unit_en"].where(indicators["unit_en"].fillna("") != "", indicators["unit"])
                     if lang == "en" and "unit_en" in indicators else indicators["unit"]),
        tx["capaian"]: indicators["capaian"].round(1),
        tx["mean_score"]: indicators["mean_score"].round(2),
        tx["n_agencies"]: indicators["n_agencies"],
        tx["source"]: [source_text(r, lang) for r in recs],
        tx["confidence"]: [tx.get(f"confidence_{c}", c) for c in indicators["confidence"]],
        tx["synthetic_col"]: indicators["synthetic"].map(lambda v: "✓" if v else ""),
        tx["basis"]: [rules_text.basis_label(r.get("target_basis_code"), lang)
                      if isinstance(r.get("target_basis_code"), str) else "" for r in recs],
        tx["other_bases"]: [_other_bases(r, lang) for r in recs],
    })
    return {"summary": summary, "themes": th, "indicators": ind}


def _other_bases(r: dict, lang: str) -> str:
    """What the other official targets of the year would say ('Terhadap target RKP/APBN 2024 0–1 %: Target
    tercapai'), one line per basis."""
    alts = r.get("alternatives")
    if not isinstance(alts, list) or not alts:
        return ""
    dec = int(progress._num(r.get("decimals")) or 0)
    unit = str((r.get("unit_en") or r.get("unit")) if lang == "en" else r.get("unit") or "")
    return "; ".join(rules_text.alternative_line(a["basis_code"], a["year"], rules_text.target_words(
        a["target_low"], a["target_high"], a["target_text"], dec, unit, lang), a["status"], lang) for a in alts)


def briefing_xlsx(indicators: pd.DataFrame, themes: pd.DataFrame, *, period_name: str, lang: str = "id",
                  generated_at: datetime | None = None, synthetic: bool = False) -> bytes:
    """Workbook with sheets Ringkasan/Summary, Tema/Themes, Indikator/Indicators and Catatan/Notes."""
    lang = _lang(lang)
    tx = TEXT[lang]
    tables = briefing_tables(indicators, themes, lang)
    # In the workbook a value or single target is a number (never text such as "1.714,20"); a category or
    # a band stays text.
    recs = indicators.to_dict("records")
    tables["indicators"][tx["value"]] = [_value_number(r) for r in recs]
    tables["indicators"][tx["target"]] = [_target_number(r, lang) for r in recs]
    at = texts.format_datetime_wib(generated_at or datetime.now(timezone.utc), lang)
    sheets = {"summary": "Ringkasan" if lang == "id" else "Summary", "themes": "Tema" if lang == "id" else "Themes",
              "indicators": "Indikator" if lang == "id" else "Indicators", "notes": "Catatan" if lang == "id" else "Notes"}
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        head = [tx["title"].format(period=period_name), tx["generated"].format(at=at)]
        if synthetic:
            head.append(tx["synthetic"])
        pd.DataFrame({"": [_safe(h) for h in head]}).to_excel(xw, sheet_name=sheets["summary"], index=False, header=False)
        tables["summary"].to_excel(xw, sheet_name=sheets["summary"], index=False, startrow=len(head) + 1)
        for key in ("themes", "indicators"):
            df = tables[key].map(_safe)
            df.columns = [_safe(c) for c in df.columns]
            df.to_excel(xw, sheet_name=sheets[key], index=False)
            ws = xw.sheets[sheets[key]]
            ws.freeze_panes = "A2"
            for row in ws.iter_rows(min_row=2):
                for c in row:
                    if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                        c.number_format = "#,##0" if float(c.value).is_integer() else "#,##0.0#"
            for i, c in enumerate(df.columns, start=1):
                width = min(60, max(10, len(str(c)) + 2, *(len(str(v)) + 1 for v in df[c].head(200))))
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
        pd.DataFrame({tx["notes"]: tx["method"]}).to_excel(xw, sheet_name=sheets["notes"], index=False)
        xw.sheets[sheets["notes"]].column_dimensions["A"].width = 120
        xw.sheets[sheets["summary"]].column_dimensions["A"].width = 40
    return buf.getvalue()


_CSS = """
body{font-family:"Source Sans Pro","Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#1f2933}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #1d5fa8}
.meta{color:#555}.warn{background:#fff4e0;border-left:4px solid #E69F00;padding:.5rem .8rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #d5dbe1;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#eef2f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.chip{display:inline-block;width:.8em;height:.8em;border:1px solid #555;border-radius:2px;margin-right:.35em}
.bar{display:flex;height:1.4rem;border:1px solid #999;margin:.5rem 0}.bar span{display:block}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""


def _chip(status: str, lang: str) -> str:
    color = STATUS_COLORS.get(status, "#BBBBBB")
    label = progress.STATUS_LABELS[lang].get(status, status)
    return f'<span class="chip" style="background:{color}"></span>{html.escape(label)}'


def _html_table(df: pd.DataFrame, status_col: str | None, statuses: list[str] | None, lang: str,
                numeric: dict[str, int]) -> str:
    """`numeric` maps column header -> decimals (right-aligned, in the language's number format)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for i, rec in enumerate(df.itertuples(index=False)):
        cells = []
        for c, v in zip(df.columns, rec):
            if c == status_col and statuses is not None:
                cells.append(f"<td>{_chip(statuses[i], lang)}</td>")
            elif c in numeric:
                x = progress._num(v)
                cells.append(f'<td class="num">{"–" if x is None else _fmt(x, numeric[c], lang)}</td>')
            else:
                cells.append(f"<td>{html.escape('' if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def briefing_html(indicators: pd.DataFrame, themes: pd.DataFrame, *, period_name: str, lang: str = "id",
                  generated_at: datetime | None = None, synthetic: bool = False) -> bytes:
    """One self-contained HTML page (inline CSS, no scripts, no external files), printable to PDF."""
    lang = _lang(lang)
    tx = TEXT[lang]
    tables = briefing_tables(indicators, themes, lang)
    at = texts.format_datetime_wib(generated_at or datetime.now(timezone.utc), lang)
    counts = pd.Series(final_counts(indicators))
    total = max(1, int(counts.sum()))
    bar = "".join(f'<span style="width:{100 * counts.get(s, 0) / total:.1f}%;background:{STATUS_COLORS[s]}" '
                  f'title="{html.escape(progress.STATUS_LABELS[lang][s])}: {int(counts.get(s, 0))}"></span>'
                  for s in STATUS_ORDER if counts.get(s, 0))
    legend = " &nbsp; ".join(f"{_chip(s, lang)} {int(counts.get(s, 0))}" for s in STATUS_ORDER)
    numeric_th = {tx["mean_score"]: 2, tx["capaian"]: 1, tx["n_indicators"]: 0, tx["n_assessed"]: 0,
                  tx["n_achieved"]: 0}
    numeric_ind = {tx["capaian"]: 1, tx["mean_score"]: 2, tx["n_agencies"]: 0}
    parts = [
        "<!DOCTYPE html>", f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{html.escape(tx['title'].format(period=period_name))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(tx['title'].format(period=period_name))}</h1>",
        f'<p class="meta">{html.escape(tx["generated"].format(at=at))}</p>',
        f'<p class="warn">{html.escape(tx["synthetic"])}</p>' if synthetic else "",
        f"<h2>{html.escape(tx['summary'])}</h2><p>{html.escape(tx['n_status'])}</p>",
        f'<div class="bar">{bar}</div><p>{legend}</p>',
        f"<h2>{html.escape(tx['themes'])}</h2>",
        _html_table(tables["themes"], tx["status"], list(themes["status"]), lang, numeric_th),
        f"<h2>{html.escape(tx['indicators'])}</h2>",
        _html_table(tables["indicators"], tx["status"], list(indicators["status"]), lang, numeric_ind),
        f"<h2>{html.escape(tx['notes'])}</h2><ul>",
        "".join(f"<li>{html.escape(m)}</li>" for m in tx["method"]), "</ul></body></html>",
    ]
    return "\n".join(p for p in parts if p).encode("utf-8")


# ------------------------------------------------------------------ catalogue change summary (admin import)
def _index(items: list[dict]) -> dict[str, dict]:
    return {str(i.get("code")): i for i in items or []}


def catalogue_diff(old: dict, new: dict) -> pd.DataFrame:
    """What an imported catalogue changes, from two `catalogue_to_dict` results: one row per added,
    removed or changed period/theme/indicator (kind, code, change, fields)."""
    rows = []
    for kind in ("periods", "themes", "indicators"):
        a, b = _index(old.get(kind, [])), _index(new.get(kind, []))
        for code in b.keys() - a.keys():
            rows.append(dict(kind=kind, code=code, change="added", fields=""))
        for code in a.keys() - b.keys():
            rows.append(dict(kind=kind, code=code, change="removed", fields=""))
        for code in a.keys() & b.keys():
            changed = sorted(k for k in set(a[code]) | set(b[code]) if a[code].get(k) != b[code].get(k))
            if changed:
                rows.append(dict(kind=kind, code=code, change="changed", fields=", ".join(changed)))
    df = pd.DataFrame(rows, columns=["kind", "code", "change", "fields"])
    return df.sort_values(["kind", "change", "code"]).reset_index(drop=True)
