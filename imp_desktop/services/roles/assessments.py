"""Assessments of a unit: the checklist sheet, saving and deleting, a unit's
history, and the activities that can serve as evidence."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from peewee import fn

from imp_desktop.data.audit import audited_delete
from imp_desktop.data.models import (
    LEVELS,
    Activity,
    Assessment,
    AssessmentAnswer,
    ClassificationRule,
    Region,
    RoleCatalogue,
    RoleIndicator,
    Unit,
    database,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.formatting import format_date
from imp_desktop.i18n import language, tr
from imp_desktop.services import activities, photos
from imp_desktop.services.roles.periods import Period, parse_period
from imp_desktop.services.roles.scoring import (
    ROLE_CODES,
    Rule,
    classification_label,
    role_name,
    score,
)
from imp_desktop.services.roles.versions import (
    Catalogue,
    current_catalogue,
    current_rule,
    get_catalogue,
    get_rule,
)
from imp_desktop.services.text import clean_spaces

@dataclass
class AnswerInput:
    met: bool = False
    note: str | None = None
    evidence_activity_id: int | None = None
    evidence_photo: str | None = None


@dataclass
class AssessmentInput:
    unit_id: int
    period: str
    answers: dict[int, AnswerInput] = field(default_factory=dict)   # indicator id -> answer
    assessed_on: dt.date | None = None
    assessor: str | None = None
    note: str | None = None
    catalogue_id: int | None = None     # None: the current catalogue (new assessments)
    # The version read with the checklist (``AssessmentSheet.version``, answers
    # included): a save finding another one is refused (someone else saved it
    # meanwhile). Not a field.
    version: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SheetLine:
    """One indicator on an assessment sheet; ``met`` None on a blank sheet."""

    indicator_id: int
    key: str
    number: str           # "3.2"
    text_id: str
    text_en: str
    met: bool | None
    note: str | None
    evidence_activity_id: int | None
    evidence_photo: str | None

    def text(self, lang: str | None = None) -> str:
        return self.text_en if (lang or language()) == "en" else self.text_id


@dataclass(frozen=True)
class SheetRole:
    code: str
    number: int
    name_id: str
    name_en: str
    lines: tuple[SheetLine, ...]
    met: int
    total: int
    fulfilled: bool | None

    @property
    def percent(self) -> float:
        return 100.0 * self.met / self.total if self.total else 0.0

    def name(self, lang: str | None = None) -> str:
        return self.name_en if (lang or language()) == "en" else self.name_id


@dataclass(frozen=True)
class AssessmentSheet:
    """Everything an assessment sheet shows, filled or blank (``id`` None)."""

    id: int | None
    unit_id: int | None
    unit_name: str
    unit_level: str | None
    desa_code: str | None
    desa_name: str
    kecamatan_name: str
    period: str | None
    period_label: str
    catalogue_id: int
    catalogue_version: int
    rule_version: int
    threshold_percent: int
    rule_text: str
    assessed_on: dt.date | None
    assessor: str | None
    note: str | None
    roles: tuple[SheetRole, ...]
    roles_fulfilled: int | None
    classification: str | None
    classification_label: str
    created_at: str | None = None
    updated_at: str | None = None
    rule_id: int | None = None
    version: str | None = None     # row version of a saved one, answers included

    @property
    def is_blank(self) -> bool:
        return self.id is None


def _region_names(desa_code: str | None) -> tuple[str, str]:
    if not desa_code:
        return "", ""
    parent = desa_code.rsplit(".", 1)[0]
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_([desa_code, parent])).tuples())
    return names.get(desa_code, desa_code), names.get(parent, "")


def _sheet(catalogue: Catalogue, rule: Rule, answers: dict[int, AnswerInput] | None,
           unit: Unit | None, period: Period | None, assessment: Assessment | None,
           lang: str | None = None) -> AssessmentSheet:
    roles = []
    result = score(catalogue, {k: v.met for k, v in (answers or {}).items()}, rule)
    for role, role_score in zip(catalogue.roles, result.roles):
        lines = []
        for index, item in enumerate(role.indicators, 1):
            answer = (answers or {}).get(item.id)
            lines.append(SheetLine(
                item.id, item.key, f"{role.number}.{index}", item.text_id, item.text_en,
                None if answers is None else bool(answer and answer.met),
                answer.note if answer else None,
                answer.evidence_activity_id if answer else None,
                answer.evidence_photo if answer else None))
        roles.append(SheetRole(role.code, role.number, role_name(role.code, "id"),
                               role_name(role.code, "en"), tuple(lines), role_score.met,
                               role_score.total,
                               None if answers is None else role_score.fulfilled))
    desa_name, kecamatan_name = _region_names(unit.desa_code if unit else None)
    blank = assessment is None
    classification = None if answers is None else (
        assessment.classification if assessment else result.classification)
    fulfilled = None if answers is None else (
        assessment.roles_fulfilled if assessment else result.roles_fulfilled)
    return AssessmentSheet(
        id=None if blank else assessment.id,
        unit_id=unit.id if unit else None,
        unit_name=unit.name if unit else "",
        unit_level=unit.level if unit else None,
        desa_code=unit.desa_code if unit else None,
        desa_name=desa_name, kecamatan_name=kecamatan_name,
        period=period.key if period else None,
        period_label=period.label(lang) if period else "",
        catalogue_id=catalogue.id, catalogue_version=catalogue.version,
        rule_version=rule.version, threshold_percent=rule.threshold_percent,
        rule_text=rule.describe(lang),
        assessed_on=None if blank else assessment.assessed_on,
        assessor=None if blank else assessment.assessor,
        note=None if blank else assessment.note,
        roles=tuple(roles), roles_fulfilled=fulfilled, classification=classification,
        classification_label=classification_label(classification, lang) if classification
        else "",
        created_at=None if blank else assessment.created_at,
        updated_at=None if blank else assessment.updated_at,
        rule_id=rule.id)


def _answers_of(assessment_id: int) -> dict[int, AnswerInput]:
    """The stored answers (deleting an activity clears the links to it: a foreign key)."""
    rows = AssessmentAnswer.select().where(AssessmentAnswer.assessment == assessment_id)
    return {row.indicator_id: AnswerInput(row.met, row.note, row.evidence_activity_id,
                                          row.evidence_photo)
            for row in rows}


def get_assessment(assessment_id: int, lang: str | None = None) -> AssessmentSheet:
    """A saved assessment with the catalogue and rule versions it was made with,
    and its row version (answers included) for a later save to compare."""
    version = assessment_version(assessment_id)
    row = Assessment.get_or_none(Assessment.id == assessment_id)
    if row is None:
        raise UserError(tr("role.error.no_assessment", id=assessment_id))
    sheet = _sheet(get_catalogue(row.catalogue_id), get_rule(row.rule_id),
                   _answers_of(row.id), row.unit, parse_period(row.period), row, lang)
    return replace(sheet, version=version)


def assessment_version(assessment_id: int, *, lock: bool = False) -> str | None:
    """The version of a checklist: its row and its answers' (None when deleted)."""
    from imp_desktop.data.row_versions import row_version

    return row_version(Assessment, assessment_id, lock=lock, children=_ANSWERS)


