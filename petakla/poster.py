"""A printable A4 poster per facility (fasilitas/<id>/poster.html): a standalone HTML document
with the name, category, a short description, the address and a QR code to the facility's
page. No external requests (inline CSS and SVG only) and byte-reproducible output."""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .assets import icon_svg
from .model import Facility
from .parallel import fork_map

POSTER_FILE = "poster.html"
# segno settings of the QR code: error correction level M survives a creased or smudged
# print; the size is set by CSS (viewBox only), the 4-module quiet zone is kept. The mask is
# fixed: every mask pattern is valid and decodable, and searching for the "best" one took
# three quarters of the build time at 10,000 facilities (3.9 ms against 1.1 ms per code).
QR_ERROR = "m"
QR_MASK = 0
PARALLEL_ABOVE = 1000  # posters generated on every core above this many facilities
QR_OPTIONS: dict = {"scale": 1, "border": 4, "omitsize": True, "svgclass": "pk-qr",
                    "lineclass": None, "dark": "#000"}
KETERANGAN_MAX = 220


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (same input, same bytes)."""
    return segno.make(url, error=QR_ERROR, micro=False, mask=QR_MASK).svg_inline(**QR_OPTIONS)


def shorten(text: str, limit: int = KETERANGAN_MAX) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


def facility_url(site_url: str, f: Facility) -> str:
    """The facility page's absolute address, or "" when the site's address is unknown."""
    return f"{site_url.rstrip('/')}/fasilitas/{quote(f.id)}/" if site_url else ""


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("petakla", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       keep_trailing_newline=True)


def darker(colour: str, share: float = 0.8) -> str:
    """`colour` (#rrggbb) mixed with black, as CSS color-mix(in srgb, colour 80%, #000) would;
    written out because not every reader knows color-mix (the Nu HTML checker does not)."""
    channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * share):02x}" for c in channels)


def poster_html(f: Facility, site_url: str, judul: str, kota: str, qr: str | None = None) -> str:
    url = facility_url(site_url, f)
    if qr is None:
        qr = qr_svg(url) if url else ""
    return _env().get_template("poster.html.j2").render(
        f=f, judul=judul, kota=kota, url=url, warna_gelap=darker(f.category.warna),
        qr=Markup(qr),
        ikon=Markup(icon_svg(f.category.ikon, 64)),
        keterangan=shorten(f.data.get("keterangan", "")),
        panjang=len(f.nama) > 60,
    )


def poster_uri(f: Facility) -> str:
    return f"fasilitas/{f.id}/{POSTER_FILE}"


def posters(facilities: list[Facility], site_url: str, judul: str, kota: str,
            memo=None) -> dict[str, str]:
    """{site path: poster} for every published facility. `memo` (preview.Memo, the live
    preview's): posters made by an earlier rebuild from the same record are reused."""
    public = [f for f in facilities if not f.protected]
    if memo is not None:
        from .preview import facility_key

        return {poster_uri(f): memo.get(("poster", facility_key(f), site_url, judul, kota),
                                        lambda f=f: posters([f], site_url, judul, kota)[
                                            poster_uri(f)])
                for f in public}
    urls = [facility_url(site_url, f) for f in public]
    codes = _qr_many(urls) if site_url else [""] * len(urls)
    return {poster_uri(f): poster_html(f, site_url, judul, kota, qr)
            for f, qr in zip(public, codes, strict=True)}


def _qr_many(urls: list[str]) -> list[str]:
    """QR codes for many URLs, on every core when there are many (same bytes either way)."""
    return fork_map(qr_svg, urls, above=PARALLEL_ABOVE, chunksize=250)
