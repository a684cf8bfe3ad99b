"""Text widths for laying out SVG text without a drawing library (petakla.charts).

Advance widths of DejaVu Sans Book (version 2.37, as shipped by Debian's fonts-dejavu-core and
by matplotlib), in font units (2048 per em), for printable ASCII and Latin-1 and a few marks
the site's texts use. Kerning is left out: it only ever makes a line of this font narrower.
A character not listed counts as one em, wider than any listed here, so a width is never
underestimated (tests/test_coverage.py measures the texts of the charts in Chromium)."""

from __future__ import annotations

UNITS_PER_EM = 2048
_ASCII = (  # U+0020 .. U+007E
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716,
    1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767,
    1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690,
    799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186,
    569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075,
    1303, 690, 1303, 1716,
)
_LATIN1 = (  # U+00A0 .. U+00FF
    651, 821, 1303, 1303, 1303, 1303, 690, 1024, 1024, 2048, 965, 1253, 1716, 739, 2048, 1024,
    1024, 1716, 821, 821, 1024, 1303, 1303, 651, 1024, 821, 965, 1253, 1985, 1985, 1985, 1087,
    1401, 1401, 1401, 1401, 1401, 1401, 1995, 1430, 1294, 1294, 1294, 1294, 604, 604, 604,
    604, 1587, 1532, 1612, 1612, 1612, 1612, 1612, 1716, 1612, 1499, 1499, 1499, 1499, 1251,
    1239, 1290, 1255, 1255, 1255, 1255, 1255, 1255, 2011, 1126, 1260, 1260, 1260, 1260, 569,
    569, 569, 569, 1253, 1298, 1253, 1253, 1253, 1253, 1253, 1716, 1253, 1298, 1298, 1298,
    1298, 1212, 1300, 1212,
)
_OTHER = {"–": 1024, "—": 2048, "‘": 651, "’": 651, "“": 1061, "”": 1061, "…": 2048,
          "≤": 1716, "≥": 1716, "•": 1208, "×": 1716}
ADVANCE: dict[str, int] = {
    **{chr(0x20 + i): w for i, w in enumerate(_ASCII)},
    **{chr(0xA0 + i): w for i, w in enumerate(_LATIN1)},
    **_OTHER,
}


def text_width(text: str, size: float) -> float:
    """Width of `text` set in DejaVu Sans at `size` (same unit as the result)."""
    return sum(ADVANCE.get(c, UNITS_PER_EM) for c in text) * size / UNITS_PER_EM
