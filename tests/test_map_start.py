"""How the map documents and long pages start in headless Chromium, for Lighthouse's blocking
time (README, Lighthouse): the full map files its markers into MarkerCluster in short slices of
its own (peta.js `fileMarkers`) — which must give exactly the clusters MarkerCluster's own
addLayers gives —, and long lists and tables are left out of rendering until they come near
the viewport (situs.css, content-visibility) while staying reachable."""

from __future__ import annotations

import re

from browser_util import new_page
from helpers_site import serve
from test_map_open import many_records, map_site

# Every shown marker's visible parent (itself or its cluster) at each zoom level, for our
# cluster layer and for a twin layer filled by MarkerCluster's own addLayers (same options,
# the same points), on the same map: [zoom, [[count, lat, lon] per marker]] for both.
TWIN = """async () => {
  const app = PetaKLA.app, map = app.map, ours = app.cluster;
  const twin = L.markerClusterGroup({ maxClusterRadius: ours.options.maxClusterRadius,
                                      showCoverageOnHover: false });
  map.addLayer(twin);
  const mine = app.shown.map(f => app.markers[f.i]);
  const copies = mine.map(m => L.marker(m.getLatLng()));
  twin.addLayers(copies);  // not chunked: done when it returns
  // Both layers done with the zoom: no MarkerCluster animation nor its tidy-up queued 300 ms
  // after it, for three animation frames in a row (browser_util.map_still).
  const frame = () => new Promise(r => requestAnimationFrame(r));
  const busy = g => g._inZoomAnimation > 0 || g._queueTimeout;
  const still = async () => {
    for (let n = 0; n < 3; n = map._animatingZoom || busy(ours) || busy(twin) ? 0 : n + 1) {
      await frame();
    }
  };
  const where = (group, m) => {
    const p = group.getVisibleParent(m);
    if (!p) return null;
    const ll = p.getLatLng();
    return [p.getChildCount ? p.getChildCount() : 1, ll.lat.toFixed(7), ll.lng.toFixed(7)];
  };
  const out = [];
  const centre = map.getCenter();
  for (const z of [11, 13, 15, 17]) {
    map.setView(centre, z, { animate: false });
    await still();
    out.push([z, mine.map(m => where(ours, m)), copies.map(m => where(twin, m))]);
  }
  return { filed: mine.length, out };
}"""


def test_sliced_filing_gives_markerclusters_own_clusters(tmp_path, browser):
    records = many_records(400)  # above peta.js SYNC_MAX (100): filed in slices
    site = map_site(tmp_path, records)
    with serve(site) as url:
        ctx, page = new_page(browser, viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + "peta/peta.html")
            page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=30_000)
            # Ready only once every shown marker is in its cluster, the panel in place.
            assert page.locator("html").get_attribute("data-pk-cluster") == "1"
            assert page.locator("#pk-cari").count() == 1
            assert page.locator("#pk-dari option").count() > 1
            result = page.evaluate(TWIN)
            assert result["filed"] == int(page.locator("html").get_attribute("data-pk-shown"))
            assert result["filed"] > 300
            # Zoomed out, every marker is drawn, alone or in a cluster (zoomed in, those out of
            # view are not drawn by either layer).
            assert None not in result["out"][0][1]
            for zoom, ours, twin in result["out"]:
                assert ours == twin, zoom
            # Many different clusters over the zoom levels: the comparison means something.
            assert len({tuple(p) for _, ours, _ in result["out"] for p in ours if p}) > 20
            ctx.recorder.assert_clean()
        finally:
            ctx.close()


def test_choosing_a_facility_while_markers_are_being_filed_waits_for_them(tmp_path, browser):
    """A shared link naming a facility (pilih=) is answered once the clusters are made."""
    records = many_records(400)
    site = map_site(tmp_path, records)
    chosen = "uji-banyak-00123"
    with serve(site) as url:
        ctx, page = new_page(browser, viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + f"peta/peta.html#kategori=&pilih={chosen}")
            page.wait_for_function("id => document.documentElement.dataset.pkPilih === id",
                                   arg=chosen, timeout=30_000)
            # Its marker out of its cluster, with its popup (a wide screen).
            popup = page.locator(".leaflet-popup .pk-nama")
            popup.wait_for()
            assert popup.text_content() == "Uji Banyak 123"
            assert "Uji Banyak 123" in page.locator("#pk-kartu").text_content()
            ctx.recorder.assert_clean()
        finally:
            ctx.close()


# The block's own contents (its table) are what the browser skips.
SKIPPED = "el => !el.querySelector('table').checkVisibility({ contentVisibilityAuto: true })"


