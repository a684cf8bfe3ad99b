"""Markdown pages generated from the records: home, map, one per facility, kecamatan and
kategori, and the open data page. Record text only ever lands inside HTML blocks, escaped by
Jinja's autoescape, so Markdown never interprets it and no markup from a record survives."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from urllib.parse import quote, urlencode

from jinja2 import ChainableUndefined, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .assets import icon_svg
from .config import Config
from .export import CSV_NOTE, column_docs
from .geo import boundary_source, load_boundaries
from .hours import jam_buka_text
from .mapimage import data_url, pictures
from .maps import mini_map_src
from .model import APPROX_LABELS, Facility
from .osm_export import osm_summary
from .poster import POSTER_FILE, facility_url
from .preview import facility_key
from .regions import City
from .schema import AKSES, SEKTOR, STATUS, build_schema
from .stats import SECTOR_LABELS, SECTORS, UNKNOWN_SECTOR, contributors, counted, sector_of
from .templatecache import template_cache
from .vocab import Vocab


def source_parts(text: str) -> list[tuple[str, bool]]:
    """Split a `sumber` into plain text and http(s) links, so each URL can be a link."""
    parts = re.split(r"(https?://[^\s;,<>\"']+)", text)
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


_META_CHARS = str.maketrans({"<": "‹", ">": "›", "&": " dan ", '"': "”", "'": "’", "`": "‘",
                            "\\": "/"})


def meta_text(value: str, limit: int = 160) -> str:
    """A front-matter string safe in any theme slot (titles and meta tags are printed raw by
    MkDocs themes): no markup characters, one line."""
    # Typographic look-alikes keep the text readable without any markup character.
    text = value.translate(_META_CHARS)
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    return " ".join(text.split())[:limit] or "Fasilitas"


def code_text(value: str) -> Markup:
    """Escaped text in which `backticked` words become <code> (schema descriptions)."""
    parts = str(escape(value)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


class HtmlOnly(str):
    """A Markdown page whose body is raw HTML blocks only, with no Markdown inside: any
    Markdown engine passes the body through unchanged, so a build may use it as the page's
    HTML without a Markdown pass (the MkDocs hook does; tested against Python-Markdown).
    To any other engine it is a plain Markdown string with YAML front matter; `meta` and
    `body_start` spare the hook parsing that front matter again."""

    meta: dict
    body_start: int

    @classmethod
    def page(cls, meta: dict, body: str) -> HtmlOnly:
        # JSON values are valid YAML and carry any text safely; ASCII-only (\uXXXX escapes) keeps
        # the whole page a 1-byte-per-character string in memory.
        head = "".join(f"{key}: {json.dumps(value)}\n"
                       for key, value in meta.items())
        body = body.strip()
        text = cls(f"---\n{head}---\n{body}")
        text.meta, text.body_start = meta, len(text) - len(body)
        return text


_ID_ATTR = re.compile(r'id="([^"]+)"')


def html_ids(html: str) -> list[str]:
    """What `re.findall(r'\\bid="([^"]+)"', html)` finds (the anchors of an HtmlOnly page), in
    a fraction of the time: a literal first lets the regex engine skip ahead, where a leading
    `\\b` made it try every position (0.2 ms of each facility page's build)."""
    found: list[str] = []
    pos = 0
    while (m := _ID_ATTR.search(html, pos)) is not None:
        start = m.start()
        before = html[start - 1] if start else ""
        if before and (before.isalnum() or before == "_"):  # no word boundary: not a match
            pos = start + 1
            continue
        found.append(m[1])
        pos = m.end()
    return found


NOT_IN_SEARCH = {"search": {"exclude": True}}


@functools.cache  # one per process: templates compile once (Jinja reloads an edited one)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("petakla", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=ChainableUndefined, keep_trailing_newline=True,
                      trim_blocks=False, lstrip_blocks=False, bytecode_cache=template_cache())
    env.filters["kode"] = code_text
    env.globals.update(icon=lambda name, size=24: Markup(icon_svg(name, size)),
                       status=STATUS, sektor=SEKTOR, akses=AKSES, approx_labels=APPROX_LABELS)
    return env


def _sorted(items: list[Facility]) -> list[Facility]:
    return sorted(items, key=lambda f: (f.nama.casefold(), f.id))


def details(f: Facility, vocab: Vocab) -> dict:
    """What the facility page and the text-only lists show besides the record's own text."""
    d = f.data
    return {
        "jam_buka": jam_buka_text(d.get("jam_buka", "")),
        "amenities": [vocab.amenitas[a] for a in d.get("fasilitas", [])],
        "tel": re.sub(r"[^0-9+]", "", (d.get("kontak") or {}).get("telepon", "")),
        "sumber": source_parts(d.get("sumber", "")),
    }


