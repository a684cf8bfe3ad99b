"""Tests that hold what other tests only assume: the protected-record filter of the model on
its own (past validation), the site swap while a reader reads and after a record is removed,
and the geocode cache when the process dies in the middle of writing it."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from helpers_site import FIXTURE_RECORDS, make_project

from petakla.config import load_config
from petakla.export import downloads
from petakla.maps import map_data, marker_data
from petakla.model import Facility
from petakla.regions import load_city
from petakla.vocab import load_vocab

REPO = Path(__file__).resolve().parent.parent


# --- the model keeps protected records out of every map and download -------------------------


def test_protected_facility_with_a_point_is_never_published_by_the_model(project):
    """Validation refuses `lokasi` on a protected record; this is the filter behind it, tested
    on its own with a facility that somehow has one."""
    config = load_config(project)
    vocab, city = load_vocab(), load_city(config.kota_kode)
    kel = city.find_kelurahan("Kertak Baru Ilir")
    protected_cat = next(c for c in vocab.categories.values() if c.dilindungi)
    public_cat = vocab.categories["ruang-laktasi"]
    hidden = Facility(id="rahasia-sekali", file="facilities/rahasia-sekali.yml",
                      data={"nama": "Rumah Rahasia Sekali", "kategori": protected_cat.slug,
                            "kelurahan": kel.nama, "sumber": "uji"},
                      category=protected_cat, kelurahan=kel, lat=-3.31111, lon=114.58888)
    shown = Facility(id="laktasi-umum", file="facilities/laktasi-umum.yml",
                     data={"nama": "Ruang Laktasi Umum", "kategori": "ruang-laktasi",
                           "kelurahan": kel.nama, "sumber": "uji"},
                     category=public_cat, kelurahan=kel, lat=-3.3263, lon=114.5892)
    assert hidden.protected and not hidden.has_location and shown.has_location
    data = json.loads(map_data([hidden, shown]))
    assert [row[0] for row in data["baris"]] == ["laktasi-umum"]
    markers = json.loads(marker_data([hidden, shown], config, city))
    assert len(markers["lat"]) == 1 and markers["kategori"] == ["ruang-laktasi"]
    for name, content in downloads([hidden, shown]).items():
        text = content.decode("utf-8")
        assert "Ruang Laktasi Umum" in text, name
        for secret in ("rahasia-sekali", "Rumah Rahasia Sekali", "-3.31111", "114.58888"):
            assert secret not in text, (name, secret)


# --- the site swap: readers never see a gap; pages of removed records go ---------------------

# Reads site/index.html over and over until the file `stop` exists or, given a third
# argument, until it has read 100 pages containing that text; says "ready" after its first
# whole page (the test acts only then: a slow start must not let a swap pass unwatched).
READER = """
import sys, os, json
site, stop = sys.argv[1], sys.argv[2]
until = sys.argv[3].encode() if len(sys.argv) > 3 else None
ok = gaps = seen = 0
while not os.path.exists(stop) and seen < 100:
    try:
        with open(os.path.join(site, "index.html"), "rb") as fh:
            body = fh.read()
        whole = body.rstrip().endswith(b"</html>")
        ok += whole
        gaps += not whole
        if whole and ok == 1:
            print("ready", flush=True)
        seen += bool(until and until in body)
    except OSError:
        gaps += 1
