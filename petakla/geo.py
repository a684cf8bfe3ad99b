"""Optional kelurahan boundaries ([tool.petakla] batas_kelurahan): a fallback point inside
each kelurahan, and which kelurahan each point falls in (one geopandas spatial join)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config


class BoundaryError(Exception):
    pass


@dataclass
class Boundaries:
    path: Path
    frame: object  # geopandas.GeoDataFrame in EPSG:4326 with columns kode, nama, geometry

    def names(self) -> dict[str, str]:
        return dict(zip(self.frame["kode"], self.frame["nama"], strict=True))

    def has(self, kode: str) -> bool:
        return kode in set(self.frame["kode"])

    def fallback_point(self, kode: str) -> tuple[float, float] | None:
        """(lat, lon) of a point guaranteed to lie inside the kelurahan, or None."""
        shapes = self.frame.geometry[self.frame["kode"] == kode]
        if shapes.empty:
            return None
        point = shapes.union_all().representative_point()
        return point.y, point.x

    def kelurahan_of(self, points: list[tuple[float, float]]) -> list[set[str]]:
        """For each (lat, lon): the codes of every kelurahan that contains it (a point on a
        shared border is in both; outside every polygon gives an empty set)."""
        import geopandas as gpd
        from shapely import points as make_points

        found: list[set[str]] = [set() for _ in points]
        if not points:
            return found
        pts = gpd.GeoDataFrame(
            {"i": range(len(points))},
            geometry=make_points([(lon, lat) for lat, lon in points]), crs="EPSG:4326",
        )
        joined = gpd.sjoin(pts, self.frame[["kode", "geometry"]], how="inner",
                           predicate="intersects")
        for i, kode in zip(joined["i"], joined["kode"], strict=True):
            found[int(i)].add(str(kode))
        return found


def load_boundaries(config: Config) -> Boundaries | None:
    """None when batas_kelurahan is not configured; BoundaryError when it is unusable."""
    if not config.batas_kelurahan:
        return None
    import geopandas as gpd

    path = (config.root / config.batas_kelurahan).resolve()
    if not path.is_file():
        raise BoundaryError(f"berkas batas kelurahan '{config.batas_kelurahan}' tidak ditemukan "
                            "(pengaturan batas_kelurahan di pyproject.toml).")
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own types for unreadable files
        raise BoundaryError(f"berkas batas kelurahan '{config.batas_kelurahan}' tidak dapat "
                            f"dibaca ({exc}).") from None
    if "kode" not in frame.columns:
        raise BoundaryError(f"berkas batas kelurahan '{config.batas_kelurahan}' tidak punya "
                            "properti `kode` (kode Kemendagri kelurahan).")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame.set_crs("EPSG:4326") if frame.crs is None else frame.to_crs("EPSG:4326")
    frame = frame.assign(kode=frame["kode"].astype(str),
                         nama=frame["nama"].astype(str) if "nama" in frame.columns
                         else frame["kode"].astype(str))
    return Boundaries(path=path, frame=frame[["kode", "nama", "geometry"]].reset_index(drop=True))
