"""One validator truth: the form (static/periksa.js in Debian's chromium) and `check` give every
fixture and every real record the same verdict and the same Indonesian messages, for every
rule a browser can decide. Only what needs the geocode cache or kelurahan boundaries is left
to `check` (and the form names it before copying)."""

from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

from helpers_site import REPO

from petakla.config import load_config
from petakla.load import load_document
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.schema import SCHEMA_FILE
from petakla.vocab import load_vocab

FIXTURES = REPO / "tests" / "fixtures"
SCHEMA = json.loads((REPO / "petakla" / "data" / SCHEMA_FILE).read_text(encoding="utf-8"))
TODAY = datetime.date(2026, 11, 30)
# Messages of check that need the geocode cache or the kelurahan boundaries, or an opening
# hours parser (hours beyond the form's subset are left to check, and the form says so).
ONLY_CHECK = re.compile(r"batas kelurahan|lokasi perkiraan|bukan Kelurahan|hasil geocode"
                        r"|berbeda dari minggu ke minggu")


def cases(checked_name) -> list[tuple[str, Path]]:
    """(file name checked under, source) of every fixture and every real record."""
    out = [(p.name, p) for p in sorted(FIXTURES.glob("valid/*.yml"))]
    out += [(checked_name(p.stem), p) for p in sorted(FIXTURES.glob("invalid/*.yml"))]
    out += [(p.name, p) for p in sorted((REPO / "facilities").glob("*.yml"))]
    return out


def python_side(project: Path, named: list[tuple[str, Path]]) -> dict[str, dict]:
    """name -> {data, problems}: what check says of each record, without what the loader says
    (a browser gets the record as data, after YAML) and without the ONLY_CHECK rules."""
    for name, source in named:
        shutil.copyfile(source, project / "facilities" / name)
    result = check(load_config(project), today=TODAY)
    out = {}
    for name, _ in named:
        doc = load_document(project / "facilities" / name, project)
        if not isinstance(doc.data, dict):
            continue
        loader = {(p.field, p.message) for p in doc.problems}
        out[name] = {"data": doc.data, "problems": sorted(
            [p.field, p.severity, p.message] for p in result.problems
            if p.file == f"facilities/{name}" and (p.field, p.message) not in loader
            and not ONLY_CHECK.search(p.message))}
    return out


def test_form_and_check_agree_on_every_fixture_and_record(page, site_url, project, checked_name):
    named = cases(checked_name)
    expected = python_side(project, named)
    assert len(expected) > 70
    config, vocab = load_config(project), load_vocab()
    city = load_city(config.kota_kode)
    ctx = {"schema": SCHEMA, "kategori": {s: {"dilindungi": c.dilindungi}
                                          for s, c in vocab.categories.items()},
           "kelurahan": sorted(k.nama for k in city.kelurahan), "kota": config.kota_nama,
           "kotaResmi": city.nama, "batas": [list(c) for c in config.batas],
           "batasKelurahan": bool(config.batas_kelurahan), "cached": False,
           "today": TODAY.isoformat()}
    page.goto(site_url + "tambah/form.html")
    page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
    got = page.evaluate("""([ctx, records]) => {
        ctx.validate = PetaTambah.validate;
        const out = {};
        for (const [name, data] of Object.entries(records)) {
          const id = name.replace(/\\.ya?ml$/, "");
          out[name] = PetaPeriksa.problems(data, id, ctx)
            .map(p => [p.field, p.severity, p.message]).sort();
        }
        return out;
    }""", [ctx, {name: e["data"] for name, e in expected.items()}])
    n_invalid = 0
    for name, entry in expected.items():
        want = [list(p) for p in entry["problems"]]
        assert sorted(got[name]) == want, name
        n_invalid += any(p[1] == "error" for p in want)
    assert n_invalid >= 45  # every invalid fixture that is a mapping
    page.context.recorder.assert_clean()


