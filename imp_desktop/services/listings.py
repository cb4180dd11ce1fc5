"""What a printout listed: the records on it, kept with its print-log row.

The audit trail tells what changed in the records a printout showed; it cannot
tell that a record was *added* to the list since (a cadre who joined the unit,
an attendee added to the Daftar Hadir, a checklist saved for the recap's
period) or taken off it without changing itself (a cadre moved to another
unit). So each printout that lists records keeps its list: a name from
``LISTS``, the arguments (uuids, region codes and periods, never local ids:
the print log travels, and the office checks officers' printouts on merged
data) and the uuids it listed, table by table (``print_log.listing``, JSON).
Periksa dokumen (``services/verify.py``) lists the same again from the data
here and names each record added or removed (``differences``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from peewee import JOIN

from imp_desktop.data.models import (
    Activity,
    ActivityPhoto,
    Assessment,
    AssessmentAnswer,
    Cadre,
    Hamlet,
    MonthlyReport,
    Participant,
    RoleIndicator,
    Unit,
)
from imp_desktop.data.sync import chunks
from imp_desktop.i18n import catalog, tr


def _uuids(model, ids) -> list[str]:
    found = []
    for chunk in chunks(sorted({i for i in ids if i is not None})):
        found += [u for (u,) in model.select(model.uuid).where(model.id.in_(chunk)).tuples()]
    return sorted(found)


def _id_of(model, record_uuid: str | None) -> int | None:
    if not record_uuid:
        return None
    return model.select(model.id).where(model.uuid == record_uuid).scalar()


# ---------------------------------------------------------------- the lists

def _cadres(args: dict) -> dict[str, list[str]]:
    """Daftar Kader: its units and its active cadres, of one unit, one desa or all
    (as ``reporting.cadre_listing`` selects them)."""
    units = Unit.select(Unit.id)
    cadres = Cadre.select(Cadre.id).where(Cadre.merged_into.is_null()
                                          & (Cadre.active == True))  # noqa: E712
    if args.get("unit"):
        unit_id = _id_of(Unit, args["unit"])
        if unit_id is None:
            return {}
        units, cadres = units.where(Unit.id == unit_id), cadres.where(Cadre.unit == unit_id)
    elif args.get("desa"):
        units = units.where(Unit.desa == args["desa"])
        cadres = cadres.where(Cadre.desa == args["desa"])
    return {"unit": _uuids(Unit, [i for (i,) in units.tuples()]),
            "cadre": _uuids(Cadre, [i for (i,) in cadres.tuples()])}


def _roles(args: dict) -> dict[str, list[str]]:
    """Rekap Peran Bakti: the units it lists and their checklists of the period."""
    from imp_desktop.services import roles

    units, assessments = roles.recap_members(args["region"], args["period"])
    return {"unit": _uuids(Unit, units), "assessment": _uuids(Assessment, assessments)}


def _activity(args: dict) -> dict[str, list[str]]:
    """Daftar Hadir and Laporan Kegiatan: the attendees (the report: its photos too,
    and the checklists of its Peran Bakti attachment, when it has one)."""
    activity = Activity.get_or_none(Activity.uuid == args["activity"])
    if activity is None:
        return {}
    found = {"participant": _uuids(Participant, [i for (i,) in Participant.select(
        Participant.id).where(Participant.activity == activity.id).tuples()])}
    if args.get("photos"):
        found["activity_photo"] = _uuids(ActivityPhoto, [i for (i,) in ActivityPhoto.select(
            ActivityPhoto.id).where(ActivityPhoto.activity == activity.id).tuples()])
    if args.get("recap") and activity.desa_code:
        units, assessments = _recap_attachment(activity)
        if assessments:          # no checklist that month: no attachment
            found["unit"] = _uuids(Unit, units)
            found["assessment"] = _uuids(Assessment, assessments)
    return found


def _recap_attachment(activity: Activity) -> tuple[list[int], list[int]]:
    from imp_desktop.services import roles

    day = activity.date
    return roles.recap_members(activity.desa_code, f"{day.year:04d}-{day.month:02d}")


def _assessment(args: dict) -> dict[str, list[str]]:
    """Lembar Penilaian: the answers of a saved checklist; the indicators of a
    blank one (those of the list in use: another list in use changes the sheet)."""
    from imp_desktop.services import roles

    if args.get("assessment"):
        assessment_id = _id_of(Assessment, args["assessment"])
        if assessment_id is None:
            return {}
        return {"assessment_answer": _uuids(AssessmentAnswer, [i for (i,) in (
            AssessmentAnswer.select(AssessmentAnswer.id)
            .where(AssessmentAnswer.assessment == assessment_id).tuples())])}
    unit_id = _id_of(Unit, args.get("unit"))
    sheet = roles.blank_sheet(unit_id, args.get("period"))
    return {"role_indicator": _uuids(RoleIndicator, [line.indicator_id for role in sheet.roles
                                                     for line in role.lines])}


def _monthly(args: dict) -> dict[str, list[str]]:
    """The monthly documents (a unit's report, the recap, the coverage): the units
    they count, the month's reports and the month's activities."""
    from imp_desktop.services import monthly

    units, reports, activities = monthly.month_members(args["period"], args.get("region"))
    return {"unit": _uuids(Unit, units), "monthly_report": _uuids(MonthlyReport, reports),
            "activity": _uuids(Activity, activities)}


def _register(args: dict) -> dict[str, list[str]]:
    """The paper register of a dusun/RW: its active units and the heads printed
    beside its Kelompok KB (as ``monthly_reports.paper_register`` picks them)."""
    from imp_desktop.data.models import LEVEL_KELOMPOK
    from imp_desktop.services.units import unit_board

    hamlet_id = _id_of(Hamlet, args["hamlet"])
    if hamlet_id is None:
        return {}
    units = list(Unit.select(Unit.id, Unit.level).where(
        Unit.hamlet == hamlet_id, Unit.active == True).tuples())  # noqa: E712
    heads = []
    for unit_id, level in units:
        if level != LEVEL_KELOMPOK:
            continue
        board = unit_board(unit_id)
        head = next((m for m in board if m.position == "ketua"), board[0] if board else None)
        if head is not None:
            heads.append(head.cadre_id)
    units = [unit_id for unit_id, _ in units]
    return {"unit": _uuids(Unit, units), "cadre": _uuids(Cadre, heads)}


# name -> the records such a printout lists, {table: sorted uuids}
LISTS: dict[str, Callable[[dict], dict[str, list[str]]]] = {
    "cadres": _cadres,
    "roles": _roles,
    "activity": _activity,
    "assessment": _assessment,
    "monthly": _monthly,
    "monthly-register": _register,
}


# name -> "module:function" giving the tables (``reports.model.DistrictTable``: key,
# title, header, rows) of a printout that counts rather than lists, from its
# arguments and a language. Named, not imported: those documents print through
# ``reporting.printed``, which comes here.
FIGURES: dict[str, str] = {
    "district": "imp_desktop.services.district:printed_tables",
}


def _tables(name: str, args: dict, lang: str | None = None) -> list:
    import importlib

    module, function = FIGURES[name].split(":")
    return getattr(importlib.import_module(module), function)(args, lang)


def _figures(name: str, args: dict) -> dict[str, dict[str, list[str]]]:
    """Its rows (a kecamatan, an officer's hand-over) and their figures, {table
    key: {row: cells}}, in Indonesian whatever the language printed (so that
    they compare)."""
    return {table.key: {_row_name(table.key, row): [str(cell) for cell in row]
                        for row in table.rows}
            for table in _tables(name, args, "id")}


def _row_name(key: str, row: list) -> str:
    return " · ".join(str(cell) for cell in row[:2 if key == "handover" else 1])


def members(name: str, args: dict) -> dict[str, list[str]]:
    """What the list ``name`` holds now, {table: sorted uuids}, empty tables left out."""
    return {table: uuids for table, uuids in LISTS[name](args).items() if uuids}


def listing(name: str, **args) -> str:
    """The JSON a print-log row keeps: the list, its arguments and its records now
    (a printout that counts: its rows and figures)."""
    if name in FIGURES:
        kept = {"list": name, "args": args, "figures": _figures(name, args)}
    else:
        kept = {"list": name, "args": args, "members": members(name, args)}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# ---------------------------------------------------------------- since printing

@dataclass(frozen=True)
class Member:
    table: str
    uuid: str
    label: str          # "Kader Siti Aminah"


@dataclass(frozen=True)
class Differences:
    added: list[Member]
    removed: list[Member]
    figures: list[str] = ()     # "Kader per tingkat · Tengaran · PPKBD: 12 → 13"

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.figures)


def differences(text: str) -> Differences:
    """The records added to and removed from a printout's list since it was
    printed (``text``: its ``print_log.listing``; "" for printouts logged before
    schema 16, which have none)."""
    if not text:
        return Differences([], [])
    kept = json.loads(text)
    name = kept.get("list")
    if name in FIGURES:
        return _figure_differences(name, kept.get("args", {}), kept.get("figures", {}))
    if name not in LISTS:                   # a list a newer version printed
        return Differences([], [])
    then = kept.get("members", {})
    now = members(name, kept.get("args", {}))
    added, removed = [], []
    for table in sorted(set(then) | set(now)):
        before, after = then.get(table, ()), now.get(table, ())
        same = _IDENTITY.get(table, lambda uuids: {u: u for u in uuids})
        before, after = same(before), same(after)
        added += [(table, u) for u, ident in sorted(after.items())
                  if ident not in set(before.values())]
        removed += [(table, u) for u, ident in sorted(before.items())
                    if ident not in set(after.values())]
    labels = _labels(added + removed)
    return Differences([Member(t, u, labels[(t, u)]) for t, u in added],
                       [Member(t, u, labels[(t, u)]) for t, u in removed])


def _figure_differences(name: str, args: dict, then: dict) -> Differences:
    """Rows added or gone, and each figure that differs, named by the table's
    title, the row and the column as the officer reads them."""
    from imp_desktop.i18n import language

    now = _figures(name, args)
    shown = {t.key: t for t in _tables(name, args, language())}
    added, removed, figures = [], [], []
    for key in sorted(set(then) | set(now), key=lambda k: list(shown).index(k)
                      if k in shown else len(shown)):
        table = shown.get(key)
        title = table.title if table else key
        before, after = then.get(key, {}), now.get(key, {})
        added += [Member(key, row, f"{title} · {row}") for row in after if row not in before]
        removed += [Member(key, row, f"{title} · {row}") for row in before if row not in after]
        for row, cells in after.items():
            old = before.get(row)
            if old is None or old == cells:
                continue
            for column, (was, is_now) in enumerate(zip(old, cells)):
                if was != is_now:
                    header = table.header[column] if table and column < len(table.header) \
                        else str(column + 1)
                    figures.append(tr("verify.line.figure", table=title, row=row,
                                      column=header, old=was, new=is_now))
    return Differences(added, removed, figures)


def _indicator_identity(uuids) -> dict[str, tuple]:
    """An indicator is the same on another catalogue version when its key and its
    wording are: each version has its own rows (a new list in use would otherwise
    take every indicator off the sheet and put it back)."""
    found = {}
    for chunk in chunks(list(uuids)):
        for record_uuid, key, text in (RoleIndicator.select(
                RoleIndicator.uuid, RoleIndicator.key, RoleIndicator.text_id)
                .where(RoleIndicator.uuid.in_(chunk)).tuples()):
            found[record_uuid] = (key, text)
    return {u: found.get(u, u) for u in uuids}


# table -> {uuid: what makes two records the same entry of a list}
_IDENTITY = {"role_indicator": _indicator_identity}


# ---------------------------------------------------------------- naming a record

def kind_label(table: str) -> str:
    key = f"verify.member.{table}"
    return tr(key) if key in catalog() else table


def _current_names(table: str, uuids: list[str]) -> dict[str, str]:
    """Names of records that still exist, for the tables named by another record
    (an attendee by the cadre, an answer by its indicator, a report by its unit)."""
    from imp_desktop.i18n import language

    found: dict[str, str] = {}
    for chunk in chunks(uuids):
        if table == "participant":
            query = (Participant.select(Participant.uuid, Cadre.name, Participant.guest_name)
                     .join(Cadre, join_type=JOIN.LEFT_OUTER,
                           on=(Participant.cadre == Cadre.id))
                     .where(Participant.uuid.in_(chunk)).tuples())
        elif table == "assessment_answer":
            text = RoleIndicator.text_en if language() == "en" else RoleIndicator.text_id
            query = (AssessmentAnswer.select(AssessmentAnswer.uuid, text)
                     .join(RoleIndicator).where(AssessmentAnswer.uuid.in_(chunk)).tuples())
        elif table in ("monthly_report", "assessment"):
            model = MonthlyReport if table == "monthly_report" else Assessment
            query = (model.select(model.uuid, Unit.name, model.period).join(Unit)
                     .where(model.uuid.in_(chunk)).tuples())
        elif table == "activity_photo":
            query = (ActivityPhoto.select(ActivityPhoto.uuid, ActivityPhoto.caption,
                                          ActivityPhoto.original_name)
                     .where(ActivityPhoto.uuid.in_(chunk)).tuples())
        elif table == "activity":
            query = (Activity.select(Activity.uuid, Activity.title, Activity.date)
                     .where(Activity.uuid.in_(chunk)).tuples())
        else:
            return {}
        for record_uuid, *parts in query:
            if table == "participant":
                parts = parts[:1] if parts[0] else parts[1:]
            elif table == "activity_photo":
                parts = parts[:1] if parts[0] else parts[1:]
            elif table == "activity":
                from imp_desktop.formatting import format_date

                parts = [parts[0], format_date(parts[1]) if parts[1] else ""]
            elif table in ("monthly_report", "assessment"):
                parts = [parts[0], _period_label(parts[1])]
            name = " · ".join(str(p) for p in parts if p not in (None, ""))
            if name:
                found[record_uuid] = name
    return found


def _period_label(key) -> str:
    """"November 2026" (or "Triwulan IV 2026") for a period key."""
    from imp_desktop.errors import UserError
    from imp_desktop.services.roles import parse_period

    try:
        return parse_period(str(key or "")).label()
    except UserError:       # a label only: a period this version cannot read shows as is
        return str(key or "")


_NAMED_BY = ("cadre", "indicator", "unit")
_NAMED_THEMSELVES = ("cadre", "unit", "role_indicator", "activity")


def _labels(records: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """"Kader Siti Aminah" for each (table, uuid): from the record here, else (a
    record deleted since) from its own audit history, else its uuid."""
    from imp_desktop.data.models import AuditEntry
    from imp_desktop.services.audit import _child_name, _record_labels

    by_table: dict[str, list[str]] = {}
    for table, record_uuid in records:
        by_table.setdefault(table, []).append(record_uuid)
    names: dict[str, str] = {}
    for table, uuids in by_table.items():
        names.update(_current_names(table, uuids))
    names.update(_record_labels([u for t, u in records
                                 if t in _NAMED_THEMSELVES and u not in names]))
    gone = [u for _, u in records if u not in names]
    history: dict[str, list] = {}
    for chunk in chunks(gone):
        for entry in (AuditEntry.select().where(AuditEntry.record_uuid.in_(chunk))
                      .order_by(AuditEntry.at, AuditEntry.id)):
            history.setdefault(entry.record_uuid, []).append(entry)
    pointed = set()
    for entries in history.values():
        for entry in entries:
            if entry.field in _NAMED_BY and entry.new_value:
                pointed.add(json.loads(entry.new_value))
    pointed_names = _record_labels(pointed) if pointed else {}
    for record_uuid, entries in history.items():
        name, _ = _child_name(entries, pointed_names)
        latest = {e.field: json.loads(e.new_value) for e in entries
                  if e.field and e.new_value and e.action != "delete"}
        if not name and latest.get("unit"):
            name = pointed_names.get(latest["unit"], "")
        if name and latest.get("period"):
            name = f"{name} · {_period_label(latest['period'])}"
        if name:
            names[record_uuid] = name
    return {(table, u): f"{kind_label(table)} {names.get(u, u)}".strip()
            for table, u in records}