REPORT_CHECKLIST = ["Nama", "Alamat atau titik di peta", "Jam buka",
                    "Kontak (telepon, situs web, email)", "Sarana yang tersedia",
                    "Status (tutup, pindah, belum dibuka)", "Lainnya"]


def report_url(repositori: str, f: Facility, page: str) -> str:
    """A new GitHub issue in the project's repository, prefilled for this facility."""
    body = [f"Fasilitas: {f.nama}", f"ID: {f.id}"]
    body += [f"Halaman: {page}"] if page else []
    body += [f"Berkas data: facilities/{f.id}.yml", "",
             "Apa yang berubah atau salah? Centang yang sesuai, lalu jelaskan di bawah.", ""]
    body += [f"- [ ] {item}" for item in REPORT_CHECKLIST]
    body += ["", "Penjelasan:", "", "",
             "Sumber informasi (misalnya dilihat langsung pada tanggal …, foto papan nama, "
             "situs web resmi):", ""]
    query = urlencode({"title": f"Perubahan data: {f.nama}", "body": "\n".join(body)},
                      quote_via=quote)
    return f"{repositori.rstrip('/')}/issues/new?{query}"


def edit_url(repositori: str, cabang: str, f: Facility) -> str:
    return f"{repositori.rstrip('/')}/edit/{quote(cabang)}/facilities/{quote(f.id)}.yml"


def facility_page(env: Environment, f: Facility, vocab: Vocab, config: Config | None = None,
                  site_url: str = "") -> str:
    page = facility_url(site_url, f)
    repositori = config.repositori if config else ""
    meta = {"title": meta_text(f.nama),
            "description": meta_text(f"{f.category.label} di Kelurahan {f.kelurahan.nama}, "
                                     f"Kecamatan {f.kelurahan.kecamatan.nama}"),
            **NOT_IN_SEARCH}
    return HtmlOnly.page(meta, env.get_template("fasilitas.md.j2").render(
        f=f, root="../../",
        lat=f"{f.lat:.6f}" if f.lat is not None else "",
        lon=f"{f.lon:.6f}" if f.lon is not None else "",
        mini_src=mini_map_src(f, "../../") if f.has_location else "",
        page_url=page,
        # Without the site's address, situs.js puts the page's own address in both at run time.
        whatsapp="https://wa.me/?text=" + quote(f"{f.nama} — {page}" if page else f.nama, safe=""),
        share_text=f"{f.nama} — ",
        poster=POSTER_FILE,
        report=report_url(repositori, f, page) if repositori else "",
        edit=edit_url(repositori, config.cabang, f) if repositori and config else "",
        **details(f, vocab),
    ))


def sector_providers(facilities: list[Facility]) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Per KLA sector: its label, how many facilities it provides and its providers (name,
    count), for the home page; "tidak diketahui" only when some record lacks a pengelola."""
    out = []
    for sector in SECTORS:
        if sector == UNKNOWN_SECTOR:  # no pengelola: a count, no names
            n = sum(1 for f in counted(facilities) if sector_of(f) == UNKNOWN_SECTOR)
            if n:
                out.append((SECTOR_LABELS[sector], n, []))
            continue
        groups = contributors(facilities, sector)
        out.append((SECTOR_LABELS[sector], sum(len(items) for _, items in groups),
                    [(name, len(items)) for name, items in groups]))
    return out


def facility_pages(config: Config, vocab: Vocab, facilities: list[Facility],
                   site_url: str = "") -> dict[str, str]:
    """Every published facility's page (what generate_pages() makes of each)."""
    env = _env()
    return {f"fasilitas/{f.id}.md": facility_page(env, f, vocab, config, site_url)
            for f in facilities if not f.protected}


def _picture(drawn: dict[tuple[str, str], str], kind: str, slug: str, groups) -> dict:
    """The map picture of a kecamatan or kategori page as its <img> src (mapimage.pictures()
    draws one exactly when a facility of the page has a location) and how many dots it shows."""
    svg = drawn.get((kind, slug))
    located = sum(1 for _, items in groups for f in items if f.has_location)
    return {"picture": data_url(svg) if svg else "", "located": located}


