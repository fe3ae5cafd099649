"""A small run of the national benchmark (benchmarks/national.py): the whole pipeline works end to end and
writes its results file. Speed is never asserted here; the committed results come from the full run."""

from __future__ import annotations

import json

from benchmarks import dataset, national
from loaders.registry import load_registry


def test_national_agencies_are_every_reporting_agency_of_the_registry():
    agencies = dataset.national_agencies()
    reporting = [a for a in load_registry() if a.autonomous]
    assert sorted(a.code for a in agencies) == sorted(a.code for a in reporting)
    types = [a.agency_type for a in agencies]
    assert types.count("KL") == 104 and types.count("PROV") == 38
    assert (types.count("KAB"), types.count("KOTA")) == (415, 93)      # without DKI's administrative units
    assert [a.agency_type for a in dataset.national_agencies(4)] == ["PROV", "KL", "KAB", "KOTA"]   # smoke runs mix


def test_smoke_run_measures_every_item_at_two_scales(tmp_path):
    out = tmp_path / "results" / "national"
    result = national.main(["--agencies", "6", "--years", "2024", "--scales", "1", "2", "--repeat", "1",
                            "--per-file", "2", "--work", str(tmp_path / "work"), "--out", str(out)])
    one, two = result["scales"]["1"], result["scales"]["2"]
    assert two["agencies"] > one["agencies"] and two["values"] > one["values"]
    assert one["ingest_quarter"]["runs"][0]["outcomes"].get("accepted", 0) > 0
    assert one["naive_quarter"]["runs"][0]["rows"] > 0 and one["pantaurb_vs_naive"] > 0
    assert one["queries"]["all_agency_assessments"]["pairs"] > 0
    assert set(one["pages"]) == set(national.PAGES)
    assert one["ingest_per_file"]["files"] == 2 and two["ingest_per_file"]["files"] == 2
    saved = json.loads(out.with_suffix(".json").read_text())
    assert saved["parameters"]["scales"] == [1, 2]
    table = out.with_suffix(".md").read_text()
    assert "| what | 1× | 2× |" in table and "naive baseline" in table
