"""Importing cadres from the XLSX and CSV lists offices already keep.

Three steps, the same for the window and the command line:

1. ``read_table(path)`` reads the sheet and finds the header row below any
   title rows, and ``guess_mapping`` recognises the usual headers
   (Nama, NIK, L/P, Tempat/Tgl Lahir, Desa/Kelurahan, Tingkat, Jabatan…);
2. ``check_import(table, mapping)`` turns every row into a cadre and reports,
   row by row, what is wrong (errors) or incomplete (warnings), and which
   rows were skipped (column numbers, totals, the signature block). Nothing
   is written;
3. ``write_import(report)`` writes all rows in one transaction, and only when
   no row has an error: an import is all or nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from imp_desktop.data.advisory import exclusive_operation
from imp_desktop.data.audit import audited_insert
from imp_desktop.data.db import is_unique_violation
from imp_desktop.data.models import LEVEL_KELOMPOK, LEVEL_PPKBD, LEVEL_SUB_PPKBD, LEVELS, POSITIONS
from imp_desktop.data.models import Cadre, Hamlet, Neighbourhood, Region, Unit, database, new_uuid
from imp_desktop.data.sync import chunks
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.fileio import read_chosen_file
from imp_desktop.i18n import tr
from imp_desktop.nik import check_nik
from imp_desktop.services.cadres import CadreInput, clean_input
from imp_desktop.services.text import (
    clean_phone,
    clean_spaces,
    control_problems,
    decode_text_file,
    fold,
    search_key,
)

HEADER_SEARCH_ROWS = 30
PREVIEW_ROWS = 8

# Field keys a column can be mapped to, in the order the mapping step shows them.
FIELDS = ("name", "nik", "sex", "birth_place", "birth_date", "birth_place_date", "address",
          "rt", "rw", "rt_rw", "hamlet", "desa", "level", "unit", "position", "phone",
          "education", "occupation", "sk_number", "sk_date", "start_date", "status",
          "inactive_reason", "inactive_date")

# Usual headers, compared letters and digits only ("No. HP" -> "nohp").
HEADERS = {
    "name": ["nama", "namalengkap", "namakader", "namaanggota", "namapengurus"],
    "nik": ["nik", "noktp", "nomorktp", "nikktp", "nonik", "nomornik", "nomorindukkependudukan"],
    "sex": ["jeniskelamin", "jk", "lp", "kelamin", "sex", "gender", "jnskelamin"],
    "birth_place_date": ["tempattgllahir", "tempattanggallahir", "ttl", "tempatdantanggallahir",
                         "tempattgllhr", "tmptgllahir", "tmplahirtgllahir"],
    "birth_place": ["tempatlahir", "tmplahir", "tmptlahir"],
    "birth_date": ["tanggallahir", "tgllahir", "tgllhr", "tanggallhr"],
    "address": ["alamat", "alamatlengkap", "alamatrumah"],
    "rt": ["rt", "nort"],
    "rw": ["rw", "norw"],
    "rt_rw": ["rtrw"],
    "hamlet": ["dusun", "dusunrw", "dukuh", "lingkungan", "dusunlingkungan"],
    "desa": ["desa", "kelurahan", "desakelurahan", "desakel", "keldesa", "desakelurahan",
             "namadesa", "kelurahandesa"],
    "level": ["tingkat", "tingkatan", "level", "jenisimp", "tingkatimp", "tingkatwilayah"],
    "unit": ["unit", "kelompok", "unitkelompok", "namaunit", "namakelompok", "namaimp", "imp",
             "unitimp", "kelompokkb", "namapokkb"],
    "position": ["jabatan", "jabatandalamimp", "kedudukan", "jabatanimp"],
    "phone": ["nohp", "nomorhp", "hp", "notelp", "notelepon", "telepon", "telp", "nohpwa",
              "nowa", "whatsapp", "wa", "nomortelepon", "hpwa"],
    "education": ["pendidikan", "pendidikanterakhir"],
    "occupation": ["pekerjaan"],
    "sk_number": ["nosk", "nomorsk"],
    "sk_date": ["tanggalsk", "tglsk"],
    "start_date": ["mulaibertugas", "tmt", "mulaiaktif", "tmttugas"],
    "status": ["status", "statuskader", "keaktifan"],
    "inactive_reason": ["alasanberhenti", "keteranganberhenti"],
    "inactive_date": ["tanggalberhenti", "tglberhenti"],
}
_HEADER_INDEX = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
_IGNORED_HEADERS = {"no", "nomor", "nourut", "nourt", "ket", "keterangan", "ttd", "tandatangan"}

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "peb": 2, "februari": 2, "pebruari": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "ags": 8, "agust": 8, "agustus": 8, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "des": 12, "dec": 12, "desember": 12, "december": 12,
}
_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2,4})")
_WORD_DATE = re.compile(r"(\d{1,2})\s*[\s\-/.]\s*([a-z]+)\.?\s*[\s\-/.]\s*(\d{2,4})")
_FOOTER = re.compile(r"\s*(jumlah|total|sub\s*total|mengetahui|kepala\s+(desa|kelurahan)|lurah|penyuluh|"
                     r"plkb|pkb|nip|ttd|dibuat\s+oleh|camat|koordinator)\b")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def compact(value) -> str:
    """Letters and digits only, lower-cased: how headers and names are compared."""
    text = str(value) if value is not None else ""
    if text.isascii():
        return _NOT_ALNUM.sub("", text.lower())
    return _NOT_ALNUM.sub("", fold(text))


# --- reading ------------------------------------------------------------------------------

@dataclass
class SheetTable:
    """The cells of a sheet: ``rows[i]`` is file row ``numbers[i]``."""

    path: str
    rows: list[list]
    numbers: list[int]
    header_index: int | None = None
    sheet_name: str | None = None

    @property
    def headers(self) -> list[str]:
        if self.header_index is None:
            return []
        return [clean_spaces(str(v)) if v is not None else "" for v in self.rows[self.header_index]]

    @property
    def header_row(self) -> int | None:
        return self.numbers[self.header_index] if self.header_index is not None else None

    def data_rows(self) -> list[tuple[int, list]]:
        start = 0 if self.header_index is None else self.header_index + 1
        return list(zip(self.numbers[start:], self.rows[start:]))

    def preview(self, count: int = PREVIEW_ROWS) -> list[list[str]]:
        shown = []
        for _, values in self.data_rows():
            if _is_empty(values) or _column_numbers_row(values):
                continue
            shown.append([_display(v) for v in values])
            if len(shown) >= count:
                break
        return shown


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _is_empty(values: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_table(path: str | Path) -> SheetTable:
    """Read the first sheet of an XLSX, or a CSV, and find its header row."""
    path = Path(path)
    if not path.exists():
        raise UserError(tr("import.error.missing", path=str(path)))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(path)
    elif suffix == ".xls":
        raise UserError(tr("import.error.xls", path=str(path)))
    else:
        raise UserError(tr("import.error.format", path=str(path)))
    width = max((len(r) for r in table.rows), default=0)
    for row in table.rows:
        row.extend([None] * (width - len(row)))
    table.header_index = find_header(table.rows)
    if table.header_index is None:
        raise UserError(tr("import.error.no_header", path=str(path)))
    return table


def _read_xlsx(path: Path) -> SheetTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UserError(tr("import.error.read", path=str(path), detail=str(exc))) from exc
    try:
        sheet = book.worksheets[0]
        rows, numbers = [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append(list(values))
            numbers.append(number)
        return SheetTable(str(path), rows, numbers, sheet_name=sheet.title)
    finally:
        book.close()


def _read_csv(path: Path) -> SheetTable:
    raw = read_chosen_file(path, "import.error.read")
    text = decode_text_file(raw)
    if text is None:
        raise UserError(tr("import.error.not_text", path=str(path)))
    sample = text[:8192]
    delimiter = max((";", ",", "\t"), key=sample.count)
    rows, numbers = [], []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for values in reader:
            rows.append([_csv_cell(v) for v in values])
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise UserError(tr("import.error.read", path=str(path), detail=str(exc))) from exc
    return SheetTable(str(path), rows, numbers)


def _csv_cell(value: str):
    value = value.strip()
    match = re.fullmatch(r'="(.*)"', value)   # ="3322…": how exports keep text in Excel
    if match:
        value = match.group(1)
    elif value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]      # a cell our export kept from running as a formula
    return value or None


def header_field(text) -> str | None:
    key = compact(text)
    return _HEADER_INDEX.get(key)


def find_header(rows: list[list]) -> int | None:
    """The row (index) among the first ones with the most recognised headers and a name."""
    best, best_score = None, 1
    for index, values in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = [header_field(v) for v in values if v is not None]
        if "name" not in fields:
            continue
        score = len(set(f for f in fields if f))
        if score > best_score:
            best, best_score = index, score
    return best


def guess_mapping(table: SheetTable) -> list[str | None]:
    """Field of each column from its header; a field is used once (first column wins)."""
    mapping: list[str | None] = []
    used = set()
    for header in table.headers:
        key = header_field(header)
        if key in used:
            key = None
        if key:
            used.add(key)
        mapping.append(key)
    return mapping


# --- understanding values -------------------------------------------------------------------

def parse_date(value) -> dt.date | None:
    """A date in the forms Indonesian lists use; None for an empty cell.

    ``27/11/2026``, ``27-11-2026``, ``27.11.2026``, ``2026-11-27``, ``27 November 2026``,
    ``27 Nop 2026``, ``27-Nov-26``, an Excel date or an Excel serial number.
    Raises ValueError for anything else.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(str(value))
    text = fold(str(value)).strip()
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    match = _NUMERIC_DATE.search(text)
    if match:
        a, b, c = match.groups()
        if len(a) == 4:
            return dt.date(int(a), int(b), int(c))
        return dt.date(_year(c), int(b), int(a))
    match = _WORD_DATE.search(text)
    if match:
        day, month_word, year = match.groups()
        month = MONTHS.get(month_word) or MONTHS.get(month_word[:3])
        if month:
            return dt.date(_year(year), month, int(day))
    raise ValueError(str(value))


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        pivot = dt.date.today().year % 100
        year += 2000 if year <= pivot else 1900
    return year


