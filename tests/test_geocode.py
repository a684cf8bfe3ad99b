"""Geocoding: `build_map.py geocode` against a real HTTP stub of Nominatim (tests/nominatim_stub.py),
the committed cache, and how `check` uses it (never the network)."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nominatim_stub import NominatimStub, closed_port_url

from petakla.config import load_config
from petakla.geocode import (
    USER_AGENT,
    CacheError,
    load_cache,
    normalise_query,
    run_geocode,
    save_cache,
)
from petakla.model import APPROX_LABELS
from petakla.pipeline import check

REPO = Path(__file__).resolve().parent.parent
SHARED_KEL = REPO.parent / "shared" / "geo" / "banjarmasin_kelurahan.geojson"
PROJECT_KEL = REPO / "wilayah" / "kelurahan.geojson"
# Only comparisons with the independent reference need ../shared; behaviour tests use the
# project's own boundaries (wilayah/, the `geo_project` fixture) and run everywhere.
needs_shared = pytest.mark.skipif(
    not SHARED_KEL.is_file(),
    reason=f"independent reference absent: {SHARED_KEL} (a comparison with it; the same "
           "check with the project's own boundaries runs in test_real_records.py)")

# Surface points (inside the polygon) from ../shared/geo/banjarmasin_kelurahan.csv.
SUNGAI_LULUT = (-3.331638, 114.638462)
PEKAPURAN_RAYA = (-3.334028, 114.609683)
TELUK_DALAM = (-3.319241, 114.579766)

RECORDS = {
    "ruang-laktasi-pramuka": ("Contoh Ruang Laktasi", "ruang-laktasi", "Jl. Pramuka No. 5",
                              "Sungai Lulut"),
    "pojok-baca-ayani": ("Contoh Pojok Baca", "pojok-baca", "Jl.  A. Yani KM 4", "Pekapuran Raya"),
    "taman-teluk-dalam": ("Contoh Taman", "ruang-bermain-ramah-anak", "Jl. Teluk Dalam No. 1",
                          "Teluk Dalam"),
}
Q = {
    "ruang-laktasi-pramuka": "jl. pramuka no. 5, sungai lulut, banjarmasin timur, kota banjarmasin",
    "pojok-baca-ayani": "jl. a. yani km 4, pekapuran raya, banjarmasin timur, kota banjarmasin",
    "taman-teluk-dalam": "jl. teluk dalam no. 1, teluk dalam, banjarmasin tengah, kota banjarmasin",
}
POINTS = {Q["ruang-laktasi-pramuka"]: SUNGAI_LULUT, Q["pojok-baca-ayani"]: PEKAPURAN_RAYA,
          Q["taman-teluk-dalam"]: TELUK_DALAM}


def write_record(root: Path, rid: str, extra: str = "") -> Path:
    nama, kategori, alamat, kelurahan = RECORDS[rid]
    path = root / "facilities" / f"{rid}.yml"
    path.write_text(f"nama: {nama}\nkategori: {kategori}\nalamat: {alamat}\n"
                    f"kelurahan: {kelurahan}\nsumber: Uji\n{extra}", encoding="utf-8")
    return path


def entry(query: str, lat: float, lon: float) -> dict:
    return {"query": query, "lat": lat, "lon": lon, "provider": "nominatim",
            "display_name": "uji", "date": "2026-01-01"}


def config_for(root: Path, url: str, **extra):
    return load_config(root, overrides={"geocoder_url": url, "geocoder_timeout": 10, **extra})


def cli(root: Path, *args: str, url: str | None = None, timeout: float = 60):
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    env.pop("PETAKLA_GEOCODER_URL", None)
    if url:
        env["PETAKLA_GEOCODER_URL"] = url
    return subprocess.run([sys.executable, str(REPO / "build_map.py"), "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture(autouse=True)
def _no_env_url(monkeypatch):
    monkeypatch.delenv("PETAKLA_GEOCODER_URL", raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("check must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# --- the query and the cache file -----------------------------------------------------------


def test_query_is_normalised(project):
    from petakla.geocode import query_for
    from petakla.load import load_document
    from petakla.regions import load_city
    from petakla.validate import validate_document
    from petakla.vocab import load_vocab

    assert normalise_query("  Jl.  Pramuka\tNo. 5 ") == "jl. pramuka no. 5"
    config = load_config(project)
    for rid in ("ruang-laktasi-pramuka", "pojok-baca-ayani"):
        doc = load_document(write_record(project, rid), project)
        facility = validate_document(doc, config, load_vocab(), load_city(config.kota_kode))
        assert query_for(facility, config) == Q[rid]


def test_cache_round_trip_is_sorted(tmp_path):
    path = tmp_path / "_geocode-cache.json"
    cache = {q: entry(q, *p) for q, p in POINTS.items()}
    save_cache(path, cache)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [e["query"] for e in data] == sorted(POINTS)
    assert set(data[0]) == {"query", "lat", "lon", "provider", "display_name", "date"}
    assert load_cache(path) == cache
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


DUPLICATE = "[" + json.dumps(entry("x", 1, 2)) + ", " + json.dumps(entry("x", 1, 2)) + "]"


@pytest.mark.parametrize("text", ['[{"query": "x"', '{"a": 1}', '[{"query": "x", "lat": "a"}]',
                                  DUPLICATE])
def test_corrupt_cache_is_reported_and_kept(project, text):
    write_record(project, "ruang-laktasi-pramuka")
    cache_file = project / "facilities" / "_geocode-cache.json"
    cache_file.write_text(text, encoding="utf-8")
    with pytest.raises(CacheError):
        load_cache(cache_file)
    result = cli(project, "geocode", url=closed_port_url())
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "facilities/_geocode-cache.json" in result.stderr and "rusak" in result.stderr
    assert cache_file.read_text(encoding="utf-8") == text  # never overwritten blindly
    problems = check(load_config(project)).problems
    assert any(p.file == "facilities/_geocode-cache.json" and p.severity == "error" for p in problems)


# --- geocode against the stub ---------------------------------------------------------------


def test_geocode_fills_the_cache_one_request_per_second(project):
    for rid in RECORDS:
        write_record(project, rid)
    out = io.StringIO()
    with NominatimStub(points=POINTS) as stub:
        assert run_geocode(config_for(project, stub.url), out=out) == 0, out.getvalue()
        assert run_geocode(config_for(project, stub.url), out=io.StringIO()) == 0
        requests = list(stub.requests)
    assert len(requests) == 3  # the second run found everything cached
    assert {r.path for r in requests} == {"/search"}
    assert {r.user_agent for r in requests} == {USER_AGENT}
    assert {r.query for r in requests} == set(Q.values())
    gaps = [b.time - a.time for a, b in zip(requests, requests[1:], strict=False)]
    print("gaps between requests:", [round(g, 4) for g in gaps])
    assert min(gaps) >= 1.0 - 0.010
    data = json.loads((project / "facilities" / "_geocode-cache.json").read_text(encoding="utf-8"))
    assert [e["query"] for e in data] == sorted(Q.values())
    for e in data:
        assert (e["lat"], e["lon"]) == pytest.approx(POINTS[e["query"]])
        assert e["provider"] == "nominatim" and e["display_name"].startswith("Stub untuk")
        assert len(e["date"]) == 10 and e["date"][4] == "-" and e["date"][7] == "-"


FAULTS = {
    "slow": "timeout",
    "429": "HTTP 429",
    "500": "galat",
    "badjson": "bukan JSON",
    "empty": "tidak ditemukan",
    "refused": "tidak dapat dihubungi",
}


@pytest.mark.parametrize("mode", list(FAULTS))
def test_faults_end_cleanly_and_a_later_run_resumes(project, mode):
    """One address is cached already, two are not; the service fails. The run exits 1 with one
    clear message per record, the cache keeps what it had, and a healthy run fills in the rest."""
    for rid in RECORDS:
        write_record(project, rid)
    cache_file = project / "facilities" / "_geocode-cache.json"
    first = Q["pojok-baca-ayani"]
    save_cache(cache_file, {first: entry(first, *PEKAPURAN_RAYA)})
    before = cache_file.read_text(encoding="utf-8")
    with NominatimStub(points=POINTS, mode="ok" if mode == "refused" else mode, delay=1.6) as stub:
        url = closed_port_url() if mode == "refused" else stub.url
        toml = project / "pyproject.toml"
        text = toml.read_text(encoding="utf-8")
        assert "geocoder_timeout = 10\n" in text
        if mode == "slow":  # the configured timeout is what ends a slow answer (1.6 s) ...
            toml.write_text(text.replace("geocoder_timeout = 10\n", "geocoder_timeout = 0.5\n"),
                            encoding="utf-8")
        # ... while the other faults keep 10 s: on a loaded machine the stub may take more than
        # half a second to answer, which would turn an HTTP 429 into a timeout
        result = cli(project, "geocode", url=url)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        for rid in ("ruang-laktasi-pramuka", "taman-teluk-dalam"):
            lines = [ln for ln in result.stderr.splitlines()
                     if ln.startswith(f"facilities/{rid}.yml:3:") and ": error: alamat:" in ln]
            assert len(lines) == 1, result.stderr
        assert FAULTS[mode] in result.stderr, result.stderr
        assert cache_file.read_text(encoding="utf-8") == before  # valid, and nothing lost
        if mode in ("429", "refused"):  # the service said stop: the second address is not tried
            assert len(stub.requests) <= 1
        stub.mode = "ok"
        n = len(stub.requests)
        out = io.StringIO()
        assert run_geocode(config_for(project, stub.url), out=out) == 0, out.getvalue()
        assert len(stub.requests) - n == 2
    assert sorted(load_cache(cache_file)) == sorted(Q.values())


def test_429_with_short_retry_after_is_honoured(project):
    write_record(project, "ruang-laktasi-pramuka")
    with NominatimStub(points=POINTS, retry_after="1") as stub:
        stub.script = ["429"]
        out = io.StringIO()
        assert run_geocode(config_for(project, stub.url), out=out) == 0, out.getvalue()
        assert [r.mode for r in stub.requests] == ["429", "ok"]
        assert stub.gaps()[0] >= 1.0 - 0.010
    assert list(load_cache(project / "facilities" / "_geocode-cache.json")) == \
        [Q["ruang-laktasi-pramuka"]]


def test_killed_mid_run_leaves_a_valid_cache(project):
    for rid in RECORDS:
        write_record(project, rid)
    cache_file = project / "facilities" / "_geocode-cache.json"
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    with NominatimStub(points=POINTS, mode="slow", delay=5) as stub:
        stub.script = ["ok"]
        env["PETAKLA_GEOCODER_URL"] = stub.url
        proc = subprocess.Popen([sys.executable, str(REPO / "build_map.py"), "--root", str(project),
                                 "geocode"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 30
            while not cache_file.exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert cache_file.exists(), "the first result was never cached"
            while len(stub.requests) < 2 and time.monotonic() < deadline:  # now in a slow request
                time.sleep(0.02)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert len(load_cache(cache_file)) == 1


# --- check reads the cache, never the network -----------------------------------------------


def test_address_only_record_builds_from_the_cache(project, no_network):
    write_record(project, "ruang-laktasi-pramuka")
    q = Q["ruang-laktasi-pramuka"]
    save_cache(project / "facilities" / "_geocode-cache.json", {q: entry(q, *SUNGAI_LULUT)})
    result = check(load_config(project))
    assert result.ok, result.problems
    assert result.problems == []
    (f,) = result.facilities
    assert (f.lat, f.lon) == SUNGAI_LULUT and f.approx == "geocode" and f.has_location


def test_without_cache_or_boundaries_the_record_fails_clearly(project, no_network):
    write_record(project, "ruang-laktasi-pramuka")
    result = check(load_config(project))
    assert not result.ok and result.facilities == []
    (p,) = result.problems
    assert (p.file, p.line, p.field) == ("facilities/ruang-laktasi-pramuka.yml", 3, "alamat")
    assert "lokasi" in p.message and "python build_map.py geocode" in p.message


def test_cached_point_outside_the_city_is_rejected(project):
    write_record(project, "ruang-laktasi-pramuka")
    q = Q["ruang-laktasi-pramuka"]
    save_cache(project / "facilities" / "_geocode-cache.json", {q: entry(q, -6.2, 106.8)})
    result = check(load_config(project))
    assert not result.ok and result.facilities == []
    (p,) = result.problems
    assert (p.file, p.line, p.field, p.severity) == (
        "facilities/ruang-laktasi-pramuka.yml", 3, "alamat", "error")
    assert "di luar Kota Banjarmasin" in p.message


def test_protected_records_are_never_geocoded(project):
    path = project / "facilities" / "rumah-aman-uji.yml"
    path.write_text("nama: Rumah Aman Uji\nkategori: rumah-aman\nkelurahan: Sungai Lulut\n"
                    "sumber: Uji\n", encoding="utf-8")
    with NominatimStub() as stub:
        assert run_geocode(config_for(project, stub.url), out=io.StringIO()) == 0
        assert stub.requests == []
    result = check(config_for(project, "http://x"))
    assert result.ok, result.problems
    (f,) = result.facilities
    assert f.lat is None and not f.has_location


def test_protected_records_get_no_point_inside_their_kelurahan(geo_project):
    """With kelurahan boundaries a record without a point gets one inside its kelurahan;
    a protected record never does."""
    (geo_project / "facilities" / "rumah-aman-uji.yml").write_text(
        "nama: Rumah Aman Uji\nkategori: rumah-aman\nkelurahan: Sungai Lulut\nsumber: Uji\n",
        encoding="utf-8")
    (geo_project / "facilities" / "taman-uji.yml").write_text(
        "nama: Taman Uji\nkategori: ruang-bermain-ramah-anak\nalamat: Jl. Uji\n"
        "kelurahan: Sungai Lulut\nsumber: Uji\n", encoding="utf-8")
    config = config_for(geo_project, "http://x")
    assert config.batas_kelurahan
    result = check(config)
    assert result.ok, result.problems
    by_id = {f.id: f for f in result.facilities}
    assert by_id["taman-uji"].approx == "kelurahan" and by_id["taman-uji"].has_location
    protected = by_id["rumah-aman-uji"]
    assert protected.lat is None and not protected.has_location


# --- with the project's kelurahan boundaries (wilayah/: the `geo_project` fixture) ---------


def test_without_cache_falls_back_inside_the_kelurahan(geo_project, no_network):
    project = geo_project
    import geopandas as gpd
    from shapely.geometry import Point

    write_record(project, "ruang-laktasi-pramuka")
    config = load_config(project)
    result = check(config)
    assert result.ok
    (f,) = result.facilities
    assert f.approx == "kelurahan"
    (p,) = result.problems
    assert (p.severity, p.line, p.field) == ("warning", 3, "alamat")
    assert p.message.startswith("lokasi perkiraan: titik tengah kelurahan Sungai Lulut")
    assert "geocode" in p.message
    polygons = gpd.read_file(PROJECT_KEL)
    shape = polygons[polygons["kode"] == "63.71.02.1005"].geometry.iloc[0]
    assert shape.contains(Point(f.lon, f.lat))

    strict = check(config, strict=True)
    assert not strict.ok and strict.problems[0].severity == "error"


def test_check_strict_flag_on_the_command_line(geo_project):
    project = geo_project
    write_record(project, "ruang-laktasi-pramuka")
    loose = cli(project, "check")
    assert loose.returncode == 0 and "warning: alamat: lokasi perkiraan" in loose.stderr
    strict = cli(project, "check", "--strict")
    assert strict.returncode == 1 and "error: alamat: lokasi perkiraan" in strict.stderr
    assert "Traceback" not in strict.stderr


def test_point_in_another_kelurahan_names_both(geo_project):
    project = geo_project
    path = project / "facilities" / "taman-salah.yml"
    path.write_text("nama: Contoh Taman\nkategori: ruang-bermain-ramah-anak\n"
                    "kelurahan: Kertak Baru Ilir\n"
                    f"lokasi: [{TELUK_DALAM[0]}, {TELUK_DALAM[1]}]\nsumber: Uji\n", encoding="utf-8")
    write_record(project, "ruang-laktasi-pramuka")
    q = Q["ruang-laktasi-pramuka"]  # geocoded into Teluk Dalam, declared Sungai Lulut
    save_cache(project / "facilities" / "_geocode-cache.json", {q: entry(q, *TELUK_DALAM)})
    result = check(load_config(project))
    assert not result.ok and result.facilities == []
    by_file = {p.file: p for p in result.problems}
    p = by_file["facilities/taman-salah.yml"]
    assert (p.line, p.field) == (4, "lokasi")
    assert "titik berada di Kelurahan Teluk Dalam, bukan Kelurahan Kertak Baru Ilir" in p.message
    p = by_file["facilities/ruang-laktasi-pramuka.yml"]
    assert (p.line, p.field) == (3, "alamat")
    assert "Kelurahan Teluk Dalam, bukan Kelurahan Sungai Lulut" in p.message


@needs_shared
def test_real_records_match_their_kelurahan_in_the_independent_reference():
    result = check(load_config(REPO, overrides={"batas_kelurahan": str(SHARED_KEL)}))
    assert result.ok, [p.format() for p in result.problems]


def test_full_build_uses_cache_and_kelurahan_fallback_without_network(geo_project, no_network):
    """The whole site builds offline: one record from its cached coordinates, one from the
    kelurahan fallback, each shown as approximate with the reason on its page."""
    import shutil

    from petakla.site import build_site

    project = geo_project
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(REPO / "content", project / "content")
    (project / "petakla").symlink_to(REPO / "petakla")  # mkdocs.yml names the hook by path
    write_record(project, "ruang-laktasi-pramuka")
    write_record(project, "taman-teluk-dalam")
    q = Q["ruang-laktasi-pramuka"]
    save_cache(project / "facilities" / "_geocode-cache.json", {q: entry(q, *SUNGAI_LULUT)})

    assert build_site(load_config(project), strict=True) == 0
    site = project / "site"
    rows = json.loads((site / "peta" / "fasilitas.json").read_text(encoding="utf-8"))
    by_id = {row[0]: dict(zip(rows["kolom"], row, strict=True)) for row in rows["baris"]}
    assert (by_id["ruang-laktasi-pramuka"]["lat"], by_id["ruang-laktasi-pramuka"]["lon"]) == \
        SUNGAI_LULUT
    assert by_id["ruang-laktasi-pramuka"]["perkiraan"] == "geocode"
    assert by_id["taman-teluk-dalam"]["perkiraan"] == "kelurahan"
    cached = (site / "fasilitas" / "ruang-laktasi-pramuka" / "index.html").read_text("utf-8")
    fallback = (site / "fasilitas" / "taman-teluk-dalam" / "index.html").read_text("utf-8")
    assert "Lokasi perkiraan (dari alamat)" in cached
    assert APPROX_LABELS["kelurahan"] in fallback  # "…: hanya kelurahannya yang diketahui"
