"""Rules about the test tree itself that broke CI before."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_test_imports_from_conftest_by_name():
    """`from conftest import …` resolves to tests/conftest.py or tests/e2e/conftest.py depending on which
    was collected first: use a fixture or tests/accounts.py instead."""
    offenders = [f"{p.relative_to(TESTS)}:{n}" for p in TESTS.rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
                 if line.strip().startswith(("from conftest import", "import conftest"))]
    assert offenders == []
