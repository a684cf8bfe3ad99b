"""Kelurahan boundaries ([tool.petakla] batas_kelurahan; the project's own are derived by
scripts/derive_boundaries.py into wilayah/): a point inside each kelurahan, and which
kelurahan each point falls in (one geopandas spatial join)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .config import Config
from .model import Facility
from .regions import City


class BoundaryError(Exception):
    pass


@dataclass
class Boundaries:
    path: Path
    frame: object  # geopandas.GeoDataFrame in EPSG:4326 with columns kode, nama, geometry
    _inner: dict | None = field(default=None, repr=False, compare=False)

    def names(self) -> dict[str, str]:
        return dict(zip(self.frame["kode"], self.frame["nama"], strict=True))

    def has(self, kode: str) -> bool:
        return kode in set(self.frame["kode"])

    def fallback_point(self, kode: str) -> tuple[float, float] | None:
        """(lat, lon) of a point guaranteed to lie inside the kelurahan, or None."""
        return self.inner_points().get(kode)

    def inner_points(self) -> dict[str, tuple[float, float]]:
        """kode -> (lat, lon) of shapely's representative point of the kelurahan (all its
        polygons merged): always inside it, unlike a centroid. Computed once."""
        if self._inner is None:
            points = {}
            for kode, shapes in self.frame.groupby("kode", sort=False).geometry:
                point = shapes.union_all().representative_point()
                points[str(kode)] = (point.y, point.x)
            self._inner = points
        return self._inner

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


def boundary_source(config: Config) -> dict[str, str] | None:
    """The `sumber` member of the configured boundaries file (where the polygons come from and
    their licence, written by scripts/derive_boundaries.py), for the /data/ page; {} when the
    file does not say; None without boundaries or when the file is unreadable."""
    import json

    if not config.batas_kelurahan:
        return None
    try:
        data = json.loads((config.root / config.batas_kelurahan).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    sumber = data.get("sumber") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in sumber.items()} if isinstance(sumber, dict) else {}


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


@dataclass(frozen=True)
class KelurahanPoint:
    """Where "dekat saya" starts from a kelurahan (and where a record without a point is
    placed): a point inside the kelurahan's boundary. Without boundaries, the mean of its
    facilities (`perkiraan`), or no point at all (lat and lon None)."""

    kode: str
    nama: str
    slug: str
    kecamatan: str
    kecamatan_slug: str
    lat: float | None
    lon: float | None
    perkiraan: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def kelurahan_points(city: City, boundaries: Boundaries | None,
                     facilities: Iterable[Facility] = ()) -> list[KelurahanPoint]:
    """One entry per official kelurahan of the city, in the city's order (rounded to 6
    decimals, about 0.1 m)."""
    inner = boundaries.inner_points() if boundaries is not None else {}
    located: dict[str, list[tuple[float, float]]] = {}
    for f in facilities:
        if f.has_location:
            located.setdefault(f.kelurahan.kode, []).append((f.lat, f.lon))
    out = []
    for k in city.kelurahan:
        lat = lon = None
        approx = False
        if k.kode in inner:
            lat, lon = inner[k.kode]
        elif located.get(k.kode):
            pts = located[k.kode]
            lat, lon = sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
            approx = True
        out.append(KelurahanPoint(
            k.kode, k.nama, k.slug, k.kecamatan.nama, k.kecamatan.slug,
            round(lat, 6) if lat is not None else None,
            round(lon, 6) if lon is not None else None, approx))
    return out


def city_kelurahan_points(config: Config, facilities: Iterable[Facility] = ()) -> list[KelurahanPoint]:
    """kelurahan_points() for the configured city and its configured boundaries."""
    from .regions import load_city

    return kelurahan_points(load_city(config.kota_kode), load_boundaries(config), facilities)
