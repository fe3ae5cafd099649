"""Text in generated workbooks is always text: never a formula, never DDE.

One rule for every workbook PantauRB writes (template prefill, annotated workbook, catalogue export,
briefing, table exports). A text that starts with one of `FORMULA_PREFIXES` is what Excel, LibreOffice
and WPS would run as a formula or DDE command (OWASP "CSV injection"); openpyxl itself stores a string
starting with "=" as a live formula.

- `put(cell, value)` for openpyxl cells: text is stored as a string cell (`data_type "s"`), and a text
  that would read as a formula also gets Excel's quote prefix, so it stays text even when someone edits
  the cell. The text itself is kept exactly (minus control characters XML cannot hold).
- `neutralise_value(value)` for tables written through pandas (CSV and xlsx exports): such a text gets a
  leading apostrophe, the widely used convention for spreadsheet exports; `neutralise_frame(df)` applies it
  to every text cell and column name of a table (every CSV/xlsx download, the audit export included).
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
ILLEGAL_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def put(cell, value: Any):
    """Assign `value` to an openpyxl cell, text as a string that can never run. Returns the cell."""
    if isinstance(value, str):
        value = ILLEGAL_XML_CHARS.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


def neutralise_value(value: Any) -> Any:
    """'=SUM(A1)' -> "'=SUM(A1)"; numbers and other types are returned unchanged."""
    return "'" + value if is_formula_like(value) else value


def neutralise_frame(df):
    """A copy of `df` where every text cell (and column name) that a spreadsheet would run as a formula
    starts with a single quote. Numeric columns are untouched (a negative number stays a number)."""
    import pandas as pd
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
            continue
        out[col] = s.map(neutralise_value)
    out.columns = [neutralise_value(str(c)) for c in out.columns]
    return out