def generate_pages(config: Config, vocab: Vocab, city: City,
                   facilities: list[Facility], site_url: str = "", memo=None,
                   with_facilities: bool = True,
                   drawn: dict[tuple[str, str], str] | None = None) -> dict[str, str]:
    """`memo` (preview.Memo, the live preview's): facility pages made by an earlier rebuild
    from the same record are reused. Without `with_facilities` the facility pages are left
    out (site.build_site() has them made by another process: facility_pages()). `drawn`:
    mapimage.pictures() of these facilities, when the caller has them already."""
    env = _env()
    if drawn is None:
        drawn = pictures(config, vocab, city, facilities, load_boundaries(config))
    public = [f for f in facilities if not f.protected]
    protected = [f for f in facilities if f.protected]
    by_cat: dict[str, list[Facility]] = defaultdict(list)
    by_kel: dict[str, list[Facility]] = defaultdict(list)
    for f in public:
        by_cat[f.category.slug].append(f)
        by_kel[f.kelurahan.kode].append(f)
    common = {"kota": config.kota_nama, "judul": config.judul,
              "site_url": site_url.rstrip("/") + "/" if site_url else ""}
    pages: dict[str, str] = {}

    pages["index.md"] = env.get_template("beranda.md.j2").render(
        **common, total=len(public),
        belum=sum(1 for f in public if not f.verified),
        per_kategori=[(c, len(by_cat[c.slug])) for c in vocab.categories.values()],
        per_kecamatan=[(kc, sum(len(by_kel[k.kode]) for k in city.kelurahan_in(kc)))
                       for kc in city.kecamatan],
        per_sektor=sector_providers(public),
    )
    pages["peta/index.md"] = env.get_template("peta.md.j2").render(**common)
    for f in public if with_facilities else ():
        if memo is None:
            pages[f"fasilitas/{f.id}.md"] = facility_page(env, f, vocab, config, site_url)
        else:
            pages[f"fasilitas/{f.id}.md"] = memo.get(
                ("page", facility_key(f), site_url),
                lambda f=f: facility_page(env, f, vocab, config, site_url))

    rows = []
    for kc in city.kecamatan:
        kels = city.kelurahan_in(kc)
        groups = [(k, _sorted(by_kel[k.kode])) for k in kels]
        n = sum(len(items) for _, items in groups)
        rows.append({"kc": kc, "n_kel": len(kels), "n": n,
                     "kosong": sum(1 for _, items in groups if not items)})
        pages[f"kecamatan/{kc.slug}.md"] = HtmlOnly.page(
            {"title": f"Kecamatan {kc.nama}",
             "description": f"Fasilitas ramah anak di Kecamatan {kc.nama}, {config.kota_nama}."},
            env.get_template("kecamatan.md.j2").render(**common, kc=kc, groups=groups, n=n,
                                                       root="../../", **_picture(
                                                           drawn, "kecamatan", kc.slug, groups)))
        pages[f"kecamatan/{kc.slug}/daftar.md"] = HtmlOnly.page(
            {"title": f"Kecamatan {kc.nama} — versi teks",
             "description": f"Daftar lengkap fasilitas ramah anak di Kecamatan {kc.nama}, "
                            f"{config.kota_nama}, tanpa peta (hemat kuota).", **NOT_IN_SEARCH},
            env.get_template("kecamatan_daftar.md.j2").render(
                **common, kc=kc, n=n, root="../../../",
                groups=[(k, [(f, details(f, vocab)) for f in items])
                        for k, items in groups if items],
                kosong=[k for k, items in groups if not items]))
    pages["kecamatan/index.md"] = env.get_template("kecamatan_index.md.j2").render(
        **common, kecamatan=rows, n_kelurahan=len(city.kelurahan))

    by_klaster = defaultdict(list)
    for cat in vocab.categories.values():
        by_klaster[cat.klaster.slug].append((cat, len(by_cat[cat.slug])))
    pages["kategori/index.md"] = env.get_template("kategori_index.md.j2").render(
        **common, by_klaster=[(vocab.klaster[k], by_klaster[k]) for k in vocab.klaster
                              if by_klaster[k]])
    contacts = _sorted(by_cat.get("uptd-ppa", []))
    protected_count = Counter(f.kelurahan.kecamatan.kode for f in protected)
    for cat in vocab.categories.values():
        items = _sorted(by_cat[cat.slug])
        groups = [(kc, [f for f in items if f.kelurahan.kecamatan == kc])
                  for kc in city.kecamatan]
        pages[f"kategori/{cat.slug}.md"] = HtmlOnly.page(
            {"title": cat.label, "description": f"{cat.label}: {cat.klaster.judul}."},
            env.get_template("kategori.md.j2").render(
                **common, cat=cat, items=items, root="../../",
                **_picture(drawn, "kategori", cat.slug, [(None, items)]),
                groups=[(kc, g) for kc, g in groups if g], contacts=contacts,
                protected_counts=[(kc, protected_count[kc.kode]) for kc in city.kecamatan]))
    pages["data/index.md"] = env.get_template("data.md.j2").render(
        **common, columns=column_docs(build_schema(vocab, city)), csv_note=CSV_NOTE,
        total=sum(1 for f in public if f.has_location), osm=osm_summary(vocab, facilities),
        batas=boundary_source(config))
    return pages


def page_url(uri: str) -> str:
    """Directory URL of a generated Markdown page (as MkDocs' use_directory_urls makes it)."""
    stem = uri.removesuffix(".md")
    stem = stem.removesuffix("index").rstrip("/")
    return quote(f"{stem}/" if stem else "")
