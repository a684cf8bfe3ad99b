"""A printable A4 poster per facility (fasilitas/<id>/poster.html): a standalone HTML document
with the name, category, a short description, the address and a QR code to the facility's
page. No external requests (inline CSS and SVG only) and byte-reproducible output."""

from __future__ import annotations

import multiprocessing as mp
import os
from functools import cache
from pathlib import Path
from urllib.parse import quote

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .assets import icon_svg
from .csp import add_csp
from .model import Facility

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


def poster_html(f: Facility, site_url: str, judul: str, kota: str, qr: str | None = None) -> str:
    url = facility_url(site_url, f)
    if qr is None:
        qr = qr_svg(url) if url else ""
    return _env().get_template("poster.html.j2").render(
        f=f, judul=judul, kota=kota, url=url,
        qr=Markup(qr),
        ikon=Markup(icon_svg(f.category.ikon, 64)),
        keterangan=shorten(f.data.get("keterangan", "")),
        panjang=len(f.nama) > 60,
    )


def poster_uri(f: Facility) -> str:
    return f"fasilitas/{f.id}/{POSTER_FILE}"


def posters(facilities: list[Facility], site_url: str, judul: str, kota: str) -> dict[str, str]:
    """{site path: poster} for every published facility."""
    public = [f for f in facilities if not f.protected]
    urls = [facility_url(site_url, f) for f in public]
    codes = _qr_many(urls) if site_url else [""] * len(urls)
    return {poster_uri(f): poster_html(f, site_url, judul, kota, qr)
            for f, qr in zip(public, codes, strict=True)}


def _qr_many(urls: list[str]) -> list[str]:
    """QR codes for many URLs, on every core when there are many (same bytes either way)."""
    workers = min(os.cpu_count() or 1, 8)
    if len(urls) <= PARALLEL_ABOVE or workers < 2 or "fork" not in mp.get_all_start_methods():
        return [qr_svg(u) for u in urls]
    with mp.get_context("fork").Pool(workers) as pool:
        return pool.map(qr_svg, urls, chunksize=250)


def _staged(dest: Path, f: Facility) -> Path:
    return dest / f"{f.id}.html"  # flat: no directory per poster while staging


def _write_posters(facilities: list[Facility], site_url: str, judul: str, kota: str,
                   tiles: str, dest: Path) -> None:
    for f in facilities:
        _staged(dest, f).write_text(add_csp(poster_html(f, site_url, judul, kota), tiles),
                                    encoding="utf-8")


class PosterJob:
    """Posters written into `dest` by background processes while the caller goes on (the
    site build runs MkDocs on one core meanwhile): the same bytes as `posters()` plus the
    CSP that `site.generate()` adds. `finish()` waits and moves them into the built site."""

    def __init__(self, facilities: list[Facility], site_url: str, judul: str, kota: str,
                 tiles: str, dest: Path, workers: int | None = None):
        self.public = [f for f in facilities if not f.protected]
        self.dest = dest
        n = workers or max(1, (os.cpu_count() or 1) - 1)  # one core stays with the caller
        n = min(n, max(1, len(self.public) // 200))
        # fork: the records are already in memory; nothing here holds threads or locks yet.
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.procs = [ctx.Process(target=_write_posters, daemon=True,
                                  args=(self.public[i::n], site_url, judul, kota, tiles, dest))
                      for i in range(n)]
        for proc in self.procs:
            proc.start()

    def wait(self) -> None:
        """Raise RuntimeError if a poster could not be written."""
        for proc in self.procs:
            proc.join()
        failed = [p.exitcode for p in self.procs if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"poster gagal dibuat (proses keluar dengan kode {failed[0]})")

    def finish(self, site: Path) -> None:
        """Wait, then move every poster into `site` (same file system: renames; the facility
        page's folder is normally there already)."""
        self.wait()
        for f in self.public:
            target = site / poster_uri(f)
            try:
                os.replace(_staged(self.dest, f), target)
            except FileNotFoundError:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(_staged(self.dest, f), target)

    def cancel(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
