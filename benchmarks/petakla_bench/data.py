"""The data of a size: N synthetic, valid records in a temporary project made like the tests'
(tests/helpers_site.py), or the repository's own records ("real")."""

from __future__ import annotations

import functools
import json
import random
import re
import shutil
from pathlib import Path

from .common import KELURAHAN_GEOJSON, REPO

STREETS = ["Jl. A. Yani", "Jl. Sultan Adam", "Jl. Pramuka", "Jl. Veteran", "Jl. Kayu Tangi",
           "Jl. Belitung Darat", "Jl. Cempaka", "Jl. Sutoyo S.", "Jl. Pangeran Antasari",
           "Jl. Kelayan A", "Jl. Pekapuran", "Jl. Simpang Gusti", "Jl. Gatot Subroto",
           "Jl. Banua Anyar", "Jl. Sungai Andai", "Jl. Teluk Tiram Darat", "Jl. Kuin Selatan",
           "Komplek Herlina Perkasa", "Gg. Mawar", "Jl. Alalak Tengah"]
PLACES = ["Kantor Kelurahan", "Puskesmas", "Taman", "Masjid", "SDN", "Mall", "Balai Warga",
          "Perumahan", "RT 12", "Komplek", "Gedung", "Kampung"]
MANAGERS = [("Pemerintah Kota Banjarmasin", "pemerintah"), ("Dinas Kesehatan", "pemerintah"),
            ("Kelurahan setempat", "pemerintah"), ("Yayasan Anak Banua", "non-pemerintah"),
            ("Warga setempat", "non-pemerintah"), ("PT Contoh Sejahtera", "dunia-usaha"),
            ("Radio Contoh FM", "media")]
OPENING_HOURS = "Mo-Fr 08:00-16:00"
AGES = [[0, 2], [0, 6], [3, 12], [6, 12], [0, 18], [12, 18]]
AKSES = ["umum", "umum", "pengunjung", "karyawan"]


def points_geojson() -> Path:
    """The kelurahan polygons the points are drawn in: the repository's own boundaries
    (`batas_kelurahan`, which `check` tests every point against), else the shared ones."""
    from petakla.config import load_config

    own = load_config(REPO).batas_kelurahan
    if own and (REPO / own).is_file():
        return (REPO / own).resolve()
    return KELURAHAN_GEOJSON


@functools.cache
def kelurahan_points_source() -> tuple[dict | None, str]:
    """{kode: shapely polygon} of the kelurahan, or None and why not."""
    source = points_geojson()
    if not source.exists():
        return None, (f"{source} not found: points are uniform in the configured "
                      "bounds (some will lie in another kelurahan or in the river)")
    import shapely

    data = json.loads(source.read_text(encoding="utf-8"))
    shapes = {}
    for feat in data["features"]:
        geom = shapely.geometry.shape(feat["geometry"])
        shapely.prepare(geom)
        shapes[str(feat["properties"]["kode"])] = geom
    return shapes, (f"points sampled uniformly inside each kelurahan polygon of "
                    f"{source.relative_to(REPO) if source.is_relative_to(REPO) else source}")


