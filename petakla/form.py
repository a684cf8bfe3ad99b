"""The editors' pages: the web form at /tambah/ that writes a record (and opens the pull request
on GitHub) and the field reference at /kontribusi/kolom/, generated from the JSON Schema so it
cannot drift from what `check` enforces.

The form is a standalone document made by Folium (tambah/form.html), embedded in its page with
an iframe like the maps: its script (static/tambah.js, added by a Folium MacroElement) then
runs on every visit, including under Material's instant navigation, which does not run
scripts inside page content. The document sizes its own iframe (same origin), so the page
scrolls as one. It validates in the browser against the same schema file the site serves
(tambah/fasilitas.schema.json) and never sees protected records: its record files
(form_data.py) hold only published ones.

The iframe runs on the page's main thread, so the form starts light: Folium's map script is
wrapped in a function (FormFigure) that static/tambah-peta.js calls when the editor first
uses the form, and the records arrive as a list of names with the full record fetched when
one is chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium
from branca.element import Element
from folium.elements import JSCSSMixin
from jinja2 import Environment, PackageLoader, select_autoescape

from .assets import STATIC, VENDOR
from .config import Config
from .form_data import FORM_DIR, form_data_files
from .geo import BoundaryError, load_boundaries
from .maps import _VIEWPORT, ROOT_FROM_MAP, MapFigure, _stable_ids
from .model import Facility
from .regions import City, load_city
from .schema import AKSES, KETELITIAN, SCHEMA_FILE, SEKTOR, SLUG_PATTERN, STATUS, build_schema, schema_text
from .script_template import Template, script_json
from .vocab import Vocab, load_vocab

FORM_DOC = f"{FORM_DIR}/form.html"
LEAFLET_JS = f"{ROOT_FROM_MAP}{VENDOR}/leaflet/leaflet.js"
FORM_SCHEMA = f"{FORM_DIR}/{SCHEMA_FILE}"
FORM_ORIGINALS = f"{FORM_DIR}/asli"
FIELDS_PAGE = "kontribusi/kolom.md"


class FormLayer(JSCSSMixin, folium.MacroElement):
    """The form's scripts and stylesheet (its start is FormFigure's)."""

    _template = Template("")

    def __init__(self):
        super().__init__()
        self._name = "FormLayer"
        self.default_js = [(f"petakla_{name}", f"{ROOT_FROM_MAP}{STATIC}/{name}.js")
                           for name in ("skema", "periksa", "sunting", "tambah-yaml",
                                        "tambah-isian", "tambah-peta", "tambah-data", "tambah")]
        self.default_css = [("petakla_tambah_css", f"{ROOT_FROM_MAP}{STATIC}/tambah.css")]


class FormFigure(MapFigure):
    """The form's document. Folium's map script (the map, its scale and tiles) becomes a
    function that PetaTambah.start receives with the form's options and calls only when the
    editor first uses the form: Leaflet's start-up no longer runs while the page loads."""

    def __init__(self, options: dict, **kwargs):
        super().__init__(**kwargs)
        self.options = options
        self.map_name = ""

    def render(self, **kwargs) -> str:
        html = super().render(**kwargs)
        # MapFigure ends with "<script>\n{the figure's script}\n</script>\n</body>".
        head, sep, script = html.rpartition("<script>\n")
        script, end, tail = script.rpartition("\n</script>\n</body>")
        if not (sep and end and self.map_name):
            raise ValueError("the form's figure has no script to wrap")
        return (f"{head}{sep}PetaTambah.start({script_json(self.options)}, function () {{\n"
                f"{script}\nreturn {self.map_name};\n}});{end}{tail}")


