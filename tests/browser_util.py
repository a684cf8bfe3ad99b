"""Browser helpers for tests/test_browser.py: Debian's chromium driven by Playwright, with every
request to a host other than 127.0.0.1 aborted and recorded."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Frame,
    Locator,
    Page,
    Request,
    Response,
)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOCAL = "127.0.0.1"
# The only third-party host a visitor's browser contacts (README, privasi.md). Its requests may
# be attempted; they are aborted here, as there is no internet.
TILE_HOST = "tile.openstreetmap.org"


def chromium_path() -> str | None:
    return shutil.which("chromium")


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""


@dataclass
class Recorder:
    """What the pages of one browser context did: hosts requested (including aborted ones),
    failed requests, HTTP errors, console errors and uncaught exceptions (of every frame)."""

    hosts: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, failure)
    http_errors: list[tuple[int, str]] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)  # URLs answered with a status < 400
    console_errors: list[tuple[str, str]] = field(default_factory=list)  # (text, source url)
    page_errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.on("page", self.watch)

    def _route(self, route) -> None:
        url = route.request.url
        host = host_of(url)
        self.hosts.append(host)
        if host == LOCAL:
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort()

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"{page.url}: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.console_errors.append((msg.text, (msg.location or {}).get("url", "")))

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.http_errors.append((response.status, response.url))
        else:
            self.loaded.add(response.url)

    def _request_failed(self, request: Request) -> None:
        self.failed.append((request.url, request.failure or ""))

    # -- what a test asserts ---------------------------------------------------------------

    def unexpected_hosts(self) -> set[str]:
        return set(self.hosts) - {LOCAL, TILE_HOST}

    def problems(self) -> list[str]:
        """Everything that went wrong, except the aborted tile requests and their console
        messages ("Failed to load resource: net::ERR_FAILED" for a tile URL)."""
        out = [f"page error: {e}" for e in self.page_errors]
        out += [f"request to another host: {h}" for h in sorted(self.unexpected_hosts())]
        # Material's instant navigation re-assigns every src on the page it starts on
        # (`el.src = el.src`, making URLs absolute); when that lands while a map iframe is
        # still loading, the iframe's first request is cancelled (net::ERR_ABORTED) and the
        # same URL is loaded again. Only such superseded requests are tolerated.
        out += [f"request failed: {u} ({why})" for u, why in self.failed
                if host_of(u) != TILE_HOST and not (why == "net::ERR_ABORTED" and u in self.loaded)]
        out += [f"HTTP {status}: {u}" for status, u in self.http_errors]
        out += [f"console error: {text} [{src}]" for text, src in self.console_errors
                if not (text.startswith("Failed to load resource") and host_of(src) == TILE_HOST)]
        return out

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)
        assert all(host_of(u) == TILE_HOST for u in self.aborted), self.aborted


def map_frame(page: Page, src_part: str) -> Frame:
    """The map document in the page's iframe whose src contains `src_part`, once peta.js has
    placed its markers (it sets <html data-pk-ready="N">). Lazy iframes load when scrolled to.
    Kecamatan and kategori pages show a picture of their map until its "Buka peta interaktif"
    button is pressed: pressed here, as a visitor does."""
    iframe = page.locator(f"iframe[src*='{src_part}']")
    start = page.locator(f"[data-pk-peta*='{src_part}'] .pk-peta-buka")
    if not iframe.count() and start.count():
        start.click()
    iframe.scroll_into_view_if_needed()
    handle = iframe.element_handle()
    frame = handle.content_frame()
    assert frame is not None, f"no document in iframe {src_part}"
    frame.locator("html[data-pk-ready]").wait_for(state="attached", timeout=WAIT_MS)
    return frame


# Container point of a facility's marker and the index of the cluster icon nearest to it, for
# zooming in on a clustered marker the way a person does (clicking clusters).
_CENTRE_ON = """async (id) => {
  await PetaKLA.app.loadDetails();
  const m = PetaKLA.app.markerOf(id);
  PetaKLA.app.map.setView(m.getLatLng(), PetaKLA.app.map.getZoom(), { animate: false });
}"""

_NEAREST_CLUSTER = """async (id) => {
  const L = window.L;
  const map = Object.values(window).find(v => v instanceof L.Map);
  await PetaKLA.app.loadDetails();  // marker titles (names) arrive with the details file
  const marker = PetaKLA.app.markerOf(id);
  const p = map.latLngToContainerPoint(marker.getLatLng());
  const box = map.getContainer().getBoundingClientRect();
  let best = -1, dist = Infinity;
  document.querySelectorAll('.marker-cluster').forEach((el, i) => {
    const r = el.getBoundingClientRect();
    const d = Math.hypot(r.left + r.width / 2 - box.left - p.x, r.top + r.height / 2 - box.top - p.y);
    if (d < dist) { dist = d; best = i; }
  });
  return best;
}"""


def form_frame(page: Page, base_url: str) -> Frame:
    """The editors' form of `base_url`/tambah/, once ready (its record list and schema read)."""
    page.goto(base_url + "tambah/")
    frame = page.locator("iframe[src*='form.html']").element_handle().content_frame()
    assert frame is not None
    frame.locator("html[data-pk-ready]").wait_for(state="attached", timeout=WAIT_MS)
    return frame


