"""Enam Peran Bakti: the indicator catalogue, scoring, classification and recaps.

Rules (domain.md): each of the six roles is assessed with yes/no indicators; a
role is fulfilled when at least ``threshold_percent`` of its indicators are met;
the number of fulfilled roles gives the classification (Dasar, Berkembang,
Mandiri) through the rule table. Both the catalogue and the rule table are
versioned: an edit makes a new version, and an assessment keeps the catalogue
version it was made with and records the rule version it was scored with.

Everything returns plain frozen dataclasses so that the screen, the reports
(assessment sheet, Rekap Peran Bakti) and the command line share one source.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_module
from collections import Counter, defaultdict
from dataclasses import dataclass, field

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
from imp_desktop.formatting import MONTHS
from imp_desktop.i18n import language, tr
from imp_desktop.services.text import clean_spaces

# The six roles, in their official order.
ROLE_CODES = ("pengorganisasian", "pertemuan", "kie_konseling", "pencatatan", "pelayanan",
              "kemandirian")
DASAR, BERKEMBANG, MANDIRI = "dasar", "berkembang", "mandiri"
CLASSIFICATIONS = (DASAR, BERKEMBANG, MANDIRI)
MIN_INDICATORS, MAX_INDICATORS = 1, 12     # per role, when editing the catalogue


def role_name(code: str, lang: str | None = None) -> str:
    return tr(f"role.name.{code}", lang)


def role_number(code: str) -> int:
    return ROLE_CODES.index(code) + 1


def classification_label(code: str | None, lang: str | None = None) -> str:
    return tr(f"role.class.{code}", lang) if code else tr("role.class.none", lang)


# --- periods -----------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True, order=True)
class Period:
    """A month (``2026-11``) or a quarter (``2026-Q4``)."""

    start: dt.date
    end: dt.date
    key: str

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.key

    def label(self, lang: str | None = None) -> str:
        lang = lang or language()
        year = self.start.year
        if self.is_quarter:
            quarter = (self.start.month - 1) // 3 + 1
            return (f"Triwulan {_ROMAN[quarter - 1]} {year}" if lang == "id"
                    else f"Q{quarter} {year}")
        return f"{MONTHS[lang][self.start.month - 1]} {year}"


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """``2026-11`` or ``2026-Q4``; anything else is refused with a sentence."""
    value = (text or "").strip()
    match = _MONTH.match(value)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return Period(dt.date(year, month, 1), _month_end(year, month),
                          f"{year:04d}-{month:02d}")
    match = _QUARTER.match(value)
    if match:
        year, quarter = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100:
            first = 3 * quarter - 2
            return Period(dt.date(year, first, 1), _month_end(year, first + 2),
                          f"{year:04d}-Q{quarter}")
    raise UserError(tr("role.error.period", value=value))


def month_period(day: dt.date) -> Period:
    return parse_period(f"{day.year:04d}-{day.month:02d}")


def quarter_period(day: dt.date) -> Period:
    return parse_period(f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}")


def recent_periods(count: int = 12, quarters: bool = False,
                   today: dt.date | None = None) -> list[Period]:
    """The current month (or quarter) and the ones before it, newest first."""
    day = today or dt.date.today()
    found = []
    current = quarter_period(day) if quarters else month_period(day)
    for _ in range(count):
        found.append(current)
        current = (quarter_period if quarters else month_period)(
            current.start - dt.timedelta(days=1))
    return found


# --- the catalogue -------------------------------------------------------------

@dataclass(frozen=True)
class Indicator:
    id: int
    key: str
    role: str
    position: int
    text_id: str
    text_en: str

    def text(self, lang: str | None = None) -> str:
        return self.text_en if (lang or language()) == "en" else self.text_id


@dataclass(frozen=True)
class RoleIndicators:
    code: str
    number: int
    indicators: tuple[Indicator, ...]

    def name(self, lang: str | None = None) -> str:
        return role_name(self.code, lang)


@dataclass(frozen=True)
class Catalogue:
    id: int
    version: int
    created_at: str
    note: str | None
    roles: tuple[RoleIndicators, ...]

    @property
    def indicator_count(self) -> int:
        return sum(len(role.indicators) for role in self.roles)

    def indicators(self) -> list[Indicator]:
        return [item for role in self.roles for item in role.indicators]


@dataclass(frozen=True)
class CatalogueVersion:
    """A line in the list of catalogue versions."""

    id: int
    version: int
    created_at: str
    note: str | None
    indicator_count: int
    assessment_count: int
    in_use: bool = False      # the version new checklists use


def _catalogue(row: RoleCatalogue) -> Catalogue:
    by_role: dict[str, list[Indicator]] = defaultdict(list)
    query = (RoleIndicator.select().where(RoleIndicator.catalogue == row.id)
             .order_by(RoleIndicator.position, RoleIndicator.id))
    for item in query:
        by_role[item.role].append(Indicator(item.id, item.key, item.role, item.position,
                                            item.text_id, item.text_en))
    roles = tuple(RoleIndicators(code, number, tuple(by_role.get(code, ())))
                  for number, code in enumerate(ROLE_CODES, 1))
    return Catalogue(row.id, row.version, row.created_at, row.note, roles)


# The versions new checklists use here (local settings holding a uuid). Saving a
# version makes it the one in use; a version merged from another installation's
# package never is until the officer chooses it (``use_catalogue``/``use_rule``).
CATALOGUE_IN_USE, RULE_IN_USE = "role.catalogue_in_use", "role.rule_in_use"


def _in_use(model, key: str):
    """The version in use, or the highest one when none was ever chosen."""
    from imp_desktop.services.settings import get_setting

    chosen = get_setting(key)
    row = model.get_or_none(model.uuid == chosen) if chosen else None
    return row or model.select().order_by(model.version.desc()).first()


def _next_version(model) -> int:
    return (model.select(fn.MAX(model.version)).scalar() or 0) + 1


def _choose(model, key: str, record_id: int) -> None:
    from imp_desktop.services.settings import set_setting

    row = model.get_or_none(model.id == record_id)
    if row is None:
        raise UserError(tr("role.error.no_version"))
    set_setting(key, row.uuid)


def current_catalogue() -> Catalogue:
    """The indicator list new checklists use."""
    row = _in_use(RoleCatalogue, CATALOGUE_IN_USE)
    if row is None:   # the migration seeds version 1; an empty table is damage
        raise UserError(tr("role.error.no_catalogue"))
    return _catalogue(row)


def use_catalogue(catalogue_id: int) -> Catalogue:
    """Make an existing version (e.g. one received in a package) the one in use."""
    _choose(RoleCatalogue, CATALOGUE_IN_USE, catalogue_id)
    return current_catalogue()


def get_catalogue(catalogue_id: int) -> Catalogue:
    return _catalogue(RoleCatalogue.get_by_id(catalogue_id))


def catalogue_versions() -> list[CatalogueVersion]:
    counts = dict(Assessment.select(Assessment.catalogue, fn.COUNT(Assessment.id))
                  .group_by(Assessment.catalogue).tuples())
    indicators = dict(RoleIndicator.select(RoleIndicator.catalogue, fn.COUNT(RoleIndicator.id))
                      .group_by(RoleIndicator.catalogue).tuples())
    in_use = current_catalogue().id
    return [CatalogueVersion(row.id, row.version, row.created_at, row.note,
                             indicators.get(row.id, 0), counts.get(row.id, 0), row.id == in_use)
            for row in RoleCatalogue.select().order_by(RoleCatalogue.version.desc())]


@dataclass
class IndicatorDraft:
    """An indicator in the catalogue editor; ``key`` None for a new one."""

    role: str
    text_id: str
    text_en: str = ""
    key: str | None = None


def check_catalogue_draft(drafts: list[IndicatorDraft]) -> list[tuple[str, str]]:
    problems = []
    counts = Counter(d.role for d in drafts)
    for draft in drafts:
        if draft.role not in ROLE_CODES:
            problems.append(("role", tr("role.error.unknown_role", role=draft.role)))
    for code in ROLE_CODES:
        if counts[code] < MIN_INDICATORS:
            problems.append((code, tr("role.error.role_empty", role=role_name(code))))
        elif counts[code] > MAX_INDICATORS:
            problems.append((code, tr("role.error.role_full", role=role_name(code),
                                      max=MAX_INDICATORS)))
    texts = Counter((d.role, clean_spaces(d.text_id).casefold()) for d in drafts)
    for draft in drafts:
        if not clean_spaces(draft.text_id):
            problems.append((draft.role, tr("role.error.text_empty", role=role_name(draft.role))))
    for (code, text), seen in texts.items():
        if text and seen > 1:
            problems.append((code, tr("role.error.text_twice", role=role_name(code))))
    keys = Counter(d.key for d in drafts if d.key)
    if any(seen > 1 for seen in keys.values()):
        problems.append(("key", tr("role.error.key_twice")))
    return problems


def drafts_of(catalogue: Catalogue) -> list[IndicatorDraft]:
    return [IndicatorDraft(item.role, item.text_id, item.text_en, item.key)
            for item in catalogue.indicators()]


def save_catalogue(drafts: list[IndicatorDraft], note: str | None = None) -> Catalogue:
    """Save an edited indicator list as a new catalogue version.

    Order within each role is the order of ``drafts``; an indicator left out is
    retired (past assessments keep it). A reworded indicator keeps its key.
    Nothing changes, and the current version is returned, when the list is the
    same as the current one.
    """
    problems = check_catalogue_draft(drafts)
    if problems:
        raise ValidationError(tr("role.error.catalogue_not_saved"), problems)
    current = current_catalogue()
    cleaned = [IndicatorDraft(d.role, clean_spaces(d.text_id),
                              clean_spaces(d.text_en) or clean_spaces(d.text_id), d.key)
               for d in drafts]
    ordered = sorted(cleaned, key=lambda d: ROLE_CODES.index(d.role))   # stable per role
    if [(d.role, d.key, d.text_id, d.text_en) for d in ordered] == [
            (d.role, d.key, d.text_id, d.text_en) for d in drafts_of(current)]:
        return current
    with database.atomic():
        row = RoleCatalogue.create(version=_next_version(RoleCatalogue),
                                   note=clean_spaces(note) or None)
        _choose(RoleCatalogue, CATALOGUE_IN_USE, row.id)
        positions: Counter = Counter()
        for draft in ordered:
            positions[draft.role] += 1
            key = draft.key or f"{draft.role}.{uuid_module.uuid4().hex[:8]}"
            RoleIndicator.create(catalogue=row, role=draft.role, key=key,
                                 position=positions[draft.role], text_id=draft.text_id,
                                 text_en=draft.text_en)
    return _catalogue(row)


# --- the rule table ------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: int
    version: int
    threshold_percent: int
    berkembang_min_roles: int
    mandiri_min_roles: int
    created_at: str = ""
    note: str | None = None

    def classify(self, roles_fulfilled: int) -> str:
        if roles_fulfilled >= self.mandiri_min_roles:
            return MANDIRI
        if roles_fulfilled >= self.berkembang_min_roles:
            return BERKEMBANG
        return DASAR

    def role_fulfilled(self, met: int, total: int) -> bool:
        # Integers only: 3 of 5 is exactly 60%, with no floating-point doubt.
        return total > 0 and met * 100 >= self.threshold_percent * total

    def ranges(self) -> list[tuple[str, int, int]]:
        """(classification, fewest roles, most roles): Dasar 0-2, Berkembang 3-5, …"""
        return [(DASAR, 0, self.berkembang_min_roles - 1),
                (BERKEMBANG, self.berkembang_min_roles, self.mandiri_min_roles - 1),
                (MANDIRI, self.mandiri_min_roles, len(ROLE_CODES))]

    def describe(self, lang: str | None = None) -> str:
        return tr("role.rule.describe", lang, version=self.version,
                  threshold=self.threshold_percent,
                  berkembang=self.berkembang_min_roles, mandiri=self.mandiri_min_roles)


def _rule(row: ClassificationRule) -> Rule:
    return Rule(row.id, row.version, row.threshold_percent, row.berkembang_min_roles,
                row.mandiri_min_roles, row.created_at, row.note)


def current_rule() -> Rule:
    """The rule table new checklists are scored with."""
    row = _in_use(ClassificationRule, RULE_IN_USE)
    if row is None:
        raise UserError(tr("role.error.no_rule"))
    return _rule(row)


def use_rule(rule_id: int) -> Rule:
    """Make an existing rule version the one new checklists are scored with."""
    _choose(ClassificationRule, RULE_IN_USE, rule_id)
    return current_rule()


def get_rule(rule_id: int) -> Rule:
    return _rule(ClassificationRule.get_by_id(rule_id))


def rule_versions() -> list[Rule]:
    return [_rule(row) for row in
            ClassificationRule.select().order_by(ClassificationRule.version.desc())]


def check_rule(threshold_percent: int, berkembang_min_roles: int,
               mandiri_min_roles: int) -> list[tuple[str, str]]:
    problems = []
    if not 1 <= threshold_percent <= 100:
        problems.append(("threshold_percent", tr("role.error.threshold")))
    if not 1 <= berkembang_min_roles < mandiri_min_roles:
        problems.append(("berkembang_min_roles", tr("role.error.berkembang")))
    if not mandiri_min_roles <= len(ROLE_CODES):
        problems.append(("mandiri_min_roles", tr("role.error.mandiri", count=len(ROLE_CODES))))
    return problems


def save_rule(threshold_percent: int, berkembang_min_roles: int, mandiri_min_roles: int,
              note: str | None = None) -> Rule:
    """A new rule version (the current one is returned when nothing changed).

    Saved assessments keep the classification of the rule they were made with.
    """
    problems = check_rule(threshold_percent, berkembang_min_roles, mandiri_min_roles)
    if problems:
        raise ValidationError(tr("role.error.rule_not_saved"), problems)
    current = current_rule()
    if (current.threshold_percent, current.berkembang_min_roles,
            current.mandiri_min_roles) == (threshold_percent, berkembang_min_roles,
                                           mandiri_min_roles):
        return current
    with database.atomic():
        row = ClassificationRule.create(version=_next_version(ClassificationRule),
                                        threshold_percent=threshold_percent,
                                        berkembang_min_roles=berkembang_min_roles,
                                        mandiri_min_roles=mandiri_min_roles,
                                        note=clean_spaces(note) or None)
        _choose(ClassificationRule, RULE_IN_USE, row.id)
    return _rule(row)


# --- scoring -------------------------------------------------------------------

@dataclass(frozen=True)
class RoleScore:
    code: str
    number: int
    met: int
    total: int
    fulfilled: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.met / self.total if self.total else 0.0

    def name(self, lang: str | None = None) -> str:
        return role_name(self.code, lang)


@dataclass(frozen=True)
class Score:
    roles: tuple[RoleScore, ...]
    roles_fulfilled: int
    classification: str
    rule_version: int


def score(catalogue: Catalogue, met_ids: set[int] | dict[int, bool], rule: Rule) -> Score:
    """Score a checklist: which roles are fulfilled and the classification.

    ``met_ids`` holds the ids of the met indicators (or maps id -> met). Pure:
    the checklist screen calls it on every tick.
    """
    if isinstance(met_ids, dict):
        met_ids = {key for key, value in met_ids.items() if value}
    roles = []
    for role in catalogue.roles:
        total = len(role.indicators)
        met = sum(1 for item in role.indicators if item.id in met_ids)
        roles.append(RoleScore(role.code, role.number, met, total,
                               rule.role_fulfilled(met, total)))
    fulfilled = sum(1 for role in roles if role.fulfilled)
    return Score(tuple(roles), fulfilled, rule.classify(fulfilled), rule.version)


# --- assessments -----------------------------------------------------------------

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
    """A saved assessment with the catalogue and rule versions it was made with."""
    row = Assessment.get_or_none(Assessment.id == assessment_id)
    if row is None:
        raise UserError(tr("role.error.no_assessment", id=assessment_id))
    return _sheet(get_catalogue(row.catalogue_id), get_rule(row.rule_id),
                  _answers_of(row.id), row.unit, parse_period(row.period), row, lang)


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
    if file_names and _photo_store() is not None:
        _photo_store().remove_unreferenced(file_names)


def _photo_store():
    try:
        from imp_desktop.services import photos
    except ImportError:
        return None
    return photos


def delete_assessment(assessment_id: int) -> None:
    photos = {row.evidence_photo for row in AssessmentAnswer.select(
        AssessmentAnswer.evidence_photo).where((AssessmentAnswer.assessment == assessment_id)
                                               & AssessmentAnswer.evidence_photo.is_null(False))}
    with database.atomic():
        audited_delete(AssessmentAnswer, AssessmentAnswer.assessment == assessment_id)
        audited_delete(Assessment, Assessment.id == assessment_id)
    _forget_photos(photos)


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


# --- choices for the screen ----------------------------------------------------

def desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa that have active IMP units, by name."""
    codes = {code for (code,) in Unit.select(Unit.desa).where(Unit.active == True)  # noqa: E712
             .distinct().tuples()}
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(list(codes) or [""])).tuples())
    return sorted(((code, names.get(code, code)) for code in codes), key=lambda c: c[1])


