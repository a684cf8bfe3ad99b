"""The loader: odd encodings, line endings, sizes and hostile input never make it raise."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest
import yaml

from petakla import load as load_module
from petakla.config import load_config
from petakla.load import MAX_BYTES, load_document, record_paths
from petakla.regions import load_city
from petakla.validate import validate_document
from petakla.vocab import load_vocab

REPO = Path(__file__).resolve().parent.parent
FULL = REPO / "tests" / "fixtures" / "valid" / "ruang-laktasi-lengkap.yml"
TODAY = datetime.date(2026, 11, 30)
RECORD = ("nama: Contoh Ruang Laktasi Uji\nkategori: ruang-laktasi\nkelurahan: Kertak Baru Ilir\n"
          "lokasi: [-3.3263, 114.5892]\nsumber: Data uji\n")


def load_bytes(tmp_path: Path, raw: bytes, name: str = "contoh-uji.yml"):
    path = tmp_path / name
    path.write_bytes(raw)
    return load_document(path, tmp_path)


def validate(doc):
    config = load_config(REPO)
    return validate_document(doc, config, load_vocab(), load_city(config.kota_kode), today=TODAY)


def summary(doc) -> list[tuple]:
    return [(p.line, p.col, p.severity, p.field) for p in doc.problems]


def test_plain_record(tmp_path):
    doc = load_bytes(tmp_path, RECORD.encode())
    assert doc.problems == []
    assert doc.id == "contoh-uji"
    assert doc.display == "contoh-uji.yml"
    assert doc.data["lokasi"] == [-3.3263, 114.5892]
    assert doc.value_marks[("lokasi", 1)] == (4, 19)
    assert doc.key_marks[("sumber",)] == (5, 1)


def test_bom_is_a_warning_but_loads(tmp_path):
    doc = load_bytes(tmp_path, b"\xef\xbb\xbf" + RECORD.encode())
    assert doc.data == load_bytes(tmp_path, RECORD.encode(), "tanpa-bom.yml").data
    assert summary(doc) == [(1, 1, "warning", "")]
    assert "BOM" in doc.problems[0].message
    assert validate(doc) is not None  # a warning does not stop the record


def test_crlf_loads_with_the_same_positions(tmp_path):
    lf = load_document(FULL, REPO)
    crlf = load_bytes(tmp_path, FULL.read_bytes().replace(b"\n", b"\r\n"))
    assert crlf.problems == []
    assert crlf.data == lf.data
    assert crlf.value_marks == lf.value_marks
    assert validate(crlf) is not None


def test_too_large_is_refused_without_parsing(tmp_path, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("a too-large file must not be parsed")

    monkeypatch.setattr(load_module.yaml, "compose", no_parsing)
    raw = (RECORD + "# " + "x" * 300 * 1024 + "\n").encode()
    doc = load_bytes(tmp_path, raw)
    assert doc.data is None
    assert summary(doc) == [(1, 1, "error", "")]
    assert "terlalu besar" in doc.problems[0].message


def test_size_limit_boundary(tmp_path):
    record = RECORD.encode()
    filler = b"#" * (MAX_BYTES - len(record) - 1) + b"\n"
    at_limit = load_bytes(tmp_path, record + filler)
    assert len(record + filler) == MAX_BYTES
    assert at_limit.problems == [] and at_limit.data["nama"] == "Contoh Ruang Laktasi Uji"
    over = load_bytes(tmp_path, record + b"#" + filler)
    assert over.data is None and "terlalu besar" in over.problems[0].message


def test_duplicate_key_at_nested_level_reports_second_key(tmp_path):
    raw = (RECORD + "pengelola:\n  nama: Lembaga Contoh Uji\n  sektor: pemerintah\n"
           "  nama: Lembaga Lain\n").encode()
    doc = load_bytes(tmp_path, raw)
    assert summary(doc) == [(9, 3, "error", "pengelola.nama")]
    assert "pertama di baris 7" in doc.problems[0].message
    assert doc.data["pengelola"] == {"nama": "Lembaga Contoh Uji", "sektor": "pemerintah"}


def test_duplicate_key_in_flow_mapping(tmp_path):
    doc = load_bytes(tmp_path, (RECORD + "kontak: {email: a@b.example, email: c@d.example}\n")
                     .encode())
    assert summary(doc) == [(6, 30, "error", "kontak.email")]


def test_invalid_utf8_column_counts_characters(tmp_path):
    doc = load_bytes(tmp_path, "nama: Café ".encode() + b"\xff\n")
    assert summary(doc) == [(1, 12, "error", "")]
    assert "UTF-8" in doc.problems[0].message


def test_nul_byte(tmp_path):
    doc = load_bytes(tmp_path, RECORD.encode() + b"\x00")
    assert doc.data is None and "NUL" in doc.problems[0].message


def test_unreadable_path(tmp_path):
    folder = tmp_path / "bukan-berkas.yml"
    folder.mkdir()
    doc = load_document(folder, tmp_path)
    assert doc.data is None
    assert summary(doc) == [(1, 1, "error", "")]
    assert "tidak dapat dibaca" in doc.problems[0].message


def test_dates_stay_text(tmp_path):
    # YAML 1.2 (editors, check-jsonschema) has no date type: a date is the text as written.
    doc = load_bytes(tmp_path, b"a: 2026-10-15\nb: 2026-10-15 10:00:00+08:00\nc: '2026-10-15'\n")
    assert doc.data == {"a": "2026-10-15", "b": "2026-10-15 10:00:00+08:00", "c": "2026-10-15"}


@pytest.mark.parametrize("text, field", [
    ("nama: !!binary aGFsbw==\n", "nama"),
    ("nama: !!python/name:os.system\n", "nama"),
    ("!!set {a, b}\n", ""),
    ("kontak: !!omap [email: a@b.example]\n", "kontak"),
    ("lokasi: [.inf, 114.5]\n", "lokasi.0"),
    ("lokasi: [-3.3, -.Inf]\n", "lokasi.1"),
    ("usia: &u [0, 12]\nfasilitas: *u\n", "usia"),
    ("? [a, b]\n: nilai\n", ""),
    ("pengelola:\n  <<: {nama: a}\n", "pengelola"),
])
def test_refused_constructs(tmp_path, text, field):
    doc = load_bytes(tmp_path, text.encode())
    assert doc.data is None
    assert len(doc.problems) == 1
    assert doc.problems[0].field == field
    assert doc.problems[0].severity == "error"


def test_deep_nesting(tmp_path):
    doc = load_bytes(tmp_path, b"[" * 100_000)
    assert doc.data is None and doc.problems and doc.problems[0].severity == "error"


def test_record_paths(tmp_path):
    for name in ("b.yml", "a.yaml", "c.txt", "d.yml~", ".e.json"):
        (tmp_path / name).write_text("x: 1\n")
    (tmp_path / "folder.yml").mkdir()
    (tmp_path / "F.YML").write_text("x: 1\n")
    # everything named like a record is read, so what is wrong with it is reported, not skipped
    assert [p.name for p in record_paths(tmp_path)] == ["F.YML", "a.yaml", "b.yml", "folder.yml"]
    assert record_paths(tmp_path / "c.txt") == [tmp_path / "c.txt"]


# --- never raises ---------------------------------------------------------------------------

TOKENS = ["nama", "kategori", "lokasi", "kontak", "telepon", ":", ": ", " ", "  ", "\n", "\r\n",
          "\t", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!python/object:os.x ",
          "!x ", "'", '"', "#", "---\n", "...\n", "<<: ", "? ", "|", ">-", "%YAML 1.1\n",
          "%TAG ! tag:x,2000:\n", "@", "`", "\ufeff", "é", "\x00", "\x85", "\u2028", "2025-02-30",
          ".nan", "-3.3263", "114.5892", "1e999", "0x1F", "~", "null", "yes", "ruang-laktasi",
          "\\", "\\x", "\\u12", "=", "%"]


def fuzz_inputs() -> list[bytes]:
    rng = random.Random(20261130)
    inputs = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
              for _ in range(200)]
    for _ in range(200):
        text = "".join(rng.choice(TOKENS) for _ in range(rng.randrange(1, 40)))
        raw = text.encode("utf-8")
        if rng.random() < 0.1:  # now and then a broken byte in otherwise YAML-ish text
            at = rng.randrange(len(raw) + 1)
            raw = raw[:at] + bytes([rng.randrange(128, 256)]) + raw[at:]
        inputs.append(raw)
    base = RECORD.encode()
    for _ in range(100):  # a valid record with a few bytes changed
        raw = bytearray(base)
        for _ in range(rng.randrange(1, 4)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        inputs.append(bytes(raw))
    return inputs


def test_never_raises_on_random_input(tmp_path):
    config = load_config(REPO)
    vocab, city = load_vocab(), load_city(config.kota_kode)
    path = tmp_path / "acak-uji.yml"
    outcomes = {"data": 0, "refused": 0}
    for raw in fuzz_inputs():
        path.write_bytes(raw)
        doc = load_document(path, tmp_path)  # must not raise
        outcomes["refused" if doc.data is None else "data"] += 1
        facility = validate_document(doc, config, vocab, city, today=TODAY)  # must not raise
        errors = [p for p in doc.problems if p.severity == "error"]
        assert (facility is None) == bool(errors), raw
        for problem in doc.problems:
            assert problem.file == "acak-uji.yml"
            assert problem.line >= 1 and problem.col >= 1, (raw, problem)
            assert problem.severity in ("error", "warning")
            assert problem.message.strip()
            problem.format()
            problem.annotation()
    # the inputs reach both sides of the loader, not only its first check
    assert outcomes["data"] > 20 and outcomes["refused"] > 20, outcomes


def test_yaml_errors_have_positions_inside_the_file(tmp_path):
    rng = random.Random(7)
    for _ in range(200):
        text = "".join(rng.choice(TOKENS[:40]) for _ in range(rng.randrange(1, 30)))
        doc = load_bytes(tmp_path, text.encode())
        lines = text.encode().count(b"\n") + 2
        for problem in doc.problems:
            assert 1 <= problem.line <= lines, (text, problem)


def test_loader_is_safe_even_when_pyyaml_full_loader_exists():
    # the module composes only; it never calls a constructing loader on the whole document
    source = Path(load_module.__file__).read_text(encoding="utf-8")
    assert "yaml.load(" not in source and "yaml.unsafe_load" not in source
    assert "FullLoader" not in source and "UnsafeLoader" not in source
    assert issubclass(load_module._Loader, (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)))
