"""Tile-grid layout of Indonesia's 38 provinces, keyed by Kemendagri province code (11..96).

Every province is one equal square, so a small province (DKI Jakarta, DI Yogyakarta) is as visible as
Papua. Positions roughly follow geography: columns run west -> east (Sumatra, Java, Kalimantan,
Sulawesi, Maluku, Papua), rows north -> south; Java and Nusa Tenggara form the bottom row. This is our
own layout (no official tile grid was found); codes and names follow domain.md §5.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Tile:
    province_code: str
    name: str         # province name (domain.md §5.1), for tooltips when there are no data
    short: str        # label drawn in the tile
    col: int          # 0 = west
    row: int          # 0 = north


TILES: tuple[Tile, ...] = (
    # Sumatra, north-west to south-east
    Tile("11", "Aceh", "Aceh", 0, 0),
    Tile("12", "Sumatera Utara", "Sumut", 1, 1),
    Tile("21", "Kepulauan Riau", "Kepri", 3, 1),
    Tile("13", "Sumatera Barat", "Sumbar", 1, 2),
    Tile("14", "Riau", "Riau", 2, 2),
    Tile("17", "Bengkulu", "Bengkulu", 1, 3),
    Tile("15", "Jambi", "Jambi", 2, 3),
    Tile("16", "Sumatera Selatan", "Sumsel", 2, 4),
    Tile("19", "Kepulauan Bangka Belitung", "Babel", 3, 4),
    Tile("18", "Lampung", "Lampung", 2, 5),
    # Java, Bali, Nusa Tenggara (DKI north of the Java row, DIY south of it)
    Tile("31", "DKI Jakarta", "DKI", 4, 4),
    Tile("36", "Banten", "Banten", 3, 5),
    Tile("32", "Jawa Barat", "Jabar", 4, 5),
    Tile("33", "Jawa Tengah", "Jateng", 5, 5),
    Tile("34", "DI Yogyakarta", "DIY", 5, 6),
    Tile("35", "Jawa Timur", "Jatim", 6, 5),
    Tile("51", "Bali", "Bali", 7, 5),
    Tile("52", "Nusa Tenggara Barat", "NTB", 8, 5),
    Tile("53", "Nusa Tenggara Timur", "NTT", 9, 5),
    # Kalimantan
    Tile("65", "Kalimantan Utara", "Kaltara", 6, 1),
    Tile("61", "Kalimantan Barat", "Kalbar", 4, 2),
    Tile("62", "Kalimantan Tengah", "Kalteng", 5, 2),
    Tile("64", "Kalimantan Timur", "Kaltim", 6, 2),
    Tile("63", "Kalimantan Selatan", "Kalsel", 6, 3),
    # Sulawesi
    Tile("75", "Gorontalo", "Gorontalo", 8, 1),
    Tile("71", "Sulawesi Utara", "Sulut", 9, 1),
    Tile("76", "Sulawesi Barat", "Sulbar", 7, 2),
    Tile("72", "Sulawesi Tengah", "Sulteng", 8, 2),
    Tile("73", "Sulawesi Selatan", "Sulsel", 7, 3),
    Tile("74", "Sulawesi Tenggara", "Sultra", 8, 3),
    # Maluku
    Tile("82", "Maluku Utara", "Malut", 10, 1),
    Tile("81", "Maluku", "Maluku", 10, 3),
    # Papua
    Tile("96", "Papua Barat Daya", "PBD", 11, 1),
    Tile("92", "Papua Barat", "Pabar", 12, 1),
    Tile("91", "Papua", "Papua", 13, 1),
    Tile("94", "Papua Tengah", "Papteng", 12, 2),
    Tile("95", "Papua Pegunungan", "Pappeg", 13, 2),
    Tile("93", "Papua Selatan", "Papsel", 13, 3),
)

BY_CODE: dict[str, Tile] = {tile.province_code: tile for tile in TILES}


def tile_rows() -> list[dict]:
    """One dict per province: province_code, name, short, col, row (for a DataFrame / chart)."""
    return [{"province_code": t.province_code, "name": t.name, "short": t.short, "col": t.col, "row": t.row}
            for t in TILES]


def with_values(df: pd.DataFrame, code_column: str = "agency_code", status_column: str = "status") -> pd.DataFrame:
    """All 38 tiles (province_code, name, short, col, row) left-joined with the other columns of `df` (one
    row per province, keyed by `code_column`). The name from `df` wins when it has one. Provinces that
    are missing from `df` keep NaN values and get status "no_data"; rows of `df` that are not
    provinces (unknown codes) are dropped."""
    tiles = pd.DataFrame(tile_rows())
    data = df.rename(columns={code_column: "_code"})
    data = data.drop(columns=[c for c in ("province_code", "short", "col", "row") if c in data.columns])
    out = tiles.merge(data, how="left", left_on="province_code", right_on="_code", suffixes=("", "_data"))
    if "name_data" in out.columns:
        out["name"] = out["name_data"].where(out["name_data"].notna(), out["name"])
        out = out.drop(columns=["name_data"])
    out = out.drop(columns=["_code"])
    out[status_column] = out[status_column].fillna("no_data") if status_column in out.columns else "no_data"
    return out


__all__ = ["Tile", "TILES", "BY_CODE", "tile_rows", "with_values"]