def recap_scopes() -> list[tuple[str, str, str]]:
    """(code, scope, name) for the recap: each kecamatan with units, then its desa."""
    desa = desa_choices()
    kecamatan_codes = sorted({code.rsplit(".", 1)[0] for code, _ in desa})
    names = dict(Region.select(Region.code, Region.name)
                 .where(Region.code.in_(kecamatan_codes or [""])).tuples())
    result = []
    for kecamatan in kecamatan_codes:
        result.append((kecamatan, "kecamatan", names.get(kecamatan, kecamatan)))
        result += [(code, "desa", name) for code, name in desa
                   if code.startswith(kecamatan + ".")]
    return result


def period_choices(quarters: bool = False, desa_code: str | None = None,
                   today: dt.date | None = None) -> list[Period]:
    """Recent months (or quarters) plus older ones that have assessments, newest first."""
    found = {p.key: p for p in recent_periods(8 if quarters else 12, quarters, today)}
    unit_ids = None
    if desa_code:
        unit_ids = [u for (u,) in Unit.select(Unit.id).where(Unit.desa == desa_code).tuples()]
    for key in assessed_periods(unit_ids):
        period = parse_period(key)
        if period.is_quarter == quarters:
            found.setdefault(key, period)
    return sorted(found.values(), key=lambda p: (p.start, p.end), reverse=True)


