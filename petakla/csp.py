"""Content-Security-Policy for every HTML document the site serves, as a <meta> tag (static
hosting cannot set headers). Scripts and styles may come only from the site itself, inline
ones only when their exact text is listed by hash; images also from the tile server. A record
that sneaks markup past escaping still cannot run code or load anything from elsewhere."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
# After <head> and the <meta charset> that browsers look for in the first 1024 bytes.
_HEAD = re.compile(r'<head[^>]*>(?:\s*<meta charset="[^"]*">)?', re.I)
_EXISTING = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\s*', re.I)


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def tile_origin(tiles_url: str) -> str:
    parts = urlsplit(tiles_url.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}"


def policy(html: str, tiles: str | None = None) -> str:
    scripts = sorted({_hash(body) for attrs, body in _INLINE_SCRIPT.findall(html)
                      if "application/json" not in attrs and body.strip()})
    styles = sorted({_hash(body) for body in _INLINE_STYLE.findall(html)})
    img = "'self' data:" + (f" {tiles}" if tiles else "")
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *scripts]),
        "style-src " + " ".join(["'self'", *styles]),
        f"img-src {img}",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])


_SCRIPT_SRC = re.compile(r'<script\b[^>]*?\bsrc="([^"]+)"', re.I)
_STYLESHEET = re.compile(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*?\bhref="([^"]+)"', re.I)
_PRELOADS = re.compile(r'<link rel="preload" href="[^"]*" as="(?:script|style)">\n', re.I)


def preloads(html: str) -> str:
    """<link rel=preload> for the document's own scripts and stylesheets, in document order.
    Chromium's preload scanner stops at a CSP <meta> (measured: the files after it then load
    one after another, ~80 ms later on the map), so the build lists them ahead of it."""
    found = [(m.start(), url, "script") for m in _SCRIPT_SRC.finditer(html) for url in [m[1]]]
    found += [(m.start(), url, "style") for m in _STYLESHEET.finditer(html) for url in [m[1]]]
    seen: set[str] = set()
    out = []
    for _, url, kind in sorted(found):
        if url not in seen and "://" not in url and not url.startswith("//"):
            seen.add(url)
            out.append(f'<link rel="preload" href="{url}" as="{kind}">\n')
    return "".join(out)


def add_csp(html: str, tiles: str | None = None) -> str:
    """The document with a CSP <meta> at the start of <head> (before any script), after only
    the charset and preload hints for the document's own scripts and stylesheets."""
    html = _PRELOADS.sub("", _EXISTING.sub("", html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, tiles)}">'
    match = _HEAD.search(html)
    if not match:
        return html
    return html[:match.end()] + "\n" + preloads(html) + meta + html[match.end():]
