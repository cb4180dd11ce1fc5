"""The versioned indicator catalogue and rule table.

An edit makes a new version (the next free number) and makes it the one in use;
an assessment keeps the catalogue version it was made with and records the rule
version it was scored with.
"""
from __future__ import annotations

import uuid as uuid_module
from collections import Counter, defaultdict
from dataclasses import dataclass

from peewee import fn

from imp_desktop.data.models import (
    Assessment,
    ClassificationRule,
    RoleCatalogue,
    RoleIndicator,
    database,
)
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.i18n import tr
from imp_desktop.services.roles.scoring import (
    ROLE_CODES,
    Catalogue,
    Indicator,
    RoleIndicators,
    Rule,
    role_name,
)
from imp_desktop.services.text import clean_spaces

MIN_INDICATORS, MAX_INDICATORS = 1, 12     # per role, when editing the catalogue


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