def _activities_module():
    try:
        from imp_desktop.services import activities
    except ImportError:      # the activities feature is not installed yet
        return None
    return activities


def activities_available() -> bool:
    return _activities_module() is not None


def activity_choices(desa_code: str | None = None, period: str | None = None
                     ) -> list[tuple[int, str]]:
    """(id, "27 November 2026 - title") of activities that can serve as evidence:
    those of the desa, in the period first."""
    module = _activities_module()
    if module is None:
        return []
    from imp_desktop.formatting import format_date

    found = module.list_activities(module.ActivityFilter(desa_code=desa_code))
    chosen = parse_period(period) if period else None

    def inside(item) -> bool:
        return bool(chosen and chosen.start <= item.date <= chosen.end)

    found.sort(key=lambda item: (not inside(item), -item.date.toordinal()))
    return [(item.id, f"{format_date(item.date)} - {item.title}") for item in found]


def evidence_titles(activity_ids) -> dict[int, str]:
    ids = {i for i in activity_ids if i}
    module = _activities_module()
    if module is None or not ids:
        return {}
    from imp_desktop.formatting import format_date

    titles = {}
    for activity_id in ids:
        try:
            detail = module.get_activity(activity_id)
        except UserError:
            continue
        titles[activity_id] = f"{format_date(detail.date)} - {detail.title}"
    return titles


