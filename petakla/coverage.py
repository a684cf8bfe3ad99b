"""The coverage page (/cakupan/): where the city still lacks child-friendly facilities, and who
provides them. Numbers come from petakla.stats; this module renders them: the Markdown page,
SVG charts (petakla.charts), and — with kelurahan boundaries configured (`batas_kelurahan`) —
two choropleth map documents and the kelurahan/kecamatan outlines the facility maps can show.

`coverage_files()` returns every generated file; `map_extras()` gives petakla.maps the
outlines layer (fetched from OUTLINE_FILE only when someone switches it on)."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import folium

from . import stats
from .assets import VENDOR
from .charts import Bar, Chart, render_svg, view_box
from .config import Config
from .geo import Boundaries, load_boundaries
from .maps import _VIEWPORT, MAP_DIR, ROOT_FROM_MAP, MapExtra, MapFigure, _stable_ids
from .model import Facility
from .pages import _env
from .regions import City, Kelurahan
from .script_template import Template
from .vocab import Vocab

PAGE_DIR = "cakupan"
OUTLINE_FILE = f"{MAP_DIR}/batas.geojson"
TYPES_MAP = f"{MAP_DIR}/cakupan.html"
REACH_MAP = f"{MAP_DIR}/jangkauan.html"
OUTLINE_LABEL = "Batas kelurahan"
SIMPLIFY_DEG = 0.0002  # ~22 m: invisible at city zoom, a fraction of the vertices
DECIMALS = 5  # ~1 m
SLIVER_DEG2 = 1e-6  # holes smaller than ~0.01 km² left when kelurahan are merged: gaps

# Choropleth classes: (lowest value, label, fill colour), a ColorBrewer blue-green sequence.
# The label always carries the number, so colour is never the only signal.
TYPE_CLASSES = [
    (0, "belum ada", "#f7f7f7"),
    (1, "1 jenis", "#ccece6"),
    (2, "2 jenis", "#66c2a4"),
    (3, "3–4 jenis", "#2ca25f"),
    (5, "5 jenis atau lebih", "#006d2c"),
]
REACH_CLASSES = [
    (0.0, "0 %", "#f7f7f7"),
    (1e-9, "di bawah 25 %", "#ccece6"),
    (25.0, "25 % – di bawah 50 %", "#66c2a4"),
    (50.0, "50 % – di bawah 75 %", "#2ca25f"),
    (75.0, "75 % atau lebih", "#006d2c"),
]


def pct(share: float) -> str:
    """0.785398 -> "78,5 %" (Indonesian decimal comma)."""
    return f"{share * 100:.1f}".replace(".", ",") + " %"


def km2(m2: float) -> str:
    return f"{m2 / 1e6:.2f}".replace(".", ",")


def _class_of(value: float, classes: Sequence[tuple]) -> tuple:
    return [c for c in classes if value >= c[0]][-1]


# --- geometry --------------------------------------------------------------------------------


def _rounded(geom):
    import numpy as np
    import shapely

    geom = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
    return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))


def _without_slivers(geom):
    from shapely.geometry import MultiPolygon, Polygon

    def clean(p: Polygon) -> Polygon:
        return Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= SLIVER_DEG2])

    if isinstance(geom, Polygon):
        return clean(geom)
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([clean(p) for p in geom.geoms])
    return geom


@dataclass(frozen=True)
class Shapes:
    """The configured city's kelurahan polygons (merged per code, WGS84) in city order."""

    boundaries: Boundaries
    kelurahan: dict[str, object]  # kode -> shapely geometry
    missing: tuple[Kelurahan, ...]  # kelurahan of the city absent from the file

    def frame(self):
        import geopandas as gpd

        return gpd.GeoDataFrame({"kode": list(self.kelurahan)},
                                geometry=list(self.kelurahan.values()), crs="EPSG:4326")


def city_shapes(config: Config, city: City) -> Shapes | None:
    boundaries = load_boundaries(config)
    if boundaries is None:
        return None
    frame = boundaries.frame
    merged = {}
    for kel in city.kelurahan:
        geoms = frame.geometry[frame["kode"] == kel.kode]
        if not geoms.empty:
            merged[kel.kode] = geoms.union_all()
    return Shapes(boundaries, merged,
                  tuple(k for k in city.kelurahan if k.kode not in merged))


def _feature(geom, fid: str, properties: dict) -> dict:
    from shapely.geometry import mapping

    return {"type": "Feature", "id": fid, "properties": properties,
            "geometry": mapping(_rounded(geom))}


def _collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))


