"""Blocks of the theme's page template that are the same on every page outside the
navigation in one folder (the 10,000 facility pages: `fasilitas/<id>/`), rendered once per
folder and reused (petakla/theme/main.html; mkdocs_hook._nav_key says which pages share
them). Rendering Material's base template is most of a facility page's build time, and these
blocks are half of it.

Two kinds: blocks that depend on the folder alone (relative links, the configuration: the
tabs, the navigation sidebar, the styles, the scripts, the footer, the `__config` data), kept
whole (`pk_nav_memo`); and the header, which also shows the page's title: kept as the text
before and after that title (`TitledMemo`), when the title is plain text that the template
prints as it is. PETAKLA_NAV_MEMO=0 renders every block of every page
(tests/test_build_shortcuts.py compares both builds byte for byte)."""

from __future__ import annotations

import re

# Where Material's header shows the page's title: the one "header-topic" element.
_TOPIC = 'data-md-component="header-topic"'
_BEFORE_TITLE = re.compile(re.escape(_TOPIC) + r'>\s*<span class="md-ellipsis">\s*')
_AFTER_TITLE = re.compile(r"\s*</span>")
_ESCAPED = frozenset("<>&\"'")  # what escaping would change: such a title is rendered anew


def _plain(title: object) -> bool:
    return isinstance(title, str) and bool(title) and not _ESCAPED.intersection(title)


class TitledMemo:
    """A block rendered once per key with a page's title in it, reused for another title
    by putting that title where the first one was."""

    def __init__(self) -> None:
        self.parts: dict[str, tuple[str, str] | None] = {}

    def has(self, key: str | None, title: object) -> bool:
        return key is not None and self.parts.get(key) is not None and _plain(title)

    def get(self, key: str, title: str) -> str:
        before, after = self.parts[key]  # type: ignore[misc]
        return before + title + after

    def put(self, key: str | None, title: object, html: str) -> str:
        """Keep `html` (this page's rendering) for `key`, cut at `title`; return `html`."""
        if key is not None and key not in self.parts and _plain(title):
            self.parts[key] = _split(html, title)  # type: ignore[arg-type]
        return html


def _split(html: str, title: str) -> tuple[str, str] | None:
    """The header before and after its title; None if it is not where Material puts it."""
    found = _BEFORE_TITLE.search(html)
    if found is None or html.count(_TOPIC) != 1 or not html.startswith(title, found.end()):
        return None
    rest = found.end() + len(title)
    if _AFTER_TITLE.match(html, rest) is None:
        return None
    return html[:found.end()], html[rest:]