_ANSWERS = ((AssessmentAnswer, "assessment_id"),)


def load_assessment(assessment_id: int) -> AssessmentInput:
    """A saved checklist as the window edits it, with its version."""
    version = assessment_version(assessment_id)
    row = Assessment.get_or_none(Assessment.id == assessment_id)
    if row is None:
        raise UserError(tr("role.error.no_assessment", id=assessment_id))
    return AssessmentInput(row.unit_id, row.period, _answers_of(row.id), row.assessed_on,
                           row.assessor, row.note, row.catalogue_id, version=version)


def _answer_values(answer: AnswerInput | None) -> tuple:
    """An answer as it is stored (what a save would write)."""
    answer = answer or AnswerInput()
    return (bool(answer.met), (answer.note or "").strip() or None,
            answer.evidence_activity_id, answer.evidence_photo or None)


def _checklist_differences(catalogue: Catalogue):
    """``compare`` for ``refuse_if_changed``: the header fields, then each answer
    that differs, named by its number on the sheet ("Indikator 2.3")."""
    def shown_evidence(values: tuple) -> str:
        parts = []
        if values[2]:
            parts.append(evidence_titles([values[2]]).get(values[2], str(values[2])))
        if values[3]:
            parts.append(tr("role.evidence.photo"))
        return "; ".join(parts)

    def compare(saved: AssessmentInput, typed: AssessmentInput) -> list[tuple]:
        found = []
        for name, mine, theirs in (
                ("assessed_on", typed.assessed_on, saved.assessed_on),
                ("assessor", clean_spaces(typed.assessor) or None, saved.assessor),
                ("note", (typed.note or "").strip() or None, saved.note)):
            if mine != theirs:
                found.append((tr(f"role.field.{name}"), theirs, mine))
        for role in catalogue.roles:
            for index, item in enumerate(role.indicators, 1):
                mine = _answer_values(typed.answers.get(item.id))
                theirs = _answer_values(saved.answers.get(item.id))
                label = tr("role.field.indicator", number=f"{role.number}.{index}")
                met = {True: tr("role.col.fulfilled"), False: tr("role.col.unmet")}
                if mine[0] != theirs[0]:
                    found.append((label, met[theirs[0]], met[mine[0]]))
                if mine[1] != theirs[1]:
                    found.append((f"{label} · {tr('role.col.note')}", theirs[1], mine[1]))
                if mine[2:] != theirs[2:]:
                    found.append((f"{label} · {tr('role.col.evidence')}",
                                  shown_evidence(theirs), shown_evidence(mine)))
        return found

    return compare


