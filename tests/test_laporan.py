"""The KLA report (/laporan/): its workbook read back by another reader (python-calamine) and
compared with the pages /laporan/ and /cakupan/ of the session's fixture site, the CSV files,
protected places, and the A4 version printed to PDF by headless Chromium (read with pypdf)."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers_site import PROTECTED_ID, PROTECTED_NAME
from python_calamine import CalamineWorkbook

from petakla import stats
from petakla.config import load_config
from petakla.indikator import load_indicators
from petakla.laporan import XLSX_FILE, BuildInfo, laporan_files
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.vocab import load_vocab
from petakla.workbook import Column, Table, xlsx_bytes

VOCAB = load_vocab()
INDICATORS = load_indicators(VOCAB)
SHEETS = ["Indikator", "Kelurahan x indikator", "Fasilitas per indikator", "Terlindung",
          "Mutu data", "Keterangan"]
INFO = BuildInfo(datetime.date(2026, 6, 1), datetime.datetime(2026, 6, 1, 3, 4, 5,
                                                               tzinfo=datetime.UTC), "ab" * 20)


class _Tables(HTMLParser):
    """Every <table> of a document: its id and its rows as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"id": dict(attrs).get("id", ""), "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(path: Path) -> list[dict]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def table(path: Path, table_id: str) -> list[list[str]]:
    return next(t["rows"] for t in html_tables(path) if t["id"] == table_id)


def sheets(data: bytes) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


@pytest.fixture(scope="module")
def workbook(fixture_site) -> dict[str, list[list]]:
    return sheets((fixture_site.site / XLSX_FILE).read_bytes())


@pytest.fixture(scope="module")
def facilities(fixture_site):
    return check(load_config(fixture_site.root)).facilities


