"""The two Folium references the project's map is compared with: plain Folium (one Marker +
Popup per facility in a MarkerCluster) and FastMarkerCluster."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from .common import sizes_of

VENDOR = "assets/vendor"


def _local_libs(m, clusters) -> None:
    """Folium's defaults, with Leaflet, MarkerCluster and jQuery (Folium's Popup builds its
    content with `$(...)`) pointed at local copies; Bootstrap, Font Awesome and
    awesome-markers are dropped: plain Marker, Popup and MarkerCluster do not use them."""
    m.default_js = [("leaflet", f"../{VENDOR}/leaflet/leaflet.js"),
                    ("jquery", f"../{VENDOR}/bench-jquery/jquery.min.js")]
    m.default_css = [("leaflet_css", f"../{VENDOR}/leaflet/leaflet.css")]
    for c in clusters:
        c.default_js = [("markerclusterjs", f"../{VENDOR}/markercluster/leaflet.markercluster.js")]
        c.default_css = [
            ("markerclustercss", f"../{VENDOR}/markercluster/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"../{VENDOR}/markercluster/MarkerCluster.Default.css")]


def ensure_vendor(site: Path) -> None:
    """The shared libraries the reference maps load (the project's build copies the same)."""
    from petakla.assets import vendor_files

    for rel, src in vendor_files().items():
        target = site / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    import mkdocs

    jq = Path(mkdocs.__file__).parent / "themes" / "readthedocs" / "js" / "jquery-3.6.0.min.js"
    target = site / VENDOR / "bench-jquery" / "jquery.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(jq, target)


def make_plain(records: list[dict], config, path: Path) -> dict:
    import folium
    from folium.plugins import MarkerCluster

    t0 = time.perf_counter()
    m = folium.Map(location=list(config.pusat), zoom_start=config.zoom)
    cluster = MarkerCluster().add_to(m)
    for rec in records:
        folium.Marker(rec["lokasi"], popup=folium.Popup(rec["nama"])).add_to(cluster)
    _local_libs(m, [cluster])
    m.save(str(path))
    return {"generate_s": round(time.perf_counter() - t0, 2), **sizes_of(path)}


FAST_CALLBACK = """function (row) {
    var marker = L.marker(new L.LatLng(row[0], row[1]));
    marker.bindPopup(row[2]);
    return marker;
}"""


def make_fast(records: list[dict], config, path: Path) -> dict:
    import folium
    from folium.plugins import FastMarkerCluster

    t0 = time.perf_counter()
    m = folium.Map(location=list(config.pusat), zoom_start=config.zoom)
    # Folium's default callback needs awesome-markers; this one is the plain Leaflet marker
    # with the same popup text as the plain variant.
    data = [[rec["lokasi"][0], rec["lokasi"][1], rec["nama"]] for rec in records]
    cluster = FastMarkerCluster(data, callback=FAST_CALLBACK).add_to(m)
    _local_libs(m, [cluster])
    m.save(str(path))
    return {"generate_s": round(time.perf_counter() - t0, 2), **sizes_of(path)}