def _env() -> Environment:
    return Environment(loader=PackageLoader("petakla", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       keep_trailing_newline=True)


def github_repo(url: str) -> str:
    """'owner/repo' of a configured `repositori` such as https://github.com/owner/repo."""
    url = url.strip().removesuffix("/").removesuffix(".git")
    prefix = "https://github.com/"
    if not url.startswith(prefix) or url[len(prefix):].count("/") != 1:
        raise ValueError(f"[tool.petakla] repositori harus berbentuk https://github.com/PEMILIK/"
                         f"REPO, bukan '{url}'")
    return url[len(prefix):]


def _options(config: Config, vocab: Vocab, city: City) -> dict[str, Any]:
    return {
        "schema": SCHEMA_FILE,
        "daftar": "daftar.json",
        "data": "data/",
        "repo": github_repo(config.repositori) if config.repositori else "",
        "cabang": config.cabang,
        "batas": [list(corner) for corner in config.batas],
        "pusat": list(config.pusat),
        "kota": config.kota_nama,
        "kota_resmi": city.nama,
        "kelurahan": sorted(k.nama for k in city.kelurahan),
        "batas_kelurahan": bool(config.batas_kelurahan),
        "leaflet": LEAFLET_JS,
        "titik_kelurahan": kelurahan_points(config, city),
        "slug": SLUG_PATTERN,
        "kategori": {slug: {"label": c.label, "dilindungi": c.dilindungi,
                            "fasilitas": [[a, vocab.amenitas[a]] for a in c.fasilitas]}
                     for slug, c in vocab.categories.items()},
    }


def kelurahan_points(config: Config, city: City) -> dict[str, list[float]]:
    """Official kelurahan name -> a point inside it, from the configured kelurahan boundaries
    (none without them), so that choosing a kelurahan moves the form's map there."""
    try:
        boundaries = load_boundaries(config)
    except BoundaryError:  # check reports it; the form then only lacks this help
        return {}
    if boundaries is None:
        return {}
    points = {k.nama: boundaries.fallback_point(k.kode) for k in city.kelurahan}
    return {name: [round(p[0], 6), round(p[1], 6)] for name, p in points.items() if p}


def form_document(config: Config, vocab: Vocab, city: City) -> str:
    """The form with its Folium map: a click on the map sets `lokasi`."""
    fig = FormFigure(_options(config, vocab, city), title="Formulir data fasilitas")
    m = folium.Map(location=list(config.pusat), zoom_start=config.zoom, tiles=None,
                   control_scale=True, min_zoom=10, max_zoom=19, scroll_wheel_zoom=False)
    # Leaflet itself is loaded by static/tambah-peta.js when the map starts; the browser
    # fetches it beforehand when idle (prefetch), so it is there when wanted.
    m.default_js = []
    m.default_css = [("leaflet_css", f"{ROOT_FROM_MAP}{VENDOR}/leaflet/leaflet.css")]
    fig.header.add_child(Element(f'<link rel="prefetch" href="{LEAFLET_JS}">'), name="leaflet_js")
    folium.TileLayer(tiles=config.tiles, attr=config.tiles_attribution, name="OpenStreetMap",
                     max_zoom=19, max_native_zoom=19).add_to(m)
    FormLayer().add_to(m)
    m.add_to(fig)
    _stable_ids(fig)
    fig.map_name = m.get_name()
    html = _VIEWPORT.sub('<meta name="viewport" content="width=device-width, initial-scale=1">',
                         fig.render())
    klaster = [{"judul": k.judul,
                "kategori": [c for c in vocab.categories.values() if c.klaster.slug == k.slug]}
               for k in vocab.klaster.values()]
    markup = _env().get_template("tambah_form.html.j2").render(
        klaster=[k for k in klaster if k["kategori"]],
        kecamatan=[{"nama": kc.nama, "kelurahan": sorted(k.nama for k in city.kelurahan_in(kc))}
                   for kc in city.kecamatan],
        sektor=SEKTOR, akses=AKSES, status=STATUS, ketelitian=KETELITIAN,
        repositori=config.repositori)
    # The form goes first in <body>, as plain markup (never through Folium's templates, which
    # would read "{{" in it); tambah.js moves the map into the form's location field.
    head, sep, tail = html.partition("<body>\n")
    if not sep:
        raise ValueError("Folium's figure has no <body>")
    return head + sep + markup + tail


def page(config: Config) -> str:
    return f"""---
title: Tambah atau ubah data
description: Formulir untuk menambah atau memperbaiki data fasilitas ramah anak di {config.kota_nama}.
hide:
  - toc
---
# Tambah atau ubah data

Fasilitas belum ada di peta, atau datanya keliru? Isi formulir ini
([panduan](../kontribusi/index.md), [daftar kolom](../kontribusi/kolom.md)).

<div class="pk-formulir"><iframe data-pk-src="form.html" title="Formulir data fasilitas"></iframe></div>
"""


# --- field reference --------------------------------------------------------------------------

_TYPES = {"string": "teks", "number": "angka", "integer": "bilangan bulat", "boolean": "true/false",
          "array": "daftar", "object": "kelompok kunci"}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _kind(spec: dict) -> str:
    if "enum" in spec:
        return "pilihan"
    kind = _TYPES.get(spec.get("type", ""), spec.get("type", ""))
    if spec.get("type") == "array" and "prefixItems" in spec:
        kind = "dua angka [ , ]"
    elif spec.get("type") == "array" and spec.get("items", {}).get("type") == "integer":
        kind = "dua bilangan bulat [ , ]"
    return kind


def _rules(spec: dict) -> str:
    out = []
    if "maxLength" in spec:
        out.append(f"paling banyak {spec['maxLength']} karakter")
    if "pattern" in spec:
        out.append(f"pola `{spec['pattern']}`")
    if spec.get("minProperties"):
        out.append("isi paling sedikit satu")
    return "; ".join(out)


def fields_page(vocab: Vocab, city: City) -> str:
    schema = build_schema(vocab, city)
    labels = {"sektor": SEKTOR, "akses": AKSES, "status": STATUS, "ketelitian_lokasi": KETELITIAN,
              "kategori": {slug: c.label + (" (dilindungi)" if c.dilindungi else "")
                           for slug, c in vocab.categories.items()}}
    required = set(schema["required"])
    lines = [
        "---",
        "title: Daftar kolom",
        "description: Arti setiap kolom berkas fasilitas, dibuat dari JSON Schema proyek.",
        "---",
        "# Daftar kolom berkas fasilitas",
        "",
        "Halaman ini dibuat otomatis dari JSON Schema proyek "
        f"([`{SCHEMA_FILE}`](../{FORM_SCHEMA})), yang juga dipakai "
        "pemeriksaan otomatis, formulir dan editor teks. Urutan kolom di bawah adalah urutan "
        "baku yang ditulis `python build_map.py fmt`. Kembali ke "
        "[panduan kontributor](index.md).",
        "",
        "## Kolom",
        "",
    ]

    def field(name: str, spec: dict, need: str, level: str) -> None:
        title = f"{level} `{name}`" + (f" — {need}" if need else "")
        facts = " · ".join(x for x in (_kind(spec), _rules(spec)) if x)
        lines.extend([title, "", _cell(spec.get("description", "")), "", f"*Isi:* {facts}", ""])

    for key, spec in schema["properties"].items():
        need = "wajib" if key in required else ("wajib bila tanpa `lokasi`" if key == "alamat"
                                                else "")
        field(key, spec, need, "###")
        for sub, sub_spec in spec.get("properties", {}).items():
            field(f"{key}.{sub}", sub_spec, "wajib" if sub in spec.get("required", []) else "",
                  "####")
    lines += ["", "## Pilihan", ""]
    for key, choices in labels.items():
        lines += [f"### `{key}`", "", "| nilai | arti |", "| --- | --- |"]
        lines += [f"| `{slug}` | {_cell(label)} |" for slug, label in choices.items()]
        lines.append("")
    lines += ["### `fasilitas` menurut kategori", "",
              "| kategori | nilai yang boleh |", "| --- | --- |"]
    for slug, cat in vocab.categories.items():
        allowed = ", ".join(f"`{a}` ({_cell(vocab.amenitas[a])})" for a in cat.fasilitas) or "—"
        lines.append(f"| `{slug}` | {allowed} |")
    lines += ["", "### `kelurahan`", "",
              f"Nama resmi kelurahan di {city.nama} (kecamatannya diturunkan otomatis):", "",
              "| kecamatan | kelurahan |", "| --- | --- |"]
    for kc in city.kecamatan:
        names = ", ".join(sorted(k.nama for k in city.kelurahan_in(kc)))
        lines.append(f"| {_cell(kc.nama)} | {_cell(names)} |")
    protected = [c.label for c in vocab.categories.values() if c.dilindungi]
    if protected:
        lines += ["", "!!! warning \"Kategori dilindungi\"", "",
                  f"    {', '.join(protected)}: jangan pernah menulis `alamat`, `lokasi` atau "
                  "`kontak`. Cukup nama, kategori, kelurahan dan sumber."]
    return "\n".join(lines) + "\n"


def form_originals(config: Config, facilities: list[Facility]) -> dict[str, Path]:
    """Each published record's own file, for minimal edits (static/sunting.js): copied as is.
    No page links to them (the form fetches one when it is chosen)."""
    return {f"{FORM_ORIGINALS}/{f.id}.yml": config.root / f.file
            for f in facilities if not f.protected and (config.root / f.file).is_file()}


def form_files(config: Config, facilities: list[Facility],
               with_originals: bool = True) -> dict[str, str | Path]:
    """Every file of the editors' pages, as {site path: content}; without `with_originals`,
    not the records' own files (site.build_site() has them copied in the background)."""
    vocab, city = load_vocab(), load_city(config.kota_kode)
    return {
        **(form_originals(config, facilities) if with_originals else {}),
        f"{FORM_DIR}/index.md": page(config),
        FORM_DOC: form_document(config, vocab, city),
        **form_data_files(facilities),
        FORM_SCHEMA: schema_text(vocab, city),  # the configured city's kelurahan
        FIELDS_PAGE: fields_page(vocab, city),
    }