def find_assessment(unit_id: int, period: str) -> int | None:
    key = parse_period(period).key
    row = (Assessment.select(Assessment.id)
           .where((Assessment.unit == unit_id) & (Assessment.period == key)).first())
    return row.id if row else None


def blank_sheet(unit_id: int | None = None, period: str | None = None,
                lang: str | None = None) -> AssessmentSheet:
    """The current catalogue as an empty sheet, for use in the field."""
    unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
    return _sheet(current_catalogue(), current_rule(), None, unit,
                  parse_period(period) if period else None, None, lang)


def new_sheet(unit_id: int, period: str, lang: str | None = None) -> AssessmentSheet:
    """A not-yet-saved assessment: the current catalogue, nothing met."""
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise UserError(tr("role.error.no_unit"))
    return _sheet(current_catalogue(), current_rule(), {}, unit, parse_period(period),
                  None, lang)


@dataclass(frozen=True)
class PreviousAnswers:
    """The latest earlier assessment of a unit, mapped onto another catalogue."""

    assessment_id: int
    period: str
    period_label: str
    answers: dict[int, AnswerInput]     # indicator id in the target catalogue -> answer


def previous_answers(unit_id: int, period: str, catalogue_id: int | None = None,
                     lang: str | None = None) -> PreviousAnswers | None:
    """What the unit's most recent assessment before ``period`` said, to start a new
    checklist from it (most things do not change from one month to the next).

    Matched by indicator key, so it works across catalogue versions; notes are
    carried over, evidence is not (it belongs to that period).
    """
    start = parse_period(period).start
    row = (Assessment.select().where((Assessment.unit == unit_id)
                                     & (Assessment.period_start < start))
           .order_by(Assessment.period_start.desc(), Assessment.period_end.desc()).first())
    if row is None:
        return None
    target = get_catalogue(catalogue_id) if catalogue_id else current_catalogue()
    by_key = {item.key: item.id for item in target.indicators()}
    answers = {}
    for answer in (AssessmentAnswer.select(AssessmentAnswer, RoleIndicator.key)
                   .join(RoleIndicator).where(AssessmentAnswer.assessment == row.id)):
        indicator_id = by_key.get(answer.indicator.key)
        if indicator_id is not None:
            answers[indicator_id] = AnswerInput(bool(answer.met), answer.note)
    return PreviousAnswers(row.id, row.period, parse_period(row.period).label(lang), answers)


