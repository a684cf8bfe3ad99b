"""Reading OpenStreetMap objects from an Overpass API JSON answer or a GeoJSON export
(overpass-turbo / osmtogeojson): each tagged node, way or relation with one point — a node's
own, a way's centroid (from `out geom`, or from its nodes when they are in the file), or the
`center` Overpass gives with `out center`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

OSM_URL = "https://www.openstreetmap.org/"
_REF = re.compile(r"^(node|way|relation)/([1-9][0-9]*)$")


class OsmFileError(Exception):
    """A file that is neither an Overpass JSON answer nor a GeoJSON export (Indonesian
    message)."""


@dataclass
class Element:
    kind: str  # node, way or relation
    ident: int
    tags: dict[str, str] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    version: int | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.ident}"

    @property
    def url(self) -> str:
        return OSM_URL + self.ref


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """(lat, lon) of a way's centroid: of its area when it is closed, else of its line."""
    from shapely.geometry import LineString, Point, Polygon

    if not points:
        return None
    xy = [(lon, lat) for lat, lon in points]
    if len(xy) >= 4 and xy[0] == xy[-1] and Polygon(xy).area > 0:
        c = Polygon(xy).centroid
    elif len(set(xy)) >= 2:
        c = LineString(xy).centroid
    else:
        c = Point(xy[0])
    return c.y, c.x


def _tags(value) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None and not isinstance(v, dict)}


def _version(value) -> int | None:
    try:
        v = int(value)
    except (TypeError, ValueError):
        return None
    return v if v > 0 else None


def _overpass(data: dict) -> list[Element]:
    raw = [e for e in data.get("elements", []) if isinstance(e, dict)]
    node_points = {e.get("id"): (e["lat"], e["lon"]) for e in raw
                   if e.get("type") == "node" and "lat" in e and "lon" in e}
    out = []
    for e in raw:
        kind, ident = e.get("type"), e.get("id")
        tags = _tags(e.get("tags"))
        if kind not in ("node", "way", "relation") or not isinstance(ident, int) or not tags:
            continue  # untagged nodes are the members of ways
        point = None
        if kind == "node" and "lat" in e:
            point = (float(e["lat"]), float(e["lon"]))
        elif isinstance(e.get("geometry"), list):
            point = _centroid([(float(p["lat"]), float(p["lon"])) for p in e["geometry"]
                               if isinstance(p, dict) and "lat" in p])
        elif isinstance(e.get("center"), dict):
            point = (float(e["center"]["lat"]), float(e["center"]["lon"]))
        elif kind == "way" and isinstance(e.get("nodes"), list) \
                and all(n in node_points for n in e["nodes"]):
            point = _centroid([node_points[n] for n in e["nodes"]])
        lat, lon = point if point else (None, None)
        out.append(Element(kind, ident, tags, lat, lon, _version(e.get("version"))))
    return out


def _geojson(data: dict) -> list[Element]:
    from shapely.geometry import shape

    out = []
    for feat in data.get("features", []):
        if not isinstance(feat, dict):
            continue
        props = feat.get("properties") or {}
        ref = None
        for candidate in (props.get("@id"), props.get("id"), feat.get("id")):
            if isinstance(candidate, str) and _REF.match(candidate):
                ref = _REF.match(candidate)
                break
        if ref is None and props.get("type") in ("node", "way", "relation") \
                and isinstance(props.get("id"), int):  # osmtogeojson without flattening
            ref = _REF.match(f"{props['type']}/{props['id']}")
        if ref is None:
            continue
        if isinstance(props.get("tags"), dict):
            tags = _tags(props["tags"])
        else:
            tags = {k: v for k, v in _tags(props).items() if not k.startswith("@") and k != "id"}
        meta = props.get("meta") if isinstance(props.get("meta"), dict) else {}
        version = _version(props.get("@version", meta.get("version")))
        lat = lon = None
        try:
            geom = shape(feat["geometry"]) if feat.get("geometry") else None
        except Exception:
            geom = None
        if geom is not None and not geom.is_empty:
            c = geom if geom.geom_type == "Point" else geom.centroid
            lat, lon = c.y, c.x
        if tags:
            out.append(Element(ref.group(1), int(ref.group(2)), tags, lat, lon, version))
    return out


def read_elements(path: Path) -> list[Element]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise OsmFileError(f"berkas '{path}' tidak ditemukan.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OsmFileError(f"berkas '{path}' bukan JSON yang sah ({exc}). Simpan hasil Overpass "
                           "dengan [out:json], atau ekspor GeoJSON dari overpass-turbo.") from None
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        return _overpass(data)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        return _geojson(data)
    raise OsmFileError(f"berkas '{path}' bukan jawaban Overpass API (kunci `elements`) maupun "
                       "GeoJSON FeatureCollection.")
