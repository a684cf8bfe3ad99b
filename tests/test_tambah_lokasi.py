"""The form's fields for how precise the point is (`ketelitian_lokasi`) and where a
secondary-source point came from (`sumber_lokasi`), in Debian's chromium on the fixture site:
labelled, offering check's choices, hidden for protected categories, kept and changed line by
line in an edit, accessible (axe), and never approving what `check` rejects: the YAML of every
form state below goes through `check` itself, and both must give the same verdict in the same
words."""

from __future__ import annotations

import pytest
from browser_util import axe_run
from browser_util import form_frame as open_form
from playwright.sync_api import Frame

from petakla.config import load_config
from petakla.load import load_document
from petakla.pipeline import check
from petakla.schema import KETELITIAN

TARGET = ("-3.3178", "114.5835")  # inside Kelurahan Teluk Dalam
OSM = "OpenStreetMap (https://www.openstreetmap.org/node/123)"
MAWAR_ID = "contoh-uptd-ppa-mawar"  # fixture: ketelitian_lokasi: kelurahan + sumber_lokasi


def fill_base(frame: Frame, name: str) -> None:
    frame.select_option("#f-kategori", "ruang-laktasi")
    frame.fill("#f-nama", name)
    frame.select_option("#f-kelurahan", "Teluk Dalam")
    frame.fill("#f-alamat", "Jl. Uji No. 3")
    frame.fill("#f-sumber", "Data uji")


def form_errors(frame: Frame) -> list[str]:
    return frame.locator("#pk-masalah li:not(.pk-peringatan-item)").all_inner_texts()


# Each state: (what to set, whether check accepts it, the message both must give).
STATES = [
    ({"lokasi": TARGET, "ketelitian": "jalan", "sumber": OSM}, True, None),
    ({"lokasi": TARGET, "ketelitian": "tepat"}, True, None),
    ({"lokasi": TARGET, "ketelitian": "kelurahan", "perkiraan": True}, True, None),
    ({"lokasi": TARGET, "ketelitian": "tepat", "perkiraan": True}, False,
     "'tepat' bertentangan dengan `lokasi_perkiraan: true`; pilih jalan atau kelurahan, atau "
     "hapus `lokasi_perkiraan`."),
    ({"ketelitian": "jalan"}, False,
     "'ketelitian_lokasi' hanya berlaku untuk koordinat yang ditulis; tambahkan "
     "`lokasi: [lintang, bujur]` atau hapus baris ini."),
    ({"sumber": OSM}, False,
     "'sumber_lokasi' hanya berlaku untuk koordinat yang ditulis; tambahkan "
     "`lokasi: [lintang, bujur]` atau hapus baris ini."),
    # pasted with an invisible bidi control: check's loader refuses it, so does the form
    ({"lokasi": TARGET, "sumber": "Peta \u202epihak ketiga"}, False,
     "ada karakter pengarah teks tak terlihat (U+202E) yang membalik atau menggeser urutan teks "
     "di sekitarnya. Hapus karakter itu (sering terbawa saat menyalin teks)."),
]


@pytest.mark.parametrize("n", range(len(STATES)))
def test_the_form_and_check_agree_on_precision_and_point_source(page, site_url, project, n):
    setting, accepted, message = STATES[n]
    frame = open_form(page, site_url)
    fill_base(frame, f"Ruang Laktasi Uji Ketelitian {n}")
    if "lokasi" in setting:
        frame.fill("#f-lat", setting["lokasi"][0])
        frame.fill("#f-lon", setting["lokasi"][1])
    if setting.get("perkiraan"):
        frame.check("#f-perkiraan")
    if "ketelitian" in setting:
        frame.select_option("#f-ketelitian", setting["ketelitian"])
    if "sumber" in setting:
        frame.fill("#f-sumber-lokasi", setting["sumber"])
    valid = frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    yaml_text = frame.locator("#pk-yaml").input_value()
    ident = frame.locator("#f-id").input_value()
    errors = form_errors(frame)

    path = project / "facilities" / f"{ident}.yml"
    path.write_text(yaml_text, encoding="utf-8")
    result = check(load_config(project))
    said = [p.message for p in result.problems if p.severity == "error"]
    assert valid is accepted and result.ok is accepted, (errors, said)
    assert sorted(errors) == sorted(said)
    if message:
        assert message in said
        # under its own field, which is marked invalid
        field = "sumber-lokasi" if "sumber" in setting and "ketelitian" not in setting else "ketelitian"
        assert message in frame.locator(f"#g-{field}").inner_text()
        assert frame.locator(f"#f-{field}").get_attribute("aria-invalid") == "true"
    else:
        data = load_document(path, project).data
        assert data.get("ketelitian_lokasi") == setting["ketelitian"]
        assert data.get("sumber_lokasi") == setting.get("sumber")
        (facility,) = result.facilities
        assert facility.secondary_point == setting.get("sumber", "")
    page.context.recorder.assert_clean()