print(json.dumps({"ok": ok, "gaps": gaps}))
"""


def _build(root: Path) -> None:
    proc = subprocess.run([sys.executable, str(REPO / "build_map.py"), "--root", str(root),
                           "build"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr


def test_rebuild_after_removing_a_record_while_the_site_is_read(tmp_path):
    records = tmp_path / "rekaman"
    records.mkdir()
    kept, removed = "contoh-ruang-laktasi-teluk-dalam", "contoh-pojok-baca-telawang"
    for rid in (kept, removed):
        (records / f"{rid}.yml").write_bytes((FIXTURE_RECORDS / f"{rid}.yml").read_bytes())
    root = make_project(tmp_path / "proyek", records=records)
    site = root / "site"
    _build(root)
    assert (site / "fasilitas" / removed / "index.html").is_file()
    (root / "facilities" / f"{removed}.yml").unlink()
    stop = tmp_path / "berhenti"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(site), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "ready\n"
        _build(root)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    reads = json.loads(out.splitlines()[-1])
    assert reads["gaps"] == 0 and reads["ok"] > 100, reads
    assert not (site / "fasilitas" / removed).exists()
    assert sorted(p.name for p in (site / "fasilitas").iterdir() if p.is_dir()) == [kept]
    assert removed not in (site / "peta" / "fasilitas.json").read_text(encoding="utf-8")
    assert removed not in (site / "data" / "fasilitas.csv").read_text(encoding="utf-8")
    assert not list(root.glob(".site.*-*"))


def test_swap_leaves_no_gap_and_no_stale_file(tmp_path):
    """petakla.site._swap on its own, with a site large enough that deleting it takes a
    while: a reader never finds the site missing, and nothing of the old one remains."""
    from petakla.site import _swap

    target, new = tmp_path / "site", tmp_path / ".site.new-uji"
    for folder, label in ((target, "lama"), (new, "baru")):
        for i in range(3000):
            page = folder / "fasilitas" / f"f{i}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f"<html>{label}</html>", encoding="utf-8")
        (folder / "index.html").write_text(f"<html>{label}</html>", encoding="utf-8")
    (target / "hanya-lama.html").write_text("<html>lama</html>", encoding="utf-8")
    stop = tmp_path / "berhenti"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(target), str(stop), "baru"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "ready\n"  # the reader is reading
        _swap(new, target)
        out = reader.communicate(timeout=60)[0]  # it stops after 100 reads of the new site
    finally:
        stop.touch()
        reader.wait(timeout=60)
    reads = json.loads(out.splitlines()[-1])
    assert reads["gaps"] == 0 and reads["ok"] > 100, reads
    assert not (target / "hanya-lama.html").exists() and not new.exists()
    assert (target / "index.html").read_text(encoding="utf-8") == "<html>baru</html>"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]


# --- the geocode cache when the process dies while writing it ---------------------------------


def test_geocode_killed_while_writing_the_cache_keeps_the_old_cache(project):
    """The process is killed by the kernel in the middle of writing (RLIMIT_FSIZE, SIGXFSZ):
    the cache must still be the old, valid file, never a half-written one."""
    from nominatim_stub import NominatimStub
    from test_geocode import POINTS, Q, entry, write_record

    from petakla.geocode import load_cache, save_cache

    write_record(project, "ruang-laktasi-pramuka")
    write_record(project, "taman-teluk-dalam")
    cache_file = project / "facilities" / "_geocode-cache.json"
    save_cache(cache_file, {Q["taman-teluk-dalam"]: entry(Q["taman-teluk-dalam"], -3.3225,
                                                          114.5805)})
    before = cache_file.read_bytes()
    limit = len(before) + 40  # the next cache (one more entry) cannot be written in full

    def limit_writes() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # Python ignores SIGXFSZ from its start; the command runs with the default action back,
    # so the kernel kills it at the first byte past the limit.
    launcher = ("import runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_DFL); "
                "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")
    with NominatimStub(points=POINTS) as stub:
        env = dict(os.environ, PETAKLA_GEOCODER_URL=stub.url, NO_PROXY="127.0.0.1",
                   no_proxy="127.0.0.1", PYTHONDONTWRITEBYTECODE="1")
        proc = subprocess.run([sys.executable, "-c", launcher, str(REPO / "build_map.py"),
                               "--root", str(project), "geocode"], env=env, capture_output=True,
                              timeout=120, preexec_fn=limit_writes)
        assert len(stub.requests) == 1  # it did look the address up, then tried to save it
    assert proc.returncode == -signal.SIGXFSZ, proc.stderr
    assert cache_file.read_bytes() == before
    assert list(load_cache(cache_file)) == [Q["taman-teluk-dalam"]]
