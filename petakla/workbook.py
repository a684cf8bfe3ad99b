"""Tables as an XLSX workbook (openpyxl) and as CSV, byte-reproducible: the workbook's dates
are the build's, and its zip entries carry one fixed timestamp.

A Table is a sheet: a title, documented columns and typed rows (int, float, str,
datetime.date or None). Text is always written as text, never as a formula, so a record
cannot smuggle a formula into the workbook (CSV cells that a spreadsheet would read as one
get a leading apostrophe)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

LICENCE = ("Data dilisensikan CC BY 4.0 (Creative Commons Atribusi 4.0 Internasional, "
           "https://creativecommons.org/licenses/by/4.0/deed.id): boleh disalin, diolah dan "
           "dibagikan untuk keperluan apa pun, dengan menyebut sumbernya.")
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str  # header (also the CSV header)
    keterangan: str  # what the column holds (the workbook's explanation sheet)
    width: int = 14  # characters, for the sheet


@dataclass(frozen=True)
class Table:
    sheet: str  # sheet title (≤ 31 characters)
    file: str  # CSV file name
    judul: str  # what the table is (explanation sheet, CSV caption)
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def xlsx_bytes(tables: Sequence[Table], about: Sequence[tuple[str, str]],
               built: datetime.datetime, title: str) -> bytes:
    """One sheet per table, then "Keterangan": `about` (label, text) lines, the licence,
    and every column of every sheet with what it holds."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for table in tables:
        ws = wb.create_sheet(table.sheet)
        ws.append([c.name for c in table.columns])
        for cell in ws[1]:
            cell.font = bold
        # The row's number is counted here: ws.max_row scans every cell (quadratic in rows).
        for r, row in enumerate(table.rows, start=2):
            ws.append([None] * len(row))
            for col, value in enumerate(row, start=1):
                _put(ws.cell(row=r, column=col), value)
        for i, c in enumerate(table.columns, start=1):
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = c.width
        ws.freeze_panes = "B2" if table.columns and table.columns[0].width > 20 else "A2"
        ws.auto_filter.ref = ws.dimensions
    ws = wb.create_sheet("Keterangan")
    ws.append(["Lembar", "Kolom", "Keterangan"])
    for cell in ws[1]:
        cell.font = bold
    for label, text in [*about, ("Lisensi", LICENCE)]:
        ws.append([label, None, text])
    for table in tables:
        ws.append([table.sheet, None, table.judul])
        ws.cell(row=ws.max_row, column=1).font = bold  # a short sheet: scanning it is cheap
        for c in table.columns:
            ws.append([table.sheet, c.name, c.keterangan])
    for letter, width in (("A", 24), ("B", 28), ("C", 100)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row:
            if cell.value is not None:
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = "petakla", None, title
    props.created = props.modified = built.replace(tzinfo=None)
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip(raw.getvalue(), built)


def _put(cell, value) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT


def _fixed_zip(data: bytes, built: datetime.datetime) -> bytes:
    """The same archive with every entry dated `built` (openpyxl stamps the current time)."""
    stamp = max(built, datetime.datetime(1980, 1, 1, tzinfo=built.tzinfo)).timetuple()[:6]
    w3c = built.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets `modified` to now on save
                body = re.sub(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*",
                              lambda m: m[1] + w3c.encode(), body)
            dst.writestr(entry, body)
    return out.getvalue()
