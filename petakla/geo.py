"""Kelurahan boundaries ([tool.petakla] batas_kelurahan; the project's own are derived by
scripts/derive_boundaries.py into wilayah/): a point inside each kelurahan, and which
kelurahan each point falls in (one query of a shapely spatial index)."""

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
    """The kelurahan polygons in EPSG:4326, one entry per feature, in file order."""

    path: Path
    kode: list[str]
    nama: list[str]
    geometries: list  # shapely geometries
    _inner: dict | None = field(default=None, repr=False, compare=False)
    _codes: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _frame: object = field(default=None, repr=False, compare=False)

    @property
    def frame(self):
        """The same as a geopandas.GeoDataFrame (columns kode, nama, geometry): geopandas is
        imported only by what needs a frame (coverage), not by `check`."""
        if self._frame is None:
            import geopandas as gpd

            self._frame = gpd.GeoDataFrame({"kode": self.kode, "nama": self.nama},
                                           geometry=self.geometries, crs="EPSG:4326")
        return self._frame

    def names(self) -> dict[str, str]:
        return dict(zip(self.kode, self.nama, strict=True))

    def has(self, kode: str) -> bool:
        if self._codes is None:
            self._codes = frozenset(self.kode)
        return kode in self._codes

    def fallback_point(self, kode: str) -> tuple[float, float] | None:
        """(lat, lon) of a point guaranteed to lie inside the kelurahan, or None."""
        return self.inner_points().get(kode)

    def inner_points(self) -> dict[str, tuple[float, float]]:
        """kode -> (lat, lon) of shapely's representative point of the kelurahan (all its
        polygons merged): always inside it, unlike a centroid. Computed once."""
        if self._inner is None:
            import shapely

            groups: dict[str, list] = {}
            for kode, geom in zip(self.kode, self.geometries, strict=True):
                groups.setdefault(kode, []).append(geom)
            points = {}
            for kode, shapes in groups.items():
                point = shapely.union_all(shapes).representative_point()
                points[kode] = (point.y, point.x)
            self._inner = points
        return self._inner

    def kelurahan_of(self, points: list[tuple[float, float]]) -> list[set[str]]:
        """For each (lat, lon): the codes of every kelurahan that contains it (a point on a
        shared border is in both; outside every polygon gives an empty set). One query of a
        spatial index (what geopandas' sjoin with `intersects` does)."""
        import shapely

        found: list[set[str]] = [set() for _ in points]
        if not points:
            return found
        tree = shapely.STRtree(self.geometries)
        hits = tree.query(shapely.points([(lon, lat) for lat, lon in points]),
                          predicate="intersects")
        for i, j in zip(hits[0].tolist(), hits[1].tolist(), strict=True):
            found[i].add(self.kode[j])
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
    path = (config.root / config.batas_kelurahan).resolve()
    if not path.is_file():
        raise BoundaryError(f"berkas batas kelurahan '{config.batas_kelurahan}' tidak ditemukan "
                            "(pengaturan batas_kelurahan di pyproject.toml).")
    features = _plain_geojson(path)
    if features is None:
        return _read_with_geopandas(path, config)
    import shapely.geometry

    columns = set().union(*(f.get("properties") or {} for f in features))
    if "kode" not in columns:
        raise BoundaryError(f"berkas batas kelurahan '{config.batas_kelurahan}' tidak punya "
                            "properti `kode` (kode Kemendagri kelurahan).")
    kode, nama, geoms = [], [], []
    for f in features:
        if not f.get("geometry"):
            continue
        geom = shapely.geometry.shape(f["geometry"])
        if geom.is_empty:
            continue
        props = f.get("properties") or {}
        kode.append(str(props.get("kode")))
        nama.append(str(props.get("nama")) if "nama" in columns else kode[-1])
        geoms.append(geom)
    return Boundaries(path=path, kode=kode, nama=nama, geometries=geoms)


def _plain_geojson(path: Path) -> list[dict] | None:
    """The features of a GeoJSON FeatureCollection in WGS84 (RFC 7946, no other `crs`), read
    with json and shapely alone, which is what `check` needs and far quicker to start than
    geopandas; None for anything else (other formats, CRSs, surprises): geopandas reads it."""
    import json

    if path.suffix.lower() not in (".geojson", ".json"):
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return None
    crs = data.get("crs")  # named CRSs of GeoJSON 2008; RFC 7946 has none: WGS84
    if crs is not None:
        props = crs.get("properties") if isinstance(crs, dict) else None
        if not isinstance(props, dict) or props.get("name") not in _WGS84:
            return None
    features = data.get("features")
    if not isinstance(features, list) or not all(
            isinstance(f, dict) and f.get("type") == "Feature"
            and isinstance(f.get("properties") or {}, dict) for f in features):
        return None
    return features


_WGS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326",
          "urn:ogc:def:crs:EPSG::4326"}


def _read_with_geopandas(path: Path, config: Config) -> Boundaries:
    import geopandas as gpd

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
    kode = [str(k) for k in frame["kode"].astype(str)]
    nama = [str(n) for n in frame["nama"].astype(str)] if "nama" in frame.columns else kode
    return Boundaries(path=path, kode=kode, nama=list(nama), geometries=list(frame.geometry))


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
