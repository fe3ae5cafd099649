"""The embedded demo goes through the real ingest path and labels agency data as synthetic."""

import pytest

from loaders import api, store
from loaders.demo import DEMO_SAMPLE, build_demo, demo_agencies
from loaders.registry import load_registry


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "pantaurb.duckdb"
    stats = build_demo(path, years=range(2023, 2025), n_agencies=5, echo=lambda s: None)
    return path, stats


def test_demo_ingests_workbooks_for_several_agency_types(demo_db):
    path, stats = demo_db
    assert stats["accepted"] >= 20 and stats["agencies"] == 5
    with store.session(path) as con:
        types = {r[0] for r in con.execute("SELECT DISTINCT a.agency_type FROM v_submissions s "
                                           "JOIN v_agencies a USING (agency_code)").fetchall()}
        assert {"PROV", "KL", "KOTA"} <= types
        assert con.execute("SELECT bool_and(synthetic) FROM v_submissions").fetchone()[0] is True
        assert con.execute("SELECT count(*) FROM v_values WHERE NOT synthetic").fetchone()[0] == 0
        uploaders = {r[0] for r in con.execute("SELECT DISTINCT uploader FROM uploads").fetchall()}
        assert uploaders == {api.DEMO_UPLOADER}
        # the file, the uploader and the time behind every value in force
        untraced = con.execute("""SELECT count(*) FROM v_values v JOIN submissions s USING (submission_id)
                                  WHERE s.file_sha256 IS NULL OR s.uploader IS NULL OR s.received_at IS NULL
                                     OR v.source_cell IS NULL""").fetchone()[0]
        assert untraced == 0


def test_demo_national_series_are_the_published_figures(demo_db):
    path, _ = demo_db
    with store.session(path) as con:
        ipk = con.execute("SELECT year, value FROM v_national_series WHERE indicator_code = 'NAT_IPK' "
                          "ORDER BY year").fetchall()
    assert ipk == [(2019, 40), (2020, 37), (2021, 38), (2022, 34), (2023, 34), (2024, 37)]


def test_demo_database_can_be_rebuilt_from_its_archive(demo_db):
    path, _ = demo_db
    out = path.parent / "rebuilt.duckdb"
    counts = api.rebuild(path, out)
    assert counts["uploads"] > 0
    with store.session(path) as live, store.session(out) as rebuilt:
        for table in ("submissions", "submission_values", "renaksi_outputs", "targets", "uploads", "upload_issues"):
            q = f"SELECT * FROM {table} ORDER BY ALL"
            assert live.execute(q).fetchall() == rebuilt.execute(q).fetchall(), table


def test_the_demo_sample_is_real_agencies_of_the_shipped_registry():
    shipped = {a.code: a for a in load_registry()}
    sample = demo_agencies()
    assert [a.code for a in sample if a.code not in shipped] == []
    assert len(sample) == len(DEMO_SAMPLE) and len(sample) < len(shipped)
    assert {a.agency_type for a in sample} == {"KL", "PROV", "KAB", "KOTA"}
    assert all(a.autonomous for a in sample)
    assert not any("sintetis" in a.name.lower() for a in shipped.values())
