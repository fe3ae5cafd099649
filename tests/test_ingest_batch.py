"""A batch (`api.ingest_batch`, the CLI's `ingest`) gives every file exactly the outcome a one-by-one
ingest gives it, stores the same rows and the same verdicts, and announces one data version."""

from __future__ import annotations

import json
import shutil
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import dataset
from loaders import api, assessments, snapshot, store
from loaders.auth import Scope

OPERATOR = Scope.system("cli:uji")
# Tables and views compared between the two ways in (no arrival times or random upload ids in them).
SAME = {
    "v_submissions": "SELECT submission_id, agency_code, year, quarter, status, version, file_sha256, n_values, "
                     "n_renaksi, n_warnings FROM v_submissions",
    "v_values": "SELECT * FROM v_values",
    "v_renaksi": "SELECT * FROM v_renaksi",
    "v_agency_targets": "SELECT * FROM v_agency_targets",
    "upload_issues": "SELECT u.file_name, u.outcome, i.seq, i.code, i.severity, i.sheet, i.cell, i.value, i.message "
                     "FROM upload_issues i JOIN uploads u USING (upload_id)",
    "assessments": "SELECT * FROM assessments",
    "national_assessments": "SELECT * FROM national_assessments",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """Sixteen agencies (four of each kind, so type medians apply) × 2024, revisions and slips included."""
    root = tmp_path_factory.mktemp("batch")
    agencies = dataset.national_agencies(16)
    files = sorted(dataset.generate(root / "files", agencies, (2024,), workers=2, echo=lambda m: None),
                   key=lambda f: f["received_at"])
    seed = root / "seed" / "pantaurb.duckdb"
    api.init_database(seed)          # the shipped registry holds every one of these agencies
    return {"root": root / "files", "files": files, "seed": seed}


def _copy(corpus, folder: Path) -> Path:
    folder.mkdir(parents=True)
    db = folder / "pantaurb.duckdb"
    shutil.copyfile(corpus["seed"], db)
    return db


def _items(corpus) -> list[tuple[bytes, str]]:
    return [((corpus["root"] / f["path"]).read_bytes(), f["name"]) for f in corpus["files"]]


def _contents(db: Path) -> dict:
    with store.session(db, read_only=True) as con:
        return {name: con.execute(f"{sql} ORDER BY ALL").fetchall() for name, sql in SAME.items()}


def _outcome(r: api.IngestResult) -> tuple:
    return (r.outcome, r.submission_id, r.version, r.message_en,
            json.dumps(r.report.to_dict()["issues"], sort_keys=True, default=str))


def test_a_batch_gives_each_file_the_outcome_and_rows_of_a_one_by_one_ingest(corpus, tmp_path):
    one_by_one, batch = _copy(corpus, tmp_path / "one"), _copy(corpus, tmp_path / "batch")
    items = _items(corpus)
    assert len(items) >= api.PARALLEL_FROM          # large enough to be read by the worker processes
    singles = [api.ingest_file(data, name, scope=OPERATOR, db_path=one_by_one, reason="uji")
               for data, name in items]
    before = snapshot.version(batch)
    seen = []
    results = api.ingest_batch(items, scope=OPERATOR, db_path=batch, reason="uji", workers=1, on_result=seen.append)
    assert seen == results
    assert [_outcome(r) for r in results] == [_outcome(r) for r in singles]
    outcomes = {r.outcome for r in results}
    assert {"accepted", "rejected"} <= outcomes, outcomes       # the corpus has slips, and they are caught
    assert any(r.version and r.version > 1 for r in results)     # and revisions
    assert any(r.report.warnings for r in results)
    assert _contents(batch) == _contents(one_by_one)
    assert snapshot.version(batch) == before + 1                  # one data version for the whole batch
    with store.session(batch, read_only=True) as con:
        assert assessments.backlog(con) == {}
    assert all(r.receipt_path and r.receipt_path.exists() for r in results if r.outcome == "accepted")


def test_the_verdicts_a_batch_stores_equal_a_full_recompute(corpus, tmp_path):
    db = _copy(corpus, tmp_path / "batch")
    api.ingest_batch(_items(corpus), scope=OPERATOR, db_path=db, reason="uji", workers=0)
    stored = _contents(db)
    with store.session(db) as con, store.transaction(con):
        assessments.refresh(con)
    again = _contents(db)
    assert stored["assessments"] and stored["assessments"] == again["assessments"]
    assert stored["national_assessments"] == again["national_assessments"]


def test_an_empty_batch_changes_nothing(corpus, tmp_path):
    db = _copy(corpus, tmp_path / "empty")
    before = snapshot.version(db)
    assert api.ingest_batch([], scope=OPERATOR, db_path=db) == []
    assert snapshot.version(db) == before


# The history the checks read, written as plain SQL over the published views: the oracle for loaders.history.
ORACLE = {
    "previous_values": "SELECT indicator_code, value FROM v_values WHERE agency_code = $a AND year * 4 + quarter = "
                       "$k - 1 AND value IS NOT NULL",
    "latest_values": "SELECT indicator_code, CASE WHEN value_text IS NULL THEN {'n': value} ELSE {'t': value_text} "
                     "END FROM v_values WHERE agency_code = $a "
                     "AND year * 4 + quarter < $k AND (value IS NOT NULL OR value_text IS NOT NULL) QUALIFY "
                     "row_number() OVER (PARTITION BY indicator_code ORDER BY year DESC, quarter DESC) = 1",
    "type_medians": "WITH latest AS (SELECT v.agency_code, v.indicator_code, v.value FROM v_values v JOIN agencies g "
                    "USING (agency_code) WHERE g.agency_type = (SELECT agency_type FROM agencies WHERE agency_code = $a) "
                    "AND v.agency_code <> $a AND v.value IS NOT NULL AND v.year * 4 + v.quarter <= $k QUALIFY "
                    "row_number() OVER (PARTITION BY v.agency_code, v.indicator_code ORDER BY v.year DESC, v.quarter "
                    "DESC) = 1) SELECT indicator_code, median(value) FROM latest GROUP BY indicator_code "
                    "HAVING count(*) >= 3",
    "targets_in_force": "SELECT indicator_code, target_low FROM v_agency_targets WHERE agency_code = $a "
                        "AND year = $y",
    "previous_renaksi": "SELECT plan_id, coalesce(sum(realisation), 0) FROM v_renaksi WHERE agency_code = $a AND "
                        "year * 4 + quarter < $k AND year * 4 + quarter >= $y * 4 + 1 GROUP BY ALL",
}


def test_the_history_the_checks_read_is_what_the_views_say(corpus, tmp_path):
    from loaders.history import History
    from loaders.workbook import read_workbook
    db = _copy(corpus, tmp_path / "oracle")
    items = _items(corpus)
    api.ingest_batch(items[: len(items) // 2], scope=OPERATOR, db_path=db, reason="uji", workers=0)
    with store.session(db, read_only=True) as con:
        history = History(con, api._agencies(con))
        cat = api.catalogue_store.current(con)
        checked = 0
        for data, name in items[len(items) // 2:]:
            wb = read_workbook(data, name, cat)
            if not (wb.agency_code and wb.year and wb.quarter):
                continue
            ctx = api.build_context(con, cat, wb, history=history)
            k = wb.year * 4 + wb.quarter
            params = {"a": wb.agency_code, "k": k, "y": wb.year}
            got = {"previous_values": ctx.previous_values, "latest_values": ctx.latest_values,
                   "type_medians": ctx.type_medians, "targets_in_force": ctx.targets_in_force,
                   "previous_renaksi": ctx.previous_renaksi}
            for name_, sql in ORACLE.items():
                want = dict(con.execute(sql, {n: v for n, v in params.items() if f"${n}" in sql}).fetchall())
                if name_ == "latest_values":   # a text where one was given, else the number
                    want = {c: v["t"] if v.get("t") is not None else v["n"] for c, v in want.items()}
                assert got[name_] == want, (name, name_)
            assert ctx.existing_versions == con.execute(
                "SELECT count(*) FROM submissions WHERE agency_code = ? AND year = ? AND quarter = ?",
                [wb.agency_code, wb.year, wb.quarter]).fetchone()[0]
            assert ctx.known_plans == {r[0] for r in con.execute(
                "SELECT DISTINCT plan_id FROM v_renaksi WHERE agency_code = ?", [wb.agency_code]).fetchall()}
            checked += 1
        assert checked > 10



values = st.dictionaries(st.sampled_from("abcde"), st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, 1e9, -3.0]) |
                         st.floats(-1e6, 1e6, allow_nan=False), max_size=5)


@settings(max_examples=300, deadline=None)
@given(start=st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E", "F"]), values, max_size=6),
       updates=st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D", "E", "F", "G"]), values), max_size=6))
def test_type_medians_kept_current_equal_the_median_of_the_other_agencies(start, updates):
    from loaders.history import MEDIAN_MIN_AGENCIES, TypeLatest
    latest = TypeLatest(start)
    state = dict(start)
    for agency, new in updates:
        latest.set(agency, new)
        state[agency] = new
    for agency in [*state, "Z"]:
        others = [v for other, vals in state.items() if other != agency for v in [vals]]
        want = {}
        for code in "abcde":
            xs = [vals[code] for vals in others if code in vals]
            if len(xs) >= MEDIAN_MIN_AGENCIES:
                want[code] = statistics.median(xs)
        assert latest.medians_without(agency) == want
