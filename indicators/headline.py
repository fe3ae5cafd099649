"""The one-line answer to "are we on track?": status counts of national indicators in words.

Pure functions of the national assessments table (one row per national indicator: theme, status, kind).
Only verdicts against a target (kind 'target' and 'category') are counted in the sentence; indicators
judged by their trend alone (no target) are counted apart, so "6 of 24 indicators with a target" never
mixes the two. The national page and the PDF briefing both use `headline()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators import progress
from indicators.assessment import ROLLUP_KINDS as TARGET_KINDS  # verdicts against a target
from indicators.charts import STATUS_ORDER

_TEXT = {
    "id": {"overall": "Dari {n} indikator nasional bertarget: {parts}.",
           "theme": "{theme}: dari {n} indikator bertarget, {parts}.",
           "unassessed": "{n} belum dapat dinilai",
           "none": "Belum ada indikator nasional bertarget yang dapat dinilai.",
           "theme_none": "{theme}: belum ada indikator bertarget.",
           "trend": "{n} indikator lain tanpa target dinilai menurut trennya saja.",
           "as_of": "Posisi {period}; data diterima s.d. {cutoff}.", "and": " dan "},
    "en": {"overall": "Of {n} national indicators with a target: {parts}.",
           "theme": "{theme}: of {n} indicators with a target, {parts}.",
           "unassessed": "{n} cannot be assessed yet",
           "none": "No national indicator with a target can be assessed yet.",
           "theme_none": "{theme}: no indicator with a target.",
           "trend": "{n} other indicators without a target are judged by their trend only.",
           "as_of": "Position {period}; data received up to {cutoff}.", "and": " and "},
}


@dataclass(frozen=True)
class Headline:
    overall: str                         # the one sentence about all national indicators with a target
    as_of: str                           # period and data cut-off
    trend: str                           # how many are judged by trend only ('' when none)
    themes: tuple[tuple[str, str], ...]  # (theme code, sentence) in theme order
    counts: dict                         # status -> number of indicators with a target


def target_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows judged against a target (a table without a `kind` column holds only target verdicts)."""
    if df.empty or "kind" not in df.columns:
        return df
    return df[df["kind"].isin(TARGET_KINDS)]


def status_counts(df: pd.DataFrame) -> dict[str, int]:
    """status -> count over the target verdicts, in the fixed status order; statuses with 0 are kept."""
    counts = target_rows(df)["status"].value_counts() if len(df) else pd.Series(dtype=int)
    return {s: int(counts.get(s, 0)) for s in STATUS_ORDER}


def count_frame(df: pd.DataFrame, theme_names: dict[str, str] | None = None) -> pd.DataFrame:
    """theme_label, status, n: target verdicts per theme and status (input of charts.status_count_chart)."""
    names, rows = theme_names or {}, []
    for theme in (dict.fromkeys(df["theme"]) if len(df) else ()):
        for s, n in status_counts(df[df["theme"] == theme]).items():
            rows.append(dict(theme_label=names.get(theme, theme), status=s, n=n))
    return pd.DataFrame(rows, columns=["theme_label", "status", "n"])


def _parts(counts: dict[str, int], lang: str) -> str:
    """'3 target tercapai, 7 sesuai jalur dan 2 memburuk; 10 belum dapat dinilai'."""
    labels = progress.STATUS_LABELS[lang]
    words = [f"{n} {labels[s].lower()}" for s, n in counts.items() if n and s != "unable_to_assess"]
    text = ", ".join(words[:-1]) + _TEXT[lang]["and"] + words[-1] if len(words) > 1 else "".join(words)
    unassessed = counts.get("unable_to_assess", 0)
    if unassessed:
        text += ("; " if text else "") + _TEXT[lang]["unassessed"].format(n=unassessed)
    return text


def headline(df: pd.DataFrame, *, lang: str = "id", period: str = "", cutoff: str = "",
             theme_names: dict[str, str] | None = None) -> Headline:
    """The overall sentence, one sentence per theme (in the table's theme order) and the cut-off line."""
    lang = "en" if lang == "en" else "id"
    tx, names = _TEXT[lang], theme_names or {}
    counts = status_counts(df)
    n = sum(counts.values())
    overall = tx["overall"].format(n=n, parts=_parts(counts, lang)) if n else tx["none"]
    n_trend = len(df) - len(target_rows(df)) if len(df) else 0
    themes = []
    for theme in (dict.fromkeys(df["theme"]) if len(df) else ()):
        tc = status_counts(df[df["theme"] == theme])
        k, name = sum(tc.values()), names.get(theme, theme)
        themes.append((theme, tx["theme"].format(theme=name, n=k, parts=_parts(tc, lang)) if k
                       else tx["theme_none"].format(theme=name)))
    as_of = tx["as_of"].format(period=period, cutoff=cutoff or "–")
    return Headline(overall, as_of, tx["trend"].format(n=n_trend) if n_trend else "", tuple(themes), counts)
