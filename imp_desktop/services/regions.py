"""Regions: the official Kemendagri codes, and dusun/RW and RT below a desa."""
from __future__ import annotations

import csv
import io
import re
import uuid as uuid_module
from dataclasses import dataclass, replace
from pathlib import Path

from peewee import fn

from imp_desktop.data.advisory import exclusive_operation
from imp_desktop.data.audit import audited_update
from imp_desktop.data.models import (
    ALL_MODELS,
    REGION_DESA,
    REGION_KABUPATEN,
    REGION_KECAMATAN,
    REGION_PROVINSI,
    Hamlet,
    Neighbourhood,
    Region,
    database,
    utc_now,
)
from imp_desktop.data.sync import chunks
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.fileio import crash_point
from imp_desktop.fileio import read_chosen_file
from imp_desktop.i18n import tr

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_SQL_ROW = re.compile(r"\(\s*'([^']*)'\s*,\s*'((?:[^']|'')*)'\s*\)")
# Region UUIDs derive from the code, so every installation gives a region the same one.
REGION_NAMESPACE = uuid_module.UUID("6f1c3a52-3a5e-4a8e-9a55-2f1b4d7c9e10")
BATCH = 500
# A desa typed without its code gets a local one in its kecamatan from this number
# up (official desa numbers are 1xxx for kelurahan and 2xxx for desa).
LOCAL_CODE_FIRST = 9001


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    level: int
    parent_code: str | None


@dataclass(frozen=True)
class ImportSummary:
    read: int
    added: int
    updated: int
    unchanged: int
    merged: int = 0     # desa typed without a code, now moved to their official code


def region_level(code: str) -> int:
    return code.count(".") + 1


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def region_uuid(code: str) -> str:
    return str(uuid_module.uuid5(REGION_NAMESPACE, code))


def is_kelurahan(code: str) -> bool:
    """Desa codes starting with 1 are kelurahan, with 2 desa."""
    return region_level(code) == REGION_DESA and code.rsplit(".", 1)[1].startswith("1")


def default_head_title(desa_code: str) -> str:
    """Who heads it: a kelurahan has a Lurah, a desa a Kepala Desa."""
    return tr("settings.head.lurah") if is_kelurahan(desa_code) else tr("settings.head.kades")


def upsert_regions(rows: list[tuple[str, str]], db=None) -> ImportSummary:
    """Insert new codes, rename changed ones, leave identical ones untouched."""
    db = db or database
    existing = dict(db.execute_sql("SELECT code, name FROM region").fetchall())
    now = utc_now()
    new, renamed = [], []
    for code, name in rows:
        known = existing.get(code)
        if known is None:
            new.append((region_uuid(code), now, now, code, name, region_level(code),
                        parent_of(code)))
            existing[code] = name
        elif known != name:
            renamed.append((name, now, code))
            existing[code] = name
    p = db.param
    insert = ("INSERT INTO region (uuid, created_at, updated_at, code, name, level, parent_code) "
              f"VALUES ({', '.join([p] * 7)})")
    update = f"UPDATE region SET name = {p}, updated_at = {p} WHERE code = {p}"
    with db.atomic():
        cursor = db.cursor()
        for batch in chunks(new, BATCH):
            cursor.executemany(insert, batch)
        if renamed:
            cursor.executemany(update, renamed)
    return ImportSummary(len(rows), len(new), len(renamed), len(rows) - len(new) - len(renamed))


def read_region_file(path: str | Path) -> list[tuple[str, str]]:
    """Rows (code, name) of the official SQL dump or a CSV ``kode,nama``.

    The whole file is read and checked first; any bad line refuses the file.
    """
    return _read_region_file(path)[0]


