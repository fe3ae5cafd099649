"""Chart PNGs name what they show, and carry the synthetic stamp only where synthetic values are drawn."""

from __future__ import annotations

import pandas as pd

from indicators import charts
from ui import format as F
from ui import i18n


def _series(synthetic):
    return pd.DataFrame({"series": ["national"] * 3, "t": [2022.0, 2023.0, 2024.0], "value": [5.51, 2.61, 1.57],
                         "synthetic": synthetic, "source": ["BPS | Inflasi | 2025-01-02 | https://bps.go.id/x | primary"] * 3})


def test_stamp_only_where_synthetic_values_are_drawn(monkeypatch):
    monkeypatch.setattr(i18n, "lang", lambda: "id")
    real = charts.series_chart(_series([False] * 3), pd.DataFrame(), "id", {}, 2, None, (2019, 2024))
    demo = charts.series_chart(_series([False, True, False]), pd.DataFrame(), "id", {}, 2, None, (2019, 2024))
    assert F.chart_synthetic(real) is False and F.chart_synthetic(demo) is True
    monkeypatch.setattr(F.st, "session_state", {"_export_synthetic": True, "_export_context": {"period": "TW IV 2024"}})
    lines = F.chart_caption_lines("%", "BPS, “Inflasi”, 2 Januari 2025, bps.go.id/x", F.chart_synthetic(real))
    assert lines == ["Periode: TW IV 2024", "Satuan: %", "Sumber: BPS, “Inflasi”, 2 Januari 2025, bps.go.id/x"]
    assert "Data sintetis (demo)" in F.chart_caption_lines("%", None, F.chart_synthetic(demo))
    assert "Data sintetis (demo)" in F.chart_caption_lines("%", None, None)   # no flag in the data: the page decides


def test_png_has_the_title_block():
    chart = charts.series_chart(_series([False] * 3), pd.DataFrame(), "id", {}, 2, None, (2019, 2024))
    spec = charts.with_caption(chart, "Inflasi IHK tahunan (NAT_INFL)", ["Periode: TW IV 2024", "Satuan: %"]).to_dict()
    text = str(spec)
    assert "Inflasi IHK tahunan (NAT_INFL)" in text and "Satuan: %" in text
