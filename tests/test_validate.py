"""Record validation, fixture by fixture (in the style of publiccode-parser's testdata).

tests/fixtures/valid/*.yml must produce no problem at all; every
tests/fixtures/invalid/<field>_<reason>.yml must produce exactly the problems listed for it in
tests/fixtures/invalid/expectations.csv, at the exact line and column, with an Indonesian
message that says what to do.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from petakla.config import load_config
from petakla.load import load_document
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.report import Problem
from petakla.validate import STALE_AFTER_DAYS, validate_document
from petakla.vocab import load_vocab

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.yml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))
EXAMPLE = (-3.3263, 114.5892)  # the example point (schema, messages, help), Kertak Baru Ilir
TODAY = datetime.date(2026, 11, 30)  # fixed, so that the fixtures' dates never go stale

# Phrases of jsonschema's, PyYAML's and Python's English messages that must never reach an
# editor.
ENGLISH = re.compile(
    r"\b(is not|required property|additional properties|does not match|is too (long|short)"
    r"|should|must|expected|found|mapping|allowed|unexpected|cannot|invalid|while|but got"
    r"|traceback|exception|none)\b",
    re.IGNORECASE,
)
# Every message says what to do: it contains an instruction (or at least an example).
INSTRUCTION = re.compile(
    r"\b(tulis|isi|hapus|ganti|periksa|tambahkan|pilih|gunakan|simpan|sebaiknya|jangan|mohon"
    r"|persingkat|tukar|apit|perbaiki|harus|wajib|contoh)\b",
    re.IGNORECASE,
)


def assert_indonesian(problem: Problem) -> None:
    assert problem.message.strip(), problem
    assert not ENGLISH.search(problem.message), f"English in message: {problem.format()}"
    assert INSTRUCTION.search(problem.message), f"message says nothing to do: {problem.format()}"


def check_one(project: Path, source: Path, name: str, today: datetime.date = TODAY):
    """Check one record the way `build_map.py check facilities/<name>` does."""
    target = project / "facilities" / name
    shutil.copyfile(source, target)
    return check(load_config(project), [target], today=today)


def positions(problems: list[Problem]) -> list[tuple]:
    return sorted((p.line, p.col, p.severity, p.field) for p in problems)


# --- the expectation table ------------------------------------------------------------------


def test_every_invalid_fixture_has_expectations(invalid_expectations):
    stems = {p.stem for p in INVALID}
    assert stems - set(invalid_expectations) == set(), "fixtures without a row"
    assert set(invalid_expectations) - stems == set(), "rows without a fixture"
    assert len(stems) >= 30
    assert not [p for p in (FIXTURES / "invalid").iterdir()
                if p.suffix not in (".yml", ".csv")], "stray files in fixtures/invalid"


def test_fixture_names_are_field_and_reason():
    for path in INVALID:
        assert re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", path.stem), path.name


def test_expectation_rows_are_well_formed(invalid_expectations):
    for stem, rows in invalid_expectations.items():
        assert rows, stem
        for row in rows:
            assert row["line"] >= 1 and row["col"] >= 1, (stem, row)
            assert row["severity"] in ("error", "warning"), (stem, row)
            assert re.fullmatch(r"([a-z_]+(\.[a-z0-9_]+)*)?", row["field"]), (stem, row)
        assert any(r["severity"] == "error" for r in rows), f"{stem} has no error"


# --- valid records --------------------------------------------------------------------------


def test_there_are_several_valid_fixtures():
    categories = {load_document(p, REPO).data["kategori"] for p in VALID}
    assert len(VALID) >= 5
    assert len(categories) >= 5


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_fixture_has_no_problem(project, path):
    result = check_one(project, path, path.name)
    assert [p.format() for p in result.problems] == []
    assert result.ok
    assert len(result.facilities) == 1
    facility = result.facilities[0]
    assert facility.id == path.stem
    assert facility.file == f"facilities/{path.name}"
    assert facility.kelurahan.kode.startswith("63.71.")
    if facility.protected:
        assert facility.lat is None and facility.lon is None
    else:
        assert -3.392 <= facility.lat <= -3.257 and 114.512 <= facility.lon <= 114.670


def test_full_valid_fixture_uses_every_optional_key():
    from petakla.schema import build_schema

    schema = build_schema(load_vocab(), load_city("63.71"))
    data = load_document(FIXTURES / "valid" / "ruang-laktasi-lengkap.yml", REPO).data
    assert set(data) == set(schema["properties"])
    assert set(data["kontak"]) == {"telepon", "situs", "email"}
    assert data["kontak"]["telepon"] == "(0511) 3352155"
    assert data["verifikasi"]["tanggal"] == "2026-10-15"  # an unquoted date stays text


@pytest.mark.parametrize("root", ["project", "geo_project"])
def test_valid_folder_in_one_run(root, request):
    """Also with the project's kelurahan boundaries (wilayah/): every fixture's point lies in
    the kelurahan it declares."""
    project = request.getfixturevalue(root)
    for path in VALID:
        shutil.copy(path, project / "facilities")
    result = check(load_config(project), today=TODAY)
    assert result.problems == []
    assert result.n_files == len(VALID)
    assert sorted(f.id for f in result.facilities) == sorted(p.stem for p in VALID)


def test_the_example_point_lies_in_kertak_baru_ilir():
    """The point the schema, `check`'s messages and `new`'s help give as an example is the one
    the fixtures place in Kertak Baru Ilir: it lies there (project boundaries, wilayah/)."""
    import geopandas as gpd
    from shapely.geometry import Point

    from petakla.schema import build_schema

    schema = build_schema(load_vocab(), load_city("63.71"))
    lat, lon = EXAMPLE
    assert f"misalnya [{lat}, {lon}]." in schema["properties"]["lokasi"]["description"]
    full = load_document(FIXTURES / "valid" / "ruang-laktasi-lengkap.yml", REPO).data
    assert (full["kelurahan"], full["lokasi"]) == ("Kertak Baru Ilir", [lat, lon])
    polygons = gpd.read_file(REPO / "wilayah" / "kelurahan.geojson").set_index("nama")
    inside = polygons[polygons.contains(Point(lon, lat))].index.tolist()
    assert inside == ["Kertak Baru Ilir"]
    # well inside, not on the edge (about 260 m)
    assert polygons.loc["Kertak Baru Ilir", "geometry"].exterior.distance(Point(lon, lat)) > 0.002


# --- invalid records ------------------------------------------------------------------------


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_gives_exactly_the_expected_problems(
        project, path, invalid_expectations, checked_name):
    expected = invalid_expectations.get(path.stem)
    assert expected, f"no row for {path.name} in expectations.csv"
    name = checked_name(path.stem)
    result = check_one(project, path, name)
    assert positions(result.problems) == sorted(
        (r["line"], r["col"], r["severity"], r["field"]) for r in expected
    ), "\n".join(p.format() for p in result.problems)
    assert not result.ok
    assert result.facilities == []
    for problem in result.problems:
        assert problem.file == f"facilities/{name}"
        assert_indonesian(problem)
    for row in expected:
        if row["contains"]:
            match = [p for p in result.problems if (p.line, p.col) == (row["line"], row["col"])]
            assert any(row["contains"] in p.message for p in match), (row, match)


@pytest.mark.parametrize("root", ["project", "geo_project"])
def test_invalid_folder_reports_every_file_in_one_run(root, request, invalid_expectations,
                                                     checked_name):
    """The same problems with the project's kelurahan boundaries: no fixture's point contradicts
    its kelurahan unless that is the problem it shows."""
    project = request.getfixturevalue(root)
    for path in INVALID:
        shutil.copyfile(path, project / "facilities" / checked_name(path.stem))
    result = check(load_config(project), today=TODAY)
    assert result.n_files == len(INVALID)
    assert not result.ok and result.facilities == []
    got = {(p.file, p.line, p.col, p.severity, p.field) for p in result.problems}
    want = {(f"facilities/{checked_name(stem)}", r["line"], r["col"], r["severity"], r["field"])
            for stem, rows in invalid_expectations.items() for r in rows}
    assert got == want
    assert len(result.problems) == sum(len(rows) for rows in invalid_expectations.values())


def test_python_tag_runs_no_code(project, monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    monkeypatch.chdir(tmp_path)
    result = check_one(project, FIXTURES / "invalid" / "root_python_tag.yml", "python-tag.yml")
    assert calls == []
    assert not (tmp_path / "petakla-pwned.txt").exists()
    assert not (project / "petakla-pwned.txt").exists()
    assert [p.field for p in result.problems] == ["nama"]
    assert "python/object/apply" in result.problems[0].message


def test_alias_bomb_is_refused_quickly(project):
    start = time.monotonic()
    result = check_one(project, FIXTURES / "invalid" / "root_alias_bomb.yml", "bomb.yml")
    assert time.monotonic() - start < 5
    assert len(result.problems) == 1 and "anchor/alias" in result.problems[0].message


def test_bad_filename_suggests_a_slug(project):
    result = check_one(project, FIXTURES / "invalid" / "root_bad_filename.yml",
                       "Taman Bermain_2.yml")
    assert len(result.problems) == 1
    assert "'taman-bermain-2.yml'" in result.problems[0].message


# --- rules that need more than one file or another date -------------------------------------


def test_same_id_in_two_folders(project):
    source = FIXTURES / "valid" / "taman-bermain-minimal.yml"
    (project / "facilities" / "lama").mkdir()
    first = project / "facilities" / "taman-bermain-minimal.yml"
    second = project / "facilities" / "lama" / "taman-bermain-minimal.yml"
    shutil.copy(source, first)
    shutil.copy(source, second)
    result = check(load_config(project), [first, second], today=TODAY)
    assert len(result.facilities) == 1
    assert [(p.file, p.severity) for p in result.problems] == [
        ("facilities/lama/taman-bermain-minimal.yml", "error")]
    assert "facilities/taman-bermain-minimal.yml" in result.problems[0].message
    assert_indonesian(result.problems[0])


def test_old_verification_is_a_warning_only(project):
    source = FIXTURES / "valid" / "ruang-laktasi-lengkap.yml"
    verified = datetime.date(2026, 10, 15)
    fresh = check_one(project, source, source.name,
                      today=verified + datetime.timedelta(days=STALE_AFTER_DAYS))
    assert fresh.problems == []
    stale = check_one(project, source, source.name,
                      today=verified + datetime.timedelta(days=STALE_AFTER_DAYS + 1))
    assert positions(stale.problems) == [(26, 12, "warning", "verifikasi.tanggal")]
    assert_indonesian(stale.problems[0])
    assert stale.ok and len(stale.facilities) == 1


def test_verification_today_is_not_in_the_future(project):
    source = FIXTURES / "valid" / "ruang-laktasi-lengkap.yml"
    assert check_one(project, source, source.name, today=datetime.date(2026, 10, 15)).ok
    early = check_one(project, source, source.name, today=datetime.date(2026, 10, 14))
    assert positions(early.problems) == [(26, 12, "error", "verifikasi.tanggal")]


def test_approximate_location_is_kept(project):
    source = FIXTURES / "valid" / "pojok-baca-perkiraan.yml"
    (facility,) = check_one(project, source, source.name).facilities
    assert facility.approx == "editor"
    assert (facility.lat, facility.lon) == (-3.3130, 114.5960)


def test_validate_document_never_raises_on_odd_values():
    config = load_config(REPO)
    vocab, city = load_vocab(), load_city(config.kota_kode)
    odd = [None, True, 0, -1.5, "", "x" * 5000, [], {}, [None], {"": None}, [[[]]]]
    keys = ["nama", "kategori", "alamat", "kelurahan", "lokasi", "lokasi_perkiraan", "pengelola",
            "jam_buka", "usia", "fasilitas", "akses", "kontak", "keterangan", "sumber",
            "verifikasi", "status"]
    source = FIXTURES / "valid" / "ruang-laktasi-lengkap.yml"
    base = load_document(source, REPO).data
    for key in keys:
        for value in odd:
            doc = load_document(source, REPO)
            doc.data = dict(base, **{key: value})
            facility = validate_document(doc, config, vocab, city, today=TODAY)
            errors = [p for p in doc.problems if p.severity == "error"]
            assert (facility is None) == bool(errors), (key, value)
            for problem in doc.problems:
                assert problem.line >= 1 and problem.col >= 1
                assert_indonesian(problem)
