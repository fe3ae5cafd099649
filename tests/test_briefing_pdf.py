"""The one-line headline and the printable PDF briefing (text read back with pypdf)."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime

import pandas as pd
import pytest
from pypdf import PdfReader

from indicators import briefing_pdf, headline, texts
from indicators import queries as Q
from loaders import api

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def _frame(rows):
    return pd.DataFrame(rows, columns=["theme", "status", "kind", "indicator_code"])


def test_headline_counts_only_target_verdicts():
    df = _frame([("a", "target_achieved", "target", "A1"), ("a", "on_track", "target", "A2"),
                 ("a", "deterioration", "category", "A3"), ("b", "on_track", "trend", "B1"),
                 ("b", "unable_to_assess", "target", "B2"), ("b", "on_track", "discontinued", "B3")])
    h = headline.headline(df, lang="id", period="TW III 2024", cutoff="23 Oktober 2024", theme_names={"a": "Tema A"})
    assert h.overall == ("Dari 4 indikator nasional bertarget: 1 target tercapai, 1 sesuai jalur dan 1 memburuk; "
                         "1 belum dapat dinilai.")
    assert h.trend == "1 indikator lain tanpa target dinilai menurut trennya saja; 1 tidak dihitung dalam rekap."
    assert h.as_of == "Posisi TW III 2024; data diterima s.d. 23 Oktober 2024."
    assert dict(h.themes) == {"a": "Tema A: dari 3 indikator bertarget, 1 target tercapai, 1 sesuai jalur dan 1 memburuk.",
                              "b": "b: dari 1 indikator bertarget, 1 belum dapat dinilai."}
    en = headline.headline(df, lang="en", period="Q3 2024", cutoff="October 23, 2024")
    assert en.overall.startswith("Of 4 national indicators with a target: 1 with the target achieved, 1 on track "
                                 "and 1 deteriorating; 1 cannot be assessed yet")
    assert en.trend == "1 other indicator without a target is judged by its trend only; 1 not counted in roll-ups."
    one = headline.headline(df[df["indicator_code"] == "A1"], lang="en")
    assert one.overall == "Of 1 national indicator with a target: 1 with the target achieved."  # Babel plural rule


def test_headline_without_targets_says_so():
    df = _frame([("a", "on_track", "trend", "A1")])
    h = headline.headline(df, lang="en")
    assert h.overall == "No national indicator with a target can be assessed yet."
    assert sum(h.counts.values()) == 0


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(p.extract_text() for p in reader.pages)


def _flat(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pdf_briefing_text(seeded_db_path, seeded_con, lang):
    data = briefing_pdf.gather(seeded_con, 2024, 3)
    pdf = api.briefing_pdf(2024, 3, lang=lang, db_path=seeded_db_path, generated_at=datetime(2024, 11, 1, 9, 30))
    reader, text = _text(pdf)
    flat = _flat(text)
    head = briefing_pdf.make_headline(data, lang)
    assert _flat(head.overall) in flat
    assert sum(head.counts.values()) > 0
    names = data.themes["name_en" if lang == "en" else "name"]
    assert len(names) >= 3
    for name in names:  # every theme has its page
        assert any(_flat(name) in _flat(p.extract_text()) for p in reader.pages[1:]), name
    for _, sentence in head.themes:
        assert _flat(sentence) in flat
    sources = {s for s in data.national["source"].dropna() if s}
    assert sources and all(_flat(texts.cite(s, lang, short_links=True))[:40] in flat for s in sources)  # one citation form
    assert "https://" not in flat  # links are short and clickable, not URLs broken over lines
    assert ("Sumber data" if lang == "id" else "Data sources") in flat
    assert ("Data sintetis (demo)" if lang == "id" else "Synthetic (demo) data") in flat
    assert ("TW III 2024" if lang == "id" else "Q3 2024") in flat
    assert len(reader.pages) >= 2 + len(names)
    assert reader.metadata.title.startswith("Ringkasan" if lang == "id" else "Bureaucratic")
    for code in data.national["indicator_code"]:  # the annex lists every national indicator
        assert code in flat


def test_briefing_cli_writes_pdf_and_refuses_unknown_year(seeded_db_path, tmp_path):
    out = tmp_path / "b.pdf"
    run = subprocess.run([sys.executable, "-m", "loaders", "briefing", "--year", "2024", "--quarter", "4",
                          "--lang", "id", "--final", "--out", str(out), "--db", str(seeded_db_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    _, text = _text(out.read_bytes())
    assert "Capaian Akhir Road Map Reformasi Birokrasi" in _flat(text) and "2020–2024" in text
    bad = subprocess.run([sys.executable, "-m", "loaders", "briefing", "--year", "2031", "--quarter", "1",
                          "--out", str(tmp_path / "x.pdf"), "--db", str(seeded_db_path)],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "2031" in bad.stderr and not (tmp_path / "x.pdf").exists()


def test_file_names_follow_language():
    assert briefing_pdf.file_name(2024, 3, "id") == "ringkasan_rb_2024_TW3.pdf"
    assert briefing_pdf.file_name(2024, 3, "en") == "rb_briefing_2024_Q3.pdf"
    assert briefing_pdf.file_name(2024, 4, "en", final=True) == "rb_final_results_2024.pdf"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_end_of_roadmap_pdf_is_its_own_report(seeded_db_path, seeded_con, lang):
    """The final edition reports the period (2020–2024), the final-report page's counts and indicators, what was
    achieved and what was not, with sources — and differs from the TW IV quarterly briefing."""
    from indicators import briefing, briefing_final
    final_pdf = api.briefing_pdf(2024, 4, lang=lang, db_path=seeded_db_path, final=True)
    quarterly = api.briefing_pdf(2024, 4, lang=lang, db_path=seeded_db_path)
    reader, text = _text(final_pdf)
    flat = _flat(text)
    assert flat != _flat(_text(quarterly)[1])
    assert "2020–2024" in flat
    assert reader.metadata.title.startswith("Capaian Akhir" if lang == "id" else "Final results")
    ind = Q.final_indicator_results(seeded_con, "2020-2024")
    counts = briefing.final_counts(ind)
    n = sum(counts.values())
    words = "indikator yang dinilai terhadap target" if lang == "id" else "indicators judged against a target"
    assert (f"Dari {n} {words}" if lang == "id" else f"Of {n} {words}") in flat
    parts = _flat(briefing_final.headline._parts(counts, lang))
    assert parts in flat                                        # the same counts as the final-report page
    assert ("Yang tercapai" if lang == "id" else "What was achieved") in flat
    assert ("Yang belum tercapai" if lang == "id" else "What was not achieved") in flat
    top = ind[ind["scope"].isin(["national", "all"])]
    for code in top["indicator_code"]:                         # every indicator the page reports
        assert code in flat, code
    assert ("Sumber data" if lang == "id" else "Data sources") in flat
    assert ("laporan instansi" if lang == "id" else "agency reports") in flat
    assert "WIB" in flat and "nan" not in flat.split()
