"""The facilities as OpenStreetMap data: data/fasilitas.osm (OSM XML in the JOSM file format,
for review in JOSM, never for blind upload) and data/fasilitas-osm.geojson (the same points
with their OSM tags as properties).

New facilities are nodes with negative ids (JOSM file format: "creation is indicated by a
negative id"). A facility imported from OpenStreetMap (record key `osm`) is written as a
modification of that object (its id and version, action="modify"), not as a duplicate. JOSM
refuses an existing object without its version, and a way can only be rewritten together with
its nodes, so an imported way/relation, or a node whose version is unknown, is left out of
the .osm file and listed in `OsmExport.linked_elsewhere` (the /data/ page names them)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from .model import Facility
from .osm_tags import exportable, facility_tags
from .vocab import Vocab, load_vocab

OSM_FILE = "data/fasilitas.osm"
OSM_GEOJSON = "data/fasilitas-osm.geojson"
OSM_DOWNLOADS = [OSM_FILE, OSM_GEOJSON]
GENERATOR = "petakla"
# Characters XML 1.0 does not allow (validation already refuses them in records; this keeps
# the file well-formed whatever reaches it).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class OsmExport:
    osm: bytes
    geojson: bytes
    nodes: int = 0  # nodes written to the .osm file
    modified: int = 0  # of which modifications of existing OSM nodes
    linked_elsewhere: list[Facility] = field(default_factory=list)


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _link(f: Facility) -> tuple[str, int, int | None] | None:
    """(type, id, version) of the OSM object the record came from, or None."""
    osm = f.data.get("osm")
    if not isinstance(osm, dict) or "id" not in osm:
        return None
    kind, _, num = str(osm["id"]).partition("/")
    return kind, int(num), osm.get("versi")


def _node(node_id: int, f: Facility, tags: dict[str, str], version: int | None) -> str:
    attrs = f'id="{node_id}"'
    if version is not None:
        attrs += f' version="{int(version)}" action="modify"'
    attrs += f' visible="true" lat="{f.lat:.7f}" lon="{f.lon:.7f}"'
    lines = [f"  <node {attrs}>"]
    lines += [f"    <tag k={_attr(k)} v={_attr(v)}/>" for k, v in tags.items()]
    lines.append("  </node>")
    return "\n".join(lines)


def osm_export(facilities: list[Facility], vocab: Vocab | None = None) -> OsmExport:
    vocab = vocab or load_vocab()
    chosen = sorted((f for f in facilities if exportable(f)), key=lambda f: f.id)
    nodes: list[str] = []
    features: list[dict] = []
    result = OsmExport(b"", b"")
    next_new = -1
    for f in chosen:
        tags = facility_tags(f, vocab)
        link = _link(f)
        props: dict[str, str] = dict(tags)
        if link is not None:
            props["@id"] = f"{link[0]}/{link[1]}"
        features.append({"type": "Feature", "id": f.id, "properties": props,
                         "geometry": {"type": "Point",
                                      "coordinates": [round(f.lon, 6), round(f.lat, 6)]}})
        if link is None:
            nodes.append(_node(next_new, f, tags, None))
            next_new -= 1
        elif link[0] == "node" and link[2] is not None:
            nodes.append(_node(link[1], f, tags, link[2]))
            result.modified += 1
        else:
            result.linked_elsewhere.append(f)
    result.nodes = len(nodes)
    head = ("<?xml version='1.0' encoding='UTF-8'?>\n"
            f'<osm version="0.6" generator="{GENERATOR}" upload="false">\n'
            "  <!-- Untuk ditinjau di JOSM, bukan untuk diunggah begitu saja: baca halaman "
            "Data terbuka (bagian OpenStreetMap) tentang izin dan pedoman impor OSM. -->\n")
    body = "\n".join(nodes) + ("\n" if nodes else "")
    result.osm = (head + body + "</osm>\n").encode("utf-8")
    collection = {"type": "FeatureCollection", "features": features}
    result.geojson = (json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
                      + "\n").encode("utf-8")
    return result


def osm_files(facilities: list[Facility]) -> dict[str, bytes]:
    out = osm_export(facilities)
    return {OSM_FILE: out.osm, OSM_GEOJSON: out.geojson}


def osm_summary(vocab: Vocab, facilities: list[Facility]) -> dict:
    """What /data/ says about the OpenStreetMap files: counts, the facilities linked to an OSM
    object that the .osm file cannot carry, and the tag tables (from the vocabularies)."""
    from .osm_tags import FIELD_TAGS, amenity_rows, category_rows

    chosen = [f for f in facilities if exportable(f)]
    linked = [(f, _link(f)) for f in chosen]
    elsewhere = sorted((f for f, link in linked
                        if link is not None and (link[0] != "node" or link[2] is None)),
                       key=lambda f: f.id)
    return {"total": len(chosen), "nodes": len(chosen) - len(elsewhere),
            "modified": sum(1 for _, link in linked
                            if link is not None and link[0] == "node" and link[2] is not None),
            "elsewhere": [(f, str(f.data["osm"]["id"])) for f in elsewhere],
            "from_osm": sum(1 for f in facilities if f.data.get("osm")),
            "categories": category_rows(vocab), "amenities": amenity_rows(vocab),
            "fields": FIELD_TAGS}