def outline_geojson(shapes: Shapes, city: City) -> str:
    """Simplified kelurahan outlines, then kecamatan outlines (kelurahan merged)."""
    from shapely import union_all

    by_code = {k.kode: k for k in city.kelurahan}
    features = [_feature(geom, kode, {"tingkat": "kelurahan", "kode": kode,
                                      "nama": by_code[kode].nama})
                for kode, geom in shapes.kelurahan.items()]
    for kc in city.kecamatan:
        parts = [shapes.kelurahan[k.kode] for k in city.kelurahan_in(kc)
                 if k.kode in shapes.kelurahan]
        if parts:
            geom = _without_slivers(union_all(parts))
            features.append(_feature(geom, kc.kode, {"tingkat": "kecamatan", "kode": kc.kode,
                                                     "nama": kc.nama}))
    return _collection(features)


# --- map documents ---------------------------------------------------------------------------


class OutlineLayer(folium.MacroElement):
    """Kelurahan and kecamatan outlines behind a checkbox of their own (a small Leaflet control,
    so it needs nothing from static/peta.js and works on every map). Hidden at first; the
    outlines are fetched from OUTLINE_FILE the first time someone switches them on."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
.pk-batas { background: #fff; padding: 4px 8px; font: 13px/1.4 sans-serif; color: #222; }
.pk-batas label { display: flex; align-items: center; gap: 6px; cursor: pointer; min-height: 28px; }
.pk-batas input { margin: 0; width: 16px; height: 16px; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.layerGroup();
(function (map, group) {
  var state = "kosong";
  function load() {
    if (state !== "kosong") return;
    state = "memuat";
    fetch({{ this.url|tojson }}).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      L.geoJSON(data, { interactive: false, style: function (f) {
        return f.properties.tingkat === "kecamatan"
          ? { color: "#263238", weight: 2.5, opacity: 0.85, fill: false }
          : { color: "#455a64", weight: 1.2, opacity: 0.85, dashArray: "4 3", fill: false };
      } }).addTo(group);
      state = "siap";
    }).catch(function () { state = "kosong"; });
  }
  var control = L.control({ position: "topright" });
  control.onAdd = function () {
    var box = L.DomUtil.create("div", "pk-batas leaflet-bar");
    var label = L.DomUtil.create("label", "", box);
    var input = L.DomUtil.create("input", "", label);
    input.type = "checkbox";
    label.appendChild(document.createTextNode({{ this.label|tojson }}));
    input.addEventListener("change", function () {
      if (input.checked) { load(); map.addLayer(group); } else { map.removeLayer(group); }
    });
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  control.addTo(map);
})({{ this._parent.get_name() }}, {{ this.get_name() }});
{% endmacro %}
""")

    def __init__(self, url: str, label: str = OUTLINE_LABEL):
        super().__init__()
        self._name = "OutlineLayer"
        self.url = url
        self.label = label


def map_extras(config: Config) -> list[MapExtra]:
    """What petakla.maps.map_documents adds to the facility maps: the outlines layer, when
    kelurahan boundaries are configured (coverage_files writes the file it loads)."""
    if not config.batas_kelurahan:
        return []
    url = OUTLINE_FILE.removeprefix(f"{MAP_DIR}/")  # relative to the map documents

    def add_outlines(m: folium.Map) -> None:
        OutlineLayer(url).add_to(m)

    return [add_outlines]


class Legend(folium.MacroElement):
    """A legend box in the map's corner, built with DOM methods from fixed texts (no HTML
    strings, and colours through CSSOM: the site's CSP forbids style attributes)."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
.pk-legenda { background: #fff; padding: 6px 8px; border-radius: 4px; font: 13px/1.4 sans-serif;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); color: #222; }
.pk-legenda strong { display: block; margin-bottom: 2px; }
.pk-legenda i { display: inline-block; width: 14px; height: 14px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #777; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function () {
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "pk-legenda");
    L.DomUtil.create("strong", "", div).textContent = {{ this.title|tojson }};
    {{ this.rows|tojson }}.forEach(function (row) {
      var line = L.DomUtil.create("div", "", div);
      L.DomUtil.create("i", "", line).style.background = row[1];
      line.appendChild(document.createTextNode(row[0]));
    });
    return div;
  };
  legend.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
""")

    def __init__(self, title: str, classes: Sequence[tuple]):
        super().__init__()
        self._name = "Legend"
        self.title = title
        self.rows = [[label, colour] for _, label, colour in classes]