# --- recap ---------------------------------------------------------------------

@dataclass(frozen=True)
class RecapRow:
    """Units of one level (or one desa) by classification."""

    label: str
    level: str | None
    desa_code: str | None
    dasar: int
    berkembang: int
    mandiri: int
    not_assessed: int

    @property
    def assessed(self) -> int:
        return self.dasar + self.berkembang + self.mandiri

    @property
    def total(self) -> int:
        return self.assessed + self.not_assessed


@dataclass(frozen=True)
class UnmetIndicator:
    key: str
    role: str
    role_number: int
    role_name: str
    text: str
    unmet: int
    assessed: int

    @property
    def percent_unmet(self) -> float:
        return 100.0 * self.unmet / self.assessed if self.assessed else 0.0


@dataclass(frozen=True)
class RoleRecap:
    code: str
    number: int
    name: str
    fulfilled: int
    assessed: int


@dataclass(frozen=True)
class RecapUnit:
    """One unit in a recap, with its result per role (None: not assessed)."""

    unit_id: int
    name: str
    level: str
    level_label: str
    desa_code: str
    desa_name: str
    assessment_id: int | None
    assessed_on: dt.date | None
    role_percents: tuple[float, ...] | None      # six values, official order
    role_fulfilled: tuple[bool, ...] | None
    roles_fulfilled: int | None
    classification: str | None
    classification_label: str