def _check_evidence(answers: dict[int, AnswerInput]) -> list[tuple[str, str]]:
    ids = {a.evidence_activity_id for a in answers.values() if a.evidence_activity_id}
    if not ids:
        return []
    known = {row[0] for row in Activity.select(Activity.id).where(Activity.id.in_(list(ids)))
             .tuples()}
    return [("evidence_activity_id", tr("role.error.no_activity", id=missing))
            for missing in sorted(ids - known)]


def save_assessment(data: AssessmentInput, assessment_id: int | None = None) -> int:
    """Create or update the assessment of a unit for a period; returns its id.

    A new assessment uses the current catalogue and rule; an existing one keeps
    the catalogue and rule versions it was made with (answers to indicators
    outside its catalogue are refused), so correcting an old sheet never
    changes the rules it was judged by.
    """
    period = parse_period(data.period)
    problems = []
    unit = Unit.get_or_none(Unit.id == data.unit_id)
    if unit is None:
        problems.append(("unit_id", tr("role.error.no_unit")))
    if assessment_id is None:
        if unit is not None and find_assessment(data.unit_id, period.key):
            problems.append(("period", tr("role.error.exists", unit=unit.name,
                                           period=period.label())))
        catalogue = (get_catalogue(data.catalogue_id) if data.catalogue_id
                     else current_catalogue())
        rule = current_rule()
    else:
        existing = Assessment.get_or_none(Assessment.id == assessment_id)
        if existing is None:
            raise UserError(tr("role.error.no_assessment", id=assessment_id))
        other = find_assessment(data.unit_id, period.key)
        if other and other != assessment_id:
            problems.append(("period", tr("role.error.exists", unit=unit.name if unit else "",
                                           period=period.label())))
        catalogue = get_catalogue(existing.catalogue_id)
        rule = get_rule(existing.rule_id)
    known = {item.id for item in catalogue.indicators()}
    if set(data.answers) - known:
        problems.append(("answers", tr("role.error.other_catalogue",
                                       version=catalogue.version)))
    if data.assessed_on and data.assessed_on > dt.date.today():
        problems.append(("assessed_on", tr("role.error.future")))
    problems += _check_evidence(data.answers)
    if problems:
        raise ValidationError(tr("role.error.not_saved"), problems)

    result = score(catalogue, {k: v.met for k, v in data.answers.items()}, rule)
    with database.atomic():
        if assessment_id is not None and data.version is not None:
            from imp_desktop.services.concurrency import refuse_if_changed

            refuse_if_changed(Assessment, assessment_id, data.version,
                              lambda: load_assessment(assessment_id), data, "assessment",
                              children=_ANSWERS, compare=_checklist_differences(catalogue))
        row = Assessment() if assessment_id is None else Assessment.get_by_id(assessment_id)
        row.unit = data.unit_id
        row.period, row.period_start, row.period_end = period.key, period.start, period.end
        row.catalogue = catalogue.id
        row.rule = rule.id
        row.assessed_on = data.assessed_on
        row.assessor = clean_spaces(data.assessor) or None
        row.note = (data.note or "").strip() or None
        row.roles_fulfilled = result.roles_fulfilled
        row.classification = result.classification
        row.save()
        existing_answers = {a.indicator_id: a for a in AssessmentAnswer.select().where(
            AssessmentAnswer.assessment == row.id)}
        old_photos = {a.evidence_photo for a in existing_answers.values() if a.evidence_photo}
        for item in catalogue.indicators():
            answer = data.answers.get(item.id) or AnswerInput()
            values = {"met": bool(answer.met), "note": (answer.note or "").strip() or None,
                      "evidence_activity_id": answer.evidence_activity_id,
                      "evidence_photo": answer.evidence_photo or None}
            stored = existing_answers.get(item.id)
            if stored is None:
                stored = AssessmentAnswer(assessment=row.id, indicator=item.id)
            elif all(getattr(stored, key) == value for key, value in values.items()):
                continue     # unchanged: no write, no audit entry
            for key, value in values.items():
                setattr(stored, key, value)
            stored.save()
    _forget_photos(old_photos - {a.evidence_photo for a in data.answers.values()})
    return row.id


