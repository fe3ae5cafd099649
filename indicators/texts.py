"""How dates, times, quarters and source citations are written for users, in the ministry's own usage.

One place for each form (pure functions, no Streamlit), used by the pages, the template, the receipt and
the briefing:

* quarters: *Triwulan II 2023* / *TW II 2023* (Indonesian), *Quarter 2 2023* / *Q2 2023* (English);
* dates: *31 Desember 2024* / *December 31, 2024* (babel's CLDR month names);
* times: Western Indonesia Time, *31 Desember 2024 pukul 14.05 WIB* / *December 31, 2024, 14:05 WIB*;
* sources: *Publisher, "Title", 15 Juli 2024, https://… (sumber sekunder)* (`cite`, `citations`: one renderer
  for every medium; a missing source is "–", never "nan").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
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


def _missing(source) -> bool:
    """None, NaN (a pandas gap), empty text or the text 'nan'/'None' a gap turns into when cast to str."""
    if source is None or (isinstance(source, float) and source != source):
        return True
    return str(source).strip().lower() in ("", "nan", "none", "<na>", "nat")


def short_url(url: str, limit: int = 38) -> str:
    """A link as a reader can take it in: 'https://www.okezone.com/read/2024/07/02/…' -> 'okezone.com/read/2024/…'
    (host without www, the path cut at a '/' and ended with '…'), short enough to sit on one line of a PDF."""
    m = re.match(r"https?://(?:www\.)?([^/?#\s]+)(\S*)", (url or "").strip())
    if not m:
        return (url or "").strip()
    host, rest = m.group(1), m.group(2).rstrip("/")
    if not rest:
        return host
    if len(host) + len(rest) <= limit:
        return host + rest
    room = max(0, limit - len(host) - 2)
    cut = rest[:room]
    cut = cut[:cut.rfind("/") + 1] if "/" in cut[1:] else "/"
    return f"{host}{cut}…"


@dataclass(frozen=True)
class Citation:
    """One source as its reader sees it: `lead` (*Publisher, “Title”, 15 Juli 2024*), the full `url` ('' when
    there is none) and `tail` (' (sumber sekunder)' / ' (secondary source)' or '')."""
    lead: str
    url: str
    tail: str

    def text(self, short_links: bool = False) -> str:
        link = (short_url(self.url) if short_links else self.url) if self.url else ""
        return f"{self.lead}, {link}{self.tail}" if link and self.lead else f"{self.lead or link}{self.tail}"


def citations(source, lang: str = "id") -> list[Citation]:
    """The citations in a stored source (several are joined by ' ; '): a structured source
    ('publisher | title | date | url | kind') becomes publisher, title, date in the reader's language, link and
    'sumber sekunder'; a bare link or free text is kept as it is. Missing (None, NaN, '') -> []."""
    if _missing(source):
        return []
    out = []
    for piece in str(source).split(" ; "):
        piece = piece.strip()
        if _missing(piece):
            continue
        src = parse_source(piece)
        if src is None:
            m = re.fullmatch(r"(https?://\S+)", piece)
            out.append(Citation("", m.group(1), "") if m else Citation(piece, "", ""))
            continue
        parts = [src.publisher]
        if src.title:
            parts.append(f"“{src.title}”")
        parts.append(format_date(src.date, lang) if src.date else ("n.d." if _en(lang) else "t.t."))
        tail = (" (secondary source)" if _en(lang) else " (sumber sekunder)") if src.secondary else ""
        out.append(Citation(", ".join(parts), src.url, tail))
    return out


def cite(source, lang: str = "id", *, short_links: bool = False) -> str:
    """A stored source as one citation line, the same in every medium (page, table, PDF, xlsx, CSV):
    *Publisher, “Title”, 15 Juli 2024, https://… (sumber sekunder)*. Several sources are joined by '; ';
    a missing source is '–'. `short_links`: the link as host and path start (see short_url)."""
    found = citations(source, lang)
    return "; ".join(c.text(short_links) for c in found) if found else "–"


def _link_target(url: str) -> str:
    """A URL as a Markdown link target: characters that could end it or start new Markdown are encoded."""
    return "".join({"(": "%28", ")": "%29", " ": "%20", "<": "%3C", ">": "%3E", "[": "%5B", "]": "%5D"}.get(ch, ch)
                   for ch in url)


def cite_markdown(source: str | None, lang: str = "id") -> str:
    """The citation as Markdown: the publisher (and title) linked to the source."""
    if _missing(source):
        return "–"
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


__all__ = ["WIB", "COMPLIANCE_LABELS", "compliance_label", "Citation", "citations", "cite", "cite_markdown", "short_url",
           "format_date", "format_datetime_wib", "month_year", "quarter_label",
           "quarter_name", "quarter_range"]
