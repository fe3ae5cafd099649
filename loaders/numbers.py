"""Numbers as people type them into a spreadsheet, Indonesian first.

`parse_number` is as tolerant as a careful human reader: it accepts `1.234,5`, `1.234.567`, `12,5`,
`12,5%`, `Rp 1.500.000`, `1,234.5` and non-breaking spaces, and it refuses to guess when a text could
honestly mean two things (`1.234` is 1234 in Indonesian and 1.234 in English). `format_id` writes
numbers the Indonesian way (`1.234,50`).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real

OK, EMPTY, NOT_A_NUMBER, AMBIGUOUS = "ok", "empty", "not_a_number", "ambiguous"
# No figure an agency reports comes near this (national GDP is about 2e16 rupiah, 2e4 in Rp triliun):
# anything larger in magnitude is a typing slip or a pasted 1e308.
MAX_MAGNITUDE = 1e15

# Spaces people (and Excel exports) put inside numbers: space, NBSP, narrow NBSP, thin space, figure space.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007\u200b]+")
# sign, currency, sign, digits, then an optional "%" or the ",-" that closes Rupiah amounts ("Rp 5.000,-").
_SHAPE = re.compile(r"(?P<sign1>[-+\u2212]?)(?P<currency>rp\.?|idr)?(?P<sign2>[-+\u2212]?)(?P<body>.*?)"
                    r"(?:(?P<percent>%)|(?P<dash>[.,]-+))?",
                    re.IGNORECASE)
_BODY = re.compile(r"[0-9.,]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:X[0-9]{3})+")   # X = the thousands separator


@dataclass(frozen=True)
class ParsedNumber:
    """`value` is set only when `kind == "ok"`; `readings` holds the candidates when `kind == "ambiguous"`
    (the Indonesian reading first, then the English one)."""

    value: float | None
    kind: str                      # ok | empty | not_a_number | ambiguous
    readings: tuple[float, ...] = ()
    currency: bool = False         # the text carried "Rp"/"IDR" (or closed with ",-")
    percent: bool = False          # the text carried "%"

    @property
    def ok(self) -> bool:
        return self.kind == OK


_EMPTY = ParsedNumber(None, EMPTY)
_NAN = ParsedNumber(None, NOT_A_NUMBER)


def parse_number(raw: object) -> ParsedNumber:
    """Read one cell as a number. Never raises."""
    if raw is None:
        return _EMPTY
    if isinstance(raw, bool):                      # bool is an int subclass, but TRUE is not a number
        return _NAN
    if isinstance(raw, (Real, Decimal)):
        try:
            value = float(raw)
        except (OverflowError, ValueError):
            return _NAN
        if math.isnan(value):
            return _EMPTY                          # pandas' empty cell
        return ParsedNumber(value + 0.0, OK) if math.isfinite(value) else _NAN   # + 0.0: -0 -> 0
    if isinstance(raw, (_dt.date, _dt.time, _dt.timedelta)):
        return _NAN
    if not isinstance(raw, str):
        return _NAN
    return _parse_text(raw)


def _parse_text(text: str) -> ParsedNumber:
    parsed = _parse_shape(text)
    if parsed.ok:
        m = _SHAPE.fullmatch(_SPACES.sub("", text))
        return ParsedNumber(parsed.value, OK, currency=bool(m["currency"] or m["dash"]), percent=bool(m["percent"]))
    return parsed


def _parse_shape(text: str) -> ParsedNumber:
    s = _SPACES.sub("", text)
    if not s:
        return _EMPTY
    m = _SHAPE.fullmatch(s)
    if not m or (m["sign1"] and m["sign2"]):
        return _NAN
    sign = -1.0 if (m["sign1"] or m["sign2"]) in ("-", "\u2212") else 1.0
    money = bool(m["currency"])
    s = m["body"]
    if not s or not _BODY.fullmatch(s) or not any(ch.isdigit() for ch in s):
        return _NAN

    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        decimal_mark = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if decimal_mark == "." else "."
        if s.count(decimal_mark) != 1:
            return _NAN
        whole, frac = s.split(decimal_mark)
        return _finish(sign, _ungroup(whole, thousands), frac)
    if dots + commas == 0:
        return _finish(sign, s, "")
    sep = "." if dots else ","
    if dots + commas > 1:                          # one kind, several times: thousands separators
        return _finish(sign, _ungroup(s, sep), "")
    whole, frac = s.split(sep)
    if len(frac) == 3 and money:                   # nobody writes Rupiah to three decimals
        return _finish(sign, whole + frac, "")
    if len(frac) == 3 and whole and int(whole) != 0:
        as_thousands = sign * float(whole + frac)
        as_decimal = sign * float(f"{whole}.{frac}")
        # Indonesian reading first: "." groups thousands, "," marks decimals.
        readings = (as_thousands, as_decimal) if sep == "." else (as_decimal, as_thousands)
        return ParsedNumber(None, AMBIGUOUS, readings)
    return _finish(sign, whole, frac)


def _ungroup(whole: str, sep: str) -> str | None:
    """'1.234.567' -> '1234567'; None when the groups are not thousands (e.g. a date '12.5.2024')."""
    if not _GROUPED.fullmatch(whole.replace(sep, "X")):
        return None
    return whole.replace(sep, "")


def _finish(sign: float, whole: str | None, frac: str) -> ParsedNumber:
    if whole is None or not (whole or frac) or not (whole + frac).isdigit():
        return _NAN
    try:
        value = sign * float(f"{whole or '0'}.{frac or '0'}") + 0.0     # "-0" is 0, never -0.0
    except (OverflowError, ValueError):
        return _NAN
    return ParsedNumber(value, OK) if math.isfinite(value) else _NAN


# Why a number cannot be read in the unit of its cell (the issue code says it to the officer).
TOO_LARGE, MONEY_IN_SCALED, MONEY_IN_NON_MONEY, PERCENT_IN_MONEY = (
    "number-too-large", "rupiah-in-scaled-cell", "rupiah-in-non-money-cell", "percent-in-money-cell")


def unit_problem(parsed: ParsedNumber, scale: str | None, rupiah_factor: float | None) -> str | None:
    """Whether a read number fits the unit of its cell; None when it does, else the problem code.

    `scale` is the cell's declared scale ('Rp miliar', '%', None) and `rupiah_factor` the rupiah in one
    unit of it (1e9 for 'Rp miliar', None when the cell is not money). Text is read by the unit it is
    in: "Rp 1.500.000" fits an 'Rp' cell, but in an 'Rp miliar' cell it is full rupiah typed where
    billions are asked for, and "12%" in a rupiah cell is not an amount at all.
    """
    if not parsed.ok:
        return None
    if abs(parsed.value) > MAX_MAGNITUDE:
        return TOO_LARGE
    if parsed.percent and rupiah_factor is not None:
        return PERCENT_IN_MONEY
    if parsed.currency and rupiah_factor is None:
        return MONEY_IN_NON_MONEY
    if parsed.currency and rupiah_factor != 1.0:
        return MONEY_IN_SCALED
    return None


def format_id(x: float | int | None, decimals: int = 2) -> str:
    """1234.5 -> '1.234,50' (Indonesian: '.' groups thousands, ',' marks decimals). None/NaN -> ''."""
    if x is None or isinstance(x, bool):
        return ""
    x = float(x)
    if not math.isfinite(x):
        return ""
    decimals = max(0, int(decimals))
    english = f"{x:,.{decimals}f}"
    return english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_plain_id(x: float) -> str:
    """A number without thousands separators and with a decimal comma: 1234.5 -> '1234,5'."""
    text = format(Decimal(repr(float(x))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_number(x: float, lang: str = "id", decimals: int | None = 2, group: bool = True) -> str:
    """A number for a message in the reader's language, without trailing zeros: 1234.5 -> '1.234,5' (id) or
    '1,234.5' (en). `decimals`: at most this many (None: every digit of the float); `group`: thousands
    separators (off where they would be ambiguous, e.g. the two readings of '1.234')."""
    x = float(x)
    if math.isinf(x):
        return ("∞" if x > 0 else "-∞")
    if math.isnan(x):
        return "–"
    text = format(Decimal(repr(x)), "f") if decimals is None else f"{x:.{max(0, int(decimals))}f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    sign = "-" if whole.startswith("-") and (whole.strip("-0") or frac) else ""
    whole = whole.lstrip("-")
    if group:
        whole = f"{int(whole):,}"
    point, comma = (".", ",") if lang == "en" else (",", ".")
    return sign + whole.replace(",", comma) + (point + frac if frac else "")


__all__ = ["ParsedNumber", "parse_number", "format_id", "format_plain_id", "format_number", "unit_problem", "MAX_MAGNITUDE",
           "OK", "EMPTY", "NOT_A_NUMBER", "AMBIGUOUS", "TOO_LARGE", "MONEY_IN_SCALED", "MONEY_IN_NON_MONEY",
           "PERCENT_IN_MONEY"]
