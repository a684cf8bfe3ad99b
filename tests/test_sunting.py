"""Minimal edits through the form (static/sunting.js), in Debian's chromium: editing a record
changes only the lines whose values changed, keeping comments and the file's own quoting.
Every real record (facilities/*.yml) is served to the fixture site's form as its record files
(tambah/daftar.json, tambah/data/<part>.json) and tambah/asli/<id>.yml would serve it."""

from __future__ import annotations

import difflib
import json

import pytest
from helpers_site import PROTECTED_ID, REPO
from playwright.sync_api import Frame, Page, Route

from petakla.config import load_config
from petakla.form_data import FORM_DIR, form_data_files
from petakla.model import Facility
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.vocab import load_vocab

REAL = sorted((REPO / "facilities").glob("*.yml"))


@pytest.fixture(scope="module")
def real_records() -> tuple[dict[str, str], dict[str, str]]:
    """(the form's record files of the real records, {id: file text})."""
    result = check(load_config(REPO))
    published = [f for f in result.facilities if not f.protected]
    texts = {f.id: (REPO / f.file).read_text(encoding="utf-8") for f in published}
    return form_data_files(published), texts


def facility(ident: str, record: dict) -> Facility:
    """A record as `check` would give it, for the form's record files."""
    city = load_city(load_config(REPO).kota_kode)
    return Facility(id=ident, file=f"facilities/{ident}.yml", data=record,
                    category=load_vocab().categories[record["kategori"]],
                    kelurahan=city.find_kelurahan(record["kelurahan"]))


def records_of(files: dict[str, str]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path, text in files.items():
        if path.startswith(f"{FORM_DIR}/data/"):
            out.update(json.loads(text))
    return out


def open_with(page: Page, site_url: str, files: dict[str, str], texts: dict[str, str]) -> Frame:
    def data_json(route: Route) -> None:
        path = route.request.url.split("/tambah/", 1)[1]
        route.fulfill(status=200, content_type="application/json",
                      body=files[f"{FORM_DIR}/{path}"])

    def original(route: Route) -> None:
        ident = route.request.url.rsplit("/", 1)[1].removesuffix(".yml")
        route.fulfill(status=200, content_type="text/yaml; charset=utf-8",
                      body=texts[ident].encode("utf-8"))

    page.route("**/tambah/daftar.json", data_json)
    page.route("**/tambah/data/*.json", data_json)
    page.route("**/tambah/asli/*.yml", original)
    page.goto(site_url + "tambah/form.html")
    page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
    return page.main_frame


def choose(frame: Frame, ident: str) -> str:
    frame.focus("#f-ubah")  # an editor reaches for it: its options are added then
    frame.select_option("#f-ubah", ident)
    frame.locator(f"#pk-form[data-pk-asli='{ident}']").wait_for(state="attached", timeout=10_000)
    return frame.locator("#pk-yaml").input_value()


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_the_site_serves_each_published_records_own_file(fixture_site):
    folder = fixture_site.site / "tambah" / "asli"
    assert sorted(p.stem for p in folder.glob("*.yml")) == sorted(fixture_site.public_ids)
    assert not (folder / f"{PROTECTED_ID}.yml").exists()
    for path in folder.glob("*.yml"):
        source = fixture_site.root / "facilities" / path.name
        assert path.read_bytes() == source.read_bytes()


def test_a_no_change_edit_of_every_real_record_is_byte_identical(page, site_url, real_records):
    data, texts = real_records
    assert len(texts) >= 20
    frame = open_with(page, site_url, data, texts)
    for ident, text in texts.items():
        assert choose(frame, ident) == text, ident
        assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true", ident
    page.context.recorder.assert_clean()


def test_a_one_field_edit_changes_one_line_of_every_real_record(page, site_url, real_records):
    data, texts = real_records
    records = records_of(data)
    frame = open_with(page, site_url, data, texts)
    for ident, text in texts.items():
        choose(frame, ident)
        hours = "Mo-Sa 07:30-12:00" if records[ident].get("jam_buka") != "Mo-Sa 07:30-12:00" \
            else "Mo-Fr 08:00-16:00"
        frame.fill("#f-jam", hours)
        edited = frame.locator("#pk-yaml").input_value()
        diff = changed_lines(text, edited)
        plus = [d for d in diff if d.startswith("+")]
        assert len(plus) == 1 and plus[0] == f'+jam_buka: "{hours}"' or \
            plus[0].startswith("+jam_buka: ") and hours in plus[0], (ident, diff)
        assert len([d for d in diff if d.startswith("-")]) == (1 if "jam_buka" in records[ident]
                                                               else 0), (ident, diff)
    page.context.recorder.assert_clean()


def test_edits_keep_comments_and_quoting(page, site_url):
    text = ("# yaml-language-server: $schema=../petakla/data/fasilitas.schema.json\n"
            "# Dicek ulang bulan depan.\n"
            "nama: 'Pojok Baca Uji Sunting'  # nama di papan\n"
            "kategori: pojok-baca\n"
            "kelurahan: Pelambuan\n"
            "lokasi: [-3.3184123, 114.5661]\n"
            "kontak:\n"
            "  telepon: (0511) 3352155\n"
            "  # email menyusul\n"
            "sumber: \"Data uji\"\n")
    record = {"nama": "Pojok Baca Uji Sunting", "kategori": "pojok-baca",
              "kelurahan": "Pelambuan", "lokasi": [-3.3184123, 114.5661],
              "kontak": {"telepon": "(0511) 3352155"}, "sumber": "Data uji"}
    ident = "pojok-baca-uji-sunting"
    frame = open_with(page, site_url, form_data_files([facility(ident, record)]), {ident: text})
    assert choose(frame, ident) == text
    frame.fill("#f-nama", "Pojok Baca Uji Sunting Baru")
    frame.fill("#f-telepon", "(0511) 4281234")
    frame.fill("#f-email", "pojok@contoh.example")
    frame.select_option("#f-akses", "umum")
    edited = frame.locator("#pk-yaml").input_value()
    assert sorted(changed_lines(text, edited)) == sorted([
        "-nama: 'Pojok Baca Uji Sunting'  # nama di papan",
        "-  telepon: (0511) 3352155",
        "+nama: 'Pojok Baca Uji Sunting Baru'  # nama di papan",
        "+  telepon: (0511) 4281234",
        "+  email: \"pojok@contoh.example\"",
        "+akses: \"umum\"",
    ]), edited
    assert "# Dicek ulang bulan depan." in edited and "  # email menyusul" in edited
    page.context.recorder.assert_clean()


def test_removing_a_value_removes_only_its_line(page, site_url, real_records):
    data, texts = real_records
    records = records_of(data)
    ident = next(i for i, r in records.items() if "keterangan" in r)
    frame = open_with(page, site_url, data, texts)
    choose(frame, ident)
    frame.fill("#f-keterangan", "")
    diff = changed_lines(texts[ident], frame.locator("#pk-yaml").input_value())
    assert len(diff) == 1 and diff[0].startswith("-keterangan: "), diff