def rows_as_dicts(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_workbook_has_one_sheet_per_view_with_typed_cells(workbook):
    assert list(workbook) == SHEETS
    ind = rows_as_dicts(workbook["Indikator"])
    assert len(ind) == len(INDICATORS)
    # Numbers are numbers (calamine gives floats for numeric cells), dates are dates.
    assert all(isinstance(r["fasilitas"], float) and r["fasilitas"] == int(r["fasilitas"])
               for r in ind)
    fac = rows_as_dicts(workbook["Fasilitas per indikator"])
    dated = [r["verifikasi_tanggal"] for r in fac if r["verifikasi_tanggal"] != ""]
    assert dated and all(isinstance(d, datetime.date) for d in dated)
    assert datetime.date(2026, 1, 15) in dated  # the fixture's verified ruang laktasi


def test_workbook_header_rows_are_frozen_and_explained(fixture_site, workbook):
    with zipfile.ZipFile(fixture_site.site / XLSX_FILE) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert len(names) == len(SHEETS)
        for name in names:
            xml = z.read(name).decode()
            assert re.search(r'<pane [^>]*state="frozen"', xml), name
    about = workbook["Keterangan"]
    explained = {(r[0], r[1]) for r in about[1:]}
    for sheet in SHEETS[:-1]:
        for header in workbook[sheet][0]:
            assert (sheet, header) in explained, (sheet, header)
    assert any("CC BY 4.0" in str(r[2]) for r in about)


def test_workbook_figures_equal_the_report_page(fixture_site, workbook):
    page = table(fixture_site.site / "laporan" / "index.html", "ringkasan-indikator")
    header, body = page[0], page[1:]
    assert len(body) == len(INDICATORS)
    col = {name: header.index(name) for name in ("Fasilitas", "Kelurahan", "Kecamatan",
                                                 "Terverifikasi", "Belum diverifikasi")}
    for row, sheet_row in zip(body, rows_as_dicts(workbook["Indikator"]), strict=True):
        assert sheet_row["indikator"] in row[0]
        assert int(row[col["Fasilitas"]]) == sheet_row["fasilitas"]
        assert int(row[col["Kelurahan"]]) == sheet_row["kelurahan"]
        assert int(row[col["Kecamatan"]]) == sheet_row["kecamatan"]
        assert int(row[col["Terverifikasi"]]) == sheet_row["terverifikasi"]
        assert int(row[col["Belum diverifikasi"]]) == sheet_row["belum_diverifikasi"]
    kel_page = table(fixture_site.site / "laporan" / "index.html", "kelurahan-indikator")
    kel_sheet = workbook["Kelurahan x indikator"]
    assert [[int(x) for x in r[2:-1]] for r in kel_page[1:]] == \
        [[int(x) for x in r[3:-1]] for r in kel_sheet[1:]]


def test_workbook_figures_equal_the_coverage_page(fixture_site, workbook):
    """/cakupan/'s kelurahan × category matrix, summed over each indicator's categories, is
    the workbook's kelurahan × indicator table; its per-category kelurahan counts give the
    indicator's kelurahan coverage."""
    cakupan = next(t["rows"] for t in html_tables(fixture_site.site / "cakupan" / "index.html")
                   if t["rows"] and t["rows"][0][:2] == ["Kelurahan", "Kecamatan"])
    labels = cakupan[0][2:-2]
    by_name = {r[0]: dict(zip(labels, map(int, r[2:-2]), strict=True)) for r in cakupan[1:]}
    kel_sheet = rows_as_dicts(workbook["Kelurahan x indikator"])
    ind_sheet = rows_as_dicts(workbook["Indikator"])
    assert len(by_name) == len(kel_sheet) == 52
    for ind, ind_row in zip(INDICATORS, ind_sheet, strict=True):
        public = [c.label for c in ind.categories if not c.dilindungi]
        covered = 0
        for row in kel_sheet:
            expected = sum(by_name[row["kelurahan"]][label] for label in public)
            assert row[f"indikator_{ind.key}"] == expected, (ind.key, row["kelurahan"])
            covered += expected > 0
        assert ind_row["kelurahan"] == covered
        assert ind_row["fasilitas"] == sum(sum(by_name[k][label] for label in public)
                                           for k in by_name)


def test_workbook_has_the_52_official_kelurahan(fixture_site, workbook):
    city = load_city(load_config(fixture_site.root).kota_kode)
    rows = workbook["Kelurahan x indikator"][1:]
    assert len(rows) == 52
    assert [(r[0], r[1], r[2]) for r in rows] == \
        [(k.kode, k.nama, k.kecamatan.nama) for k in city.kelurahan]


def test_csv_files_hold_the_workbook_tables(fixture_site, workbook):
    files = {"Indikator": "indikator.csv", "Kelurahan x indikator": "kelurahan-indikator.csv",
             "Fasilitas per indikator": "fasilitas-indikator.csv",
             "Terlindung": "terlindung-kecamatan.csv", "Mutu data": "mutu-data.csv"}
    for sheet, name in files.items():
        with open(fixture_site.site / "laporan" / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))

        def text(v):
            if isinstance(v, float) and v == int(v):
                return str(int(v))
            return v.isoformat() if isinstance(v, datetime.date) else str(v)

        assert rows == [[text(v) for v in r] for r in workbook[sheet]], sheet


def _strings(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist())


def test_nothing_in_the_workbook_or_print_version_locates_a_protected_place(facilities):
    config_city = load_city("63.71")
    protected = next(f for f in facilities if f.id == PROTECTED_ID)
    without = [f for f in facilities if f.id != PROTECTED_ID]
    config = load_config(Path(__file__).resolve().parent.parent)
    with_files = laporan_files(config, VOCAB, config_city, facilities, INFO)
    without_files = laporan_files(config, VOCAB, config_city, without, INFO)
    xml = _strings(with_files[XLSX_FILE])
    for secret in (PROTECTED_NAME, PROTECTED_ID):
        assert secret not in xml
        for name, content in with_files.items():
            text = content if isinstance(content, str) else content.decode("utf-8", "replace")
            assert secret not in text, name
    # Its kelurahan cannot be told either: with or without the record, every sheet is the same
    # but for the protected counts (per kecamatan, and the indicator's total).
    a, b = sheets(with_files[XLSX_FILE]), sheets(without_files[XLSX_FILE])
    assert a.keys() == b.keys()
    for name in a:
        if name == "Terlindung":
            diff = [(ra[0], ra[1:], rb[1:]) for ra, rb in zip(a[name], b[name], strict=True)
                    if ra != rb]
            assert diff == [(protected.kelurahan.kecamatan.nama, [1.0], [0.0])]
        elif name == "Indikator":
            col = a[name][0].index("terlindung")
            strip = [[v for i, v in enumerate(r) if i != col] for r in a[name]]
            assert strip == [[v for i, v in enumerate(r) if i != col] for r in b[name]]
        else:
            assert a[name] == b[name], name
    kel = "Kelurahan × indikator"
    page_a = with_files["laporan/cetak.html"]
    page_b = without_files["laporan/cetak.html"]
    assert page_a.split(kel)[1].split("Kategori terlindung")[0] == \
        page_b.split(kel)[1].split("Kategori terlindung")[0]