@dataclass(frozen=True)
class Recap:
    scope: str                    # "desa" or "kecamatan"
    region_code: str
    region_name: str
    kecamatan_name: str
    period: str
    period_label: str
    by_level: tuple[RecapRow, ...]
    by_desa: tuple[RecapRow, ...]     # kecamatan recap only
    total: RecapRow
    roles: tuple[RoleRecap, ...]
    unmet: tuple[UnmetIndicator, ...]
    rule_versions: tuple[int, ...]
    catalogue_versions: tuple[int, ...]
    assessments: int
    units: tuple[RecapUnit, ...] = ()    # unit by unit: desa, level, name order


def _counts(label, level, desa_code, units, classes) -> RecapRow:
    tally = Counter(classes.get(u) for u in units)
    return RecapRow(label, level, desa_code, tally[DASAR], tally[BERKEMBANG], tally[MANDIRI],
                    tally[None])


def recap(region_code: str, period: str, lang: str | None = None,
          top: int = 10) -> Recap:
    """Units by classification and level, and the indicators most often unmet,
    for a desa or a whole kecamatan in one period.

    Only units active today are counted; a unit without an assessment for the
    period counts as not assessed. Indicators are followed by their key, so a
    reworded indicator counts as one across catalogue versions (shown with the
    newest wording).
    """
    from imp_desktop.services.settings import level_labels

    labels = level_labels()
    key = parse_period(period).key
    region = Region.get_or_none(Region.code == region_code)
    if region is None or region.level not in (3, 4):
        raise UserError(tr("role.error.region", code=region_code))
    scope = "desa" if region.level == 4 else "kecamatan"
    unit_query = Unit.select(Unit.id, Unit.level, Unit.desa, Unit.name).where(
        Unit.active == True)  # noqa: E712
    if scope == "desa":
        unit_query = unit_query.where(Unit.desa == region_code)
        desa_names = {region_code: region.name}
        kecamatan_name = _region_names(region_code)[1]
    else:
        desa_names = dict(Region.select(Region.code, Region.name)
                          .where(Region.parent_code == region_code).tuples())
        unit_query = unit_query.where(Unit.desa.in_(list(desa_names) or [""]))
        kecamatan_name = region.name
    units = list(unit_query.tuples())
    unit_ids = [u[0] for u in units]
    rows = []
    for start in range(0, max(len(unit_ids), 1), 500):
        rows += list(Assessment.select(Assessment.id, Assessment.unit, Assessment.classification,
                                       Assessment.rule, Assessment.catalogue,
                                       Assessment.roles_fulfilled, Assessment.assessed_on)
                     .where((Assessment.period == key)
                            & Assessment.unit.in_(unit_ids[start:start + 500] or [0]))
                     .tuples())
    classes = {row[1]: row[2] for row in rows}
    by_level = tuple(_counts(labels[level], level, None,
                             [u[0] for u in units if u[1] == level], classes)
                     for level in LEVELS)
    by_desa = ()
    if scope == "kecamatan":
        by_desa = tuple(_counts(name, None, code, [u[0] for u in units if u[2] == code],
                                classes)
                        for code, name in sorted(desa_names.items(), key=lambda item: item[1]))
    total = _counts(tr("role.recap.total", lang), None, None, unit_ids, classes)

    assessment_ids = [r[0] for r in rows]
    rule_ids = {r[3] for r in rows}
    rule_by_id = {rule_id: get_rule(rule_id) for rule_id in rule_ids}
    rule_of = {r[0]: rule_by_id[r[3]] for r in rows}
    unmet: Counter = Counter()
    seen: Counter = Counter()
    role_counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    texts: dict[str, tuple[int, str, str, str]] = {}   # key -> (version, role, id, en)
    # Counted in SQL (a district has hundreds of thousands of answers): met and
    # total per assessment and role, and per indicator.
    per_indicator: Counter = Counter()
    met_sum = fn.SUM(AssessmentAnswer.met.cast("integer"))
    for start in range(0, len(assessment_ids), 500):
        chunk = assessment_ids[start:start + 500]
        for assessment_id, role, met, count in (
                AssessmentAnswer.select(AssessmentAnswer.assessment, RoleIndicator.role,
                                        met_sum, fn.COUNT(AssessmentAnswer.id))
                .join(RoleIndicator).where(AssessmentAnswer.assessment.in_(chunk))
                .group_by(AssessmentAnswer.assessment, RoleIndicator.role).tuples()):
            role_counts[(assessment_id, role)] = [met or 0, count]
        for indicator_id, met, count in (
                AssessmentAnswer.select(AssessmentAnswer.indicator, met_sum,
                                        fn.COUNT(AssessmentAnswer.id))
                .where(AssessmentAnswer.assessment.in_(chunk))
                .group_by(AssessmentAnswer.indicator).tuples()):
            per_indicator[indicator_id] += count
            unmet[indicator_id] += count - (met or 0)
    if per_indicator:
        for indicator_id, ind_key, role, text_id, text_en, version in (
                RoleIndicator.select(RoleIndicator.id, RoleIndicator.key, RoleIndicator.role,
                                     RoleIndicator.text_id, RoleIndicator.text_en,
                                     RoleCatalogue.version)
                .join(RoleCatalogue).where(RoleIndicator.id.in_(list(per_indicator))).tuples()):
            seen[ind_key] += per_indicator[indicator_id]
            unmet[ind_key] += unmet.pop(indicator_id)
            if ind_key not in texts or texts[ind_key][0] < version:
                texts[ind_key] = (version, role, text_id, text_en)
    fulfilled_roles: Counter = Counter()
    for (assessment_id, role), (met, count) in role_counts.items():
        if rule_of[assessment_id].role_fulfilled(met, count):
            fulfilled_roles[role] += 1
    roles = tuple(RoleRecap(code, number, role_name(code, lang), fulfilled_roles[code],
                            len(assessment_ids))
                  for number, code in enumerate(ROLE_CODES, 1))
    english = (lang or language()) == "en"
    ranked = sorted((k for k in unmet if unmet[k]),
                    key=lambda k: (-unmet[k] / seen[k], -unmet[k],
                                   ROLE_CODES.index(texts[k][1]), k))
    top_unmet = tuple(UnmetIndicator(k, texts[k][1], role_number(texts[k][1]),
                                     role_name(texts[k][1], lang),
                                     texts[k][3] if english else texts[k][2], unmet[k], seen[k])
                      for k in ranked[:top])
    catalogue_versions = sorted({v.version for v in RoleCatalogue.select(RoleCatalogue.version)
                                 .where(RoleCatalogue.id.in_({r[4] for r in rows} or {0}))})
    by_unit = {row[1]: row for row in rows}
    order = {level: i for i, level in enumerate(LEVELS)}
    unit_rows = []
    for unit_id, level, desa_code, name in sorted(
            units, key=lambda u: (desa_names.get(u[2], u[2]), order.get(u[1], 9), u[3])):
        row = by_unit.get(unit_id)
        percents = fulfilled_flags = None
        if row is not None:
            counts = [role_counts.get((row[0], code), [0, 0]) for code in ROLE_CODES]
            percents = tuple(100.0 * met / n if n else 0.0 for met, n in counts)
            fulfilled_flags = tuple(rule_of[row[0]].role_fulfilled(met, n) for met, n in counts)
        unit_rows.append(RecapUnit(
            unit_id, name, level, labels.get(level, level), desa_code,
            desa_names.get(desa_code, desa_code), row[0] if row else None,
            row[6] if row else None, percents, fulfilled_flags, row[5] if row else None,
            row[2] if row else None, classification_label(row[2] if row else None, lang)))
    return Recap(scope, region_code, region.name, kecamatan_name, key,
                 parse_period(key).label(lang), by_level, by_desa, total, roles, top_unmet,
                 tuple(sorted(r.version for r in rule_by_id.values())),
                 tuple(catalogue_versions), len(assessment_ids), tuple(unit_rows))