def _read_region_file(path: str | Path) -> tuple[list[tuple[str, str]], bool]:
    """The rows, and whether the file is the official SQL dump (a whole list)."""
    path = Path(path)
    raw = read_chosen_file(path, "regions.error.read")
    from imp_desktop.services.text import decode_text_file

    text = decode_text_file(raw)
    if text is None:
        raise UserError(tr("regions.error.not_text", path=str(path)))
    if "INSERT INTO" in text.upper():
        rows = _read_region_sql(text, path)
        problems = [(str(i), tr("regions.error.code", code=code))
                    for i, (code, _) in enumerate(rows, 1) if not CODE_PATTERN.match(code)]
    else:
        rows, problems = _read_region_csv(text)
    if problems:
        first = "; ".join(f"{where}: {what}" for where, what in problems[:5])
        raise ValidationError(tr("regions.error.invalid", count=len(problems), first=first), problems)
    if not rows:
        raise UserError(tr("regions.error.empty", path=str(path)))
    return rows, "INSERT INTO" in text.upper()


def _refuse_missing_provinces(rows: list[tuple[str, str]], path: Path) -> None:
    """The official dump lists every province. One cut right after a statement's
    closing ``;`` reads cleanly but lacks the provinces after the cut: refused
    when a province this database knows is not in it. (A CSV may hold a part.)"""
    named = {code for code, _ in rows if region_level(code) == 1}
    known = [code for (code,) in Region.select(Region.code)
             .where(Region.level == 1).order_by(Region.code).tuples()]
    missing = [code for code in known if code not in named]
    if missing:
        raise UserError(tr("regions.error.provinces_missing", path=str(path),
                           count=len(missing), first=", ".join(missing[:5])))


# What may stand between two ``('code','name')`` rows of a dump: a comma in one
# statement, or the end of one INSERT and the start of the next (with comments).
_ROW_GAP = re.compile(r"\s*,\s*")
_STATEMENT_GAP = re.compile(r"\s*;(?:\s|--[^\n]*\n)*INSERT\s+INTO\s+\S+\s*\([^)]*\)\s*VALUES\s*",
                            re.IGNORECASE)
_FIRST_GAP = re.compile(r"INSERT\s+INTO\s+\S+\s*\([^)]*\)\s*VALUES\s*\Z", re.IGNORECASE)
_LAST_GAP = re.compile(r"\s*;(?:\s|--[^\n]*(?:\n|\Z))*\Z")


def _read_region_sql(text: str, path: Path) -> list[tuple[str, str]]:
    """The rows of the INSERT statements of a SQL dump, each statement read whole.

    A dump cut short is refused: the file must end with the closing ``;`` of
    its last statement, and between two rows there may be only a comma or the
    end of one INSERT and the start of the next (so a row cut in the middle,
    or a damaged one, is found wherever it is).
    """
    rows: list[tuple[str, str]] = []
    position = None
    for match in _SQL_ROW.finditer(text):
        if position is None:
            if not _FIRST_GAP.search(text, 0, match.start()):
                raise UserError(tr("regions.error.cut", path=str(path)))
        elif not (_ROW_GAP.fullmatch(text, position, match.start())
                  or _STATEMENT_GAP.fullmatch(text, position, match.start())):
            raise UserError(tr("regions.error.cut", path=str(path)))
        code, name = match.groups()
        rows.append((code, name.replace("''", "'")))
        position = match.end()
    if position is None or not _LAST_GAP.fullmatch(text, position):
        raise UserError(tr("regions.error.cut", path=str(path)))
    return rows


def _read_region_csv(text: str):
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows, problems = [], []
    try:
        records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ValidationError(tr("regions.error.invalid", count=1, first=str(exc))) from exc
    for line_no, record in enumerate(records, 1):
        if not record or not any(cell.strip() for cell in record):
            continue
        code = record[0].strip()
        if line_no == 1 and not code[:1].isdigit():
            continue  # header row
        name = record[1].strip() if len(record) > 1 else ""
        if not CODE_PATTERN.match(code):
            problems.append((tr("regions.line", line=line_no), tr("regions.error.code", code=code)))
        elif not name:
            problems.append((tr("regions.line", line=line_no), tr("regions.error.name", code=code)))
        else:
            rows.append((code, name))
    return rows, problems