def _forget_photos(file_names: set[str]) -> None:
    """Remove evidence photos nothing refers to any more (after the transaction)."""
    if file_names:
        photos.remove_unreferenced(file_names)


def delete_assessment(assessment_id: int) -> None:
    files = {row.evidence_photo for row in AssessmentAnswer.select(
        AssessmentAnswer.evidence_photo).where((AssessmentAnswer.assessment == assessment_id)
                                               & AssessmentAnswer.evidence_photo.is_null(False))}
    with database.atomic():
        audited_delete(AssessmentAnswer, AssessmentAnswer.assessment == assessment_id)
        audited_delete(Assessment, Assessment.id == assessment_id)
    _forget_photos(files)


# --- history -------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryPoint:
    assessment_id: int
    period: str
    period_label: str
    period_start: dt.date
    roles_fulfilled: int
    classification: str
    classification_label: str
    role_percents: tuple[float, ...]       # per role, official order
    catalogue_version: int
    rule_version: int


def unit_history(unit_id: int, lang: str | None = None) -> list[HistoryPoint]:
    """A unit's assessments, oldest first, with the classification each recorded."""
    rows = list(Assessment.select(Assessment, RoleCatalogue.version, ClassificationRule.version)
                .join(RoleCatalogue).switch(Assessment).join(ClassificationRule)
                .where(Assessment.unit == unit_id).order_by(Assessment.period_start,
                                                            Assessment.period_end))
    if not rows:
        return []
    counts = (AssessmentAnswer.select(AssessmentAnswer.assessment, RoleIndicator.role,
                                      fn.SUM(AssessmentAnswer.met.cast("integer")),
                                      fn.COUNT(AssessmentAnswer.id))
              .join(RoleIndicator)
              .where(AssessmentAnswer.assessment.in_([r.id for r in rows]))
              .group_by(AssessmentAnswer.assessment, RoleIndicator.role).tuples())
    percents: dict[int, dict[str, float]] = defaultdict(dict)
    for assessment_id, role, met, total in counts:
        percents[assessment_id][role] = 100.0 * (met or 0) / total if total else 0.0
    return [HistoryPoint(row.id, row.period, parse_period(row.period).label(lang),
                         row.period_start, row.roles_fulfilled, row.classification,
                         classification_label(row.classification, lang),
                         tuple(percents[row.id].get(code, 0.0) for code in ROLE_CODES),
                         row.catalogue.version, row.rule.version)
            for row in rows]


def assessed_periods(unit_ids: list[int] | None = None) -> list[str]:
    """Period keys that have assessments, newest first."""
    query = Assessment.select(Assessment.period, fn.MAX(Assessment.period_start)).group_by(
        Assessment.period)
    if unit_ids is not None:
        query = query.where(Assessment.unit.in_(unit_ids))
    return [key for key, _ in sorted(query.tuples(), key=lambda r: (str(r[1]), r[0]),
                                     reverse=True)]


@dataclass(frozen=True)
class UnitStatus:
    """A unit with its assessment for one period (None when not assessed)."""

    unit_id: int
    name: str
    level: str
    assessment_id: int | None
    roles_fulfilled: int | None
    classification: str | None