def reveal_marker(frame: Frame, facility_id: str, title: str, tries: int = 8) -> Locator:
    """The visible marker of one facility on the full map, clicking clusters until it is."""
    marker = frame.locator(".pk-marker").and_(frame.get_by_title(title, exact=True))
    # Centre the map on the facility first: a marker just outside the visible map can still
    # be in the DOM (MarkerCluster keeps a margin), where it cannot be clicked.
    frame.evaluate(_CENTRE_ON, facility_id)
    map_still(frame)
    for _ in range(tries):
        if marker.count() == 1 and marker.is_visible():
            return marker
        nearest = frame.evaluate(_NEAREST_CLUSTER, facility_id)
        assert nearest >= 0, f"{title!r} is neither a visible marker nor inside a cluster"
        frame.locator(".marker-cluster").nth(nearest).click()
        map_still(frame)  # Leaflet's zoom and MarkerCluster's animation
    raise AssertionError(f"marker {title!r} not revealed after {tries} cluster clicks")


# The map stands still: no zoom or pan animation of Leaflet, no MarkerCluster animation (nor its
# tidy-up queued 300 ms after a zoom), for three animation frames in a row at the same view —
# Leaflet starts an animated zoom one frame after it is asked for (_tryAnimatedZoom), so one
# still frame right after a click proves nothing.
_STILL = """(token) => {
  const app = window.PetaKLA && window.PetaKLA.app, map = app && app.map;
  let w = window.__pkStill;
  if (!w || w.token !== token) w = window.__pkStill = { token, view: null, n: 0 };
  if (!map) return false;
  const c = app.cluster;
  const moving = map._animatingZoom || (map._panAnim && map._panAnim._inProgress)
    || map._flyToFrame || (c && (c._inZoomAnimation > 0 || c._queueTimeout));
  if (moving) { w.view = null; w.n = 0; return false; }
  const at = map.getCenter(), view = [at.lat, at.lng, map.getZoom()].join();
  if (view !== w.view) { w.view = view; w.n = 1; return false; }
  return ++w.n >= 3;
}"""
_still_calls = 0


def map_still(frame: Frame, timeout: float = 15_000) -> None:
    """Wait until the frame's map (PetaKLA.app) stands still and no CSS animation or
    transition runs (markers fading in or out, a popup fading in): geometry, visibility and
    colours are then final."""
    global _still_calls
    _still_calls += 1
    frame.wait_for_function(_STILL, arg=_still_calls, polling="raf", timeout=timeout)
    settle(frame, timeout)


def axe_run(page: Page, options: str = "{}") -> dict:
    """axe-core (bundled with axe-playwright-python) injected into the page and every frame
    (the map and form iframes), then run from the page: its whole response."""
    from axe_playwright_python.sync_playwright import Axe

    script = Axe().axe_script
    for frame in page.frames:
        settle(frame)
        frame.evaluate(script)
    return page.evaluate(f"axe.run(document, {options})")


# Finite CSS animations and transitions still running (Leaflet fades a popup in over 0.2 s): colour
# contrast measured mid-fade sees text at partial opacity, so checks wait for them to end.
_RUNNING = """() => document.getAnimations().filter(a => a.playState === 'running'
  && Number.isFinite(a.effect?.getComputedTiming().endTime)).length === 0"""


def settle(frame: Frame, timeout: float = 10_000) -> None:
    """Wait until no finite animation or transition runs in the frame's document."""
    frame.wait_for_function(_RUNNING, timeout=timeout)


# Longest wait for a page state. Tests wait for states, never for time, so this bounds only a
# failure; 15 s was reached once by a network-idle wait on a loaded 2-core machine.
WAIT_MS = 30_000


def new_page(browser, **options):
    """A page in a fresh context (its own profile) whose requests are recorded and, but for
    127.0.0.1, aborted (ctx.recorder). The caller closes the context."""
    ctx = browser.new_context(locale="id-ID", **options)
    ctx.recorder = Recorder()
    ctx.recorder.attach(ctx)
    page = ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    return ctx, page
