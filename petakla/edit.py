"""Editing records: `fmt` (canonical key order and layout, comments kept). Writing a new
record (`new`) is petakla/new.py.

Formatting uses ruamel.yaml's round-trip mode so comments and quoting survive. The key order
is the order of the properties in the JSON Schema (petakla/data/fasilitas.schema.json); keys
the schema does not know stay at the end, in their original order.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from .config import Config
from .load import Document, load_document, record_paths
from .report import Problem, errors, render
from .schema import SCHEMA_FILE
from .vocab import DATA
from .yaml_errors import NESTING, yaml_problem

SCHEMA_COMMENT = f"# yaml-language-server: $schema=../petakla/data/{SCHEMA_FILE}"
FLOW_LISTS = ("lokasi", "usia", "fasilitas")
INDENT = 2


class FormatError(Exception):
    """A record that cannot be formatted; `problems` say where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.format() for p in problems))
        self.problems = problems


@cache
def key_order() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """(top-level keys, {key: nested keys}) in the order of the schema's properties."""
    schema = json.loads((DATA / SCHEMA_FILE).read_text(encoding="utf-8"))
    props = schema["properties"]
    nested = {k: tuple(v["properties"]) for k, v in props.items() if "properties" in v}
    return tuple(props), nested


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long text: one value stays on one line
    y.indent(mapping=INDENT, sequence=INDENT * 2, offset=INDENT)
    return y


# --- comments ---------------------------------------------------------------------------------
# ruamel keeps the comment lines that follow a value in one token attached to that value (for a
# block collection: to its last item). Moving keys would move those lines with the key above
# them, while a comment usually describes the key below it. So before reordering, each token is
# split into the comment on the value's own line (stays) and the lines after it ("before the
# next key"), and after reordering those lines are put back in front of the key they preceded.

_BLOCK_SCALARS = (LiteralScalarString, FoldedScalarString)
Slot = tuple[Any, Any]  # (container, key or index) of a token


def _is_block(value: Any) -> bool:
    return (isinstance(value, CommentedMap | CommentedSeq) and len(value) > 0
            and not value.fa.flow_style())


def _holder(container: Any, key: Any) -> Slot:
    """Where the comment lines after container[key] are kept."""
    value = container[key]
    if _is_block(value):
        last = next(reversed(value)) if isinstance(value, CommentedMap) else len(value) - 1
        return _holder(value, last)
    return container, key


def _index(container: Any) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _token(slot: Slot) -> CommentToken | None:
    container, key = slot
    entry = container.ca.items.get(key)
    return entry[_index(container)] if entry else None


def _split(slot: Slot) -> tuple[str, str]:
    """(comment on the value's own line, the lines after it) of one slot."""
    tok = _token(slot)
    if tok is None or not tok.value:
        return "", ""
    text = tok.value
    if isinstance(slot[0][slot[1]], _BLOCK_SCALARS):  # the scalar ends with its line
        return "", text
    if text.startswith("\n"):
        return "", text[1:]
    if not text.startswith("#"):
        return "", text
    cut = text.find("\n")
    return (text + "\n", "") if cut < 0 else (text[:cut + 1], text[cut + 1:])


def _set(slot: Slot, eol: str, rest: str) -> None:
    container, key = slot
    block_scalar = isinstance(container[key], _BLOCK_SCALARS)
    text = rest if block_scalar else (eol or "\n") + rest
    if not eol and not rest:
        text = ""
    old = _token(slot)
    entry = container.ca.items.get(key)
    if not text:
        if entry:
            entry[_index(container)] = None
            if not any(entry):
                del container.ca.items[key]
        return
    if old is not None:
        old.value = text
        return
    tok = CommentToken(text, CommentMark(0), None)
    if entry is None:
        entry = container.ca.items[key] = [None, None, None, None]
    entry[_index(container)] = tok


def _split_rest(rest: str, indent: int) -> tuple[str, str]:
    """Comment lines after a nested block: (those inside it, those of the outer level)."""
    lines = rest.splitlines(keepends=True)
    cut = len(lines)
    for i, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if stripped.startswith("#") and len(line) - len(stripped) < indent:
            cut = i
            break
    else:  # no outer comment: trailing blank lines separate the block from the next key
        while cut > 0 and not lines[cut - 1].strip():
            cut -= 1
    while cut > 0 and not lines[cut - 1].strip():
        cut -= 1
    return "".join(lines[:cut]), "".join(lines[cut:])


def _has_comments(node: Any) -> bool:
    ca = getattr(node, "ca", None)
    if ca is None:
        return False
    if ca.comment and any(ca.comment):
        return True
    return any(any(entry) for entry in ca.items.values())


def _normalise_style(container: CommentedMap, key: Any, nested: tuple[str, ...] | None) -> None:
    value = container[key]
    entry = container.ca.items.get(key)
    own = bool(entry and any(entry))
    if str(key) in FLOW_LISTS and isinstance(value, CommentedSeq) and not value.fa.flow_style():
        if not _has_comments(value) and not own and all(
                not isinstance(v, CommentedMap | CommentedSeq) for v in value):
            value.fa.set_flow_style()
    elif (nested is not None and isinstance(value, CommentedMap) and value.fa.flow_style()
          and not _has_comments(value) and not own and len(value) > 0):
        value.fa.set_block_style()


