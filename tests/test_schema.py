"""The committed JSON Schema (used by editors through yaml-language-server)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from petakla.config import load_config
from petakla.load import load_document
from petakla.regions import load_city
from petakla.schema import AKSES, SCHEMA_FILE, SEKTOR, STATUS, schema_text
from petakla.vocab import load_vocab

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
COMMITTED = REPO / "petakla" / "data" / SCHEMA_FILE
VALID = sorted((FIXTURES / "valid").glob("*.yml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))

# Invalid fixtures that load to data, split by who catches them. The schema alone rejects the
# first group; the second passes the schema and only `build_map.py check` catches it (so an
# editor with yaml-language-server sees nothing wrong in those).
SCHEMA_LEVEL = {
    "akses_unknown", "alamat_empty", "alamat_missing_without_lokasi", "fasilitas_duplicate",
    "fasilitas_not_for_category", "kategori_list", "kategori_missing", "kategori_unknown",
    "kelurahan_missing", "keterangan_not_text", "kontak_email_invalid", "kontak_empty",
    "ketelitian_lokasi_unknown",
    "kontak_situs_javascript", "kontak_situs_no_scheme", "kontak_unknown_key",
    "lokasi_not_numbers", "lokasi_one_number", "lokasi_perkiraan_not_boolean", "lokasi_swapped",
    "lokasi_text", "nama_boolean", "nama_empty", "nama_missing", "nama_null", "nama_too_long",
    "pengelola_nama_missing", "pengelola_not_mapping", "pengelola_sektor_unknown",
    "root_list", "root_required_missing", "root_scalar", "status_unknown", "sumber_missing",
    "unknown_key_near_miss",
    "usia_boolean", "usia_negative", "usia_not_integer", "verifikasi_date_format", "verifikasi_missing_oleh",
}
BEYOND_SCHEMA = {
    "dilindungi_with_kontak", "dilindungi_with_lokasi", "jam_buka_invalid",
    "ketelitian_lokasi_tepat_but_approximate", "ketelitian_lokasi_without_lokasi",
    "sumber_lokasi_without_lokasi",
    "kelurahan_other_city", "kelurahan_unknown", "kontak_telepon_invalid",
    "lokasi_outside_city", "root_bad_filename", "root_duplicate_key", "usia_min_greater_than_max",
    "verifikasi_future_date", "verifikasi_impossible_date",
    # YAML 1.2 reads an unquoted date as text, as editors do
    "verifikasi_impossible_date_unquoted",
    # invisible characters (control and bidi) are refused by `check` when reading
    "alamat_control_char", "nama_bidi_control", "nama_newline", "sumber_nul_escape",
    # opening hours that are not one ordinary week (the map shows one)
    "jam_buka_not_weekly", "jam_buka_ambiguous_range",
}


@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(committed) -> Draft202012Validator:
    return Draft202012Validator(committed)


def test_committed_schema_is_up_to_date():
    config = load_config(REPO)
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(
        load_vocab(), load_city(config.kota_kode))


def test_schema_check_command():
    proc = subprocess.run([sys.executable, "build_map.py", "schema", "--check"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_is_a_valid_draft_2020_12_schema(committed):
    assert committed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(committed)


def test_schema_lists_the_vocabularies(committed):
    vocab = load_vocab()
    props = committed["properties"]
    assert props["kategori"]["enum"] == sorted(vocab.categories)
    assert props["pengelola"]["properties"]["sektor"]["enum"] == list(SEKTOR)
    assert props["akses"]["enum"] == list(AKSES)
    assert props["status"]["enum"] == list(STATUS)
    assert len(props["kelurahan"]["examples"]) == 52
    per_category = {
        rule["if"]["properties"]["kategori"]["const"]:
            rule["then"]["properties"]["fasilitas"].get("items", {}).get("enum", [])
        for rule in committed["dependentSchemas"]["fasilitas"]["allOf"]
        if "const" in rule["if"].get("properties", {})
                                          .get("kategori", {})
    }
    assert per_category == {slug: list(cat.fasilitas) for slug, cat in vocab.categories.items()}
    assert set(committed["required"]) == {"nama", "kategori", "kelurahan", "sumber"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_passes_schema(validator, path):
    doc = load_document(path, REPO)
    assert doc.problems == []
    assert [e.message for e in validator.iter_errors(doc.data)] == []


def test_partition_covers_every_invalid_fixture_that_loads():
    loads = {p.stem for p in INVALID if load_document(p, REPO).data is not None}
    assert not SCHEMA_LEVEL & BEYOND_SCHEMA
    assert loads == SCHEMA_LEVEL | BEYOND_SCHEMA


@pytest.mark.parametrize("stem", sorted(SCHEMA_LEVEL))
def test_schema_level_invalid_fixture_fails_schema(validator, stem):
    doc = load_document(FIXTURES / "invalid" / f"{stem}.yml", REPO)
    assert doc.data is not None
    assert list(validator.iter_errors(doc.data)), f"{stem} passes the schema"


@pytest.mark.parametrize("stem", sorted(BEYOND_SCHEMA))
def test_beyond_schema_fixture_passes_schema(validator, stem):
    doc = load_document(FIXTURES / "invalid" / f"{stem}.yml", REPO)
    assert doc.data is not None
    assert [e.message for e in validator.iter_errors(doc.data)] == []
