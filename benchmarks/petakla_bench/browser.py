"""Headless Chromium (Debian's, through Playwright): one cold page load of a map, timed from
inside the page (first marker icon, settled)."""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

from .common import REPO, log, median
from .serving import LOCAL

VIEWPORT = {"width": 1280, "height": 800}
NON_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1[:/])")
QUIET_MS = 500  # "settled": no new marker icon for this long, and no request in flight

try:  # the test suite's Chromium flags, so the benchmark runs the browser the tests run
    sys.path.insert(0, str(REPO / "tests"))
    from browser_util import CHROMIUM_ARGS  # type: ignore[import-not-found]
except Exception:  # noqa: BLE001 - the same list, should tests/ be unavailable
    CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]
finally:
    sys.path.remove(str(REPO / "tests"))


# Installed in every document before its own scripts: performance.now() of the first and the
# last insertion of a marker icon (.leaflet-marker-icon: a marker or a cluster icon).
INIT_SCRIPT = """(() => {
  const s = window.__bench = {first: null, last: null, added: 0};
  const isIcon = (n) => n.nodeType === 1 && (n.classList.contains('leaflet-marker-icon') ||
      (n.firstElementChild !== null && n.querySelector('.leaflet-marker-icon') !== null));
  new MutationObserver((records) => {
    const t = performance.now();
    for (const r of records) for (const n of r.addedNodes) {
      if (isIcon(n)) { if (s.first === null) s.first = t; s.last = t; s.added++; }
    }
  }).observe(document, {childList: true, subtree: true});
})();"""

STATE_JS = """() => {
  // The browser's own favicon.ico request is not the page's.
  const res = performance.getEntriesByType('resource')
    .filter(e => !e.name.endsWith('/favicon.ico')).map(e => e.responseEnd);
  const nav = performance.getEntriesByType('navigation')[0];
  return {now: performance.now(), first: window.__bench.first, last: window.__bench.last,
          added: window.__bench.added, lastResponse: Math.max(0, ...res),
          load: nav ? nav.loadEventEnd : null,
          // The project's map draws a quick first view, then MarkerCluster's clusters replace
          // it (html[data-pk-cluster]): not settled before those are drawn.
          busy: !!window.PetaKLA && !document.documentElement.hasAttribute('data-pk-cluster'),
          icons: document.querySelectorAll('.leaflet-marker-icon').length};
}"""


def browser_run(browser, url: str, timeout_s: float, after=None) -> dict:
    """One cold load (fresh context, empty cache): first marker, settled, requests made.
    `after(page) -> dict`, when given, runs on the settled page (result key "after")."""
    context = browser.new_context(viewport=VIEWPORT)
    requested: list[str] = []
    errors: list[str] = []
    inflight: set = set()
    last_net = [time.monotonic()]

    def route(r) -> None:  # tiles: no internet here, and they are not the site's bytes
        r.abort()

    def started(req) -> None:
        if req.url.endswith("/favicon.ico"):
            return
        inflight.add(req)
        last_net[0] = time.monotonic()

    def ended(req) -> None:
        inflight.discard(req)
        last_net[0] = time.monotonic()

    def response(resp) -> None:
        if (urlsplit(resp.url).hostname or "") == LOCAL:
            if resp.status < 400:
                requested.append(resp.url)
            elif not resp.url.endswith("/favicon.ico"):
                errors.append(f"HTTP {resp.status} {resp.url}")

    try:
        # Only other hosts are intercepted (the pattern is matched in the browser), so the
        # site's own requests take no detour through this process.
        context.route(NON_LOCAL, route)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        page.on("response", response)
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        t_start = time.monotonic()
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        while True:
            st = page.evaluate(STATE_JS)
            quiet_icons = st["first"] is not None and st["now"] - st["last"] >= QUIET_MS
            quiet_net = not inflight and time.monotonic() - last_net[0] >= QUIET_MS / 1000
            if quiet_icons and quiet_net and not st["busy"]:
                break
            if time.monotonic() - t_start > timeout_s:
                raise TimeoutError(f"not settled after {timeout_s:.0f} s (first marker: "
                                   f"{st['first']}, icons: {st['icons']})")
            page.wait_for_timeout(100)
        settled = max(st["last"], st["lastResponse"], st["load"] or 0)
        out = {"first_marker_ms": round(st["first"], 1), "settled_ms": round(settled, 1),
               "load_ms": round(st["load"], 1) if st["load"] else None,
               "icons_in_dom": st["icons"], "icon_insertions": st["added"],
               "requested": requested, "errors": errors[:5]}
        if after is not None:
            out["after"] = after(page)
        return out
    finally:
        context.close()


def summarise_runs(runs: list[dict]) -> dict:
    out = {"first_marker_ms": median([r["first_marker_ms"] for r in runs]),
           "settled_ms": median([r["settled_ms"] for r in runs]),
           "runs": [{k: v for k, v in r.items() if k != "requested"} for r in runs],
           "requested": runs[0]["requested"]}
    errs = [e for r in runs for e in r["errors"]]
    if errs:
        out["page_errors"] = errs[:5]
    return out


@contextlib.contextmanager
def chromium(skip: bool) -> Iterator[object]:
    if skip:
        yield None
        return
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium")
    if not exe:
        log("chromium not found (apt-get install chromium): browser measurements skipped")
        yield None
        return
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