def latest_period(region_code: str | None = None) -> str | None:
    """The newest period with an assessment (in a desa or kecamatan if given)."""
    query = Assessment.select(Assessment.period).order_by(Assessment.period_start.desc(),
                                                           Assessment.period_end.desc())
    if region_code:
        query = query.join(Unit).where((Unit.desa == region_code)
                                       | Unit.desa.startswith(region_code + "."))
    row = query.first()
    return row.period if row else None


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


# --- from gap to action --------------------------------------------------------

@dataclass(frozen=True)
class Gap:
    """A role not fulfilled in an assessment, with its unmet indicators."""

    code: str
    number: int
    name: str
    percent: float
    unmet: tuple[str, ...]


def weakest_roles(assessment_id: int, count: int = 3, lang: str | None = None) -> list[Gap]:
    """The roles a unit fulfilled least in an assessment, weakest first.

    Roles that are fulfilled are left out; among the rest, the lowest share of
    met indicators first, then the official order.
    """
    sheet = get_assessment(assessment_id, lang)
    open_roles = [role for role in sheet.roles if not role.fulfilled]
    open_roles.sort(key=lambda role: (role.percent, role.number))
    return [Gap(role.code, role.number, role.name(lang), role.percent,
                tuple(line.text(lang) for line in role.lines if not line.met))
            for role in open_roles[:count]]


