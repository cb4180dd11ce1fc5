"""Exporting the cadre list (as filtered on screen) to XLSX or CSV.

The columns carry the headers the importer recognises, so an exported file
can be imported again. The NIK and phone numbers are written as text: in
XLSX as text cells, in CSV as ``="3322…"`` (digits only), the form Excel opens
as text instead of turning it into ``3,32202E+15``.

Typed text is never a formula in the file (CSV/formula injection): in XLSX
every text cell is a string cell, even one starting with ``=``; in CSV a cell
starting with ``= + - @``, a tab or a carriage return gets a leading ``'``
(the OWASP advice), so a spreadsheet shows it instead of running it. Control
characters that a spreadsheet cannot hold are left out. The file is written
whole or not at all (``fileio.atomic_write``).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Callable

from imp_desktop.data.models import Cadre, Hamlet, Region, Unit
from imp_desktop.data.sync import chunks
from imp_desktop.errors import UserError
from imp_desktop.data.db import database_file
from imp_desktop.fileio import atomic_write, refuse_database_target
from imp_desktop.i18n import tr
from imp_desktop.services.cadre_search import STATUS_ALL, CadreFilter, search_cadre_ids
from imp_desktop.services.settings import level_labels

# (header, field); the headers are those the importer recognises.
EXPORT_COLUMNS = [
    ("No", "no"), ("Nama", "name"), ("NIK", "nik"), ("L/P", "sex"),
    ("Tempat Lahir", "birth_place"), ("Tanggal Lahir", "birth_date"), ("Alamat", "address"),
    ("RT", "rt"), ("RW", "rw"), ("Dusun", "hamlet"), ("Desa/Kelurahan", "desa"),
    ("Tingkat", "level"), ("Unit", "unit"), ("Jabatan", "position"), ("No HP", "phone"),
    ("Pendidikan", "education"), ("Pekerjaan", "occupation"), ("No SK", "sk_number"),
    ("Tanggal SK", "sk_date"), ("Mulai Bertugas", "start_date"), ("Status", "status"),
    ("Alasan Berhenti", "inactive_reason"), ("Tanggal Berhenti", "inactive_date"),
]
TEXT_FIELDS = {"nik", "phone", "rt", "rw"}
DATE_FIELDS = {"birth_date", "sk_date", "start_date", "inactive_date"}
CHUNK = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XLSX (XML 1.0) cannot hold; also left out of CSV.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PLAIN_NUMBER = re.compile(r"\+?[0-9]+")


def safe_text(value: str) -> str:
    """Text as written into an export: control characters left out."""
    return _CONTROL.sub("", value)


def csv_text(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    value = safe_text(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _records(ids: list[int]):
    """Rows (dicts by field) of the cadres, in the order of ``ids``, read in chunks."""
    desa = dict(Region.select(Region.code, Region.name).where(Region.level == 4).tuples())
    units = {uid: (level, name) for uid, level, name in
             Unit.select(Unit.id, Unit.level, Unit.name).tuples()}
    hamlets = dict(Hamlet.select(Hamlet.id, Hamlet.name).tuples())
    labels = level_labels()
    number = 0
    for chunk in chunks(ids, CHUNK):
        found = {c.id: c for c in Cadre.select().where(Cadre.id.in_(chunk))}
        for cid in chunk:
            cadre = found.get(cid)
            if cadre is None:
                continue
            number += 1
            level, unit_name = units.get(cadre.unit_id, (None, None))
            yield {
                "no": number, "name": cadre.name, "nik": cadre.nik, "sex": cadre.sex,
                "birth_place": cadre.birth_place, "birth_date": cadre.birth_date,
                "address": cadre.address, "rt": cadre.rt, "rw": cadre.rw,
                "hamlet": hamlets.get(cadre.hamlet_id), "desa": desa.get(cadre.desa_code),
                "level": labels.get(level) if level else None, "unit": unit_name,
                "position": tr(f"position.{cadre.position}", "id") if cadre.position else None,
                "phone": cadre.phone, "education": cadre.education,
                "occupation": cadre.occupation, "sk_number": cadre.sk_number,
                "sk_date": cadre.sk_date, "start_date": cadre.start_date,
                "status": tr("cadre.status.active", "id") if cadre.active
                else tr("cadre.status.inactive", "id"),
                "inactive_reason": cadre.inactive_reason, "inactive_date": cadre.inactive_date,
            }


def export_cadres(path: str | Path, ids: list[int] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Write the cadres ``ids`` (all but merged ones when None); format from the suffix."""
    path = Path(path)
    if ids is None:
        ids = search_cadre_ids(CadreFilter(status=STATUS_ALL))
    refuse_database_target(path, database_file())
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UserError(tr("export.error.format", path=str(path)))
    with atomic_write(path) as handle:
        if suffix == ".xlsx":
            count = _write_xlsx(handle, ids, progress)
        else:
            count = _write_csv(handle, ids, progress)
    return count


def _write_xlsx(handle, ids: list[int], progress) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(tr("export.sheet", "id"))
    widths = {"name": 28, "nik": 19, "address": 30, "unit": 26, "desa": 16, "hamlet": 16,
              "phone": 15, "inactive_reason": 22}
    for index, (_, key) in enumerate(EXPORT_COLUMNS, start=1):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 12)
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header = []
    for title, _ in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for record in _records(ids):
        row = []
        for _, key in EXPORT_COLUMNS:
            value = record[key]
            if isinstance(value, str):
                value = safe_text(value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"      # text, even when it starts with "="
            if key in TEXT_FIELDS:
                cell.value = str(value) if value is not None else None
                cell.data_type = "s"
                cell.number_format = "@"
            elif key in DATE_FIELDS and value is not None:
                cell.number_format = "DD/MM/YYYY"
            row.append(cell)
        sheet.append(row)
        count += 1
        if progress and count % 1000 == 0:
            progress(count, len(ids))
    book.save(handle)
    return count


def _write_csv(handle, ids: list[int], progress) -> int:
    count = 0
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([title for title, _ in EXPORT_COLUMNS])
    for record in _records(ids):
        line = []
        for _, key in EXPORT_COLUMNS:
            value = record[key]
            if value is None:
                line.append("")
            elif key in TEXT_FIELDS and _PLAIN_NUMBER.fullmatch(str(value)):
                line.append(f'="{value}"')
            elif isinstance(value, dt.date):
                line.append(value.strftime("%d/%m/%Y"))
            else:
                line.append(csv_text(str(value)))
        writer.writerow(line)
        count += 1
        if progress and count % 1000 == 0:
            progress(count, len(ids))
    text.flush()
    text.detach()        # the caller closes the file after syncing it
    return count
