"""One count everywhere: the headline, the national theme x status matrix, the final report (page table and
xlsx/HTML briefing) and the PDF briefing count the same national indicators, by the one roll-up rule
(headline.counted_mask), for every quarter of the seeded database — also when a series is marked
`rollup: false` (it is shown, labelled 'not counted', and counted in none of them)."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest

from indicators import briefing, briefing_pdf, headline
from indicators import queries as Q
from loaders import assessments, store


@pytest.fixture(scope="module")
def db_without_march_poverty(seeded_db_path, tmp_path_factory):
    """The seeded database with the March poverty series out of roll-ups (as the catalogue ships it)."""
    path = tmp_path_factory.mktemp("counts") / "pantaurb.duckdb"
    shutil.copy(seeded_db_path, path)
    with store.session(path) as con:
        with store.transaction(con):
            con.execute("UPDATE indicators SET rollup = FALSE WHERE indicator_code = 'NAT_POV_MAR'")
            assessments.refresh(con)
    return path


def _matrix_counts(con, year, quarter) -> dict[str, int]:
    m = Q.theme_status_matrix(con, year, quarter)
    nat = m[m["scope"] == "national"].groupby("status")["n"].sum()
    return {s: int(nat.get(s, 0)) for s in headline.STATUS_ORDER}


def test_counts_agree_for_every_quarter(db_without_march_poverty):
    with store.session(db_without_march_poverty) as con:
        quarters = [(y, q) for y in range(2020, 2025) for q in range(1, 5)]
        for year, quarter in quarters:
            nat = Q.national_assessments(con, year, quarter)
            counts = headline.status_counts(nat)
            head = headline.headline(nat, lang="id")
            assert "NAT_POV_MAR" in set(nat["indicator_code"])                      # still shown (a tile)
            assert "NAT_POV_MAR" not in set(nat[headline.counted_mask(nat)]["indicator_code"])
            n = sum(counts.values())
            assert n == len(nat) - 1 or n < len(nat)
            assert head.overall.startswith(f"Dari {n} indikator nasional bertarget") or n == 0
            assert "1 tidak dihitung dalam rekap" in head.trend or \
                nat.set_index("indicator_code").loc["NAT_POV_MAR", "status"] == "unable_to_assess"
            assert _matrix_counts(con, year, quarter) == counts, (year, quarter)
            pdf_head = briefing_pdf.make_headline(briefing_pdf.gather(con, year, quarter), "id")
            assert pdf_head.counts == counts and pdf_head.overall == head.overall, (year, quarter)
        # the final report at the end of the period: its national rows are the headline of TW IV 2024
        final = Q.final_indicator_results(con, "2020-2024")
        national = final[final["scope"] == "national"]
        assert headline.status_counts(national) == headline.status_counts(Q.national_assessments(con, 2024, 4))
        total = briefing.final_counts(final)
        top = final[final["scope"].isin(["national", "all"])]
        assert sum(total.values()) == int(headline.counted_mask(top).sum())
        themes = Q.final_theme_rollup(final)
        tables = briefing.briefing_tables(final, themes, "id")
        assert dict(zip(tables["summary"]["Status"], tables["summary"]["Jumlah"])) == \
            {headline.progress.STATUS_LABELS["id"][s]: n for s, n in total.items()}
        wb = openpyxl.load_workbook(io.BytesIO(briefing.briefing_xlsx(final, themes, period_name="RB 2020–2024")))
        cells = [c.value for row in wb["Ringkasan"].iter_rows() for c in row]
        assert sum(v for v in cells if isinstance(v, int)) == sum(total.values())
