"""Text in generated workbooks is always text: never a formula, never DDE.

One rule for every workbook PantauRB writes (template prefill, annotated workbook, catalogue export,
briefing, table exports). A text that starts with one of `FORMULA_PREFIXES` is what Excel, LibreOffice
and WPS would run as a formula or DDE command (OWASP "CSV injection"); openpyxl itself stores a string
starting with "=" as a live formula.

- `put(cell, value)` for openpyxl cells: text is stored as a string cell (`data_type "s"`), and a text
  that would read as a formula also gets Excel's quote prefix, so it stays text even when someone edits
  the cell. The text itself is kept exactly (minus control characters XML cannot hold).
- `neutralise_value(value)` for tables written through pandas (CSV and xlsx exports): such a text gets a
  leading apostrophe, the widely used convention for spreadsheet exports.
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
