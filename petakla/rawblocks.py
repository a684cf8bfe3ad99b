"""Large raw HTML blocks set aside from a Markdown page's conversion. Python-Markdown passes a
raw HTML block (one starting a paragraph with a block-level tag and closing it at the
paragraph's end) through unchanged, but parses all of it, twice (its own HTML block
processor and MkDocs' anchor collector): most of the build's Markdown time on the report,
quality and coverage pages, whose tables list every facility. Each such block is replaced by
a one-line placeholder before the conversion and put back after it; its anchors (`id`, and
`name` of `<a>`) are collected as MkDocs would. The result is byte-identical
(tests/test_build_shortcuts.py builds the site both ways; PETAKLA_RAW_BLOCKS=0 turns this
off)."""

from __future__ import annotations

import os
import re

BLOCK_TAGS = ("table", "div", "section", "ul", "ol", "p", "details", "figure", "dl", "aside",
              "nav", "form", "blockquote")
MIN_CHARS = 2000  # a small block costs less than setting it aside
_START = re.compile(r"<(" + "|".join(BLOCK_TAGS) + r")[\s>]")
_PARAGRAPHS = re.compile(r"(\n(?:[ \t]*\n)+)")
_MARKDOWN_INSIDE = re.compile(r"<[^>]*\smarkdown[\s=>]")  # md_in_html converts those
_PLACEHOLDER = '<div data-petakla-raw="{}"></div>'
_TAG = re.compile(r"<([a-zA-Z][\w-]*)(\s[^>]*)?>")
_ATTR = re.compile(r"""\s([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def enabled() -> bool:
    return os.environ.get("PETAKLA_RAW_BLOCKS") != "0"


def _whole_element(chunk: str, tag: str) -> bool:
    """The chunk is one element: its first tag closes exactly at the chunk's end."""
    if not chunk.rstrip().endswith(f"</{tag}>") or _MARKDOWN_INSIDE.search(chunk):
        return False
    depth = 0
    end = len(chunk.rstrip())
    for m in re.finditer(rf"<(/?){tag}[\s>]", chunk):
        depth += -1 if m[1] else 1
        if depth == 0:
            return m.end() == end
    return False


def split(text: str) -> tuple[str, list[str]]:
    """(the Markdown with each large raw HTML block replaced by a placeholder, the blocks)."""
    parts = _PARAGRAPHS.split(text)
    blocks: list[str] = []
    for i in range(0, len(parts), 2):  # even: paragraphs; odd: the blank lines between
        chunk = parts[i]
        m = _START.match(chunk)
        if m and len(chunk) >= MIN_CHARS and _whole_element(chunk, m[1]):
            trailing = chunk[len(chunk.rstrip()):]
            parts[i] = _PLACEHOLDER.format(len(blocks)) + trailing
            blocks.append(chunk.rstrip())
    return "".join(parts), blocks


def restore(html: str, blocks: list[str]) -> str | None:
    """The converted page with its blocks back; None if a placeholder did not come through
    unchanged (the page is then converted the long way)."""
    for i, block in enumerate(blocks):
        placeholder = _PLACEHOLDER.format(i)
        if html.count(placeholder) != 1:
            return None
        html = html.replace(placeholder, block)
    return html


def anchors(blocks: list[str]) -> set[str]:
    """The anchors MkDocs collects from raw HTML: every `id`, and `name` of `<a>`."""
    from html import unescape

    found: set[str] = set()
    for block in blocks:
        for tag in _TAG.finditer(block):
            for attr in _ATTR.finditer(tag[2] or ""):
                name = attr[1].lower()
                if name == "id" or (name == "name" and tag[1].lower() == "a"):
                    found.add(unescape(attr[2] if attr[2] is not None else attr[3]))
    return found
