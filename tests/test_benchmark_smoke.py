"""A small run of the national benchmark (benchmarks/national.py): the whole pipeline works end to end and
writes its results file. Speed is never asserted here; the committed results come from the full run."""

from __future__ import annotations

import json

from benchmarks import dataset, national


def test_national_agencies_reach_national_size_and_label_the_synthetic_ones():
    agencies = dataset.national_agencies()
    types = [a.agency_type for a in agencies]
    assert types.count("KL") == 80 and types.count("PROV") == 38
    assert types.count("KAB") + types.count("KOTA") == 510
    assert len({a.code for a in agencies}) == len(agencies)
    synthetic = dataset.synthetic_agencies(agencies)
    assert synthetic and all("(sintetis)" in a.name for a in synthetic)


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