def split_place_date(value) -> tuple[str | None, dt.date | None]:
    """``Semarang, 12-03-1985`` or ``Semarang / 12 Maret 1985`` -> place and date."""
    if isinstance(value, (dt.date, dt.datetime)):
        return None, parse_date(value)
    text = clean_spaces(str(value or ""))
    if not text:
        return None, None
    folded = fold(text)
    match = _NUMERIC_DATE.search(folded) or _WORD_DATE.search(folded)
    if not match:
        return text.strip(" ,/"), None
    place = text[:match.start()].strip(" ,/-") or None
    return place, parse_date(folded[match.start():match.end()])


SEX_WORDS = {"l": "L", "lk": "L", "laki": "L", "lakilaki": "L", "pria": "L", "lelaki": "L",
             "m": "L", "male": "L", "p": "P", "pr": "P", "perempuan": "P", "wanita": "P",
             "w": "P", "f": "P", "female": "P"}
POSITION_WORDS = {"ketua": "ketua", "koordinator": "ketua", "sekretaris": "sekretaris",
                  "sekertaris": "sekretaris", "sekr": "sekretaris", "sek": "sekretaris",
                  "bendahara": "bendahara", "bend": "bendahara", "anggota": "anggota",
                  "angg": "anggota"}
LEVEL_WORDS = {
    "ppkbd": LEVEL_PPKBD, "koordinatorppkbd": LEVEL_PPKBD, "ppkbk": LEVEL_PPKBD,
    "ppkbdesa": LEVEL_PPKBD, "desa": LEVEL_PPKBD,
    "subppkbd": LEVEL_SUB_PPKBD, "subppkbk": LEVEL_SUB_PPKBD, "subimp": LEVEL_SUB_PPKBD,
    "ppkbrw": LEVEL_SUB_PPKBD, "subppkb": LEVEL_SUB_PPKBD, "dusun": LEVEL_SUB_PPKBD,
    "rw": LEVEL_SUB_PPKBD,
    "kelompokkb": LEVEL_KELOMPOK, "pokkb": LEVEL_KELOMPOK, "kkb": LEVEL_KELOMPOK,
    "kkbs": LEVEL_KELOMPOK, "kkbrt": LEVEL_KELOMPOK, "kelompok": LEVEL_KELOMPOK,
    "poktankb": LEVEL_KELOMPOK, "rt": LEVEL_KELOMPOK,
}
STATUS_INACTIVE_WORDS = {"berhenti", "tidakaktif", "nonaktif", "keluar", "pindah", "meninggal",
                         "inactive", "left"}