def test_workbook_is_byte_reproducible_and_dated_by_the_build():
    t = Table("Uji", "uji.csv", "Tabel uji.", (Column("a", "A."), Column("b", "B.")),
              ((1, "=HYPERLINK(\"x\")"), (2, datetime.date(2025, 1, 2))))
    built = datetime.datetime(2026, 6, 1, 3, 4, 6, tzinfo=datetime.UTC)  # zip: 2 s steps
    first = xlsx_bytes([t], [("Judul", "uji")], built, "Uji")
    assert first == xlsx_bytes([t], [("Judul", "uji")], built, "Uji")
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 6, 1, 3, 4, 6)}
        core = z.read("docProps/core.xml").decode()
        stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
        assert stamps == [("created", "2026-06-01T03:04:06Z"), ("modified", "2026-06-01T03:04:06Z")]
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # a text starting with "=" stays text, never a formula
    assert sheets(first)["Uji"][1] == [1.0, '=HYPERLINK("x")']


# --- the printable version ----------------------------------------------------------------


def test_print_version_prints_one_section_per_indicator(browser, fixture_site, site_url,
                                                        tmp_path):
    from browser_util import new_page
    from pypdf import PdfReader

    ctx, page = new_page(browser)
    try:
        page.goto(site_url + "laporan/cetak.html")
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        ctx.close()
    ctx.recorder.assert_clean()
    (tmp_path / "laporan.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    raw = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    # Every page's margin boxes: its number and the data's date and commit.
    footer = re.compile(r"^(\d+) / (\d+) ?Data per (\d{4}-\d{2}-\d{2}) · commit "
                        r"(?:[0-9a-f]{12}|tidak diketahui) ?")
    matches = [footer.match(text) for text in raw]
    assert all(matches), [t[:80] for t in raw]
    assert [int(m[1]) for m in matches] == list(range(1, len(raw) + 1))
    pages = [text[m.end():] for text, m in zip(raw, matches, strict=True)]
    w, h = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5  # A4 in points (Chromium rounds up)
    starts = []
    for ind in INDICATORS:
        found = [i for i, text in enumerate(pages) if text.startswith(ind.label)]
        assert len(found) == 1, (ind.label, [t[:80] for t in pages])
        starts.append(found[0])
    assert starts == sorted(set(starts)) and starts[0] >= 1  # each on its own page, in order
    assert re.search(r"Data per \d{4}-\d{2}-\d{2} · commit", pages[0]), pages[0][:300]
    assert "Kelurahan × indikator" in " ".join(pages[starts[-1] + 1:])
    for text in pages:
        assert PROTECTED_NAME not in text


def test_report_counts_only_facilities_that_exist_now(facilities):
    city = load_city("63.71")
    closed = [dataclasses.replace(f, data={**f.data, "status": "tutup"}) for f in facilities]
    files = laporan_files(load_config(Path(__file__).resolve().parent.parent), VOCAB, city,
                          closed, INFO)
    ind = rows_as_dicts(sheets(files[XLSX_FILE])["Indikator"])
    assert all(r["fasilitas"] == 0 and r["kelurahan"] == 0 for r in ind)
    assert stats.COUNTED_STATUS == ("aktif", "tutup-sementara")