def gap_agenda(assessment_id: int, count: int = 3, lang: str | None = None) -> str:
    """The agenda of a coaching session on a unit's weakest roles, as text."""
    sheet = get_assessment(assessment_id, lang)
    gaps = weakest_roles(assessment_id, count, lang)
    lines = [tr("role.gap.agenda_intro", lang, unit=sheet.unit_name, period=sheet.period_label)]
    for index, gap in enumerate(gaps, 1):
        lines.append(f"{index}. {tr('role.gap.agenda_role', lang, number=gap.number, role=gap.name)}")
        lines += [f"   - {text}" for text in gap.unmet]
    return "\n".join(lines)


def create_coaching_activity(assessment_id: int, date: dt.date, count: int = 3,
                             agenda: str | None = None, invite_cadres: bool = True,
                             lang: str | None = None) -> int:
    """From gap to action: a coaching activity (kegiatan) for the unit of an
    assessment, with its weakest roles as the agenda and its cadres invited.

    Returns the new activity's id. Raises UserError when the activities
    feature is missing or the unit fulfils every role.
    """
    module = _activities_module()
    if module is None:
        raise UserError(tr("role.gap.no_activities", lang))
    sheet = get_assessment(assessment_id, lang)
    gaps = weakest_roles(assessment_id, count, lang)
    if not gaps:
        raise UserError(tr("role.gap.nothing", lang, unit=sheet.unit_name))
    names = ", ".join(gap.name for gap in gaps)
    types = module.activity_types()
    coaching = next((t.id for t in types if "pembinaan" in t.name.lower()),
                    types[0].id if types else None)
    data = module.ActivityInput(
        type_id=coaching, date=date, desa_code=sheet.desa_code,
        place="",
        background=tr("role.gap.background", lang, unit=sheet.unit_name,
                      period=sheet.period_label, classification=sheet.classification_label,
                      fulfilled=sheet.roles_fulfilled or 0),
        aims=tr("role.gap.aims", lang, roles=names, unit=sheet.unit_name),
        agenda=(agenda or "").strip() or gap_agenda(assessment_id, count, lang))
    participants = (module.cadres_for_invitation(unit_id=sheet.unit_id) if invite_cadres
                    else [])
    return module.save_activity(data, participants, [])


