"""The problem catalogue is documentation: both languages, same placeholders, every code used somewhere."""

import re
from pathlib import Path

import pytest

from loaders.issues import ISSUE_TYPES, Issue, Report, placeholders

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("issue_type", ISSUE_TYPES.values(), ids=lambda t: t.code)
def test_every_issue_has_both_languages_with_the_same_placeholders(issue_type):
    assert issue_type.template.strip() and issue_type.template_en.strip()
    assert placeholders(issue_type.template) == placeholders(issue_type.template_en)
    assert issue_type.severity in ("error", "warning")
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", issue_type.code)


@pytest.mark.parametrize("code", sorted(ISSUE_TYPES))
def test_every_issue_code_is_raised_by_code_and_exercised_by_a_test(code):
    sources = "".join(p.read_text() for p in (ROOT / "loaders").glob("*.py") if p.name != "issues.py")
    tests = "".join(p.read_text() for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_issues.py")
    assert f'"{code}"' in sources, f"{code} is never produced"
    assert code in tests, f"{code} has no test"


def test_message_renders_cell_value_and_params_in_both_languages():
    issue = Issue("not-a-number", file="f.xlsx", sheet="Indikator", cell="E12", column="Realisasi", value="delapan")
    assert issue.location == "Indikator!E12" and issue.row == 12
    assert issue.message("id") == ("Sel E12 (kolom 'Realisasi') berisi 'delapan', bukan angka. Tulis angka saja, "
                                   "mis. 1.234,5 atau 12,5 (tanpa satuan atau teks).")
    assert "Cell E12 (column 'Realisasi') contains 'delapan'" in issue.message("en")


def test_report_is_valid_with_warnings_only_and_serialises_both_languages():
    report = Report("f.xlsx", [Issue("missing-evidence", sheet="Indikator", cell="I9", value="AG_SPBE")])
    assert report.valid and len(report.warnings) == 1
    d = report.to_dict()
    assert d["valid"] and d["issues"][0]["message"] != d["issues"][0]["message_en"]
    report.issues.append(Issue("unknown-indicator", sheet="Indikator", cell="A10", value="XX"))
    assert not report.valid
    assert report.flatten() == [["missing-evidence", "Indikator", "I9"], ["unknown-indicator", "Indikator", "A10"]]
    assert "DITOLAK" in report.to_text("id") and "REJECTED" in report.to_text("en")
