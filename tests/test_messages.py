"""Problem messages in the reader's language (issue 18 item 6): the numbers and dates of a message are
written when it is rendered, 1,234.5 in English and 1.234,5 in Indonesian, while the value as typed is kept."""

from __future__ import annotations

from datetime import date

import pytest

from loaders import api
from loaders.issues import Issue, Number
from test_api import _check, filled, only


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "db" / "pantaurb.duckdb"
    api.init_database(path)
    return path


def test_number_is_written_in_each_language():
    assert Number(1234.5).text("id") == "1.234,5" and Number(1234.5).text("en") == "1,234.5"
    assert Number(1234.567, 2).text("en") == "1,234.57" and Number(1000.0, 0).text("id") == "1.000"
    assert Number(1.234, None, group=False).text("id") == "1,234"
    assert Number(-0.001, 2).text("en") == "0"
    issue = Issue("out-of-limits", cell="F9", column="Realisasi", value="1.234,50",
                  params={"value": Number(1234.5), "low": Number(0, 0), "high": Number(1000, 0), "unit": "%"})
    assert "holds 1,234.5, outside the possible range for this indicator (0 to 1,000 %)" in issue.message("en")
    assert "berisi 1.234,5, di luar rentang yang mungkin untuk indikator ini (0 s.d. 1.000 %)" in issue.message("id")
    assert issue.value == "1.234,50" and issue.to_dict()["value"] == "1.234,50"
    late = Issue("late-submission", params={"period": "TW I 2024", "period_en": "Q1 2024", "days": 3,
                                            "deadline": date(2024, 4, 15)})
    assert "(15 April 2024)" in late.message("id") and "(April 15, 2024)" in late.message("en")


def test_a_checked_workbook_speaks_english_numbers_in_english_and_keeps_the_typed_value(db):
    r = _check(db, filled(db, AG_SAKIP="1.234,5"))
    issue = next(i for i in only(r, "out-of-limits") if i.indicator == "AG_SAKIP")
    assert issue.value == "1.234,5"                                          # as the officer typed it
    assert "holds 1,234.5, outside" in issue.message("en") and "1.234" not in issue.message("en")
    assert "berisi 1.234,5, di luar" in issue.message("id")
    row = next(row for row in r.to_rows("en") if row["code"] == "out-of-limits")
    assert row["value"] == "1.234,5" and "1,234.5" in row["problem"]
    as_dict = issue.to_dict()
    assert "1,234.5" in as_dict["message_en"] and "1.234,5" in as_dict["message"]
