"""Times and dates as an Indonesian officer reads them: WIB (UTC+7), month names in Bahasa Indonesia.

Everything is stored in UTC (naive datetimes, as DuckDB's TIMESTAMP); only what people read is converted.
The forms themselves live in one place, `indicators.texts` (Babel's CLDR data); this module keeps the
loaders' names for them.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from indicators import texts

WIB = ZoneInfo(texts.WIB)


def to_wib(when: datetime) -> datetime:
    """A UTC time (naive means UTC) in Western Indonesia Time."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(WIB)


def date_text(day: date, lang: str = "id") -> str:
    """date(2024, 4, 15) -> '15 April 2024' (id) or 'April 15, 2024' (en)."""
    return texts.format_date(day, lang)


def datetime_text(when: datetime, lang: str = "id") -> str:
    """A UTC time as '2 Desember 2026 pukul 14.05 WIB' (id) or 'December 2, 2026, 14:05 WIB' (en)."""
    return texts.format_datetime_wib(when, lang)


__all__ = ["WIB", "to_wib", "date_text", "datetime_text"]