@exclusive_operation("import_regions")  # one merge or import at a time on a shared database
def import_region_file(path: str | Path) -> ImportSummary:
    """Import the official region list (all or nothing; importing twice changes nothing).

    Desa the officer typed earlier without a code move to their official code
    in the same transaction (``merge_local_desa``).
    """
    rows, whole_list = _read_region_file(path)
    if whole_list:
        _refuse_missing_provinces(rows, Path(path))
    crash_point("regions.read")
    with database.atomic():
        summary = upsert_regions(rows)
        crash_point("regions.written_before_commit")
        merged = merge_local_desa()
    crash_point("regions.committed")
    return replace(summary, merged=len(merged))


def import_summary_text(summary: ImportSummary) -> str:
    text = tr("regions.imported", read=summary.read, added=summary.added,
              updated=summary.updated, unchanged=summary.unchanged)
    if summary.merged:
        text += " " + tr("regions.merged_local", count=summary.merged)
    return text


def is_local_code(code: str) -> bool:
    """A desa code made by this program for a desa typed without its code."""
    parts = code.split(".")
    return len(parts) == 4 and parts[3].isdigit() and int(parts[3]) >= LOCAL_CODE_FIRST


_NAME_PREFIXES = ("desa ", "kelurahan ", "kel. ", "ds. ")


def _name_key(name: str) -> str:
    """A desa name as compared: case, spacing and a leading "Desa"/"Kelurahan" ignored."""
    text = " ".join(name.lower().replace("-", " ").split())
    for prefix in _NAME_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    return text


@dataclass(frozen=True)
class DesaMerge:
    local_code: str
    official_code: str
    name: str


def merge_local_desa() -> list[DesaMerge]:
    """Move desa typed without a code to the official list once it has them.

    A local desa (code from ``LOCAL_CODE_FIRST``) whose kecamatan now holds
    exactly one official desa of the same name: every record pointing at the
    local code (cadres, units, dusun, activities...) points at the official
    one, with the change in each record's history, the officer's desa list and
    village heads follow, and the local entry goes. A name that matches no
    official desa, or more than one, is left as it is.
    """
    from imp_desktop.services.settings import WORK_DESA_KEY, get_setting, set_setting

    # In SQL: the official list holds some 84,000 desa and only a handful are local.
    local = [r for r in Region.select().where(
        (Region.level == REGION_DESA)
        & (fn.SUBSTR(Region.code, 10, 4) >= str(LOCAL_CODE_FIRST))) if is_local_code(r.code)]
    if not local:
        return []
    merges = []
    for region in local:
        matches = [r for r in Region.select().where(
            (Region.parent_code == region.parent_code) & (Region.level == REGION_DESA))
            if not is_local_code(r.code) and _name_key(r.name) == _name_key(region.name)]
        if len(matches) == 1:
            merges.append(DesaMerge(region.code, matches[0].code, matches[0].name))
    if not merges:
        return []
    references = [(model, field) for model in ALL_MODELS for field in model._meta.sorted_fields
                  if getattr(field, "rel_model", None) is Region and model is not Region]
    moved = {m.local_code: m.official_code for m in merges}
    with database.atomic():
        for merge in merges:
            for model, field in references:
                audited_update(model, {field: merge.official_code}, field == merge.local_code)
        work = get_setting(WORK_DESA_KEY, None)
        if work:
            updated = []
            for code in work:
                code = moved.get(code, code)
                if code not in updated:
                    updated.append(code)
            set_setting(WORK_DESA_KEY, updated)
        heads = get_setting("village_heads", None)
        if heads and any(code in heads for code in moved):
            for old, new in moved.items():
                if old in heads:
                    head = heads.pop(old)
                    heads.setdefault(new, head)   # one already set for the official code stays
            set_setting("village_heads", heads)
        Region.delete().where(Region.code.in_(list(moved))).execute()
    return merges


