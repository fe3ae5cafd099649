"""Tanda terima (receipt) for an accepted submission: a self-contained, printable HTML page."""

from __future__ import annotations

import html
from datetime import date, datetime

from indicators import texts
from loaders.timefmt import date_text, datetime_text


def timeliness_status(version: int, days_late: int) -> str:
    """The receipt's compliance word for this submission: a first report after the deadline is `late`, a
    correction after it `revised` (the compliance page's *direvisi setelah batas waktu*), else `on_time`."""
    if not days_late:
        return "on_time"
    return "revised" if version > 1 else "late"


def timeliness_text(version: int, days_late: int) -> str:
    """'tepat waktu / on time', 'TERLAMBAT 3 hari / LATE by 3 day(s)' or 'Direvisi setelah batas waktu (3 hari) /
    Revised after deadline (3 day(s))', in the compliance page's words (indicators.texts)."""
    status = timeliness_status(version, days_late)
    word, word_en = texts.compliance_label(status, "id"), texts.compliance_label(status, "en")
    if status == "late":
        return f"{word.upper()} {days_late} hari / {word_en.upper()} by {days_late} day(s)"
    if status == "revised":
        return f"{word} ({days_late} hari) / {word_en} ({days_late} day(s))"
    return f"{word.lower()} / {word_en.lower()}"


def receipt_html(*, submission_id: str, agency_code: str, agency_name: str, year: int, quarter: int,
                 version: int, received_at: datetime, uploader: str, file_name: str, file_sha256: str,
                 n_values: int, n_renaksi: int, n_warnings: int, reason: str | None, synthetic: bool = False, deadline: date | None = None,
                 days_late: int = 0, audit_head: tuple[int, str] | None = None) -> str:
    e = lambda v: html.escape(str(v if v is not None else "—"))
    rows = [
        ("Nomor tanda terima", "Receipt number", submission_id),
        ("Instansi", "Agency", f"{agency_code} — {agency_name}"),
        ("Periode", "Period", f"{texts.quarter_label(year, quarter, 'id', short=False)} / "
                              f"{texts.quarter_label(year, quarter, 'en', short=False)}"),
        ("Versi", "Version", f"{version}" + (" (perbaikan / revision)" if version > 1 else "")),
        ("Diterima pada", "Received at",
         f"{datetime_text(received_at)} / {datetime_text(received_at, 'en')} (UTC {received_at:%Y-%m-%d %H:%M:%S})"),
        ("Batas waktu", "Deadline", f"{date_text(deadline)} / {date_text(deadline, 'en')}" if deadline else None),
        ("Ketepatan waktu", "Timeliness", timeliness_text(version, days_late) if deadline else None),
        ("Pengunggah", "Uploader", uploader),
        ("Nama berkas", "File name", file_name),
        ("SHA-256 berkas", "File SHA-256", file_sha256),
        ("Nilai indikator diterima", "Indicator values accepted", n_values),
        ("Baris rencana aksi diterima", "Action-plan rows accepted", n_renaksi),
        ("Peringatan", "Warnings", n_warnings),
        ("Alasan perbaikan", "Reason for revision", reason or "—"),
    ]
    if audit_head:   # the audit chain head of this upload, anchored outside the database (loaders/audit.py)
        rows.append(("Kepala rantai audit", "Audit chain head", f"#{audit_head[0]} {audit_head[1]}"))
    body = "\n".join(f"<tr><th>{e(a)}<br><small>{e(b)}</small></th><td><code>{e(v)}</code></td></tr>"
                     for a, b, v in rows)
    what = ("Perbaikan ini", "This correction") if version > 1 else ("Laporan ini", "This report")
    late = (f"<p class='late'>{what[0]} diterima {days_late} hari setelah batas waktu {e(date_text(deadline))}. / "
            f"{what[1]} was received {days_late} day(s) after the deadline, {e(date_text(deadline, 'en'))}.</p>"
            if days_late and deadline else "")
    demo = ("<p class='demo'>DATA SINTETIS (DEMO) — bukan laporan resmi / SYNTHETIC (DEMO) DATA — not an official "
            "report</p>") if synthetic else ""
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Tanda Terima {e(submission_id)}</title>
<style>
body {{ font-family: "Source Sans Pro", Arial, sans-serif; max-width: 46rem; margin: 2rem auto; color: #1b1b1b; }}
h1 {{ font-size: 1.4rem; margin-bottom: 0; }} h2 {{ font-size: 1rem; font-weight: normal; margin-top: .2rem; color: #444; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 1rem; }}
th, td {{ border: 1px solid #bbb; padding: .45rem .6rem; text-align: left; vertical-align: top; }}
th {{ width: 38%; background: #f2f4f7; }} small {{ color: #555; font-weight: normal; }}
code {{ word-break: break-all; }} .demo, .late {{ border: 2px solid #b35806; padding: .5rem; font-weight: bold; }}
footer {{ margin-top: 1.5rem; font-size: .85rem; color: #444; }}
</style></head><body>
<h1>Tanda Terima Laporan Triwulanan RB Tematik</h1>
<h2>Receipt for the quarterly RB Tematik report — PantauRB</h2>
{demo}
{late}
<table>{body}</table>
<footer>Berkas asli disimpan dalam arsip PantauRB dengan sidik SHA-256 di atas; cocokkan dengan
<code>sha256sum</code> pada salinan Anda. / The original file is archived by the SHA-256 above; compare it with
<code>sha256sum</code> of your copy.</footer>
</body></html>
"""
