"""The full map (peta.html) opened on its own in headless Chromium, for data the fixture site
lacks: no facility with opening hours ("Buka sekarang" disabled, with its reason), and enough
facilities for the quick first view that stands in while MarkerCluster is still placing
markers (peta.js `preview`). Only the map documents and assets are written
(petakla.site.generate, no MkDocs), served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import random
import re
from pathlib import Path

from browser_util import new_page
from helpers_site import FIXTURE_RECORDS, make_project, serve

QUICK_FROM = 100  # the full map's threshold for its quick first view, lowered for the test
N_MANY = 400


def map_site(root: Path, records: dict[str, str]) -> Path:
    """A project of `records` ({id: YAML text}); its peta/ and assets/ files under root/site."""
    from petakla.config import load_config
    from petakla.site import generate, write_map_files

    folder = root / "records"
    folder.mkdir(parents=True)
    for rid, text in records.items():
        (folder / f"{rid}.yml").write_text(text, encoding="utf-8")
    project = make_project(root / "proyek", records=folder)
    site = project / "site"
    write_map_files(generate(load_config(project), with_side_files=False), site)
    return site


def fixture_records() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(FIXTURE_RECORDS.glob("*.yml"))}


def test_open_now_is_disabled_with_its_reason_when_no_facility_records_hours(tmp_path, browser):
    records = {rid: re.sub(r"(?m)^jam_buka:.*\n", "", text)
               for rid, text in fixture_records().items()}
    assert not any("jam_buka" in text for text in records.values())
    site = map_site(tmp_path, records)
    with serve(site) as url:
        ctx, page = new_page(browser, viewport={"width": 1280, "height": 900})
        try:
            page.goto(url + "peta/peta.html#buka=1")  # a shared link asking for it anyway
            page.locator("html[data-pk-ready]").wait_for(state="attached")
            toggle = page.get_by_role("button", name="Filter dan daftar")
            if toggle.get_attribute("aria-expanded") != "true":
                toggle.click()
            if not page.locator(".pk-lainnya").evaluate("d => d.open"):
                page.locator(".pk-lainnya summary").click()
            buka = page.get_by_label("Buka sekarang (WITA)")
            assert buka.is_disabled()
            assert not buka.is_checked()
            assert buka.get_attribute("aria-describedby") == "pk-buka-catatan"
            assert page.locator("#pk-buka-catatan").text_content() == (
                "Belum bisa dipakai: belum ada fasilitas yang mencatat jam buka.")
            assert page.locator("#pk-buka-catatan").is_visible()
            ctx.recorder.assert_clean()
        finally:
            ctx.close()


def many_records(n: int) -> dict[str, str]:
    """`n` test records (not real data) spread over the fixture's facilities' kelurahan, each
    moved a little from its fixture's point, so the first view has clusters of many sizes."""
    base = [(rid, text) for rid, text in fixture_records().items() if "lokasi:" in text]
    rng = random.Random(13)
    out = {}
    for i in range(n):
        rid, text = base[i % len(base)]
        lat, lon = (float(x) for x in re.search(r"lokasi: \[([-\d.]+), ([-\d.]+)\]", text).groups())
        lat += rng.uniform(-0.004, 0.004)
        lon += rng.uniform(-0.004, 0.004)
        body = re.sub(r"(?m)^nama: .*$", f"nama: Uji Banyak {i}", text)
        body = re.sub(r"lokasi: \[[^\]]*\]", f"lokasi: [{lat:.6f}, {lon:.6f}]", body)
        out[f"uji-banyak-{i:05d}"] = body
    return out


