"""What Material's search plugin reads of a page, without the parts it throws away.

The long per-facility lists of /mutu/, /laporan/ and /cakupan/ are marked
`data-search-exclude`: the search plugin parses every tag of them (Python's HTMLParser, the
build's slowest per-byte step on those pages) and then leaves their text out of the index.
`for_search(html)` gives the same HTML with the inside of each such element emptied, the
element's own start and end tags kept, so the plugin makes the same index entries from it.

Only an element whose inside the plugin provably ignores is emptied: balanced tags, no
heading (a heading starts an index section even there), no element of its own name (the
plugin would end the exclusion at its end tag), no script, style, comment or other markup
declaration, and every `<` a tag. Anything else is left as it is. The page itself keeps its
full content (mkdocs_hook restores it after the plugin ran); tests/test_build_shortcuts.py
builds a site both ways and compares every file, the search index included.
PETAKLA_SEARCH_INPUT=0 turns it off.

A page excluded from search as a whole (`search: {exclude: true}` in its front matter: every
facility page) is read by the plugin only to take the plugin's `data-search-*` attributes out
of it: without any such attribute (`for_page()`), the plugin is given an empty page and
changes nothing (0.2 ms of each of 10,000 facility pages)."""

from __future__ import annotations

import os
import re

ATTRIBUTE = "data-search-exclude"
# the tags HTMLParser's users treat as having no end tag (Material's search plugin's list)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "param", "source", "track", "wbr"})
_REFUSED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "object",
                      "textarea", "title"})
# a tag: its "/", name and attributes (possessive: nothing to backtrack into)
_TAG = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*+)((?:[^<>"']++|"[^"]*+"|'[^']*+')*+)>""")
_ATTR = r"""\s+([^\s/=>"'<]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_ATTRS = re.compile(rf"(?:{_ATTR})*\s*")  # a start tag's attributes, nothing else
_NAMES = re.compile(_ATTR)


def _excludes(attrs: str) -> bool:
    return (_ATTRS.fullmatch(attrs) is not None
            and ATTRIBUTE in (name.lower() for name in _NAMES.findall(attrs)))


def enabled() -> bool:
    return os.environ.get("PETAKLA_SEARCH_INPUT") != "0"


def _element_end(html: str, start: re.Match) -> int | None:
    """Where the element opened by `start` ends (after its end tag), or None if its inside
    is not plainly ignored by the search plugin."""
    name = start[2].lower()
    close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(html, start.end())
    if close is None:
        return None
    inner = html[start.end():close.start()]
    tags = _TAG.findall(inner)  # one pass in C; the loop below only looks at names
    if len(tags) != inner.count("<"):
        return None  # a comment, a declaration, or a '<' that is not a tag
    stack: list[str] = []
    for closing, tag, rest in tags:
        tag = tag.lower()
        if tag == name or tag in _REFUSED:
            return None
        if closing:
            if rest.strip() or not stack or stack.pop() != tag:
                return None
        elif tag not in VOID and not rest.rstrip().endswith("/"):
            stack.append(tag)
    return None if stack else close.end()


def for_page(html: str, meta: dict) -> str:
    """What the search plugin is given to read of a page with this front matter: for_search(),
    or nothing at all if the plugin neither indexes the page nor would change it."""
    search = meta.get("search")
    if (isinstance(search, dict) and search.get("exclude")
            and PLUGIN_ATTRIBUTES not in html):
        return ""
    return for_search(html) if ATTRIBUTE in html else html


def for_search(html: str) -> str:
    """`html` with the inside of every plainly ignorable `data-search-exclude` element
    removed (see the module's docstring); `html` itself if there is none."""
    parts: list[str] = []
    done = 0
    at = html.find(ATTRIBUTE)
    while at >= 0:
        lt = html.rfind("<", done, at)
        start = _TAG.match(html, lt) if lt >= 0 else None
        end = None
        if (start is not None and start.end() > at and not start[1]
                and start[2].lower() not in VOID | _REFUSED and _excludes(start[3])):
            end = _element_end(html, start)
        if end is None:
            at = html.find(ATTRIBUTE, at + len(ATTRIBUTE))
            continue
        close = html.rfind("</", start.end(), end)
        parts += [html[done:start.end()], html[close:end]]
        done = end
        at = html.find(ATTRIBUTE, done)
    if not parts:
        return html
    parts.append(html[done:])
    return "".join(parts)


# What the search plugin removes from a page's content after indexing it (its own pattern).
PLUGIN_REMOVES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")
PLUGIN_ATTRIBUTES = "data-search-"  # in every match of PLUGIN_REMOVES


def restored(current: str, full: str, shorter: str) -> str | None:
    """The page's content as the long way leaves it: `full`, changed as the plugins between
    for_search() and now changed `shorter` into `current` (nothing, or the search plugin's
    removal of its attributes); None if they did something else."""
    if current == shorter:
        return full
    if current == PLUGIN_REMOVES.sub("", shorter):
        return PLUGIN_REMOVES.sub("", full)
    return None