def _point_in(rng: random.Random, kode: str, shapes: dict | None, bounds) -> tuple[float, float]:
    (s, w), (n, e) = bounds
    geom = shapes.get(kode) if shapes else None
    if geom is None:
        return round(rng.uniform(s, n), 6), round(rng.uniform(w, e), 6)
    import shapely

    minx, miny, maxx, maxy = geom.bounds
    for _ in range(10_000):
        lon, lat = round(rng.uniform(minx, maxx), 6), round(rng.uniform(miny, maxy), 6)
        if s <= lat <= n and w <= lon <= e and shapely.contains_xy(geom, lon, lat):
            return lat, lon
    point = geom.representative_point()
    return round(point.y, 6), round(point.x, 6)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def make_records(n: int, seed: int, config) -> list[dict]:
    """N valid records spread over the city's kelurahan; every field as it would be written."""
    from petakla.regions import load_city, slugify
    from petakla.vocab import load_vocab

    rng = random.Random(seed)
    city = load_city(config.kota_kode)
    cats = [c for c in load_vocab().categories.values() if not c.dilindungi]
    shapes, _ = kelurahan_points_source()
    records = []
    for i in range(n):
        kel = rng.choice(city.kelurahan)
        cat = rng.choice(cats)
        lat, lon = _point_in(rng, kel.kode, shapes, config.batas)
        nama = f"{cat.label} {rng.choice(PLACES)} {kel.nama} {i + 1}"
        rec = {
            "id": f"{cat.slug}-{slugify(kel.nama)}-{i + 1:05d}",
            "nama": nama, "kategori": cat.slug,
            "alamat": f"{rng.choice(STREETS)} No. {rng.randint(1, 250)} RT {rng.randint(1, 40):02d}",
            "kelurahan": kel.nama, "lokasi": [lat, lon],
            "sumber": f"https://contoh.example/sumber/{i + 1}",
        }
        if rng.random() < 0.5:
            rec["jam_buka"] = OPENING_HOURS
        if rng.random() < 0.4:
            rec["usia"] = rng.choice(AGES)
        if rng.random() < 0.7:
            rec["akses"] = rng.choice(AKSES)
        if rng.random() < 0.7:
            nama_p, sektor = rng.choice(MANAGERS)
            rec["pengelola"] = {"nama": nama_p, "sektor": sektor}
        records.append(rec)
    return records


def record_yaml(rec: dict) -> str:
    lines = ["# yaml-language-server: $schema=../petakla/data/fasilitas.schema.json",
             f"nama: {_q(rec['nama'])}", f"kategori: {rec['kategori']}",
             f"alamat: {_q(rec['alamat'])}", f"kelurahan: {rec['kelurahan']}",
             f"lokasi: [{rec['lokasi'][0]}, {rec['lokasi'][1]}]"]
    if "pengelola" in rec:
        lines += ["pengelola:", f"  nama: {_q(rec['pengelola']['nama'])}",
                  f"  sektor: {rec['pengelola']['sektor']}"]
    if "jam_buka" in rec:
        lines.append(f"jam_buka: {_q(rec['jam_buka'])}")
    if "usia" in rec:
        lines.append(f"usia: [{rec['usia'][0]}, {rec['usia'][1]}]")
    if "akses" in rec:
        lines.append(f"akses: {rec['akses']}")
    lines.append(f"sumber: {_q(rec['sumber'])}")
    return "\n".join(lines) + "\n"


def make_project(root: Path, records: list[dict], boundaries: bool) -> None:
    """Like tests/helpers_site.make_project: the repository's pyproject.toml, mkdocs.yml (hook
    path made absolute) and content/, plus the synthetic records."""
    (root / "facilities").mkdir(parents=True)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    if boundaries:
        pyproject = re.sub(r'(?m)^batas_kelurahan\s*=.*\n', "", pyproject)
        pyproject, n = re.subn(r"(?m)^\[tool\.petakla\]\n",
                               f'[tool.petakla]\nbatas_kelurahan = "{KELURAHAN_GEOJSON}"\n',
                               pyproject)
        if n != 1:
            raise RuntimeError("pyproject.toml has no [tool.petakla] table")
    else:  # a relative path in the repository's table would not resolve from the copy
        pyproject = re.sub(r'(?m)^(batas_kelurahan\s*=\s*")(?!/)([^"]+)"',
                           lambda m: f'{m[1]}{(REPO / m[2]).resolve()}"', pyproject)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    shutil.copytree(REPO / "content", root / "content")
    hook = (REPO / "petakla" / "mkdocs_hook.py").as_posix()
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(\s*-\s*)petakla/mkdocs_hook\.py\s*$", rf"\g<1>{hook}", text)
    if n != 1:
        raise RuntimeError("mkdocs.yml no longer lists hooks: [petakla/mkdocs_hook.py]")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    folder = root / "facilities"
    for rec in records:
        (folder / f"{rec['id']}.yml").write_text(record_yaml(rec), encoding="utf-8")


def real_project(root: Path) -> int:
    """A project with the repository's own facilities/ (records, geocode cache and all)."""
    make_project(root, [], boundaries=False)
    count = 0
    for path in (REPO / "facilities").iterdir():
        if path.is_file():
            shutil.copy(path, root / "facilities" / path.name)
            count += path.suffix.lower() in (".yml", ".yaml")
    return count