# Installed before the map's scripts: when the first marker icons enter the page, which they
# are: the quick clusters (class pk-pratinjau) with their counts, and pins; and whether the
# MarkerCluster layer was finished (data-pk-cluster) at that moment.
FIRST_VIEW = """(() => {
  new MutationObserver((records, obs) => {
    const icons = [...document.querySelectorAll('.leaflet-marker-icon')];
    if (!icons.length) return;
    obs.disconnect();
    window.__first = {
      preview: icons.filter(i => i.classList.contains('pk-pratinjau'))
                    .map(i => parseInt(i.textContent, 10)),
      pins: icons.filter(i => i.classList.contains('pk-marker')).length,
      clustered: document.documentElement.hasAttribute('data-pk-cluster'),
    };
    const quick = icons.find(i => i.classList.contains('pk-pratinjau'));
    if (window.__clickFirst && quick) {
      window.__clicked = PetaKLA.app.map.getZoom();
      quick.click();
    }
  }).observe(document, {childList: true, subtree: true});
})();"""

# Markers of the cluster layer inside the map's current view.
IN_VIEW = """() => {
  const b = PetaKLA.app.map.getBounds();
  let n = 0;
  PetaKLA.app.cluster.eachLayer((m) => { if (b.contains(m.getLatLng())) n++; });
  return n;
}"""


def lower_quick_threshold(site: Path, to: int) -> None:
    """peta.html with its `pratinjau` option (maps.PREVIEW_MIN) lowered, so a few hundred
    records take the large map's path; its CSP recomputed (the inline script changed)."""
    from petakla.config import load_config
    from petakla.csp import add_csp, tile_origin
    from petakla.maps import PREVIEW_MIN

    doc = site / "peta" / "peta.html"
    html = doc.read_text(encoding="utf-8")
    old = f'"pratinjau": {PREVIEW_MIN}'
    assert html.count(old) == 1, "peta.html no longer carries the pratinjau option"
    html = html.replace(old, f'"pratinjau": {to}')
    doc.write_text(add_csp(html, tile_origin(load_config(site.parent).tiles)), encoding="utf-8")


def test_a_large_map_shows_its_first_view_before_the_clusters_are_built(tmp_path, browser):
    n = N_MANY
    records = many_records(n)
    protected = [rid for rid, text in records.items() if "kategori: rumah-aman" in text]
    site = map_site(tmp_path, records)
    lower_quick_threshold(site, QUICK_FROM)
    with serve(site) as url:
        ctx, page = new_page(browser, viewport={"width": 1280, "height": 800})
        try:
            page.add_init_script(FIRST_VIEW)
            page.goto(url + "peta/peta.html")
            page.wait_for_function("() => window.__first !== undefined")
            first = page.evaluate("window.__first")
            assert first["preview"], first  # the first icons are the quick clusters …
            assert not first["clustered"], first  # … drawn before MarkerCluster finished
            page.locator("html[data-pk-cluster]").wait_for(state="attached", timeout=30_000)
            # Replaced: no quick cluster left, MarkerCluster's own clusters instead.
            assert page.locator(".pk-pratinjau").count() == 0
            assert page.locator(".marker-cluster").count() > 0
            shown = int(page.locator("html").get_attribute("data-pk-shown"))
            assert shown == n - len(protected)
            # The first view counted every facility in view (and a margin around it), each once.
            in_view = page.evaluate(IN_VIEW)
            assert in_view <= sum(first["preview"]) + first["pins"] <= shown, (first, in_view)
            # A quick cluster zooms in when clicked (clicked at once on a fresh load: it is
            # replaced as soon as MarkerCluster is done).
            page.goto("about:blank")
            page.add_init_script("window.__clickFirst = true;")
            page.goto(url + "peta/peta.html")
            page.wait_for_function("() => window.__first !== undefined && window.__clicked !== undefined")
            page.wait_for_function("z => PetaKLA.app.map.getZoom() >= z + 2",
                                   arg=page.evaluate("window.__clicked"))
            # Filters keep working once the clusters are built.
            page.locator("html[data-pk-cluster]").wait_for(state="attached", timeout=30_000)
            page.locator(".pk-chip[data-kategori='ruang-laktasi']").click()
            page.wait_for_function(
                "n => document.documentElement.dataset.pkShown === String(n)",
                arg=sum(1 for t in records.values() if "kategori: ruang-laktasi" in t))
            ctx.recorder.assert_clean()
        finally:
            ctx.close()