def test_the_fields_are_labelled_in_indonesian_and_offer_checks_choices(page, site_url):
    frame = open_form(page, site_url)
    options = frame.locator("#f-ketelitian option")
    values = [options.nth(i).get_attribute("value") for i in range(options.count())]
    assert values == ["", *KETELITIAN]
    assert options.all_inner_texts() == ["— Tidak disebut —", *KETELITIAN.values()]
    assert frame.locator("label[for=f-ketelitian]").inner_text() == "Ketelitian titik"
    assert frame.locator("label[for=f-sumber-lokasi]").inner_text().startswith("Asal titik")
    assert frame.locator("#f-sumber-lokasi").get_attribute("maxlength") == "300"
    # The YAML follows the schema's order: lokasi, lokasi_perkiraan, ketelitian, sumber_lokasi.
    fill_base(frame, "Ruang Laktasi Uji Urutan")
    frame.fill("#f-sumber-lokasi", "  Peta   pihak ketiga ")
    frame.select_option("#f-ketelitian", "jalan")
    frame.check("#f-perkiraan")
    frame.fill("#f-lat", TARGET[0])
    frame.fill("#f-lon", TARGET[1])
    lines = frame.locator("#pk-yaml").input_value().splitlines()
    at = lines.index("lokasi: [-3.3178, 114.5835]")
    assert lines[at + 1:at + 4] == ["lokasi_perkiraan: true", 'ketelitian_lokasi: "jalan"',
                                    'sumber_lokasi: "Peta pihak ketiga"']
    page.context.recorder.assert_clean()


def test_a_protected_category_hides_and_drops_them(page, site_url):
    frame = open_form(page, site_url)
    frame.select_option("#f-kategori", "ruang-laktasi")
    frame.select_option("#f-ketelitian", "tepat")
    frame.fill("#f-sumber-lokasi", "Aplikasi pihak ketiga")
    frame.select_option("#f-kategori", "rumah-aman")
    for field in ("#f-ketelitian", "#f-sumber-lokasi"):
        assert not frame.locator(field).is_visible() and frame.locator(field).is_disabled()
    frame.fill("#f-nama", "Rumah Aman Uji")
    frame.select_option("#f-kelurahan", "Mawar")
    frame.fill("#f-sumber", "Data uji")
    yaml_text = frame.locator("#pk-yaml").input_value()
    assert "ketelitian" not in yaml_text and "pihak ketiga" not in yaml_text
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    page.context.recorder.assert_clean()


def test_an_edit_shows_keeps_and_changes_them_line_by_line(page, site_url, fixture_site):
    frame = open_form(page, site_url)
    frame.focus("#f-ubah")  # an editor reaches for it: its options are added then
    frame.select_option("#f-ubah", MAWAR_ID)
    frame.locator(f"#pk-form[data-pk-asli='{MAWAR_ID}']").wait_for(state="attached")
    original = (fixture_site.root / "facilities" / f"{MAWAR_ID}.yml").read_text(encoding="utf-8")
    assert frame.locator("#f-ketelitian").input_value() == "kelurahan"
    assert frame.locator("#f-sumber-lokasi").input_value() == "Aplikasi contoh pihak ketiga (data uji)"
    assert frame.locator("#pk-yaml").input_value() == original  # nothing changed, nothing moves
    frame.select_option("#f-ketelitian", "jalan")
    edited = frame.locator("#pk-yaml").input_value()
    changed = [(a, b) for a, b in zip(original.splitlines(), edited.splitlines(), strict=True)
               if a != b]
    assert changed == [("ketelitian_lokasi: kelurahan", "ketelitian_lokasi: jalan")]
    frame.fill("#f-sumber-lokasi", "")
    edited = frame.locator("#pk-yaml").input_value()
    assert edited == original.replace("ketelitian_lokasi: kelurahan", "ketelitian_lokasi: jalan") \
        .replace("sumber_lokasi: Aplikasi contoh pihak ketiga (data uji)\n", "")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    page.context.recorder.assert_clean()


def test_axe_finds_nothing_with_the_fields_in_error(page, site_url):
    """axe-core (bundled with axe-playwright-python) on /tambah/ and inside the form's iframe,
    with the new fields' messages showing (aria-invalid, visible error text)."""
    frame = open_form(page, site_url)
    fill_base(frame, "Ruang Laktasi Uji Axe")
    frame.select_option("#f-ketelitian", "tepat")
    frame.fill("#f-sumber-lokasi", "Aplikasi pihak ketiga")
    # no point yet: both fields say they need one
    assert frame.locator("#g-ketelitian").is_visible() and frame.locator("#g-sumber-lokasi").is_visible()
    response = axe_run(page)  # the page and, inside it, the form's document
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in response["violations"]]
    assert found == []
    # axe did look inside the form: the new fields passed its label rules there.
    labelled = {n["target"][-1] for r in response["passes"] if r["id"] in ("label", "select-name")
                for n in r["nodes"]}
    assert {"#f-ketelitian", "#f-sumber-lokasi"} <= labelled, labelled
    page.context.recorder.assert_clean()


def test_the_field_reference_lists_the_precision_choices(fixture_site):
    text = (fixture_site.site / "kontribusi" / "kolom" / "index.html").read_text(encoding="utf-8")
    for slug, label in KETELITIAN.items():
        assert f"<code>{slug}</code></td>\n<td>{label}</td>" in text, slug