def choropleth(config: Config, title: str, legend: str, classes: Sequence[tuple],
               features: list[dict], bounds: list[list[float]]) -> str:
    """A standalone Folium map document like petakla.maps' (self-hosted Leaflet, stable ids):
    each feature filled by its properties.nilai, with a tooltip of properties.keterangan."""
    fig = MapFigure(title=title)
    m = folium.Map(location=list(config.pusat), zoom_start=12, tiles=None, control_scale=True,
                   min_zoom=10, max_zoom=18)
    m.default_js = [("leaflet", f"{ROOT_FROM_MAP}{VENDOR}/leaflet/leaflet.js")]
    m.default_css = [("leaflet_css", f"{ROOT_FROM_MAP}{VENDOR}/leaflet/leaflet.css")]
    folium.TileLayer(tiles=config.tiles, attr=config.tiles_attribution, name="OpenStreetMap",
                     max_zoom=19, max_native_zoom=19).add_to(m)

    def style(feature: dict) -> dict:
        colour = _class_of(feature["properties"]["nilai"], classes)[2]
        return {"fillColor": colour, "fillOpacity": 0.75, "color": "#37474f", "weight": 1}

    folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name=legend,
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#000"},
        tooltip=folium.GeoJsonTooltip(fields=["keterangan"], labels=False, sticky=True),
    ).add_to(m)
    Legend(legend, classes).add_to(m)
    m.fit_bounds(bounds)
    m.add_to(fig)
    _stable_ids(fig)
    return _VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1">',
                         fig.render())


def _bounds(shapes: Shapes) -> list[list[float]]:
    from shapely import union_all

    w, s, e, n = union_all(list(shapes.kelurahan.values())).bounds
    return [[round(s, DECIMALS), round(w, DECIMALS)], [round(n, DECIMALS), round(e, DECIMALS)]]


# --- the page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    chart: Chart
    width: int  # of the SVG's viewBox (pt), for <img width height>
    height: int
    svg: str


@functools.lru_cache(maxsize=32)  # the live preview: most edits leave the charts as they were
def _figure(chart: Chart) -> Figure:
    svg = render_svg(chart)
    w, h = view_box(svg)
    return Figure(chart, math.ceil(w), math.ceil(h), svg)


def _charts(n_kel: int, per_cat: list[tuple], gap_list: list[stats.Gap],
            rollup: list[stats.KlasterCoverage], sectors: list[tuple]) -> list[Figure]:
    total_sector = sum(n for _, _, n in sectors)
    charts = [
        Chart("kategori", "Jumlah fasilitas per kategori",
              "Diagram batang jumlah fasilitas per kategori: "
              + "; ".join(f"{c.label} {n}" for c, n in per_cat) + ".",
              tuple(Bar(c.label, n) for c, n in per_cat), xlabel="fasilitas"),
        Chart("kelurahan-kategori", "Kelurahan yang sudah memiliki tiap jenis fasilitas",
              f"Diagram batang: dari {n_kel} kelurahan, berapa yang sudah memiliki tiap jenis "
              "fasilitas: " + "; ".join(f"{g.category.label} {len(g.covered)}"
                                        for g in gap_list) + ".",
              tuple(Bar(g.category.label, len(g.covered), len(g.missing),
                        f"{len(g.covered)}/{g.total}") for g in gap_list),
              value_label="sudah ada", rest_label="belum ada", xlabel="kelurahan"),
        Chart("klaster", "Kelurahan yang terlayani per klaster KLA",
              f"Diagram batang: dari {n_kel} kelurahan, berapa yang sudah memiliki setidaknya satu "
              "fasilitas tiap klaster KLA: " + "; ".join(f"{r.klaster.judul} {len(r.covered)}"
                                                         for r in rollup) + ".",
              tuple(Bar(r.klaster.judul, len(r.covered), len(r.missing),
                        f"{len(r.covered)}/{n_kel}")
                    for r in rollup),
              value_label="sudah ada", rest_label="belum ada", xlabel="kelurahan"),
        Chart("sektor", "Fasilitas menurut sektor pengelola",
              "Diagram batang jumlah fasilitas menurut sektor pengelola: "
              + "; ".join(f"{label} {n}" for _, label, n in sectors) + ".",
              tuple(Bar(label, n, text=f"{n} ({pct(n / total_sector) if total_sector else '0 %'})")
                    for _, label, n in sectors), xlabel="fasilitas"),
    ]
    return [_figure(c) for c in charts]


