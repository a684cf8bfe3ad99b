"""Read record files safely, keeping the line and column of every key and value.

YAML is composed (never constructed) by PyYAML's safe composer; this module then turns the
node tree into plain Python values itself, so it can refuse what a facility record never
needs and an attacker might use: custom tags, anchors/aliases (alias bombs), merge keys and
duplicate keys. No input makes it raise: every failure becomes a Problem.
"""

from __future__ import annotations

import datetime
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .report import Problem, display_path
from .yaml_errors import NESTING, yaml_problem

MAX_BYTES = 256 * 1024  # a record is a few hundred bytes; anything this large is a mistake


class _CoreLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Plain scalars typed by YAML 1.2's core schema, as editors (yaml-language-server) and
    check-jsonschema read them: only true/false are booleans (yes/no/on/off are text),
    -3.3e0 and 1e3 are numbers, 010 is ten, and dates are text."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in (
    ("merge", r"<<", "<"),  # only so that load can refuse merge keys by their tag
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", "-+.0123456789"),
):
    _CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern})$"),
                                      list(_first))
_Loader = _CoreLoader


def _core_scalar(tag: str, text: str) -> Any:
    """A scalar's value under YAML 1.2's core schema; ValueError if it is not one."""
    if tag == _STR:
        return text
    kind = tag.rsplit(":", 1)[-1]
    if kind == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(text)
        return text.lower() == "true"
    if kind == "null":
        return None
    if kind == "int":
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)
    if kind == "float":
        special = text.lower().lstrip("+")
        if special in (".inf", "-.inf", ".nan"):
            return float(special.replace(".", ""))
        return float(text)
    return text
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_ALLOWED_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
Path_ = tuple[str | int, ...]
# Invisible characters a record never needs: C0/C1 controls and DEL (XML, hence KML, cannot
# carry most of them; NUL truncates values), Unicode bidi controls (they reorder the text
# around them, e.g. in a page title) and what is not a character at all (lone surrogates,
# noncharacters). Tab and newline only where a field is multi-line text.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                        "\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_TAB_NEWLINE = re.compile("[\t\n]")
_MULTILINE_FIELDS = {("keterangan",)}
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass
class Document:
    """One record file: its values, where each sits, and what went wrong reading it."""

    path: Path
    display: str
    data: Any = None
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    _id: str | None = field(default=None, repr=False, compare=False)

    @property
    def id(self) -> str:
        if self._id is None:
            self._id = self.path.stem
        return self._id

    def position(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of a value (or of its key), else of its nearest ancestor."""
        marks = self.key_marks if key else self.value_marks
        while path:
            if path in marks:
                return marks[path]
            if path in self.value_marks:
                return self.value_marks[path]
            path = path[:-1]
        return self.value_marks.get((), (1, 1))

    def problem(self, path: Path_, message: str, severity: str = "error", key: bool = False) -> None:
        line, col = self.position(path, key=key)
        dotted = ".".join(str(p) for p in path)
        found = Problem(self.display, line, col, severity, dotted, message)
        if found not in self.problems:  # e.g. jsonschema's `required` once per missing key
            self.problems.append(found)


class _Refused(Exception):
    def __init__(self, node: Node, message: str, path: Path_ = ()):
        super().__init__(message)
        self.node = node
        self.message = message
        self.path = path  # the field the refused value belongs to


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Converter:
    def __init__(self, doc: Document, text: str = ""):
        self.doc = doc
        self.text = text
        self.seen: dict[int, Path_] = {}  # node -> where it was first read
        self.constructor = yaml.constructor.SafeConstructor()

    def _check_text(self, node: ScalarNode, value: str, path: Path_) -> None:
        if value.isascii() and value.isprintable():  # most values: no control, tab, newline
            return
        found = _INVISIBLE.search(value)
        if found is None and path not in _MULTILINE_FIELDS:
            found = _TAB_NEWLINE.search(value)
        if found is None:
            return
        char = found.group()
        line, col = self._source_position(node, char)
        code = f"U+{ord(char):04X}"
        if char in _BIDI:
            what = (f"karakter pengarah teks tak terlihat ({code}) yang membalik atau menggeser "
                    "urutan teks di sekitarnya")
        elif char in "\t\n":
            what = f"{'tab' if char == chr(9) else 'baris baru'} ({code}); kolom ini satu baris saja"
        else:
            what = f"karakter kendali tak terlihat ({code})"
        self.doc.problems.append(Problem(
            self.doc.display, line, col, "error", ".".join(str(p) for p in path),
            f"ada {what}. Hapus karakter itu (sering terbawa saat menyalin teks)."))

    def _source_position(self, node: ScalarNode, char: str) -> tuple[int, int]:
        """Where `char` sits in the file when it is written as is, else where the value
        starts (it was written as an escape such as "\\x01")."""
        start, end = node.start_mark, node.end_mark
        lines = self.text.split("\n")
        for number in range(start.line, min(end.line, len(lines) - 1) + 1):
            first = start.column if number == start.line else 0
            last = end.column if number == end.line else len(lines[number])
            col = lines[number].find(char, first, last)
            if col >= 0:
                return number + 1, col + 1
        return _mark(node)

    def convert(self, node: Node, path: Path_) -> Any:
        if id(node) in self.seen:  # an alias: report it at its anchor, where the node sits
            raise _Refused(node, "anchor/alias YAML (& dan *) tidak diizinkan; tulis nilainya "
                                 "langsung.", self.seen[id(node)])
        self.seen[id(node)] = path
        self.doc.value_marks[path] = _mark(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise _Refused(node, f"tag YAML '{node.tag}' tidak diizinkan; hapus tag tersebut.",
                          path)
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag not in _ALLOWED_SCALAR_TAGS:
            raise _Refused(node, f"tag YAML '{node.tag}' tidak diizinkan; hapus tag tersebut.",
                          path)
        try:
            value = (self.constructor.construct_object(node) if node.tag == _TIMESTAMP
                     else _core_scalar(node.tag, node.value))
        except (ValueError, yaml.YAMLError):
            raise _Refused(node, f"nilai '{node.value}' tidak dapat dibaca; periksa penulisannya.",
                          path) from None
        if isinstance(value, str):
            self._check_text(node, value, path)
            return value
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()  # records stay JSON-like; dates are checked as text
        if isinstance(value, float) and not math.isfinite(value):
            raise _Refused(node, "angka tak hingga atau NaN tidak diizinkan; tulis angka biasa.",
                          path)
        return value

    def _mapping(self, node: MappingNode, path: Path_) -> dict:
        if node.tag != "tag:yaml.org,2002:map":
            raise _Refused(node, f"tag YAML '{node.tag}' tidak diizinkan; hapus tag tersebut.",
                          path)
        result: dict[str, Any] = {}
        first_seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(key_node, "kunci harus berupa teks biasa (tanpa <<, daftar atau "
                                         "peta).", path)
            key = str(key_node.value)
            if key in first_seen:
                line = first_seen[key][0]
                self.doc.problems.append(Problem(
                    self.doc.display, *_mark(key_node), "error",
                    ".".join(str(p) for p in path + (key,)),
                    f"kunci '{key}' ditulis dua kali (pertama di baris {line}); hapus salah satunya.",
                ))
                continue
            first_seen[key] = _mark(key_node)
            self.doc.key_marks[path + (key,)] = _mark(key_node)
            result[key] = self.convert(value_node, path + (key,))
        return result


def decode(doc: Document, raw: bytes) -> str | None:
    if len(raw) > MAX_BYTES:
        doc.problem((), f"berkas terlalu besar ({len(raw):,} bita; paling besar {MAX_BYTES:,}); "
                        "satu berkas hanya untuk satu fasilitas.")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # in characters, like YAML marks: what precedes the bad byte is valid UTF-8
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1
        doc.problems.append(Problem(doc.display, line, col, "error", "",
                                    "berkas bukan UTF-8; simpan ulang dengan pengodean UTF-8."))
        return None
    if text.startswith("\ufeff"):
        doc.problem((), "berkas diawali BOM; simpan sebagai UTF-8 tanpa BOM "
                        "(atau jalankan `python build_map.py fmt`).", severity="warning")
        text = text[1:]
    if "\x00" in text:
        doc.problem((), "berkas memuat karakter NUL; ini bukan berkas teks YAML. Simpan ulang "
                        "sebagai teks biasa (UTF-8).")
        return None
    return text


def read_regular(doc: Document) -> bytes | None:
    """The bytes of a record that is a regular file, else None with a problem: never follows
    a symbolic link (a record outside the repository would be published) and never waits on
    a FIFO or a device (opened without blocking, then checked before reading)."""
    path = doc.path
    if path.is_symlink():
        doc.problem((), f"berkas ini tautan simbolik (symlink) ke '{os.readlink(path)}'; data "
                        "fasilitas harus berkas biasa di facilities/. Ganti tautan dengan berkas "
                        "berisi datanya sendiri.")
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        doc.problem((), f"berkas tidak dapat dibaca ({exc.strerror}).")
        return None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "folder" if stat.S_ISDIR(mode) else "FIFO atau perangkat"
            doc.problem((), f"'{path.name}' tidak dapat dibaca: ini {kind}, bukan berkas data; "
                            "di facilities/ nama berakhiran .yml hanya untuk berkas data. Ganti "
                            "namanya atau pindahkan.")
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        doc.problem((), f"berkas tidak dapat dibaca ({exc.strerror}).")
        return None
    finally:
        os.close(fd)


def load_document(path: Path, root: Path) -> Document:
    doc = Document(path=path, display=display_path(path, root))
    raw = read_regular(doc)
    if raw is None:
        return doc
    text = decode(doc, raw)
    if text is None:
        return doc
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        yaml_problem(doc, exc, text)
        return doc
    except (ValueError, RecursionError):  # e.g. absurdly deep nesting
        doc.problem((), NESTING)
        return doc
    if node is None:
        doc.problem((), "berkas kosong; isi dengan data satu fasilitas (lihat panduan kontributor).")
        return doc
    try:
        doc.data = _Converter(doc, text).convert(node, ())
    except _Refused as exc:
        line, col = _mark(exc.node)
        doc.problems.append(Problem(doc.display, line, col, "error",
                                    ".".join(str(p) for p in exc.path), exc.message))
        doc.data = None
    except (yaml.YAMLError, ValueError, RecursionError):  # e.g. 2025-13-45 as a date
        doc.problem((), "ada nilai yang tidak dapat dibaca; periksa penulisannya (misalnya tanggal "
                        "ditulis TTTT-BB-HH dan diapit tanda kutip).")
        doc.data = None
    return doc


RECORD_SUFFIXES = (".yml", ".yaml")


def record_paths(target: Path) -> list[Path]:
    """Everything in a folder (sorted) named like a record, whatever case its suffix has and
    whatever it is (folder, FIFO, link): load_document() says what is wrong with it rather
    than skipping it. A path that is not a folder is returned as it is."""
    if target.is_dir():
        return sorted((p for p in target.iterdir() if p.suffix.lower() in RECORD_SUFFIXES),
                      key=lambda p: p.name)  # one folder: the order of the Paths themselves
    return [target]
