"""Property-based tests (hypothesis): no input makes the loader or the validator raise.
Every outcome is either a facility or at least one problem with a position."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petakla.config import load_config
from petakla.load import load_document
from petakla.regions import load_city
from petakla.validate import validate_document
from petakla.vocab import load_vocab

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT)
VOCAB = load_vocab()
CITY = load_city(CONFIG.kota_kode)
TODAY = datetime.date(2026, 11, 30)
KEYS = ["nama", "kategori", "alamat", "kelurahan", "lokasi", "lokasi_perkiraan", "pengelola",
        "jam_buka", "usia", "fasilitas", "akses", "kontak", "keterangan", "sumber",
        "verifikasi", "status", "tanggal", "oleh", "sektor", "telepon", "situs", "email",
        "nme", "lokasi ", "<script>"]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40),
    st.sampled_from(["ruang-laktasi", "Teluk Dalam", "Sei Jingah", "Mo-Fr 08:00-16:00",
                     "2025-02-30", "javascript:alert(1)", "<img src=x onerror=alert(1)>",
                     "(0511) 3352155", "pemerintah", "umum", "-3.3", "114.6"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)),
    max_leaves=25,
)


def run(path: Path):
    doc = load_document(path, path.parent)
    facility = validate_document(doc, CONFIG, VOCAB, CITY, today=TODAY)
    if facility is None:
        assert doc.problems, f"rejected without saying why: {path.read_bytes()[:200]!r}"
        assert all(p.line >= 1 and p.col >= 1 and p.message for p in doc.problems)
    else:
        assert not [p for p in doc.problems if p.severity == "error"]
    return facility


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_any_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("b") / "acak.yml"
    path.write_bytes(raw)
    run(path)


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\t\n ,.?%@`~<=\\\ufeff\x00")),
                    max_size=200))
def test_yaml_punctuation_soup(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("t") / "acak.yml"
    path.write_text(text, encoding="utf-8")
    run(path)


@SETTINGS
@given(data=st.dictionaries(st.sampled_from(KEYS), values, max_size=10))
def test_any_record_shaped_mapping(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("r") / "acak-rekaman.yml"
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (yaml.YAMLError, ValueError):
        return
    path.write_text(text, encoding="utf-8")
    run(path)


@SETTINGS
@given(data=st.fixed_dictionaries(
    {"nama": st.text(min_size=1, max_size=30), "kategori": st.sampled_from(sorted(VOCAB.categories)),
     "kelurahan": st.sampled_from([k.nama for k in CITY.kelurahan]), "sumber": st.text(max_size=30)},
    optional={"lokasi": st.lists(st.floats(-200, 200), min_size=0, max_size=3),
              "usia": st.lists(st.integers(-5, 30), min_size=2, max_size=2),
              "jam_buka": st.text(max_size=30), "alamat": st.text(max_size=30)}))
def test_almost_valid_records(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("v") / "hampir-benar.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run(path)


def test_a_ten_megabyte_file_is_refused_without_parsing(tmp_path):
    path = tmp_path / "besar.yml"
    path.write_bytes(b"nama: " + b"x" * (10 * 1024 * 1024) + b"\n")
    doc = load_document(path, tmp_path)
    assert doc.data is None
    assert "terlalu besar" in doc.problems[0].message