def test_opening_hours_the_form_decides_are_decided_alike(page, site_url):
    """The subset periksa.js accepts is accepted by check's parser; what it rejects as a slip,
    check rejects; everything else the form leaves to check."""
    from petakla.validate import jam_buka_problem

    samples = ["Mo-Fr 08:00-16:00", "Mo-Fr 08:00-16:00; Sa 08:00-12:00", "24/7",
               "Mo-Sa 07:00-14:00; PH off", "Mo,We,Fr 09:00-11:00,13:00-15:00", "Su off",
               "Mo-Fr 8:00-16:00", "PH,Sa 08:00-12:00", "Mo-Su 00:00-24:00", "Tu-Th 07:30-20:00",
               "Senin-Jumat 8-16", "Senin-Jumat 08.00-16.00", "Mo-Fr 8-16", "Setiap hari",
               "Jumat libur", "Mo-Fr 08.00-16.00", "sunrise-sunset", "Mo-Fr 08:00+",
               "Jan-Mar Mo 08:00-10:00", "Mo-Fr 08:00-12:00 \"istirahat siang\""]
    page.goto(site_url + "tambah/form.html")
    page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
    verdicts = page.evaluate("s => s.map(PetaPeriksa.hoursVerdict)", samples)
    counts = {"valid": 0, "invalid": 0, "unknown": 0}
    for text, verdict in zip(samples, verdicts, strict=True):
        counts[verdict] += 1
        if verdict == "valid":
            assert jam_buka_problem(text) is None, text
        elif verdict == "invalid":
            assert jam_buka_problem(text) is not None, text
    assert counts["valid"] >= 9 and counts["invalid"] >= 5 and counts["unknown"] >= 3, counts


def test_phone_numbers_the_form_checks_as_check_does(page, site_url):
    from petakla.validate import telepon_problem

    samples = ["12345", "(0511) 3352155", "0511-3352155", "+62 511 3352155", "08123456789",
               "0812-3456-7890", "112", "0511 335", "62811234567", "021 1234567", "0800 123",
               "+62 812 3456 7890 123", "(0511) 33521551", "0511.3352155", "tidak ada", "7123456",
               "081234567", "+6281234"]
    page.goto(site_url + "tambah/form.html")
    page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
    valid = page.evaluate("s => s.map(PetaPeriksa.phoneValid)", samples)
    for text, ok in zip(samples, valid, strict=True):
        assert ok == (telepon_problem(text) is None), text
    assert 3 <= sum(valid) < len(samples)


def test_the_loaders_refused_characters_are_refused_alike(page, site_url, checked_name,
                                                        tmp_path):
    """What check's loader refuses in a text (invisible controls, bidi controls, a tab or a
    newline outside `keterangan`) the form refuses too, with the same field and words
    (PetaPeriksa.invisible, apart from the rules after the loader)."""
    from petakla.load import load_document

    # Besides the fixtures, one record per kind of character, nested fields too, written as
    # JSON (which YAML reads) with escapes.
    extra = {"x-bidi": {"pengelola": {"nama": "Yayasan \u2067Uji"}},
             "x-tab": {"keterangan": "Baris\tdengan tab\nboleh", "alamat": "Jl.\tUji"},
             "x-del": {"fasilitas": ["wastafel\x7f"], "sumber_lokasi": "Peta\u200f pihak"},
             "x-cr": {"nama": "Taman\r Uji", "keterangan": "\x0b", "sumber": "\ufffe"}}
    named = cases(checked_name)
    for stem, data in extra.items():
        (tmp_path / f"{stem}.yml").write_text(json.dumps(data), encoding="utf-8")
        named.append((f"{stem}.yml", tmp_path / f"{stem}.yml"))
    records, expected = {}, {}
    for name, source in named:
        doc = load_document(source, source.parent)
        if not isinstance(doc.data, dict):
            continue
        records[name] = doc.data
        expected[name] = sorted([p.field, p.message] for p in doc.problems
                                if p.message.endswith("Hapus karakter itu (sering terbawa saat "
                                                      "menyalin teks)."))
    assert all(expected[f"{stem}.yml"] for stem in extra)
    assert len(expected["x-cr.yml"]) == 3 and len(expected["x-tab.yml"]) == 1
    page.goto(site_url + "tambah/form.html")
    page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
    got = page.evaluate("""records => Object.fromEntries(Object.entries(records).map(
        ([name, data]) => [name, PetaPeriksa.invisible(data).map(p => [p.field, p.message]).sort()]))""",
                        records)
    assert {k: sorted(v) for k, v in got.items()} == expected
    assert sum(bool(v) for v in expected.values()) >= 4 + len(extra)  # the fixtures that have them
    page.context.recorder.assert_clean()
