"""The editors' form starts light (issue 13: Lighthouse on /tambah/ at 1,000 facilities). The
form is a same-origin iframe that shares the page's main thread, so on opening it reads only
the list of records (tambah/daftar.json) and the schema, runs no Leaflet and draws no map; the
first use of the form starts the map; the record an editor chooses comes from its one part
(tambah/data/<n>.json). In Debian's chromium on the fixture site, and the files themselves."""

from __future__ import annotations

import json
import unicodedata

import pytest
from browser_util import axe_run
from browser_util import form_frame as open_form
from helpers_site import PROTECTED_ID
from playwright.sync_api import Page, Route

from petakla import form_data
from petakla.config import load_config
from petakla.pipeline import check


def requests_of(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_opening_reads_the_list_only_and_starts_no_map(page, site_url, fixture_site):
    """Also no option per record in the Ubah list until the editor reaches for it."""
    seen = requests_of(page)
    frame = open_form(page, site_url)
    page.wait_for_timeout(500)  # anything started by the load would have started by now
    assert frame.locator("html[data-pk-peta]").count() == 0
    assert frame.evaluate("() => typeof window.L") == "undefined"  # Leaflet not run
    assert frame.locator(".leaflet-container").count() == 0
    assert frame.locator("#pk-peta-mulai").is_visible()
    assert any(u.endswith("/tambah/daftar.json") for u in seen)
    assert not [u for u in seen if "/tambah/data/" in u or "/tambah/asli/" in u]
    # The "Ubah" list gets its options when the editor reaches for it: then complete, in the
    # list file's order (by name).
    assert frame.locator("#f-ubah option").count() == 1  # "— Data baru —"
    assert frame.locator("#f-ubah").is_enabled()
    frame.locator("#f-ubah").focus()
    index = json.loads((fixture_site.site / form_data.FORM_INDEX).read_text(encoding="utf-8"))
    values = frame.eval_on_selector_all("#f-ubah option", "os => os.map(o => o.value)")
    assert values == [""] + [row[0] for row in index]
    assert sorted(values[1:]) == sorted(fixture_site.public_ids)
    page.context.recorder.assert_clean()


@pytest.mark.parametrize("first_use", ["focus", "scroll"])
def test_the_first_use_starts_the_map(page, site_url, first_use):
    frame = open_form(page, site_url)
    assert frame.locator("html[data-pk-peta]").count() == 0
    if first_use == "focus":
        frame.locator("#f-nama").focus()
    else:  # the page around the form scrolled (the form's own iframe is as tall as the form)
        page.mouse.wheel(0, 300)
    frame.locator("html[data-pk-peta]").wait_for(state="attached", timeout=10_000)
    assert frame.locator("#pk-peta-slot .leaflet-container").count() == 1
    assert frame.locator("#pk-peta-mulai").count() == 0
    # The existing records' grey points follow in their own task.
    frame.wait_for_function("() => { let n = 0; PetaTambah.map.eachLayer(l => { "
                            "if (l instanceof L.CircleMarker) n++; }); return n >= 3; }")
    page.context.recorder.assert_clean()


def small_parts(fixture_site, monkeypatch) -> dict[str, str]:
    """The fixture's record files with two records per part."""
    monkeypatch.setattr(form_data, "SHARD_SIZE", 2)
    facilities = check(load_config(fixture_site.root)).facilities
    return form_data.form_data_files(facilities)


def test_the_files_hold_every_published_record_once(fixture_site, monkeypatch):
    files = small_parts(fixture_site, monkeypatch)
    index = json.loads(files[form_data.FORM_INDEX])
    parts = {path: json.loads(text) for path, text in files.items()
             if path.startswith(form_data.FORM_SHARDS + "/")}
    assert len(parts) >= 3
    assert sorted(row[0] for row in index) == sorted(fixture_site.public_ids)
    assert sorted(i for part in parts.values() for i in part) == sorted(fixture_site.public_ids)
    assert PROTECTED_ID not in json.dumps(files)
    names = [row[1] for row in index]
    assert names == sorted(names, key=lambda t: unicodedata.normalize("NFKD", t).casefold())
    for ident, nama, kelurahan, lat, lon, part in index:
        record = parts[f"{form_data.FORM_SHARDS}/{part}.json"][ident]
        assert (nama, kelurahan) == (record["nama"], record["kelurahan"])
        assert [lat, lon] == record.get("lokasi", [None, None])


def test_a_chosen_record_fetches_its_one_part(page, site_url, fixture_site, monkeypatch):
    files = small_parts(fixture_site, monkeypatch)
    index = json.loads(files[form_data.FORM_INDEX])
    broken = {"on": True}

    def serve(route: Route) -> None:
        path = "tambah/" + route.request.url.split("/tambah/", 1)[1]
        if broken["on"] and path.endswith("/1.json"):
            route.fulfill(status=503, body="")
            return
        route.fulfill(status=200, content_type="application/json", body=files[path])

    page.route("**/tambah/daftar.json", serve)
    page.route("**/tambah/data/*.json", serve)
    seen = requests_of(page)
    frame = open_form(page, site_url)

    def choose(ident: str) -> None:
        frame.focus("#f-ubah")  # an editor reaches for it: its options are added then
        frame.select_option("#f-ubah", ident)
        frame.locator(f"#pk-form[data-pk-asli='{ident}']").wait_for(state="attached")
        nama = next(row[1] for row in index if row[0] == ident)
        assert frame.locator("#f-nama").input_value() == nama
        assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"

    def parts_fetched() -> list[str]:
        return sorted(u.rsplit("/", 1)[1] for u in seen if "/tambah/data/" in u)

    in_part = {p: [row[0] for row in index if row[5] == p] for p in {row[5] for row in index}}
    choose(in_part[0][0])
    assert parts_fetched() == ["0.json"]
    choose(in_part[0][1])  # same part: nothing fetched again
    assert parts_fetched() == ["0.json"]
    # A part that cannot be read: the form says so, keeps the record it showed, and a second
    # choice tries again.
    frame.focus("#f-ubah")  # an editor reaches for it: its options are added then
    frame.select_option("#f-ubah", in_part[1][0])
    frame.wait_for_function("() => document.getElementById('pk-ubah-status').textContent"
                            ".includes('tidak dapat dimuat')")
    assert frame.locator("#f-ubah").input_value() == in_part[0][1]
    assert frame.locator("#f-nama").input_value() == next(r[1] for r in index
                                                          if r[0] == in_part[0][1])
    broken["on"] = False
    choose(in_part[1][0])
    assert parts_fetched() == ["0.json", "1.json", "1.json"]
    assert frame.locator("#pk-ubah-status").inner_text() == ""
    # "— Data baru —" empties the form again.
    frame.focus("#f-ubah")  # an editor reaches for it: its options are added then
    frame.select_option("#f-ubah", "")
    assert frame.locator("#f-nama").input_value() == ""
    assert frame.locator("#f-id").get_attribute("readonly") is None


def test_axe_finds_nothing_once_the_map_has_started(page, site_url):
    """The map is no longer there when the page loads, so axe-core also runs on the started
    map, its marker placed by a tap, as an editor meets it."""
    frame = open_form(page, site_url)
    frame.locator("#pk-peta-mulai").click()
    frame.locator("html[data-pk-peta]").wait_for(state="attached")
    slot = frame.locator("#pk-peta-slot .leaflet-container")
    box = slot.bounding_box()
    slot.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert frame.locator(".pk-titik").count() == 1 and frame.locator("#f-lat").input_value()
    response = axe_run(page)  # the page and, inside it, the form's document
    found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in response["violations"]]
    assert found == []
    # axe did look at the map: its zoom buttons and marker passed rules there.
    seen = {n["target"][-1] for r in response["passes"] for n in r["nodes"]}
    assert any("leaflet-control-zoom-in" in t for t in seen), seen
    assert ".leaflet-marker-icon" in seen, seen
    page.context.recorder.assert_clean()
