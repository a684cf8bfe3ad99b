"""YAML syntax errors as editors need them: the line where the slip is (an unclosed quote is
reported where it opens, not where the parser gave up) and what to do, in Indonesian. The
parser's own English text never reaches the editor. Used by load (check) and edit (fmt)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from .report import Problem

if TYPE_CHECKING:
    from .load import Document

_TAB_HINT = ("ada karakter tab; gunakan spasi untuk indentasi.", False)
_COLON_HINT = ("ada titik dua (:) di tempat yang salah; periksa indentasi baris ini, atau apit "
               "teks yang memuat ': ' dengan tanda kutip.", False)
_UNCLOSED_QUOTE = ("tanda kutip ini tidak ditutup; tambahkan tanda kutip penutup yang sama di "
                   "akhir nilainya.")
_INDENT = ("indentasi baris ini tidak cocok dengan baris di atasnya: kunci yang setingkat harus "
           "diawali jumlah spasi yang sama; periksa spasi di awal baris.", False)
_AFTER_CLOSE = ("ada teks sesudah tanda kutip atau kurung penutup; apit seluruh nilai dengan tanda "
                "kutip, atau hapus teks sesudahnya.", False)
NESTING = ("YAML tidak dapat dibaca: susunannya terlalu dalam atau tidak wajar; tulis satu "
            "fasilitas sebagai kunci dan nilai biasa (lihat panduan kontributor).")
_FALLBACK = ("YAML tidak dapat dibaca di sini; periksa indentasi (spasi di awal baris), titik dua "
             "sesudah nama kunci dan tanda kutip.")
# problem -> (what to do, whether to point at the context mark, i.e. where the construct that
# went wrong starts). Keys are PyYAML's wording and, for the same problem, libyaml's
# (CSafeLoader is used when available, and its messages differ). The parser's own (English)
# text never reaches the editor.
_PROBLEM_HINTS = {
    "found character '\\t' that cannot start any token": _TAB_HINT,
    "found a tab character that violates indentation": _TAB_HINT,
    "mapping values are not allowed here": _COLON_HINT,
    "mapping values are not allowed in this context": _COLON_HINT,
    "but found another document": (
        "berkas hanya boleh berisi satu dokumen (hapus '---' kedua).", False),
    "could not find expected ':'": (
        "baris ini tidak punya titik dua (:) sesudah nama kunci; tulis `kunci: nilai`.", True),
    "did not find expected ',' or ']'": (
        "daftar [ ... ] ini belum ditutup dengan ']' atau isinya tidak dipisah koma; "
        "periksa tanda kurung dan komanya.", True),
    "did not find expected ',' or '}'": (
        "kurung kurawal { ... } ini belum ditutup dengan '}' atau isinya tidak dipisah koma; "
        "periksa tanda kurungnya (daftar ditulis dengan [ ... ]).", True),
    "found unknown escape character": (
        "garis miring terbalik (\\) di dalam tanda kutip ganda harus ditulis dua kali (\\\\); "
        "atau apit nilainya dengan tanda kutip tunggal ('...').", False),
}
_CONTEXT_HINTS = {
    "while scanning an alias": (
        "nilai yang diawali * dibaca sebagai alias YAML; apit nilainya dengan tanda kutip.", True),
    "while scanning an anchor": (
        "nilai yang diawali & dibaca sebagai anchor YAML; apit nilainya dengan tanda kutip.", True),
    "while scanning a directive": (
        "baris tidak boleh diawali %; apit teksnya dengan tanda kutip.", True),
}


def _opening_quote(line: str) -> int | None:
    """Column (0-based) of a quote that opens a value on this line and is not closed on it."""
    m = re.match(r"\s*(?:-\s+)?(?:[^\s:#'\"][^:#]*?:\s+)?(['\"])", line)
    if not m:
        return None
    quote, start = m.group(1), m.end(1)
    rest = line[start:]
    closing = r'(?:[^"\\]|\\.)*"' if quote == '"' else r"(?:[^']|'')*'"
    closed = re.match(closing, rest)
    return None if closed else start - 1


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int] | None:
    """The first line (1-based) up to `upto` whose value opens a quote it does not close."""
    for number, line in enumerate(lines[:upto], 1):
        if line.lstrip().startswith("#"):
            continue
        col = _opening_quote(line)
        if col is not None:
            return number, col + 1
    return None


def yaml_problem(doc: Document, exc: yaml.YAMLError, text: str = "") -> None:
    """Add one Problem for a YAML syntax error: where the slip is, in Indonesian, what to do."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = str(getattr(exc, "problem", "") or exc).strip()
    context = str(getattr(exc, "context", "") or "")
    lines = text.split("\n")
    # Records keep each value on one line, so a quote left open on an earlier line is the
    # likeliest cause of any error further down (the scanner read on to the next quote).
    quote = _unclosed_quote(lines, line)
    if quote is not None:
        doc.problems.append(Problem(doc.display, *quote, "error", "", _UNCLOSED_QUOTE))
        return
    hint = _PROBLEM_HINTS.get(problem) or _PROBLEM_HINTS.get(problem.split(" '")[0])
    if hint is None and problem.endswith("that cannot start any token"):
        char = lines[line - 1][col - 1:col] if line <= len(lines) else ""
        if char == "\t":
            hint = _TAB_HINT  # libyaml does not name the character
        elif char:
            hint = (f"nilai tidak boleh diawali karakter '{char}'; apit nilainya dengan tanda "
                    "kutip.", False)
    if hint is None:
        hint = _CONTEXT_HINTS.get(context)
    if hint is None and context == "while parsing a block mapping":
        current = lines[line - 1] if line <= len(lines) else ""
        at_start = col - 1 <= len(current) - len(current.lstrip())
        hint = _INDENT if at_start else _AFTER_CLOSE
    context_mark = getattr(exc, "context_mark", None)
    if hint and hint[1] and context_mark:
        line, col = context_mark.line + 1, context_mark.column + 1
    message = hint[0] if hint else _FALLBACK
    doc.problems.append(Problem(doc.display, line, col, "error", "", message))
