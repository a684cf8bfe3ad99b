"""The KLA indicator mapping (petakla/data/indikator_kla.yml) and the data-quality figures
(petakla.quality), worked out by hand on records made here."""

from __future__ import annotations

import copy
import datetime

import pytest
import yaml

from petakla import quality
from petakla.indikator import MAPPING_FILE, MappingError, load_indicators, parse_mapping
from petakla.model import Facility
from petakla.regions import load_city
from petakla.vocab import DATA, load_vocab

VOCAB = load_vocab()
RAW = yaml.safe_load((DATA / MAPPING_FILE).read_text(encoding="utf-8"))
CITY = load_city("63.71")


def test_every_category_is_mapped_and_every_indicator_documented():
    indicators = load_indicators(VOCAB)
    mapped = {c.slug for ind in indicators for c in ind.categories}
    # A category that is evidence for no indicator says why.
    explained = {slug for slug, e in RAW["kategori"].items()
                 if e["indikator"] == [] and e.get("catatan", "").strip()}
    assert mapped | explained == set(VOCAB.categories) and not mapped & explained
    for ind in indicators:
        assert ind.nomor and ind.teks and ind.teks_dari, ind.key
        assert ind.sumber and all(u.startswith("https://") for u in ind.sumber), ind.key
        if not ind.nomor_pasti:  # an unverified number says why
            assert ind.catatan, ind.key
            assert ind.nomor in ("I", "II", "III", "IV", "V"), ind.key
            assert "belum dipastikan" in ind.label
        else:
            assert ind.nomor.isdigit() and 1 <= int(ind.nomor) <= 24, ind.key
        assert ind.klaster.slug in VOCAB.klaster
    # Each category's indicators belong to the category's own klaster (kategori.yml), so the
    # report and /cakupan/'s klaster roll-up never disagree.
    for ind in indicators:
        for c in ind.categories:
            assert c.klaster == ind.klaster, (c.slug, ind.key)


def test_disputed_mappings_say_so():
    notes = {slug: (e or {}).get("catatan", "") for slug, e in RAW["kategori"].items()}
    assert "Diperdebatkan" in notes["rumah-ibadah-ramah-anak"]
    assert notes["pojok-baca"] and notes["perpustakaan-ramah-anak"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["kategori"].pop("forum-anak"), "kategori forum-anak: belum dipetakan"),
    (lambda d: d["kategori"]["puspaga"].update(indikator=["tidak-ada"]),
     "indikator 'tidak-ada' tidak dikenal"),
    (lambda d: d["kategori"]["puspaga"].update(indikator=[]), "puspaga: tanpa indikator"),
    (lambda d: d["indikator"]["partisipasi-anak"].pop("sumber"), "`sumber` kosong"),
    (lambda d: d["indikator"]["partisipasi-anak"].update(teks=""), "`teks` kosong"),
    (lambda d: d["indikator"]["ruang-laktasi"].pop("catatan"), "nomor belum pasti"),
    (lambda d: d["indikator"]["ruang-laktasi"].update(sumber=["buku di meja"]), "bukan alamat web"),
    (lambda d: d["kategori"].update({"taman-baru": {"indikator": ["partisipasi-anak"]}}),
     "kategori taman-baru: tidak ada di kategori.yml"),
])
def test_a_broken_mapping_is_refused_with_a_clear_message(change, message):
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace("`", "`")):
        parse_mapping(data, VOCAB)


# --- data quality ---------------------------------------------------------------------------

KEL = CITY.find_kelurahan("Teluk Dalam")
BUILD = datetime.date(2026, 6, 15)


def record(fid: str, **data) -> Facility:
    lat = data.pop("lat", -3.32)
    approx = data.pop("approx", None)
    base = {"nama": fid.replace("-", " ").title(), "kategori": "ruang-laktasi",
            "kelurahan": KEL.nama, "sumber": "uji"}
    return Facility(fid, f"facilities/{fid}.yml", {**base, **data},
                    VOCAB.categories[data.get("kategori", "ruang-laktasi")], KEL, lat=lat,
                    lon=114.59 if lat is not None else None, approx=approx)


FULL = dict(jam_buka="Mo-Fr 08:00-16:00", kontak={"telepon": "0511 1"}, usia=[0, 2],
            fasilitas=["wastafel"], verifikasi={"tanggal": "2026-01-10", "oleh": "Uji"})


def test_completeness_counts_what_a_parent_needs():
    full = quality.record_quality(record("lengkap", **FULL), BUILD)
    assert full.missing == () and full.filled == 6 and full.share == 1.0
    bare = quality.record_quality(record("kosong", approx="geocode"), BUILD)
    assert bare.missing == tuple(quality.CHECKS) and bare.verification == "belum"
    assert quality.missing_labels(bare)[0] == "Lokasi tepat"


@pytest.mark.parametrize(("tanggal", "state"), [
    ("2025-06-15", "baru"),  # exactly 12 months before the build's date
    ("2025-06-14", "lama"),
    ("2026-06-15", "baru"),
])
def test_verification_age_is_relative_to_the_build_date(tanggal, state):
    f = record("v", verifikasi={"tanggal": tanggal, "oleh": "Uji"})
    q = quality.record_quality(f, BUILD)
    assert q.verification == state
    assert ("verifikasi" in q.missing) == (state != "baru")


def test_months_before_handles_short_months():
    assert quality.months_before(datetime.date(2024, 2, 29), 12) == datetime.date(2023, 2, 28)
    assert quality.months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert quality.months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)


def test_most_useful_fix_comes_first_and_protected_records_never_appear():
    old = {**FULL, "verifikasi": {"tanggal": "2020-01-01", "oleh": "Uji"}}
    rows = quality.quality_list([
        record("lengkap", **FULL),
        record("lama", **old),  # 5/6, verified long ago
        record("tanpa-jam", **{k: v for k, v in FULL.items() if k != "jam_buka"}),  # 5/6
        record("kosong-rencana", status="direncanakan", lat=None),  # 0/6, planned
        record("kosong", lat=None),  # 0/6, exists now
        record("rahasia", kategori="rumah-aman", lat=None),
    ], BUILD)
    assert [q.facility.id for q in rows] == ["kosong", "kosong-rencana", "lama", "tanpa-jam",
                                             "lengkap"]
    assert quality.mean_share(rows) == pytest.approx((0 + 0 + 5 + 5 + 6) / 5 / 6)


def test_empty_categories_and_kelurahan():
    facilities = [record("a", **FULL), record("b", kategori="pojok-baca", status="tutup")]
    empty = {c.slug for c in quality.empty_categories(list(VOCAB.categories.values()),
                                                      facilities)}
    assert "ruang-laktasi" not in empty and "pojok-baca" in empty  # closed: not counted
    assert "rumah-aman" not in empty  # protected categories are never reported
    kel = quality.empty_kelurahan(CITY, facilities)
    assert len(kel) == len(CITY.kelurahan) - 1 and KEL not in kel
