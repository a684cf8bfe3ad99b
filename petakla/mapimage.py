"""Still pictures of the kecamatan and kategori pages' maps: kelurahan outlines and one dot per
facility, as a small SVG drawn at build time and put in the page as a `data:` URL.

A page shows its picture and starts the interactive map (Leaflet, in an iframe) only when the
visitor asks for it (situs.js): a same-origin iframe runs on the page's main thread, and
Leaflet's start-up there was most of these pages' blocking time on a phone (Lighthouse). The
picture holds no record text, only coordinates and the vocabulary's colours.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from urllib.parse import quote

from .config import Config
from .geo import Boundaries
from .model import Facility
from .regions import City
from .vocab import Vocab

WIDTH, HEIGHT = 600, 420  # the picture's box, as the map's (situs.css: .pk-peta 420 px high)
MARGIN = 14  # px around what is drawn
MIN_SPAN = 0.01  # degrees (about 1 km): a lone facility is not drawn across the whole box
DOT_R = 5  # px; 7 on a picture of few dots (they are easier to see)


def data_url(svg: str) -> str:
    """The picture as the `src` of its page's <img>: no request to wait for (it is the largest
    thing the page paints first, Lighthouse's LCP). Percent-encoded, not base64: it stays text
    that gzip compresses with the page."""
    return "data:image/svg+xml," + quote(svg, safe="/:=',.-")


def _rings(geom) -> list[list[tuple[float, float]]]:
    """Exterior and interior rings of a (multi)polygon as (lon, lat) lists."""
    polys = getattr(geom, "geoms", [geom])
    out = []
    for p in polys:
        if p.geom_type != "Polygon":
            continue
        out.append(list(p.exterior.coords))
        out.extend(list(r.coords) for r in p.interiors)
    return out


def picture(points: Sequence[tuple[float, float, str]], shapes: Sequence,
            extent: tuple[float, float, float, float] | None = None) -> str:
    """SVG of `shapes` (shapely polygons, lon/lat) and `points` (lat, lon, colour), fitted into
    WIDTH x HEIGHT together with `extent` (south, west, north, east), if given."""
    rings = [r for g in shapes for r in _rings(g.simplify(0.0001))]
    lons = [x for r in rings for x, _ in r] + [p[1] for p in points]
    lats = [y for r in rings for _, y in r] + [p[0] for p in points]
    if extent:
        lats += [extent[0], extent[2]]
        lons += [extent[1], extent[3]]
    s, w, n, e = (min(lats), min(lons), max(lats), max(lons)) if lons else (0.0, 0.0, 0.0, 0.0)
    # a small area (one facility, no outline) is widened around its middle
    if n - s < MIN_SPAN:
        s, n = (s + n - MIN_SPAN) / 2, (s + n + MIN_SPAN) / 2
    if e - w < MIN_SPAN:
        w, e = (w + e - MIN_SPAN) / 2, (w + e + MIN_SPAN) / 2
    kx = math.cos(math.radians((s + n) / 2))  # equirectangular: near the equator, close to 1
    scale = min((WIDTH - 2 * MARGIN) / ((e - w) * kx), (HEIGHT - 2 * MARGIN) / (n - s))
    ox = (WIDTH - (e - w) * kx * scale) / 2
    oy = (HEIGHT - (n - s) * scale) / 2

    def xy(lat: float, lon: float) -> tuple[str, str]:
        return f"{ox + (lon - w) * kx * scale:.1f}", f"{oy + (n - lat) * scale:.1f}"

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {HEIGHT}' "
             f"width='{WIDTH}' height='{HEIGHT}'>",
             f"<rect width='{WIDTH}' height='{HEIGHT}' fill='#eef3f1'/>"]
    if rings:
        d = "".join("M" + "L".join(" ".join(xy(lat, lon)) for lon, lat in r) + "Z"
                    for r in rings)
        parts.append(f"<path d='{d}' fill='#fff' stroke='#90a4ae' stroke-width='1' "
                     "stroke-linejoin='round' fill-rule='evenodd'/>")
    r = DOT_R if len(points) > 60 else DOT_R + 2
    by_colour: dict[str, list[tuple[str, str]]] = {}
    for lat, lon, colour in points:
        by_colour.setdefault(colour, []).append(xy(lat, lon))
    for colour, where in by_colour.items():
        # one circle per facility (a dot each, counted by tests), one group per colour
        dots = "".join(f"<circle cx='{x}' cy='{y}' r='{r}'/>" for x, y in where)
        parts.append(f"<g fill='{colour}' stroke='#fff' stroke-width='1.5'>{dots}</g>")
    parts.append("</svg>")
    return "".join(parts)


def pictures(config: Config, vocab: Vocab, city: City, facilities: Sequence[Facility],
             boundaries: Boundaries | None) -> dict[tuple[str, str], str]:
    """One picture per kecamatan and per (unprotected) category with a located facility, by
    ("kecamatan" or "kategori", slug)."""
    shown = [f for f in facilities if not f.protected and f.has_location]
    shapes: dict[str, object] = {}
    if boundaries is not None:
        shapes = dict(zip(boundaries.kode, boundaries.geometries, strict=True))
    (south, west), (north, east) = config.batas
    city_extent = (south, west, north, east)
    out: dict[tuple[str, str], str] = {}
    for kc in city.kecamatan:
        mine = [f for f in shown if f.kelurahan.kecamatan == kc]
        if not mine:
            continue
        outline = [shapes[k.kode] for k in city.kelurahan_in(kc) if k.kode in shapes]
        out["kecamatan", kc.slug] = picture(
            [(f.lat, f.lon, f.category.warna) for f in mine], outline)
    every = list(shapes.values())
    for slug, cat in vocab.categories.items():
        mine = [f for f in shown if f.category.slug == slug]
        if cat.dilindungi or not mine:
            continue
        out["kategori", slug] = picture(
            [(f.lat, f.lon, cat.warna) for f in mine], every, None if every else city_extent)
    return out