# --- demo data -----------------------------------------------------------------

# Indicators that units find harder in the field (lower chance of being met).
_DEMO_HARD = {"org.rakor": 0.25, "data.peta": 0.3, "data.rencana": 0.25, "kie.mkjp": 0.2,
              "mandiri.dana": 0.35, "mandiri.regenerasi": 0.3, "mandiri.sarana": 0.2,
              "lay.poktan": 0.15, "pert.rakorkec": 0.15}
_DEMO_LEVEL_BASE = {"ppkbd": 0.72, "sub_ppkbd": 0.6, "kelompok_kb": 0.5}


def demo_assessments(rng, summary, months: int = 6, today: dt.date | None = None) -> None:
    """Demo step: every unit assessed monthly over the last ``months`` months,
    most of them improving a little each month (called inside the demo transaction)."""
    from imp_desktop.data.models import new_uuid, utc_now

    catalogue = current_catalogue()
    rule = current_rule()
    periods = list(reversed(recent_periods(months, today=today)))
    units = list(Unit.select(Unit.id, Unit.level).where(Unit.active == True)  # noqa: E712
                 .order_by(Unit.id).tuples())
    now = utc_now()
    assessor = _officer_name()
    p = database.param
    cursor = database.cursor()
    count = 0
    indicators = catalogue.indicators()
    for unit_id, level in units:
        base = _DEMO_LEVEL_BASE.get(level, 0.55) + rng.uniform(-0.25, 0.2)
        trend = rng.uniform(-0.01, 0.05)
        rows, answers = [], []
        for step, period in enumerate(periods):
            if rng.random() < 0.05:   # a month the officer did not get to this unit
                continue
            chance = base + trend * step
            met = {item.id for item in indicators
                   if rng.random() < chance - _DEMO_HARD.get(item.key, 0.0)}
            result = score(catalogue, met, rule)
            a_uuid = new_uuid()
            day = min(period.end, (today or dt.date.today()))
            rows.append((a_uuid, now, now, unit_id, period.key, period.start.isoformat(),
                         period.end.isoformat(), catalogue.id, rule.id, day.isoformat(),
                         assessor, None, result.roles_fulfilled, result.classification))
            answers.append((a_uuid, met))
        cursor.executemany(
            "INSERT INTO assessment (uuid, created_at, updated_at, unit_id, period, "
            "period_start, period_end, catalogue_id, rule_id, assessed_on, assessor, note, "
            f"roles_fulfilled, classification) VALUES ({', '.join([p] * 14)})", rows)
        ids = dict(database.execute_sql(
            f"SELECT uuid, id FROM assessment WHERE unit_id = {p}", [unit_id]).fetchall())
        answer_rows = [(new_uuid(), now, now, ids[a_uuid], item.id, item.id in met, None)
                       for a_uuid, met in answers for item in indicators]
        cursor.executemany(
            "INSERT INTO assessment_answer (uuid, created_at, updated_at, assessment_id, "
            f"indicator_id, met, note) VALUES ({', '.join([p] * 7)})", answer_rows)
        count += len(rows)
    summary.extra["assessments"] = count


def _officer_name() -> str | None:
    from imp_desktop.services.settings import get_officer

    return get_officer().name or None
