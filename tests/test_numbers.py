import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders.numbers import format_id, format_plain_id, parse_number


@pytest.mark.parametrize("raw, expected", [
    (12.5, 12.5),
    (3, 3.0),
    (Decimal("2.5"), 2.5),
    ("1.234,5", 1234.5),
    ("1.234.567", 1234567.0),
    ("12,5", 12.5),
    ("12,5%", 12.5),
    ("12.5", 12.5),
    ("1,234.5", 1234.5),
    ("1,234,567.89", 1234567.89),
    (" 1 234 ", 1234.0),
    ("1\u00a0234,5", 1234.5),
    ("Rp 1.500.000", 1500000.0),
    ("Rp1.500.000,00", 1500000.0),
    ("Rp 1.500.000,-", 1500000.0),
    ("Rp 5.000", 5000.0),             # money is never written to three decimals
    ("-12,5", -12.5),
    ("\u22124", -4.0),
    ("+3", 3.0),
    ("0,500", 0.5),                   # integer part 0: a decimal, not 500
    ("0.123", 0.123),
    ("1.2345", 1.2345),
    (",5", 0.5),
])
def test_numbers_people_type_are_read(raw, expected):
    parsed = parse_number(raw)
    assert (parsed.kind, parsed.value) == ("ok", expected)


@pytest.mark.parametrize("raw, readings", [
    ("1.234", (1234.0, 1.234)),
    ("1,500", (1.5, 1500.0)),
    ("-12,345", (-12.345, -12345.0)),
    ("1.234%", (1234.0, 1.234)),
])
def test_one_separator_before_three_digits_is_ambiguous_indonesian_reading_first(raw, readings):
    parsed = parse_number(raw)
    assert (parsed.kind, parsed.value, parsed.readings) == ("ambiguous", None, readings)


@pytest.mark.parametrize("raw", ["abc", "12 orang", "12.5.2024", "1.23.456", "1..2", "1,2.3", "--3", "%", "Rp",
                                 "1e5", "nan", "inf", True, False, dt.date(2024, 1, 2), float("inf"), object()])
def test_text_units_dates_and_booleans_are_not_numbers(raw):
    assert parse_number(raw).kind == "not_a_number"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0", float("nan")])
def test_blank_cells_are_empty(raw):
    assert parse_number(raw).kind == "empty"


@pytest.mark.parametrize("x, decimals, text", [
    (1234.5, 2, "1.234,50"), (-1234567.891, 2, "-1.234.567,89"), (0.5, 1, "0,5"), (12, 0, "12"),
    (1234, 0, "1.234"), (None, 2, ""), (float("nan"), 2, ""),
])
def test_format_id_writes_indonesian_numbers(x, decimals, text):
    assert format_id(x, decimals) == text


def test_format_plain_id_has_no_thousands_separator():
    assert [format_plain_id(x) for x in (1234.0, 1.234, -0.5, 1e-7)] == ["1234", "1,234", "-0,5", "0,0000001"]


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_format_id_then_parse_round_trips(x, decimals):
    text = format_id(x, decimals)
    expected = float(f"{x:.{decimals}f}")
    parsed = parse_number(text)
    if parsed.kind == "ambiguous":     # '1.234' or '12,345' are ambiguous as text; the Indonesian reading is right
        assert parsed.readings[0] == expected
    else:
        assert parsed.kind == "ok" and parsed.value == expected


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789.,-+% Rp\u00a0\u2212e"), st.floats(), st.integers(),
                 st.booleans(), st.none()))
def test_parse_number_never_raises(raw):
    parsed = parse_number(raw)
    assert parsed.kind in {"ok", "empty", "not_a_number", "ambiguous"}
    if parsed.kind == "ok":
        assert math.isfinite(parsed.value)
    if parsed.kind == "ambiguous":
        assert len(parsed.readings) == 2