def _level_words() -> dict[str, str]:
    from imp_desktop.services.settings import level_labels

    words = dict(LEVEL_WORDS)
    for level, label in level_labels().items():
        words[compact(label)] = level
    for level in LEVELS:
        words[compact(tr(f"level.{level}"))] = level
    return words


def _place_word(text) -> str:
    """A desa or dusun name without its prefix: ``Ds. Duren`` -> ``duren``."""
    key = compact(text)
    for prefix in ("kelurahan", "desa", "dusun", "dukuh", "kel", "ds", "dsn", "lingkungan"):
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            return key[len(prefix):]
    return key


# --- checking ---------------------------------------------------------------------------------

@dataclass
class ImportProblem:
    row: int
    field: str          # a field key, or "" for the whole row
    message: str
    error: bool = True


@dataclass
class ImportRow:
    row: int
    data: CadreInput
    active: bool = True
    inactive_reason: str | None = None
    inactive_date: dt.date | None = None
    incomplete: bool = False


@dataclass
class ImportReport:
    path: str
    header_row: int | None
    mapping: list[str | None]
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.error]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if not p.error]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def incomplete_count(self) -> int:
        return sum(1 for r in self.rows if r.incomplete)

    def lines(self) -> list[str]:
        """The report as lines for the command line and the wizard."""
        out = []
        for problem in sorted(self.problems, key=lambda p: (p.row, not p.error)):
            kind = tr("import.report.error") if problem.error else tr("import.report.warning")
            where = tr("import.report.row", row=problem.row)
            label = tr(f"import.field.{problem.field}") if problem.field else ""
            out.append(f"{where} {kind}{' ' + label if label else ''}: {problem.message}")
        for row, reason in self.skipped:
            out.append(f"{tr('import.report.row', row=row)} {tr('import.report.skipped')}: {reason}")
        return out

    def summary(self) -> str:
        return tr("import.report.summary", rows=len(self.rows), errors=len(self.errors),
                  warnings=len(self.warnings), skipped=len(self.skipped),
                  incomplete=self.incomplete_count)


