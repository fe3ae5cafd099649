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
           "trend": "{n} indikator lain tanpa target dinilai menurut trennya saja",
           "no_data": "{n} indikator lain belum dapat dinilai", "not_counted": "{n} tidak dihitung dalam rekap",
           "as_of": "Posisi {period}; data diterima s.d. {cutoff}.", "and": " dan "},
    "en": {"overall": "Of {n} national {indicators} with a target: {parts}.",
           "theme": "{theme}: of {n} {indicators} with a target, {parts}.",
           "unassessed": "{n} cannot be assessed yet",
           "none": "No national indicator with a target can be assessed yet.",
           "theme_none": "{theme}: no indicator with a target.",
           "trend": "{n} other {indicators} without a target {are} judged by {their} trend only",
           "no_data": "{n} other {indicators} cannot be assessed yet", "not_counted": "{n} not counted in roll-ups",
           "as_of": "Position {period}; data received up to {cutoff}.", "and": " and "},
}


# English status phrases that read after a count ("2 with the target achieved", not "2 target achieved").
_EN_PARTS = {"target_achieved": "{n} with the target achieved", "on_track": "{n} on track",
             "acceleration_needed": "{n} needing acceleration", "limited_progress": "{n} with limited progress",
             "deterioration": "{n} deteriorating"}


@dataclass(frozen=True)
class Headline:
    overall: str                         # the one sentence about all national indicators with a target
    as_of: str                           # period and data cut-off
    trend: str                           # how many are judged by trend only ('' when none)
    themes: tuple[tuple[str, str], ...]  # (theme code, sentence) in theme order
    counts: dict                         # status -> number of indicators with a target


def counts_in_rollup(row: dict) -> bool:
    """counted_mask for one row (dict): judged against a target and its indicator counts in roll-ups."""
    return row.get("kind", TARGET_KINDS[0]) in TARGET_KINDS and bool(row.get("in_rollup", True))


def counted_mask(df: pd.DataFrame) -> pd.Series:
    """THE roll-up rule, for every count shown (headline, national matrix, final report, PDF, exports): a row
    counts when it is judged against a target (kind 'target' or 'category') and its indicator counts in
    roll-ups (`in_rollup`; catalogue `rollup: false`, e.g. the March poverty series, does not). A table
    without a `kind` / `in_rollup` column is taken to hold only verdicts that count."""
    mask = pd.Series(True, index=df.index)
    if len(df) and "kind" in df.columns:
        mask &= df["kind"].isin(TARGET_KINDS)
    if len(df) and "in_rollup" in df.columns:
        mask &= df["in_rollup"].fillna(False).astype(bool)
    return mask


def target_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows that count in the roll-up (see counted_mask)."""
    if df.empty:
        return df
    return df[counted_mask(df)]


def status_counts(df: pd.DataFrame) -> dict[str, int]:
    """status -> count over the verdicts that count (counted_mask), in the fixed status order; 0s are kept."""
    counts = target_rows(df)["status"].value_counts() if len(df) else pd.Series(dtype=int)
    return {s: int(counts.get(s, 0)) for s in STATUS_ORDER}


def apart_counts(df: pd.DataFrame) -> dict[str, int]:
    """What the headline names apart from the count: 'trend' (judged by trend only), 'no_data' (not counted and
    not assessable yet) and 'not_counted' (judged, but not counted in roll-ups: another series of a concept
    already counted, or a discontinued indicator)."""
    if df.empty:
        return {"trend": 0, "no_data": 0, "not_counted": 0}
    rest = df[~counted_mask(df)]
    no_data = rest["status"].eq("unable_to_assess")
    trend = ~no_data & (rest["kind"].eq("trend") if "kind" in rest.columns else False)
    return {"trend": int(trend.sum()), "no_data": int(no_data.sum()), "not_counted": int((~no_data & ~trend).sum())}


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
    words = [_EN_PARTS[s].format(n=n) if lang == "en" and s in _EN_PARTS else f"{n} {labels[s].lower()}"
             for s, n in counts.items() if n and s != "unable_to_assess"]
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
    overall = tx["overall"].format(n=n, parts=_parts(counts, lang), **plural_words(n, lang)) if n else tx["none"]
    apart = apart_counts(df)
    themes = []
    for theme in (dict.fromkeys(df["theme"]) if len(df) else ()):
        tc = status_counts(df[df["theme"] == theme])
        k, name = sum(tc.values()), names.get(theme, theme)
        themes.append((theme, tx["theme"].format(theme=name, n=k, parts=_parts(tc, lang), **plural_words(k, lang)) if k
                       else tx["theme_none"].format(theme=name)))
    as_of = tx["as_of"].format(period=period, cutoff=cutoff or "–")
    words = [tx[k].format(n=n, **plural_words(n, lang)) for k, n in apart.items() if n]
    trend = "; ".join(words) + "." if words else ""
    trend = trend[:1].upper() + trend[1:] if trend and not trend[0].isdigit() else trend
    return Headline(overall, as_of, trend, tuple(themes), counts)


def plural_words(n: int, lang: str) -> dict[str, str]:
    """English words that agree with n (CLDR plural rule through Babel: 1 indicator, 2 indicators); Indonesian
    nouns do not change."""
    if lang != "en":
        return {"indicators": "indikator", "are": "", "their": ""}
    from babel import Locale
    one = Locale("en").plural_form(int(n)) == "one"
    return {"indicators": "indicator" if one else "indicators", "are": "is" if one else "are",
            "their": "its" if one else "their"}