def test_long_tables_render_only_near_the_viewport_and_stay_usable(browser, site_url):
    ctx, page = new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True,
                         has_touch=True)
    try:
        page.goto(site_url + "cakupan/")
        blocks = page.locator(".pk-tabel-gulir")
        last = blocks.last
        assert last.evaluate("el => getComputedStyle(el).contentVisibility") == "auto"
        # Far below the first screen: not rendered yet, but in the document and the
        # accessibility tree (a screen reader and the browser's find still reach it).
        assert last.evaluate("el => el.getBoundingClientRect().top") > 3 * 844
        assert last.evaluate(SKIPPED)
        assert last.locator("table").get_attribute("aria-hidden") is None
        # Measured while skipped (as a checker does), no block's rows reach past its estimated
        # box, over what follows it.
        overflow = page.evaluate("""() => [...document.querySelectorAll(
            'section.pk-tabel-gulir, .pk-diagram-data')].map(b => {
              const rows = b.querySelectorAll('tr');
              return rows[rows.length - 1].getBoundingClientRect().bottom
                - b.getBoundingClientRect().bottom; })""")
        assert len(overflow) > 3 and max(overflow) <= 0, overflow
        # The facility lists (unbounded length) are rendered as usual.
        assert page.evaluate("() => [...document.querySelectorAll('.pk-daftar')].every("
                             "l => getComputedStyle(l).contentVisibility === 'visible')")
        # Scrolled to, it is drawn, and its sort buttons work.
        last.scroll_into_view_if_needed()
        page.wait_for_function(f"() => !({SKIPPED})(document.querySelectorAll("
                               "'.pk-tabel-gulir')[document.querySelectorAll("
                               "'.pk-tabel-gulir').length - 1])")
        header = last.locator("thead th").first
        header.get_by_role("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        ctx.recorder.assert_clean()
    finally:
        ctx.close()


# The view drawn again (PetaKLA.app.apply(): its markers filed and its icons drawn anew, as after
# a filter); on the first icon drawn while that drawing is under way (peta.js drawInSlices;
# data-pk-cluster not yet set), the map is dragged at once, as an impatient visitor would.
DRAG_WHILE_DRAWING = """() => new Promise(resolve => {
  const app = PetaKLA.app;
  const seen = new MutationObserver(records => {
    const added = records.some(r => [...r.addedNodes].some(n => n.classList &&
      (n.classList.contains('marker-cluster') || n.classList.contains('pk-marker'))));
    if (!added) return;
    seen.disconnect();
    const moved = { drawing: !document.documentElement.dataset.pkCluster,
                    drawn: app.cluster._featureGroup.getLayers().length };
    app.map.panBy([300, 200], { animate: false });
    app.whenClustered(() => resolve(moved));
  });
  seen.observe(document, { childList: true, subtree: true });
  app.apply();
})"""

# After the move, ours against a twin layer filled by MarkerCluster's own addLayers at the same
# zoom: every marker's visible parent, and no icon of another zoom level left on the map.
AFTER_MOVE = """async () => {
  const app = PetaKLA.app, map = app.map, ours = app.cluster, z = map.getZoom();
  const twin = L.markerClusterGroup({ maxClusterRadius: ours.options.maxClusterRadius,
                                      showCoverageOnHover: false });
  map.addLayer(twin);
  const mine = app.shown.map(f => app.markers[f.i]);
  const copies = mine.map(m => L.marker(m.getLatLng()));
  twin.addLayers(copies);
  const where = (group, m) => {
    const p = group.getVisibleParent(m);
    if (!p) return null;
    const ll = p.getLatLng();
    return [p.getChildCount ? p.getChildCount() : 1, ll.lat.toFixed(7), ll.lng.toFixed(7)];
  };
  const stale = ours._featureGroup.getLayers().filter(l => l.getChildCount && l._zoom !== z);
  return { zoom: z, stale: stale.length, drawn: ours._featureGroup.getLayers().length,
           ours: mine.map(m => where(ours, m)), twin: copies.map(m => where(twin, m)) };
}"""


START_ZOOM = 18  # in one of the records' clouds: more than peta.js SYNC_ICONS (20) icons


def test_a_drag_while_the_view_is_drawn_leaves_markerclusters_own_icons(tmp_path, browser):
    """A view's icons join the map in slices (peta.js drawInSlices); a move meanwhile draws the
    rest first, so MarkerCluster redraws from a complete map: no icon missing, none left
    behind."""
    records = many_records(400)
    site = map_site(tmp_path, records)
    lat, lon = re.search(r"lokasi: \[([-\d.]+), ([-\d.]+)\]", records["uji-banyak-00000"]).groups()
    with serve(site) as url:
        ctx, page = new_page(browser, viewport={"width": 1280, "height": 800})
        try:
            page.goto(url + f"peta/peta.html#peta={lat},{lon},{START_ZOOM}")
            page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=30_000)
            page.wait_for_function("() => { const a = PetaKLA.app; return !a.map._animatingZoom"
                                   " && !a.cluster._inZoomAnimation; }")
            moved = page.evaluate(DRAG_WHILE_DRAWING)
            assert moved["drawing"], moved  # the drag came while the view was being drawn
            page.wait_for_function("() => { const a = PetaKLA.app; return !a.map._animatingZoom"
                                   " && !a.cluster._inZoomAnimation; }")
            result = page.evaluate(AFTER_MOVE)
            assert result["zoom"] == START_ZOOM
            assert result["stale"] == 0
            assert result["drawn"] > 20
            assert result["ours"] == result["twin"]
            assert sum(p is not None for p in result["ours"]) > 20
            ctx.recorder.assert_clean()
        finally:
            ctx.close()