class _Places:
    """Desa, dusun/RW, RT and units of the database, loaded once for a whole file."""

    def __init__(self):
        from imp_desktop.services.settings import get_officer

        kecamatan = get_officer().kecamatan_code
        self.desa_by_code = dict(Region.select(Region.code, Region.name)
                                 .where(Region.level == 4).tuples())
        preferred = set(code for code, in Unit.select(Unit.desa).distinct().tuples())
        self.desa_by_name: dict[str, list[str]] = {}
        for code, name in self.desa_by_code.items():
            self.desa_by_name.setdefault(_place_word(name), []).append(code)
        self.rank = lambda code: (0 if kecamatan and code.startswith(kecamatan + ".") else 1,
                                  0 if code in preferred else 1, code)
        self.hamlets: dict[str, list[tuple[int, str, str | None]]] = {}
        for hid, desa, name, rw in Hamlet.select(Hamlet.id, Hamlet.desa, Hamlet.name,
                                                 Hamlet.rw).tuples():
            self.hamlets.setdefault(desa, []).append((hid, _place_word(name), rw))
        self.rts: dict[int, dict[str, int]] = {}
        for rid, hamlet, number in Neighbourhood.select(Neighbourhood.id, Neighbourhood.hamlet,
                                                        Neighbourhood.number).tuples():
            self.rts.setdefault(hamlet, {})[number] = rid
        self.units = [u for u in Unit.select(Unit.id, Unit.level, Unit.name, Unit.desa,
                                             Unit.hamlet, Unit.neighbourhood, Unit.active)
                      .tuples() if u[6]]
        self.units_by_name: dict[str, list[tuple]] = {}
        self.units_by_desa: dict[str, list[tuple]] = {}
        for unit in self.units:
            self.units_by_name.setdefault(compact(unit[2]), []).append(unit)
            self.units_by_desa.setdefault(unit[3], []).append(unit)
        self.hamlet_rw = {hid: rw for rows in self.hamlets.values() for hid, _, rw in rows}
        self.rt_number = {rid: number for rows in self.rts.values() for number, rid in rows.items()}

    def desa(self, text) -> str | None:
        text = clean_spaces(str(text or ""))
        if re.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}", text):
            return text if text in self.desa_by_code else None
        codes = self.desa_by_name.get(_place_word(text), [])
        return sorted(codes, key=self.rank)[0] if codes else None

    def hamlet(self, desa: str, text, rw: str | None) -> int | None:
        rows = self.hamlets.get(desa, [])
        word = _place_word(text) if text else ""
        if word:
            for hid, name, _ in rows:
                if name == word:
                    return hid
            if word.startswith("rw") and word[2:].isdigit():
                rw = rw or word[2:].zfill(3)
        if rw:
            matches = [hid for hid, _, hrw in rows if hrw == rw]
            if len(matches) == 1:
                return matches[0]
        return None

    def unit(self, desa: str | None, name, level: str | None, hamlet_id: int | None,
             rt_id: int | None, rw: str | None, rt: str | None) -> int | None:
        if name:
            named = [u for u in self.units_by_name.get(compact(name), [])
                     if desa is None or u[3] == desa]
            if len(named) == 1:
                return named[0][0]
        if not desa or not level:
            return None
        at_level = [u for u in self.units_by_desa.get(desa, []) if u[1] == level]
        if level == LEVEL_PPKBD:
            found = at_level
        elif level == LEVEL_SUB_PPKBD:
            found = [u for u in at_level if (hamlet_id and u[4] == hamlet_id)
                     or (not hamlet_id and rw and self.hamlet_rw.get(u[4]) == rw)]
        else:
            found = [u for u in at_level if (rt_id and u[5] == rt_id)
                     or (not rt_id and rt and self.rt_number.get(u[5]) == rt
                         and ((hamlet_id and u[4] == hamlet_id)
                              or (not hamlet_id and rw and self.hamlet_rw.get(u[4]) == rw)))]
        return found[0][0] if len(found) == 1 else None


