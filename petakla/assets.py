"""Map libraries and icons taken at build time from installed packages (never a CDN, never
a copy committed to the repo), plus the project's own static files."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import material
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_gesturehandling as xs_gesture
import xstatic.pkg.leaflet_markercluster as xs_cluster

VENDOR = "assets/vendor"
STATIC = "assets/peta"
GESTURE_JS = f"{VENDOR}/gesturehandling/leaflet-gesture-handling.min.js"
GESTURE_CSS = f"{VENDOR}/gesturehandling/leaflet-gesture-handling.min.css"

# site path -> file on disk
_VENDOR_FILES = {
    "leaflet/leaflet.js": (xs_leaflet, "leaflet.js"),
    "leaflet/leaflet.css": (xs_leaflet, "leaflet.css"),
    "leaflet/images/layers.png": (xs_leaflet, "images/layers.png"),
    "leaflet/images/layers-2x.png": (xs_leaflet, "images/layers-2x.png"),
    "leaflet/images/marker-icon.png": (xs_leaflet, "images/marker-icon.png"),
    "leaflet/images/marker-icon-2x.png": (xs_leaflet, "images/marker-icon-2x.png"),
    "leaflet/images/marker-shadow.png": (xs_leaflet, "images/marker-shadow.png"),
    "markercluster/leaflet.markercluster.js": (xs_cluster, "leaflet.markercluster.js"),
    "markercluster/MarkerCluster.css": (xs_cluster, "MarkerCluster.css"),
    "markercluster/MarkerCluster.Default.css": (xs_cluster, "MarkerCluster.Default.css"),
    "gesturehandling/leaflet-gesture-handling.min.js": (xs_gesture, "leaflet-gesture-handling.min.js"),
    "gesturehandling/leaflet-gesture-handling.min.css": (xs_gesture, "leaflet-gesture-handling.min.css"),
}


def vendor_files() -> dict[str, Path]:
    return {f"{VENDOR}/{rel}": Path(pkg.BASE_DIR) / name for rel, (pkg, name) in
            _VENDOR_FILES.items()}


def static_files() -> dict[str, Path]:
    folder = resources.files("petakla") / "static"
    return {f"{STATIC}/{item.name}": Path(str(item)) for item in folder.iterdir()
            if item.is_file()}


@cache
def icon_path(name: str) -> str:
    """The SVG path data of a Material Design icon shipped by mkdocs-material."""
    svg = Path(material.__file__).parent / "templates" / ".icons" / "material" / f"{name}.svg"
    found = re.findall(r'\bd="([^"]+)"', svg.read_text(encoding="utf-8"))
    if not found:
        raise ValueError(f"ikon tidak ditemukan: material/{name}")
    return " ".join(found)


def icon_svg(name: str, size: int = 24, label: str = "") -> str:
    """Inline SVG for pages; decorative unless a label is given."""
    aria = f'role="img" aria-label="{label}"' if label else 'aria-hidden="true"'
    return (f'<svg class="pk-ikon" viewBox="0 0 24 24" width="{size}" height="{size}" {aria} '
            f'focusable="false"><path fill="currentColor" d="{icon_path(name)}"/></svg>')