def _reorder(m: CommentedMap, order: tuple[str, ...], nested: dict[str, tuple[str, ...]],
             indent: int, top: bool) -> None:
    for pos, key in enumerate(list(m)):
        if type(key) is not str and str(key) in order:  # a quoted known key: write it plainly
            entry = m.ca.items.pop(key, None)
            value = m.pop(key)
            m.insert(pos, str(key), value)
            if entry is not None:
                m.ca.items[str(key)] = entry
    keys = list(m)
    if not keys:
        return
    before: dict[Any, str] = {}
    trailer = ""
    for i, key in enumerate(keys):
        slot = _holder(m, key)
        eol, rest = _split(slot)
        inner, outer = _split_rest(rest, indent + INDENT) if slot[0] is not m else ("", rest)
        _set(slot, eol, inner)
        if i + 1 < len(keys):
            before[keys[i + 1]] = outer
        else:
            trailer = outer
    for key in keys:
        sub = nested.get(str(key))
        _normalise_style(m, key, sub)
        if sub is not None and isinstance(m[key], CommentedMap) and not m[key].fa.flow_style():
            _reorder(m[key], sub, {}, indent + INDENT, top=False)
    known = [k for name in order for k in keys if str(k) == name]
    new = known + [k for k in keys if k not in known]
    for key in new:
        m.move_to_end(key)
    lead = before.get(new[0], "")
    if lead:
        if top:
            header = m.ca.comment
            tok = CommentToken(lead, CommentMark(0), None)
            if header is None:
                m.ca.comment = [None, [tok]]
            elif header[1] is None:
                header[1] = [tok]
            else:
                header[1].append(tok)
        else:
            trailer = lead + trailer
    for i, key in enumerate(new):
        slot = _holder(m, key)
        eol, rest = _split(slot)
        follow = before.get(new[i + 1], "") if i + 1 < len(new) else trailer
        _set(slot, eol, rest + follow)


# --- formatting -------------------------------------------------------------------------------


def _dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    text = out.getvalue().replace("\r\n", "\n")
    return text.rstrip("\n") + "\n"


def format_text(text: str, display: str = "berkas.yml") -> str:
    """The canonical form of one record's text. Raises FormatError when it cannot be read."""
    doc = Document(path=Path(display), display=display)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        yaml_problem(doc, exc, text)  # type: ignore[arg-type]  # ruamel's marks match PyYAML's
        raise FormatError(doc.problems) from None
    except (ValueError, RecursionError):
        doc.problem((), NESTING)
        raise FormatError(doc.problems) from None
    if not isinstance(data, CommentedMap):
        doc.problem((), "isi berkas harus berupa kumpulan kunci (nama: ..., kategori: ...); "
                        "berkas tidak dirapikan.")
        raise FormatError(doc.problems)
    order, nested = key_order()
    _reorder(data, order, nested, 0, top=True)
    return _dump(data)


@dataclass
class FmtResult:
    changed: list[str] = field(default_factory=list)  # display paths that (would) change
    problems: list[Problem] = field(default_factory=list)
    n_files: int = 0


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8, LF) so a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def format_files(config: Config, targets: Iterable[Path] | None = None,
                 check_only: bool = False) -> FmtResult:
    """Format records in place (only those that change), or with `check_only` just list them.
    A record that cannot be read is reported and left untouched."""
    paths: list[Path] = []
    for target in targets or [config.facilities_dir]:
        paths.extend(record_paths(Path(target)))
    result = FmtResult(n_files=len(paths))
    for path in paths:
        doc = load_document(path, config.root)  # the same reading rules (and messages) as check
        refused = errors(doc.problems)
        if refused or doc.data is None:
            result.problems.extend(refused or doc.problems)
            continue
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        try:
            new = format_text(text, doc.display)
        except FormatError as exc:
            result.problems.extend(exc.problems)
            continue
        if new.encode("utf-8") == raw:
            continue
        result.changed.append(doc.display)
        if not check_only:
            write_atomic(path, new)
    return result


def run_fmt(config: Config, files: list[str], check_only: bool) -> int:
    result = format_files(config, [Path(f) for f in files] or None, check_only=check_only)
    if result.problems:
        print(render(result.problems), file=sys.stderr)
    for name in result.changed:
        if check_only:
            print(f"{name}: perlu dirapikan (jalankan `python build_map.py fmt`)")
        else:
            print(f"dirapikan: {name}")
    n_bad = len({p.file for p in result.problems})
    if check_only:
        print(f"{result.n_files} berkas diperiksa: {len(result.changed)} perlu dirapikan"
              + (f", {n_bad} tidak dapat dibaca." if n_bad else "."), file=sys.stderr)
        return 1 if result.changed or n_bad else 0
    print(f"{result.n_files} berkas diperiksa: {len(result.changed)} dirapikan"
          + (f", {n_bad} tidak dapat dibaca (tidak diubah)." if n_bad else "."), file=sys.stderr)
    return 1 if n_bad else 0


def record_text(values: dict[str, Any]) -> str:
    """A new record's file text: the schema comment line, then the values in canonical form."""
    order, nested = key_order()
    data = CommentedMap()
    for key in order:
        if key in values and values[key] not in (None, "", {}, []):
            value = values[key]
            if isinstance(value, dict):
                inner = CommentedMap()
                for sub in nested.get(key, ()):
                    if value.get(sub) not in (None, ""):
                        inner[sub] = value[sub]
                value = inner
            elif isinstance(value, list):
                value = CommentedSeq(value)
            data[key] = value
    return format_text(SCHEMA_COMMENT + "\n" + _dump(data))