def _info(region: Region) -> RegionInfo:
    return RegionInfo(region.code, region.name, region.level, region.parent_code)


def get_region(code: str) -> RegionInfo | None:
    region = Region.get_or_none(Region.code == code)
    return _info(region) if region else None


def region_exists(code: str) -> bool:
    return Region.select().where(Region.code == code).exists()


def children(parent_code: str | None, level: int | None = None) -> list[RegionInfo]:
    """Regions directly below ``parent_code`` (provinces when None), sorted by name."""
    if parent_code is None:
        query = Region.select().where(Region.level == (level or REGION_PROVINSI))
    else:
        query = Region.select().where(Region.parent_code == parent_code)
    return [_info(r) for r in query.order_by(Region.name)]


def region_path(code: str) -> list[RegionInfo]:
    """The region and its ancestors, provinsi first."""
    codes = []
    current: str | None = code
    while current:
        codes.append(current)
        current = parent_of(current)
    found = {r.code: r for r in Region.select().where(Region.code.in_(codes))}
    return [_info(found[c]) for c in reversed(codes) if c in found]


def count_by_level() -> dict[int, int]:
    from peewee import fn

    query = Region.select(Region.level, fn.COUNT(Region.id)).group_by(Region.level).tuples()
    counts = {level: 0 for level in (REGION_PROVINSI, REGION_KABUPATEN, REGION_KECAMATAN,
                                     REGION_DESA)}
    counts.update(dict(query))
    return counts


def ensure_desa(code: str, name: str) -> RegionInfo:
    """A desa typed by the user when the official list was not imported."""
    if not CODE_PATTERN.match(code) or region_level(code) != REGION_DESA:
        raise ValidationError(tr("regions.error.code", code=code), [("code", tr("regions.error.code", code=code))])
    if not region_exists(parent_of(code)):
        raise ValidationError(tr("regions.error.parent", code=code), [("code", tr("regions.error.parent", code=code))])
    upsert_regions([(code, name.strip())])
    return get_region(code)


# --- dusun/RW and RT ---------------------------------------------------------

@dataclass(frozen=True)
class HamletInfo:
    id: int
    desa_code: str
    name: str
    rw: str | None


@dataclass(frozen=True)
class NeighbourhoodInfo:
    id: int
    hamlet_id: int
    number: str


def pad_number(value) -> str:
    """RT/RW numbers are written with three digits: ``3`` becomes ``003``."""
    text = str(value or "").strip()
    return text.zfill(3) if text.isdigit() else text


def add_hamlet(desa_code: str, name: str, rw: str | None = None) -> HamletInfo:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(tr("regions.error.hamlet_name"), [("name", tr("regions.error.hamlet_name"))])
    with database.atomic():
        hamlet = Hamlet.create(desa=desa_code, name=name, rw=pad_number(rw) or None)
    return HamletInfo(hamlet.id, desa_code, hamlet.name, hamlet.rw)


def hamlets(desa_code: str) -> list[HamletInfo]:
    query = Hamlet.select().where(Hamlet.desa == desa_code).order_by(Hamlet.name)
    return [HamletInfo(h.id, desa_code, h.name, h.rw) for h in query]


def add_neighbourhood(hamlet_id: int, number) -> NeighbourhoodInfo:
    number = pad_number(number)
    if not number:
        raise ValidationError(tr("regions.error.rt"), [("number", tr("regions.error.rt"))])
    with database.atomic():
        rt = Neighbourhood.create(hamlet=hamlet_id, number=number)
    return NeighbourhoodInfo(rt.id, hamlet_id, rt.number)


def neighbourhoods(hamlet_id: int) -> list[NeighbourhoodInfo]:
    query = (Neighbourhood.select().where(Neighbourhood.hamlet == hamlet_id)
             .order_by(Neighbourhood.number))
    return [NeighbourhoodInfo(n.id, hamlet_id, n.number) for n in query]
