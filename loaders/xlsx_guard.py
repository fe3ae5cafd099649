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
| cell comments (notes and threaded) in the package | 10,000 (`MAX_COMMENTS`) |
| drawing shapes (legacy VML shapes, DrawingML anchors) in the package | 20,000 (`MAX_SHAPES`) |
| XML elements in any part other than a sheet or the shared strings (styles, comments, drawings, charts, ...) | 250,000 (`MAX_ELEMENTS`) |
| shared strings | 2,000,000 (`MAX_STRINGS`) |
| refused outright | not a zip, corrupt zip, duplicate part names, no xl/workbook.xml, any DTD/ENTITY, a shared-string table declaring far more strings than it holds |

Every part a reader here parses (python-calamine for values, openpyxl for the annotated copy and the
catalogue) is decompressed and counted; only the theme, images and printer settings are never opened. The
annotated copy is, on top of that, built in a memory- and time-limited child process (`loaders.isolated`).

The dashboard's upload size limit (10 MB) is `server.maxUploadSize` in `.streamlit/config.toml`.
"""

from __future__ import annotations

from loaders.workbook import (MAX_CELLS, MAX_COL, MAX_COMMENTS, MAX_ELEMENTS, MAX_PARTS, MAX_RATIO, MAX_ROW,
                              MAX_SHAPES, MAX_STRINGS, MAX_TOTAL, NotAnXlsx, UnsafeWorkbook, check_xlsx)

LIMITS = {"max_total_bytes": MAX_TOTAL, "max_ratio": MAX_RATIO, "max_parts": MAX_PARTS, "max_rows": MAX_ROW,
          "max_columns": MAX_COL, "max_cells": MAX_CELLS, "max_comments": MAX_COMMENTS, "max_shapes": MAX_SHAPES,
          "max_elements": MAX_ELEMENTS, "max_strings": MAX_STRINGS}


def guard(data: bytes) -> None:
    """Raise `UnsafeWorkbook` (or `NotAnXlsx`) unless `data` is an xlsx package that is safe to parse."""
    check_xlsx(data)


__all__ = ["LIMITS", "NotAnXlsx", "UnsafeWorkbook", "guard"]
