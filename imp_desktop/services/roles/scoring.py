"""The six roles, the catalogue and rule table as values, and scoring a checklist
(pure: no database).

A role is fulfilled when at least ``threshold_percent`` of its indicators are
met; the number of fulfilled roles gives the classification (Dasar, Berkembang,
Mandiri) through the rule table.
"""
from __future__ import annotations

from dataclasses import dataclass

from imp_desktop.i18n import language, tr

# The six roles, in their official order.
ROLE_CODES = ("pengorganisasian", "pertemuan", "kie_konseling", "pencatatan", "pelayanan",
              "kemandirian")
DASAR, BERKEMBANG, MANDIRI = "dasar", "berkembang", "mandiri"
CLASSIFICATIONS = (DASAR, BERKEMBANG, MANDIRI)


def role_name(code: str, lang: str | None = None) -> str:
    return tr(f"role.name.{code}", lang)


def role_number(code: str) -> int:
    return ROLE_CODES.index(code) + 1


def classification_label(code: str | None, lang: str | None = None) -> str:
    return tr(f"role.class.{code}", lang) if code else tr("role.class.none", lang)


# --- the catalogue as plain values (``versions`` loads and saves it) ----------------

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


# --- the rule table -------------------------------------------------------------

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
