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


def _conftest_set(name: str) -> set[str]:
    """A literal set or dict of tests/conftest.py, read without importing it (see the test above)."""
    import ast
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            return set(value)
    raise AssertionError(f"tests/conftest.py has no {name}")


def test_every_test_the_fast_subset_leaves_out_by_name_exists():
    """SLOW_TESTS and SLOW_MODULES name tests; a renamed test would silently come back into the fast subset."""
    import re
    defined = {m for p in TESTS.rglob("test_*.py")
               for m in re.findall(r"^def (test_\w+)", p.read_text(encoding="utf-8"), flags=re.M)}
    modules = {p.stem for p in TESTS.rglob("test_*.py")}
    assert _conftest_set("SLOW_TESTS") - defined == set()
    assert _conftest_set("SLOW_MODULES") - modules == set()
