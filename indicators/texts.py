"""How dates, times, quarters and source citations are written for users, in the ministry's own usage.

One place for each form (pure functions, no Streamlit), used by the pages, the template, the receipt and
the briefing:

* quarters: *Triwulan II 2023* / *TW II 2023* (Indonesian), *Quarter 2 2023* / *Q2 2023* (English);
* dates: *31 Desember 2024* / *December 31, 2024* (babel's CLDR month names);
* times: Western Indonesia Time, *31 Desember 2024 pukul 14.05 WIB* / *December 31, 2024, 14:05 WIB*;
* sources: *Publisher, "Title", 15 Juli 2024. https://… (sumber sekunder)*.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timezone

from babel.dates import format_date as _babel_date, get_timezone

from indicators.catalogue import parse_source

WIB = "Asia/Jakarta"  # Waktu Indonesia Barat (UTC+7), the ministry's clock
ROMAN = ("I", "II", "III", "IV")


# Reporting compliance of an (agency, quarter), the words of the compliance page, the charts and the receipt.
COMPLIANCE_LABELS = {
    "id": {"on_time": "Tepat waktu", "revised": "Direvisi setelah batas waktu", "late": "Terlambat",
           "not_received": "Belum diterima", "not_due": "Belum jatuh tempo"},
    "en": {"on_time": "On time", "revised": "Revised after deadline", "late": "Late", "not_received": "Not received",
           "not_due": "Not yet due"},
}


def compliance_label(status: str, lang: str = "id") -> str:
    """'revised' -> 'Direvisi setelah batas waktu' / 'Revised after deadline'."""
    return COMPLIANCE_LABELS["en" if _en(lang) else "id"][status]


def _en(lang: str | None) -> bool:
    return lang == "en"


def quarter_name(quarter: int, lang: str = "id", *, short: bool = True) -> str:
    """2 -> 'TW II' / 'Triwulan II' (id), 'Q2' / 'Quarter 2' (en)."""
    q = int(quarter)
    if _en(lang):
        return f"Q{q}" if short else f"Quarter {q}"
    return f"{'TW' if short else 'Triwulan'} {ROMAN[q - 1]}"


def quarter_label(year: int, quarter: int, lang: str = "id", *, short: bool = True) -> str:
    """(2023, 2) -> 'TW II 2023' / 'Triwulan II 2023' (id), 'Q2 2023' / 'Quarter 2 2023' (en)."""
    return f"{quarter_name(quarter, lang, short=short)} {int(year)}"


def quarter_range(first: int, last: int, lang: str = "id") -> str:
    """(1, 3) -> 'TW I–III' (id), 'Q1–Q3' (en); one quarter -> 'TW III' / 'Q3'."""
    if first == last:
        return quarter_name(last, lang)
    if _en(lang):
        return f"Q{first}–Q{last}"
    return f"TW {ROMAN[first - 1]}–{ROMAN[last - 1]}"


def month_year(year: int, month: int, lang: str = "id") -> str:
    """(2024, 3) -> 'Maret 2024' / 'March 2024'."""
    return _babel_date(date(int(year), int(month), 1), "MMMM y", locale="en" if _en(lang) else "id")


def format_date(d: date | datetime | str | None, lang: str = "id") -> str:
    """2024-12-31 -> '31 Desember 2024' / 'December 31, 2024'. Partial ISO dates keep their precision:
    '2024-07' -> 'Juli 2024', '2024' -> '2024'. Missing -> '–'."""
    if d is None or d == "":
        return "–"
    if isinstance(d, str):
        parts = d.strip().split("-")
        if len(parts) == 1:
            return parts[0]
        if len(parts) == 2:
            return month_year(int(parts[0]), int(parts[1]), lang)
        d = date.fromisoformat(d.strip()[:10])
    if isinstance(d, datetime):
        d = d.date()
    return _babel_date(d, "MMMM d, y" if _en(lang) else "d MMMM y", locale="en" if _en(lang) else "id")


def format_datetime_wib(dt: datetime | None, lang: str = "id") -> str:
    """A moment in WIB: '31 Desember 2024 pukul 14.05 WIB' / 'December 31, 2024, 14:05 WIB'. A naive datetime
    is taken as UTC (how the database stores it)."""
    if dt is None:
        return "–"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    local = dt.astimezone(_WIB_ZONE)
    day = _day_text(local.date(), _en(lang))      # babel's CLDR date, computed once per day (tables list many)
    return f"{day}, {local:%H:%M} WIB" if _en(lang) else f"{day} pukul {local:%H.%M} WIB"


_WIB_ZONE = get_timezone(WIB)


@functools.lru_cache(maxsize=4096)
def _day_text(d: date, en: bool) -> str:
    return _babel_date(d, "MMMM d, y" if en else "d MMMM y", locale="en" if en else "id")


def cite(source: str | None, lang: str = "id") -> str:
    """A stored source ('publisher | title | date | url | kind') as one citation line; other text as is."""
    src = parse_source(source)
    if src is None:
        return (source or "").strip() or "–"
    parts = [src.publisher]
    if src.title:
        parts.append(f"“{src.title}”")
    parts.append(format_date(src.date, lang) if src.date else ("n.d." if _en(lang) else "t.t."))
    text = ", ".join(parts) + "."
    if src.url:
        text += f" {src.url}"
    if src.secondary:
        text += " (secondary source)" if _en(lang) else " (sumber sekunder)"
    return text


def _link_target(url: str) -> str:
    """A URL as a Markdown link target: characters that could end it or start new Markdown are encoded."""
    return "".join({"(": "%28", ")": "%29", " ": "%20", "<": "%3C", ">": "%3E", "[": "%5B", "]": "%5D"}.get(ch, ch)
                   for ch in url)


def cite_markdown(source: str | None, lang: str = "id") -> str:
    """The citation as Markdown: the publisher (and title) linked to the source."""
    src = parse_source(source)
    if src is None:  # free text (e.g. an older database): each URL becomes a link named by its domain
        text = cite(source, lang)
        m = re.match(r"\s*(https?://([^/\s]+)\S*)(.*)", text)
        if m:
            return (f"[{m.group(2).removeprefix('www.')}]({_link_target(m.group(1))})"
                    f"{m.group(3).replace('[', '(').replace(']', ')')}")
        return text.replace("[", "(").replace("]", ")")
    label = src.publisher + (f", “{src.title}”" if src.title else "")
    label = label.replace("[", "(").replace("]", ")")
    head = f"[{label}]({_link_target(src.url)})" if src.url and re.match(r"https?://", src.url) else label
    when = format_date(src.date, lang) if src.date else ("n.d." if _en(lang) else "t.t.")
    tail = (" · secondary source" if _en(lang) else " · sumber sekunder") if src.secondary else ""
    return f"{head}, {when}{tail}"


__all__ = ["WIB", "COMPLIANCE_LABELS", "compliance_label", "cite", "cite_markdown", "format_date", "format_datetime_wib", "month_year", "quarter_label",
           "quarter_name", "quarter_range"]
