"""The Rekap Peran Bakti: units by classification and level for a desa or a
kecamatan in one period, and the choices of the recap screen."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from peewee import fn

from imp_desktop.data.models import (
    LEVELS,
    Assessment,
    AssessmentAnswer,
    Region,
    RoleCatalogue,
    RoleIndicator,
    Unit,
    database,
)
from imp_desktop.data.sync import chunks
from imp_desktop.errors import UserError
from imp_desktop.i18n import language, tr
from imp_desktop.services.roles.assessments import _region_names, assessed_periods
from imp_desktop.services.roles.periods import Period, parse_period, recent_periods
from imp_desktop.services.roles.scoring import (
    BERKEMBANG,
    DASAR,
    MANDIRI,
    ROLE_CODES,
    classification_label,
    role_name,
    role_number,
)
from imp_desktop.services.roles.versions import get_rule

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
    units, desa_names, kecamatan_name = _units_in_scope(region, scope)
    unit_ids = [u[0] for u in units]
    rows = _assessments_of(unit_ids, key)
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
    rule_by_id = {rule_id: get_rule(rule_id) for rule_id in {r[3] for r in rows}}
    rule_of = {r[0]: rule_by_id[r[3]] for r in rows}
    role_counts, per_indicator, unmet = _answer_counts(assessment_ids)
    fulfilled_roles: Counter = Counter()
    for (assessment_id, role), (met, count) in role_counts.items():
        if rule_of[assessment_id].role_fulfilled(met, count):
            fulfilled_roles[role] += 1
    roles = tuple(RoleRecap(code, number, role_name(code, lang), fulfilled_roles[code],
                            len(assessment_ids))
                  for number, code in enumerate(ROLE_CODES, 1))
    catalogue_versions = sorted({v.version for v in RoleCatalogue.select(RoleCatalogue.version)
                                 .where(RoleCatalogue.id.in_({r[4] for r in rows} or {0}))})
    unit_rows = _recap_units(units, rows, desa_names, labels, role_counts, rule_of, lang)
    return Recap(scope, region.code, region.name, kecamatan_name, key,
                 parse_period(key).label(lang), by_level, by_desa, total, roles,
                 _most_unmet(per_indicator, unmet, top, lang),
                 tuple(sorted(r.version for r in rule_by_id.values())),
                 tuple(catalogue_versions), len(assessment_ids), unit_rows)


@dataclass(frozen=True)
class KecamatanRecap:
    """What ``recap(kecamatan, period)`` gives as its total and per role."""

    dasar: int
    berkembang: int
    mandiri: int
    not_assessed: int
    roles: tuple[int, ...]       # assessed units fulfilling each role, ROLE_CODES order


def kecamatan_recaps(kecamatan_codes: list[str], period: str) -> dict[str, KecamatanRecap]:
    """The total and the roles of ``recap`` for many kecamatan at once (the
    kabupaten view): two grouped queries instead of a recap per kecamatan.

    Same rules as ``recap``: the active units of the desa whose parent is the
    kecamatan; a unit without an assessment of the period (or without a
    classification) is not assessed; a role counts for an assessment when its
    answers meet the threshold of the rule the assessment was scored with.
    Kecamatan without active units are left out.
    """
    key = parse_period(period).key
    found: dict[str, dict] = {}
    if not kecamatan_codes:
        return {}
    p = database.param
    codes = list(kecamatan_codes)
    in_scope = (f"u.active = {p} AND rg.parent_code IN ({', '.join([p] * len(codes))})")
    for kecamatan, classification, count in database.execute_sql(
            "SELECT rg.parent_code, a.classification, COUNT(*) FROM unit u "
            "JOIN region rg ON rg.code = u.desa_code "
            f"LEFT JOIN assessment a ON a.unit_id = u.id AND a.period = {p} "
            f"WHERE {in_scope} GROUP BY rg.parent_code, a.classification",
            [key, True, *codes]):
        tally = found.setdefault(kecamatan, {"roles": Counter()})
        tally[classification] = tally.get(classification, 0) + count
    # Per assessment and role: answers met and answered (an index-only scan of the
    # answers on PostgreSQL, migration 17), then the threshold of the assessment's
    # rule, then counted per kecamatan.
    sql = ("WITH chosen AS (SELECT a.id, a.rule_id, rg.parent_code AS kecamatan "
           "FROM assessment a JOIN unit u ON u.id = a.unit_id "
           f"JOIN region rg ON rg.code = u.desa_code WHERE {in_scope} AND a.period = {p}), "
           "per_role AS (SELECT aa.assessment_id, ri.role, "
           "SUM(CASE WHEN aa.met THEN 1 ELSE 0 END) AS met, COUNT(*) AS total "
           "FROM assessment_answer aa JOIN role_indicator ri ON ri.id = aa.indicator_id "
           "WHERE aa.assessment_id IN (SELECT id FROM chosen) "
           "GROUP BY aa.assessment_id, ri.role) "
           "SELECT c.kecamatan, pr.role, COUNT(*) FROM per_role pr "
           "JOIN chosen c ON c.id = pr.assessment_id "
           "JOIN classification_rule r ON r.id = c.rule_id "
           "WHERE pr.total > 0 AND pr.met * 100 >= r.threshold_percent * pr.total "
           "GROUP BY c.kecamatan, pr.role")
    for kecamatan, role, count in database.execute_sql(sql, [True, *codes, key]):
        if kecamatan in found:
            found[kecamatan]["roles"][role] += count
    return {code: KecamatanRecap(t.get(DASAR, 0), t.get(BERKEMBANG, 0), t.get(MANDIRI, 0),
                                 t.get(None, 0), tuple(t["roles"][r] for r in ROLE_CODES))
            for code, t in found.items()}


def recap_members(region_code: str, period: str) -> tuple[list[int], list[int]]:
    """The ids of the units a recap of ``region_code`` lists for ``period`` (the
    active ones) and of their assessments of the period: what ``recap`` shows,
    without its counting. ``services/listings.py`` keeps them with a printout."""
    key = parse_period(period).key
    region = Region.get_or_none(Region.code == region_code)
    if region is None or region.level not in (3, 4):
        return [], []
    units, _, _ = _units_in_scope(region, "desa" if region.level == 4 else "kecamatan")
    unit_ids = [u[0] for u in units]
    return unit_ids, [row[0] for row in _assessments_of(unit_ids, key)]


def _units_in_scope(region: Region, scope: str):
    """(id, level, desa, name) of the active units, the desa names, the kecamatan name."""
    query = Unit.select(Unit.id, Unit.level, Unit.desa, Unit.name).where(
        Unit.active == True)  # noqa: E712
    if scope == "desa":
        query = query.where(Unit.desa == region.code)
        desa_names = {region.code: region.name}
        kecamatan_name = _region_names(region.code)[1]
    else:
        desa_names = dict(Region.select(Region.code, Region.name)
                          .where(Region.parent_code == region.code).tuples())
        query = query.where(Unit.desa.in_(list(desa_names) or [""]))
        kecamatan_name = region.name
    return list(query.tuples()), desa_names, kecamatan_name


def _assessments_of(unit_ids: list[int], key: str) -> list[tuple]:
    """(id, unit, classification, rule, catalogue, roles fulfilled, assessed on)."""
    rows = []
    for chunk in chunks(unit_ids):
        rows += list(Assessment.select(Assessment.id, Assessment.unit, Assessment.classification,
                                       Assessment.rule, Assessment.catalogue,
                                       Assessment.roles_fulfilled, Assessment.assessed_on)
                     .where((Assessment.period == key) & Assessment.unit.in_(chunk)).tuples())
    return rows


def _answer_counts(assessment_ids: list[int]):
    """Counted in SQL (a district has hundreds of thousands of answers): [met, total]
    per (assessment, role), and answers and unmet ones per indicator id."""
    role_counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    per_indicator: Counter = Counter()
    unmet: Counter = Counter()
    met_sum = fn.SUM(AssessmentAnswer.met.cast("integer"))
    for chunk in chunks(assessment_ids):
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
    return role_counts, per_indicator, unmet


def _most_unmet(per_indicator: Counter, unmet: Counter, top: int,
                lang: str | None) -> tuple[UnmetIndicator, ...]:
    """The indicators most often unmet, followed by key across catalogue versions."""
    seen: Counter = Counter()
    texts: dict[str, tuple[int, str, str, str]] = {}   # key -> (version, role, id, en)
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
    english = (lang or language()) == "en"
    ranked = sorted((k for k in unmet if unmet[k]),
                    key=lambda k: (-unmet[k] / seen[k], -unmet[k],
                                   ROLE_CODES.index(texts[k][1]), k))
    return tuple(UnmetIndicator(k, texts[k][1], role_number(texts[k][1]),
                                role_name(texts[k][1], lang),
                                texts[k][3] if english else texts[k][2], unmet[k], seen[k])
                 for k in ranked[:top])


def _recap_units(units, rows, desa_names, labels, role_counts, rule_of,
                 lang: str | None) -> tuple[RecapUnit, ...]:
    """Unit by unit in desa, level, name order, with its result per role."""
    by_unit = {row[1]: row for row in rows}
    order = {level: i for i, level in enumerate(LEVELS)}
    result = []
    for unit_id, level, desa_code, name in sorted(
            units, key=lambda u: (desa_names.get(u[2], u[2]), order.get(u[1], 9), u[3])):
        row = by_unit.get(unit_id)
        percents = fulfilled_flags = None
        if row is not None:
            counts = [role_counts.get((row[0], code), [0, 0]) for code in ROLE_CODES]
            percents = tuple(100.0 * met / n if n else 0.0 for met, n in counts)
            fulfilled_flags = tuple(rule_of[row[0]].role_fulfilled(met, n) for met, n in counts)
        result.append(RecapUnit(
            unit_id, name, level, labels.get(level, level), desa_code,
            desa_names.get(desa_code, desa_code), row[0] if row else None,
            row[6] if row else None, percents, fulfilled_flags, row[5] if row else None,
            row[2] if row else None, classification_label(row[2] if row else None, lang)))
    return tuple(result)


def latest_period(region_code: str | None = None) -> str | None:
    """The newest period with an assessment (in a desa or kecamatan if given)."""
    query = Assessment.select(Assessment.period).order_by(Assessment.period_start.desc(),
                                                           Assessment.period_end.desc())
    if region_code:
        query = query.join(Unit).where((Unit.desa == region_code)
                                       | Unit.desa.startswith(region_code + "."))
    row = query.first()
    return row.period if row else None