def coverage_files(config: Config, vocab: Vocab, city: City,
                   facilities: list[Facility]) -> dict[str, str | bytes]:
    """Every file of the coverage page: cakupan/index.md, its SVG charts and, with kelurahan
    boundaries, the choropleth map documents and the outlines file of the facility maps."""
    categories = stats.public_categories(vocab)
    matrix = stats.coverage_matrix(city, categories, facilities)
    types = stats.types_present(matrix)
    gap_list = stats.gaps(city, categories, matrix)
    rollup = stats.klaster_rollup(city, vocab, matrix)
    per_kc = stats.kecamatan_summary(city, matrix, facilities)
    by_sector = stats.sector_counts(categories, facilities)
    n_kel = len(city.kelurahan)
    per_cat = [(c, sum(matrix[k.kode][c.slug] for k in city.kelurahan)) for c in categories]
    sectors = [(s, stats.SECTOR_LABELS[s], sum(by_sector[s].values())) for s in stats.SECTORS]
    figures = _charts(n_kel, per_cat, gap_list, rollup, sectors)
    out: dict[str, str | bytes] = {f"{PAGE_DIR}/{f.chart.file}": f.svg for f in figures}

    shapes = city_shapes(config, city)
    reach: dict[str, stats.Reach] = {}
    reach_total = None
    play = stats.play_points(facilities)
    if shapes is not None and shapes.kelurahan:
        reach = stats.walking_reach(shapes.frame(), play)
        area = sum(r.area_m2 for r in reach.values())
        reach_total = stats.Reach(area, sum(r.covered_m2 for r in reach.values()))
        out[OUTLINE_FILE] = outline_geojson(shapes, city)
        out.update(_choropleths(config, city, shapes, types, matrix, reach))

    rows = [{"kel": k, "counts": [(c, matrix[k.kode][c.slug]) for c in categories],
             "types": types[k.kode], "total": sum(matrix[k.kode].values())}
            for k in city.kelurahan]
    protected = [c for c in vocab.categories.values() if c.dilindungi]
    env = _env()
    out[f"{PAGE_DIR}/index.md"] = env.get_template("cakupan.md.j2").render(
        kota=config.kota_nama, judul=config.judul, root="../", n_kel=n_kel,
        categories=categories, protected=protected, rows=rows, gaps=gap_list, rollup=rollup,
        gaps_by_missing=sorted(gap_list, key=lambda g: -len(g.missing)),
        kecamatan=per_kc, per_cat=per_cat, figures={f.chart.name: f for f in figures},
        without_any=[k for k in city.kelurahan if not types[k.kode]],
        sectors=sectors, by_sector=by_sector,
        sector_total=sum(n for _, _, n in sectors),
        contributors=[(s, stats.SECTOR_LABELS[s], stats.contributors(facilities, s))
                      # business and media first: a company sees its peers, then the rest
                      for s in ("dunia-usaha", "media", "non-pemerintah", "pemerintah")],
        has_shapes=shapes is not None, missing_shapes=shapes.missing if shapes else (),
        reach=reach, reach_total=reach_total, n_play=len(play), radius=int(stats.WALK_RADIUS_M),
        types_map=f"../{TYPES_MAP}", reach_map=f"../{REACH_MAP}", pct=pct, km2=km2,
        counted_status=stats.COUNTED_STATUS,
    )
    return out


def _choropleths(config: Config, city: City, shapes: Shapes, types: dict[str, int],
                 matrix: stats.Matrix, reach: dict[str, stats.Reach]) -> dict[str, str]:
    kel_by_code: dict[str, Kelurahan] = {k.kode: k for k in city.kelurahan}
    type_features, reach_features = [], []
    for kode, geom in shapes.kelurahan.items():
        kel = kel_by_code[kode]
        where = f"{kel.nama} (Kecamatan {kel.kecamatan.nama})"
        n = types[kode]
        type_features.append(_feature(geom, kode, {
            "nilai": n, "keterangan": f"{where}: {n} jenis fasilitas, "
                                      f"{sum(matrix[kode].values())} fasilitas"}))
        r = reach[kode]
        reach_features.append(_feature(geom, kode, {
            "nilai": round(r.share * 100, 1),
            "keterangan": f"{where}: {pct(r.share)} wilayah berjarak ≤ "
                          f"{int(stats.WALK_RADIUS_M)} m dari ruang bermain"}))
    bounds = _bounds(shapes)
    return {
        TYPES_MAP: choropleth(config, f"Jumlah jenis fasilitas per kelurahan — {config.kota_nama}",
                              "Jenis fasilitas", TYPE_CLASSES, type_features, bounds),
        REACH_MAP: choropleth(config, f"Jangkauan jalan kaki ke ruang bermain — {config.kota_nama}",
                              f"Wilayah ≤ {int(stats.WALK_RADIUS_M)} m dari ruang bermain",
                              REACH_CLASSES, reach_features, bounds),
    }

