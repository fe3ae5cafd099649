"""The one pre-flight guard every uploaded .xlsx passes before any parser sees it.

Used by every upload path: quarterly workbooks (`loaders.workbook.read_workbook`, check and ingest, the
annotated copy), the agency registry (`loaders.registry.read_registry_file`, CLI and import) and the
catalogue (`loaders.api.read_catalogue_upload`, CLI and Katalog page). The byte-level checks live with the
workbook reader (`loaders.workbook.check_xlsx`, which shares its XML scanners); this module is the entry
point and lists the limits in one place:

| limit | value |
|---|---|
| XML of all parts once decompressed | 50 MB (`MAX_TOTAL`) |
| compression ratio of one part larger than 1 MB | 100:1 (`MAX_RATIO`) |
| parts in the package | 5,000 (`MAX_PARTS`) |
| used range of a sheet | 100,000 rows (`MAX_ROW`), 200 columns (`MAX_COL`), 2,000,000 cells (`MAX_CELLS`) |
| refused outright | not a zip, corrupt zip, duplicate part names, no xl/workbook.xml, any DTD/ENTITY, a shared-string table declaring far more strings than it holds |

The dashboard's upload size limit (10 MB) is `server.maxUploadSize` in `.streamlit/config.toml`.
"""

from __future__ import annotations

from loaders.workbook import (MAX_CELLS, MAX_COL, MAX_PARTS, MAX_RATIO, MAX_ROW, MAX_TOTAL, NotAnXlsx,
                              UnsafeWorkbook, check_xlsx)

LIMITS = {"max_total_bytes": MAX_TOTAL, "max_ratio": MAX_RATIO, "max_parts": MAX_PARTS, "max_rows": MAX_ROW,
          "max_columns": MAX_COL, "max_cells": MAX_CELLS}


def guard(data: bytes) -> None:
    """Raise `UnsafeWorkbook` (or `NotAnXlsx`) unless `data` is an xlsx package that is safe to parse."""
    check_xlsx(data)


__all__ = ["LIMITS", "NotAnXlsx", "UnsafeWorkbook", "guard"]