def units_not_assessed_since(day: dt.date) -> set[int]:
    """Active units with no assessment covering any day from ``day`` on."""
    recent = Assessment.select(Assessment.unit).where(Assessment.period_end >= day)
    return {unit_id for (unit_id,) in Unit.select(Unit.id).where(
        (Unit.active == True) & Unit.id.not_in(recent)).tuples()}  # noqa: E712


def unit_statuses(desa_code: str, period: str) -> list[UnitStatus]:
    key = parse_period(period).key
    found = {row.unit_id: row for row in Assessment.select().join(Unit).where(
        (Unit.desa == desa_code) & (Assessment.period == key))}
    order = {level: i for i, level in enumerate(LEVELS)}
    units = sorted(Unit.select().where((Unit.desa == desa_code) & (Unit.active == True)),  # noqa: E712
                   key=lambda u: (order.get(u.level, 9), u.name))
    result = []
    for unit in units:
        row = found.get(unit.id)
        result.append(UnitStatus(unit.id, unit.name, unit.level, row.id if row else None,
                                 row.roles_fulfilled if row else None,
                                 row.classification if row else None))
    return result


# --- evidence ----------------------------------------------------------------

def activity_choices(desa_code: str | None = None, period: str | None = None
                     ) -> list[tuple[int, str]]:
    """(id, "27 November 2026 - title") of activities that can serve as evidence:
    those of the desa, in the period first."""
    found = activities.list_activities(activities.ActivityFilter(desa_code=desa_code))
    chosen = parse_period(period) if period else None

    def inside(item) -> bool:
        return bool(chosen and chosen.start <= item.date <= chosen.end)

    found.sort(key=lambda item: (not inside(item), -item.date.toordinal()))
    return [(item.id, f"{format_date(item.date)} - {item.title}") for item in found]


def evidence_titles(activity_ids) -> dict[int, str]:
    ids = {i for i in activity_ids if i}
    titles = {}
    for activity_id in ids:
        try:
            detail = activities.get_activity(activity_id)
        except UserError:
            continue
        titles[activity_id] = f"{format_date(detail.date)} - {detail.title}"
    return titles


# --- plain records (``list assessments --json``) ----------------------------------

def assessment_records() -> list[dict]:
    """Every assessment with its answers, by stable ids (UUIDs and indicator keys)."""
    units = {row[0]: row[1:] for row in Unit.select(Unit.id, Unit.uuid, Unit.name,
                                                     Unit.desa).tuples()}
    versions = dict(RoleCatalogue.select(RoleCatalogue.id, RoleCatalogue.version).tuples())
    rules = dict(ClassificationRule.select(ClassificationRule.id,
                                           ClassificationRule.version).tuples())
    indicators = {row[0]: row[1:] for row in RoleIndicator.select(
        RoleIndicator.id, RoleIndicator.key, RoleIndicator.role).tuples()}
    answers: dict[int, list[dict]] = defaultdict(list)
    for row in AssessmentAnswer.select().order_by(AssessmentAnswer.id).iterator():
        key, role = indicators[row.indicator_id]
        answers[row.assessment_id].append({
            "indicator_key": key, "role": role, "met": bool(row.met), "note": row.note,
            "evidence_activity_id": row.evidence_activity_id,
            "evidence_photo": row.evidence_photo})
    result = []
    for row in Assessment.select().order_by(Assessment.period_start, Assessment.id).iterator():
        unit_uuid, unit_name, desa_code = units[row.unit_id]
        result.append({
            "id": row.id, "uuid": row.uuid, "unit_id": row.unit_id, "unit_uuid": unit_uuid,
            "unit": unit_name, "desa_code": desa_code, "period": row.period,
            "assessed_on": row.assessed_on.isoformat() if row.assessed_on else None,
            "assessor": row.assessor, "note": row.note,
            "catalogue_version": versions[row.catalogue_id], "rule_version": rules[row.rule_id],
            "roles_fulfilled": row.roles_fulfilled, "classification": row.classification,
            "created_at": row.created_at, "updated_at": row.updated_at,
            "answers": answers.get(row.id, [])})
    return result
