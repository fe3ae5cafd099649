"""Times and dates as an Indonesian officer reads them: WIB (UTC+7), month names in Bahasa Indonesia.

Everything is stored in UTC (naive datetimes, as DuckDB's TIMESTAMP); only what people read is converted.
Month and day names come from Babel's CLDR data, not from a hand-written table.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date as _format_date, format_datetime as _format_datetime

WIB = ZoneInfo("Asia/Jakarta")


def to_wib(when: datetime) -> datetime:
    """A UTC time (naive means UTC) in Western Indonesia Time."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(WIB)


def date_text(day: date, lang: str = "id") -> str:
    """date(2024, 4, 15) -> '15 April 2024' (id) or 'April 15, 2024' (en)."""
    return _format_date(day, "d MMMM y" if lang != "en" else "MMMM d, y", locale="id" if lang != "en" else "en")


def datetime_text(when: datetime, lang: str = "id") -> str:
    """A UTC time as '2 Desember 2026 pukul 14.05 WIB' (id) or 'December 2, 2026, 14:05 WIB' (en)."""
    local = to_wib(when)
    if lang == "en":
        return _format_datetime(local, "MMMM d, y, HH:mm", locale="en") + " WIB"
    return _format_datetime(local, "d MMMM y 'pukul' HH.mm", locale="id") + " WIB"


__all__ = ["WIB", "to_wib", "date_text", "datetime_text"]
