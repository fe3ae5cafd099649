"""Quarters and roadmap periods: the one place for quarter arithmetic (pure, stdlib only).

Time convention (docs/architecture.md): quarter q of year Y sits at the fractional time t = Y - 1 + q/4
(its end: TW IV 2021 -> 2021.0), month m at Y - 1 + m/12, an annual figure at t = Y (year end).
Charts use the real date of the quarter's end (`quarter_end`), labelled "TW I 2021" / "Q1 2021".

Deadlines are WIB calendar days (Waktu Indonesia Barat, UTC+7, no daylight saving); times are stored in UTC.
A report is late when the WIB day it arrived on is after the deadline: `wib_day` and `days_late` here, and
the DuckDB macros `wib_day` / `days_late` (loaders/macros.sql) that `v_compliance` uses, are the one rule.
"""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone


def qtime(year: int, quarter: int) -> float:
    """Fractional time of the end of a quarter."""
    return int(year) - 1 + int(quarter) / 4


def obs_time(year: int, month=None) -> float:
    """Fractional time of an observation: annual (month None/NaN) at year end, month m at Y - 1 + m/12."""
    if month is None or (isinstance(month, float) and math.isnan(month)):
        return float(year)
    try:
        m = int(month)
    except (TypeError, ValueError):  # pandas NA
        return float(year)
    return int(year) - 1 + m / 12


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (int(year), int(quarter) - 1) if quarter > 1 else (int(year) - 1, 4)


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (int(year), int(quarter) + 1) if quarter < 4 else (int(year) + 1, 1)


def quarter_of_time(t: float) -> tuple[int, int]:
    """The (year, quarter) whose end is at or just after fractional time t."""
    k = math.ceil(round(t * 4, 9))  # quarters since year 0 end
    y, q = divmod(k, 4)
    return (y + 1, q) if q else (y, 4)


def quarter_key(year: int, quarter: int) -> int:
    """One integer per quarter, in time order (the `quarter_key` macro in SQL)."""
    return int(year) * 4 + int(quarter)


def quarter_start(year: int, quarter: int) -> date:
    """Calendar date of the first day of the quarter."""
    return date(int(year), int(quarter) * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    """Calendar date of the last day of the quarter."""
    if quarter == 4:
        return date(int(year), 12, 31)
    return date(int(year), int(quarter) * 3 + 1, 1) - timedelta(days=1)


def active_in_quarter(valid_from: date | None, valid_to: date | None, year: int, quarter: int) -> bool:
    """Whether something valid from `valid_from` to `valid_to` (either open) exists during any day of the
    quarter: the rule for an agency's reporting duty (the `active_in_quarter` macro in SQL)."""
    return ((valid_from is None or valid_from <= quarter_end(year, quarter))
            and (valid_to is None or valid_to >= quarter_start(year, quarter)))


def time_to_date(t: float) -> date:
    """Fractional time -> calendar date of the period end it stands for (year end, quarter end, month end)."""
    y = math.floor(t + 1e-9)
    frac = t - y
    if abs(frac) < 1e-6:
        return date(y, 12, 31)
    m = round(frac * 12)
    first_next = date(y + 1, m + 1, 1) if m < 12 else date(y + 2, 1, 1)
    return first_next - timedelta(days=1)


def period_quarters(start_year: int, end_year: int) -> list[tuple[int, int]]:
    return [(y, q) for y in range(int(start_year), int(end_year) + 1) for q in (1, 2, 3, 4)]


def period_for_year(periods, year: int):
    """The latest-starting period (objects or dicts with start_year/end_year) that contains `year`, else None."""
    def get(p, k):
        return p[k] if isinstance(p, dict) else getattr(p, k)
    inside = [p for p in periods if get(p, "start_year") <= year <= get(p, "end_year")]
    return max(inside, key=lambda p: get(p, "start_year")) if inside else None


WIB_OFFSET_HOURS = 7                       # the DuckDB macro `wib_day` (loaders/macros.sql) adds the same
WIB_OFFSET = timedelta(hours=WIB_OFFSET_HOURS)


def wib_day(when: datetime) -> date:
    """The WIB calendar day of a moment; a naive datetime is UTC (how the database stores it).
    2024-04-30 16:59 UTC -> 30 April (23:59 WIB); 17:01 UTC -> 1 May (00:01 WIB)."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return (when + WIB_OFFSET).date()


def wib_today() -> date:
    """Today in Jakarta: the day deadlines are compared with ("not yet due" until the deadline day ends)."""
    return wib_day(datetime.now(timezone.utc))


def days_late(received_at: datetime | None, deadline: date | None) -> int:
    """Whole WIB days after the deadline day (0 when on time or unknown). Mirrored by the `days_late` macro."""
    if received_at is None or deadline is None:
        return 0
    return max(0, (wib_day(received_at) - deadline).days)