def _footer_row(values: list) -> bool:
    """A total line or the signature block under the table."""
    for value in values:
        if isinstance(value, str) and value.lstrip()[:1].isalpha() and \
                _FOOTER.match(value.lower()):
            return True
    return False


def _looks_like_data(cells: dict) -> bool:
    """A cadre row rather than a line of the signature block: a name and at least
    one more of the row's own fields."""
    filled = [key for key, value in cells.items()
              if value is not None and str(value).strip()]
    return "name" in filled and len(filled) >= 2


def _column_numbers_row(values: list) -> bool:
    """The ``1 2 3 4 …`` or ``(1) (2) (3)`` line printed under many form headers."""
    cells = [compact(v) for v in values if v is not None and str(v).strip()]
    return len(cells) >= 3 and all(c.isdigit() for c in cells) and \
        [int(c) for c in cells] == list(range(int(cells[0]), int(cells[0]) + len(cells)))


def check_import(table: SheetTable, mapping: list[str | None] | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Every row checked and turned into a cadre; nothing is written."""
    mapping = list(mapping if mapping is not None else guess_mapping(table))
    report = ImportReport(table.path, table.header_row, mapping)
    chosen = [m for m in mapping if m]
    duplicated = sorted({m for m in chosen if chosen.count(m) > 1})
    if duplicated:
        raise ValidationError(tr("import.error.mapping_twice", fields=", ".join(
            tr(f"import.field.{m}") for m in duplicated)))
    if "name" not in chosen:
        raise ValidationError(tr("import.error.no_name_column"))
    places = _Places()
    levels = _level_words()
    regions_known: dict[str, bool] = {}
    niks_in_file: dict[str, int] = {}
    rows = table.data_rows()
    signature = False       # below the signature block's first line
    blank: list[int] = []   # empty rows not yet known to be inside the table
    for done, (number, values) in enumerate(rows, start=1):
        if progress and done % 500 == 0:
            progress(done, len(rows))
        if _is_empty(values):
            blank.append(number)
            continue
        cells = {key: values[i] for i, key in enumerate(mapping) if key and i < len(values)}
        name = cells.get("name")
        if _column_numbers_row(values):
            report.skipped.append((number, tr("import.skip.column_numbers")))
            continue
        total = _footer_row(values) and (not name or _footer_row([name])) and any(
            isinstance(v, str) and v.strip().lower().startswith(("jumlah", "total", "sub total",
                                                                   "subtotal"))
            for v in values)
        if total:
            # A (sub)total: skipped; the data may go on below it (another dusun).
            report.skipped += [(row, tr("import.skip.blank")) for row in blank]
            blank = []
            report.skipped.append((number, tr("import.skip.total")))
            continue
        if _footer_row(values) and (not name or _footer_row([name])):
            signature = True
            report.skipped.append((number, tr("import.skip.signature")))
            continue
        if signature and (_footer_row(values) or not _looks_like_data(cells)):
            # The signature block: names, NIP, places and dates under the table.
            report.skipped.append((number, tr("import.skip.below")))
            continue
        # A row inside the table: the blank rows before it are reported as skipped.
        report.skipped += [(row, tr("import.skip.blank")) for row in blank]
        blank = []
        _check_row(report, number, cells, places, levels, regions_known, niks_in_file)
    _check_existing_niks(report)
    if progress:
        progress(len(rows), len(rows))
    if not report.rows and not report.errors:
        report.problems.append(ImportProblem(table.header_row or 0, "", tr("import.error.no_rows")))
    return report


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return _display(value)
    return clean_spaces(str(value)) or None


def _check_row(report: ImportReport, number: int, cells: dict, places: _Places,
               levels: dict[str, str], regions_known: dict[str, bool],
               niks_in_file: dict[str, int]) -> None:
    # Long on purpose: every column's rule for one imported row, in column order;
    # each rule is a few lines and they share the row being built.
    problems: list[ImportProblem] = []

    def error(key: str, message: str) -> None:
        problems.append(ImportProblem(number, key, message, True))

    def warn(key: str, message: str) -> None:
        problems.append(ImportProblem(number, key, message, False))

    def date_of(key: str) -> dt.date | None:
        try:
            return parse_date(cells.get(key))
        except (ValueError, OverflowError):
            error(key, tr("import.error.date", value=_text(cells.get(key))))
            return None

    for key, message in control_problems(cells):
        error(key, message)
    data = CadreInput(name=_text(cells.get("name")) or "")
    if not data.name:
        error("name", tr("cadre.error.name"))
    raw_nik = cells.get("nik")
    if isinstance(raw_nik, str):
        raw_nik = raw_nik.strip() or None
    # Place and date of birth, together or apart.
    if "birth_place_date" in cells:
        try:
            data.birth_place, data.birth_date = split_place_date(cells["birth_place_date"])
        except ValueError:
            error("birth_place_date", tr("import.error.date", value=_text(cells["birth_place_date"])))
    if cells.get("birth_place") is not None:
        data.birth_place = _text(cells["birth_place"])
    if cells.get("birth_date") is not None:
        data.birth_date = date_of("birth_date")
    sex_text = compact(cells.get("sex"))
    if sex_text:
        data.sex = SEX_WORDS.get(sex_text)
        if data.sex is None:
            error("sex", tr("import.error.sex", value=_text(cells.get("sex"))))
    # NIK: Excel's damage is named; other rules as in the dialog.
    if raw_nik is not None:
        if isinstance(raw_nik, int) and not isinstance(raw_nik, bool) and \
                len(str(raw_nik)) >= 16 and raw_nik % 10 == 0:
            error("nik", tr("import.error.nik_number", value=str(raw_nik)))
        else:
            region_cache = regions_known

            def known(code: str) -> bool:
                if code not in region_cache:
                    from imp_desktop.services.cadres import _region_known

                    region_cache[code] = _region_known(code)
                return region_cache[code]

            result = check_nik(raw_nik, sex=data.sex, birth_date=data.birth_date,
                               region_known=known)
            for message in result.errors:
                error("nik", message)
            for message in result.warnings:
                warn("nik", message)
            if result.ok:
                data.nik = result.nik
                data.sex = data.sex or result.sex
                data.birth_date = data.birth_date or result.birth_date
                first = niks_in_file.get(result.nik)
                if first is not None:
                    error("nik", tr("import.error.nik_twice", row=first))
                else:
                    niks_in_file[result.nik] = number
    if data.birth_date and data.birth_date > dt.date.today():
        error("birth_date", tr("cadre.error.birth_future"))
    # Address and place.
    data.address = _text(cells.get("address"))
    data.rt = _text(cells.get("rt"))
    data.rw = _text(cells.get("rw"))
    if cells.get("rt_rw") is not None:
        parts = re.findall(r"\d+", str(cells["rt_rw"]))
        if len(parts) == 2:
            data.rt, data.rw = parts
        else:
            warn("rt_rw", tr("import.warning.rt_rw", value=_text(cells["rt_rw"])))
    if data.address and not (data.rt or data.rw):
        match = re.search(r"rt\.?\s*(\d{1,3})\s*/?\s*(?:rw\.?\s*)?(\d{1,3})?", fold(data.address))
        if match:
            data.rt, data.rw = match.group(1), match.group(2)
    data = clean_input(data)
    data.name = tidy_name(data.name)
    desa_text = _text(cells.get("desa"))
    if desa_text:
        data.desa_code = places.desa(desa_text)
        if data.desa_code is None:
            error("desa", tr("import.error.desa", value=desa_text))
    else:
        warn("desa", tr("import.warning.no_desa"))
    hamlet_text = _text(cells.get("hamlet"))
    if data.desa_code:
        data.hamlet_id = places.hamlet(data.desa_code, hamlet_text, data.rw)
        if data.hamlet_id and data.rt:
            data.neighbourhood_id = places.rts.get(data.hamlet_id, {}).get(data.rt)
        if data.hamlet_id and not data.rw:
            data.rw = places.hamlet_rw.get(data.hamlet_id)
    if hamlet_text and not data.hamlet_id and not data.address:
        data.address = hamlet_text
    # Duty.
    level = None
    level_text = compact(cells.get("level"))
    if level_text:
        level = levels.get(level_text)
        if level is None:
            warn("level", tr("import.warning.level", value=_text(cells.get("level"))))
    position_text = compact(cells.get("position"))
    if position_text:
        data.position = POSITION_WORDS.get(position_text)
        if data.position is None:
            warn("position", tr("import.warning.position", value=_text(cells.get("position"))))
    unit_text = _text(cells.get("unit"))
    data.unit_id = places.unit(data.desa_code, unit_text, level, data.hamlet_id,
                               data.neighbourhood_id, data.rw, data.rt)
    if data.unit_id is None and (unit_text or level):
        warn("unit", tr("import.warning.unit", value=unit_text or tr(f"level.{level}")))
    data.phone = clean_phone(_text(cells.get("phone")))
    data.education = _text(cells.get("education"))
    data.occupation = _text(cells.get("occupation"))
    data.sk_number = _text(cells.get("sk_number"))
    data.sk_date = date_of("sk_date")
    data.start_date = date_of("start_date")
    row = ImportRow(number, data)
    status = compact(cells.get("status"))
    if status and any(status.startswith(word) for word in STATUS_INACTIVE_WORDS):
        row.active = False
        row.inactive_reason = _text(cells.get("inactive_reason")) or tr("import.inactive_reason")
        row.inactive_date = date_of("inactive_date")
    if data.position and data.position not in POSITIONS:
        data.position = None
    row.incomplete = not data.nik or not data.unit_id
    report.problems += problems
    if not any(p.error for p in problems):
        report.rows.append(row)


def tidy_name(name: str) -> str:
    """Odd capitalisation from typed lists: ``siti AMINAH`` -> ``Siti Aminah``;
    short capitals (``SH``) and mixed words (``S.Pd.``) are kept."""
    words = []
    for word in name.split(" "):
        if word.islower() or (word.isupper() and len(word) > 3):
            word = "-".join(part.capitalize() for part in word.lower().split("-"))
        words.append(word)
    return " ".join(words)


def _check_existing_niks(report: ImportReport) -> None:
    """A NIK already in the database is refused, naming the record."""
    by_nik = {row.data.nik: row for row in report.rows if row.data.nik}
    niks = list(by_nik)
    refused = set()
    for chunk in chunks(niks):
        for nik, cid, name in Cadre.select(Cadre.nik, Cadre.id, Cadre.name).where(
                Cadre.nik.in_(chunk)).tuples():
            row = by_nik[nik]
            report.problems.append(ImportProblem(row.row, "nik", tr("cadre.error.nik_taken",
                                                                    name=name, id=cid)))
            refused.add(row.row)
    if refused:
        report.rows = [row for row in report.rows if row.row not in refused]


# --- writing ------------------------------------------------------------------------------------

_FIELDS = ["uuid", "nik", "name", "sex", "birth_place", "birth_date", "address", "rt", "rw",
           "desa", "hamlet", "neighbourhood", "phone", "education", "occupation", "unit",
           "position", "sk_number", "sk_date", "start_date", "active", "inactive_reason",
           "inactive_date", "search_text"]


@exclusive_operation("import_cadres")   # one merge or import at a time on a shared database
def write_import(report: ImportReport, progress: Callable[[int, int], None] | None = None) -> int:
    """Write every row of a clean report in one transaction; returns the count.

    Each new cadre gets one "create" entry in the audit trail naming the file
    it was imported from (its values are the record's own).
    """
    if report.errors or not report.rows:
        raise ValidationError(tr("import.error.not_written", errors=len(report.errors)),
                              [(str(p.row), p.message) for p in report.errors])
    desa_names = dict(Region.select(Region.code, Region.name).where(Region.level == 4).tuples())

    def iso(value):
        return value.isoformat() if value else None

    values = []
    for row in report.rows:
        d = row.data
        values.append(dict(zip(_FIELDS, (
            new_uuid(), d.nik, d.name, d.sex, d.birth_place, iso(d.birth_date), d.address, d.rt,
            d.rw, d.desa_code, d.hamlet_id, d.neighbourhood_id, d.phone, d.education,
            d.occupation, d.unit_id, d.position, d.sk_number, iso(d.sk_date),
            iso(d.start_date), row.active, row.inactive_reason,
            iso(row.inactive_date or (None if row.active else dt.date.today())),
            search_key(d.name, d.nik, d.phone, desa_names.get(d.desa_code))))))
    source = Path(report.path).name if report.path else ""
    try:
        with database.atomic():
            for start in range(0, len(values), 1000):
                audited_insert(Cadre, values[start:start + 1000], source=source)
                if progress:
                    progress(min(start + 1000, len(values)), len(values))
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        # Checked before, so another program wrote the same NIK meanwhile
        # (two imports of one file at once); this transaction wrote nothing.
        raise UserError(tr("db.error.concurrent")) from exc
    return len(values)


def import_cadres(path: str | Path, mapping: list[str | None] | None = None,
                  dry_run: bool = False) -> tuple[ImportReport, int]:
    """Read, check and (unless ``dry_run`` or invalid) write: the command line's path."""
    table = read_table(path)
    report = check_import(table, mapping)
    if dry_run or not report.ok:
        return report, 0
    return report, write_import(report)
