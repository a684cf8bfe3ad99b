"""Content-Security-Policy for every HTML document the site serves, as a <meta> tag (static
hosting cannot set headers). Scripts and styles may come only from the site itself, inline
ones only when their exact text is listed by hash; images also from the tile server. A record
that sneaks markup past escaping still cannot run code or load anything from elsewhere."""

from __future__ import annotations

import base64
import hashlib
import os
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
    return _policy([body for attrs, body in _INLINE_SCRIPT.findall(html)
                    if "application/json" not in attrs],
                   _INLINE_STYLE.findall(html), tiles)


# inline script or style -> its hash: the theme's few small ones are on every page
_hashes: dict[str, str] = {}
_HASHES_KEPT, _HASHED_KEPT_CHARS = 1000, 4000


def _policy(scripts: list[str], styles: list[str], tiles: str | None) -> str:
    """The policy allowing these inline scripts (JSON data blocks left out by the caller) and
    styles."""
    def hashes(bodies: list[str]) -> list[str]:
        out = set()
        for body in bodies:
            if (digest := _hashes.get(body)) is None:
                digest = _hash(body)
                if len(body) <= _HASHED_KEPT_CHARS and len(_hashes) < _HASHES_KEPT:
                    _hashes[body] = digest
            out.add(digest)
        return sorted(out)

    img = "'self' data:" + (f" {tiles}" if tiles else "")
    return "; ".join([
        "default-src 'self'",
        "script-src " + " ".join(["'self'", *hashes([b for b in scripts if b.strip()])]),
        "style-src " + " ".join(["'self'", *hashes(styles)]),
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
    found = [(m.start(), m[1], "script") for m in _SCRIPT_SRC.finditer(html)]
    found += [(m.start(), m[1], "style") for m in _STYLESHEET.finditer(html)]
    return _preload_links(found)


def _preload_links(found: list[tuple[int, str, str]]) -> str:
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
    if os.environ.get("PETAKLA_FAST_CSP") != "0":
        fast = _fast_add_csp(html, tiles)
        if fast is not None:
            return fast
    return _add_csp(html, tiles)


def _add_csp(html: str, tiles: str | None = None) -> str:
    """add_csp() the long way: one regular expression pass over the document per kind of tag."""
    html = _PRELOADS.sub("", _EXISTING.sub("", html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, tiles)}">'
    match = _HEAD.search(html)
    if not match:
        return html
    return html[:match.end()] + "\n" + preloads(html) + meta + html[match.end():]


# --- the same in one pass over the document -------------------------------------------------
# Every match of the patterns above starts with one of these tag openings; a single
# case-insensitive pass finds them all (they cannot overlap: none contains another "<"), and
# each pattern is then tried only where its own opening is: what its scan over the whole
# document would find, in a third of the time (7 passes per page were 0.3 ms of each of the
# 10,000 facility pages). tests/test_csp.py compares both ways.
_OPENINGS = re.compile(r"<(?:(script)|(style)|(head)|(link)|(meta))", re.I)
_SCRIPT, _STYLE, _HEAD_TAG, _LINK, _META = 1, 2, 3, 4, 5


def _matches(pattern: re.Pattern, html: str, starts: list[int]) -> list[re.Match]:
    """pattern.finditer(html), given every position where a match of it can start."""
    found: list[re.Match] = []
    after = 0
    for pos in starts:
        if pos >= after and (m := pattern.match(html, pos)) is not None:
            found.append(m)
            after = m.end()
    return found


def _fast_add_csp(html: str, tiles: str | None) -> str | None:
    """add_csp() of a document without a CSP or preload hints of its own (every page MkDocs
    renders); None for any other (then the long way)."""
    starts: tuple[list[int], ...] = ([], [], [], [], [], [])
    for m in _OPENINGS.finditer(html):
        starts[m.lastindex].append(m.start())
    if _matches(_EXISTING, html, starts[_META]) or _matches(_PRELOADS, html, starts[_LINK]):
        return None
    head = _matches(_HEAD, html, starts[_HEAD_TAG])
    if not head:
        return None
    scripts = _matches(_INLINE_SCRIPT, html, starts[_SCRIPT])
    styles = _matches(_INLINE_STYLE, html, starts[_STYLE])
    meta = ('<meta http-equiv="Content-Security-Policy" content="'
            + _policy([m[2] for m in scripts if "application/json" not in m[1]],
                      [m[1] for m in styles], tiles) + '">')
    found = [(m.start(), m[1], "script") for m in _matches(_SCRIPT_SRC, html, starts[_SCRIPT])]
    found += [(m.start(), m[1], "style") for m in _matches(_STYLESHEET, html, starts[_LINK])]
    end = head[0].end()
    return html[:end] + "\n" + _preload_links(found) + meta + html[end:]
