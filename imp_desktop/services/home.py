"""What the Beranda (home) screen shows: counts, reminders with dates, links.

Each count carries a ``Link``: the screen that lists those records and the
filter that shows exactly them, so the window can open the matching list.
Figures that depend on a feature not present in this installation (activities,
classification) are ``None`` and are not shown, never made up.
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field

from peewee import JOIN, fn

from imp_desktop.data.models import LEVELS, Cadre, Unit
from imp_desktop.formatting import format_date, format_month
from imp_desktop.i18n import tr
from imp_desktop.nik import check_nik
from imp_desktop.services.settings import get_setting

REGISTER_DUE_DAY = 3     # cadre registers (R/I) reach the PKB by the 3rd
SIGA_DUE_DAY = 15        # monthly entry in New SIGA by the 15th, 23:59 local time
ANNUAL_CARD_MONTHS = (11, 12, 1)   # K/0 cards due 3 January: remind from November


@dataclass(frozen=True)
class Link:
    """Where a count leads: a screen key and the filter that lists those records."""

    screen: str
    filters: dict = field(default_factory=dict)

    def __hash__(self):
        return hash((self.screen, tuple(sorted(self.filters.items()))))


@dataclass(frozen=True)
class Count:
    key: str         # stable name, e.g. "cadres.ppkbd"
    label: str
    value: int
    link: Link | None = None


@dataclass(frozen=True)
class Reminder:
    key: str
    text: str
    due: dt.date | None = None
    days_left: int | None = None
    count: int | None = None
    link: Link | None = None
    urgent: bool = False


@dataclass(frozen=True)
class ActivityLine:
    id: int
    date: dt.date
    title: str
    place: str
    attendees: int


@dataclass
class HomeSummary:
    today: dt.date
    officer_name: str
    area: str            # "Kecamatan Tengaran, Kabupaten Semarang" or ""
    cadres: list[Count]
    cadre_status: list[Count]
    units: list[Count]
    classification: list[Count] | None = None
    activities_this_month: int | None = None
    attendance_rate: float | None = None      # 0..100
    latest_activities: list[ActivityLine] | None = None
    reminders: list[Reminder] = field(default_factory=list)
    incomplete: list[Count] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(c.value for c in self.cadre_status) and not any(u.value for u in self.units)


# --- dates ---------------------------------------------------------------------

def next_monthly_due(today: dt.date, day: int) -> dt.date:
    """The next ``day`` of a month on or after ``today``."""
    if today.day <= day:
        return today.replace(day=day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return dt.date(year, month, day)


def previous_month(value: dt.date) -> tuple[int, int]:
    return (value.year - 1, 12) if value.month == 1 else (value.year, value.month - 1)


def quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def _days_phrase(days: int) -> str:
    if days == 0:
        return tr("home.due.today")
    if days == 1:
        return tr("home.due.tomorrow")
    return tr("home.due.days", days=days)


# --- counts --------------------------------------------------------------------

def cadre_counts() -> tuple[list[Count], list[Count]]:
    """Active cadres by the level of their unit; active/inactive totals."""
    from imp_desktop.services.settings import level_label

    rows = (Cadre.select(Unit.level, fn.COUNT(Cadre.id))
            .join(Unit, JOIN.LEFT_OUTER, on=(Cadre.unit == Unit.id))
            .where(Cadre.active == True)  # noqa: E712  (peewee expression)
            .group_by(Unit.level).tuples())
    by_level = {level: count for level, count in rows}
    levels = [Count(f"cadres.{level}", level_label(level), by_level.get(level, 0),
                    Link("kader", {"level": level, "active": True}))
              for level in LEVELS]
    active = sum(by_level.values())
    inactive = Cadre.select().where(Cadre.active == False).count()  # noqa: E712
    status = [
        Count("cadres.active", tr("home.cadres.active"), active, Link("kader", {"active": True})),
        Count("cadres.inactive", tr("home.cadres.inactive"), inactive,
              Link("kader", {"active": False})),
    ]
    return levels, status


def unit_counts() -> list[Count]:
    from imp_desktop.services.settings import level_label

    rows = (Unit.select(Unit.level, fn.COUNT(Unit.id)).where(Unit.active == True)  # noqa: E712
            .group_by(Unit.level).tuples())
    by_level = dict(rows)
    return [Count(f"units.{level}", level_label(level), by_level.get(level, 0),
                  Link("peran", {"level": level}))
            for level in LEVELS]


def incomplete_cadres() -> dict[str, list[int]]:
    """Ids of active cadres with no NIK, an impossible NIK, or no unit."""
    result = {"no_nik": [], "invalid_nik": [], "no_unit": []}
    query = (Cadre.select(Cadre.id, Cadre.nik, Cadre.unit)
             .where(Cadre.active == True).tuples())  # noqa: E712
    for cadre_id, nik, unit_id in query.iterator():
        if not nik:
            result["no_nik"].append(cadre_id)
        elif not check_nik(nik, region_known=_any_region).ok:
            result["invalid_nik"].append(cadre_id)
        if unit_id is None:
            result["no_unit"].append(cadre_id)
    return result


def _any_region(_code: str) -> bool:
    return True  # an unknown region is only a warning; it does not make a NIK invalid


def incomplete_counts(ids: dict[str, list[int]] | None = None) -> list[Count]:
    ids = ids if ids is not None else incomplete_cadres()
    return [Count(f"incomplete.{key}", tr(f"home.incomplete.{key}"), len(values),
                  Link("kader", {"problem": key}))
            for key, values in ids.items()]


# --- optional features: present once their service is installed -----------------

def _optional(module: str, name: str):
    """A function of another feature's service, or None when that feature is absent."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _activity_figures(today: dt.date):
    """(count this month, attendance rate, latest) from the activities service."""
    summary = _optional("imp_desktop.services.activities", "month_summary")
    latest = _optional("imp_desktop.services.activities", "latest_activities")
    if summary is None:
        return None, None, None
    count, rate = summary(today.year, today.month)
    lines = None
    if latest is not None:
        lines = [ActivityLine(a.id, a.date, a.title, a.place or "", a.attendees)
                 for a in latest(5)]
    return count, rate, lines


def _classification_counts() -> list[Count] | None:
    counts = _optional("imp_desktop.services.classification", "count_by_class")
    if counts is None:
        return None
    return [Count(f"class.{key}", label, value, Link("peran", {"classification": key}))
            for key, label, value in counts()]


def _unassessed_units(since: dt.date) -> int | None:
    unassessed = _optional("imp_desktop.services.classification", "units_not_assessed_since")
    return None if unassessed is None else len(unassessed(since))


# --- reminders -----------------------------------------------------------------

def reminders(today: dt.date, incomplete: list[Count]) -> list[Reminder]:
    items: list[Reminder] = []
    due = next_monthly_due(today, REGISTER_DUE_DAY)
    year, month = previous_month(due)
    days = (due - today).days
    items.append(Reminder(
        "registers", tr("home.reminder.registers", month=format_month(year, month),
                        date=format_date(due, weekday=True), left=_days_phrase(days)),
        due, days, urgent=days <= 2))

    due = next_monthly_due(today, SIGA_DUE_DAY)
    year, month = previous_month(due)
    days = (due - today).days
    zone = get_setting("timezone") or "WIB"
    items.append(Reminder(
        "siga", tr("home.reminder.siga", month=format_month(year, month),
                   date=format_date(due, weekday=True), zone=zone, left=_days_phrase(days)),
        due, days, urgent=days <= 3))

    if today.month in ANNUAL_CARD_MONTHS:
        due = dt.date(today.year + (today.month != 1), 1, 3)
        days = (due - today).days
        if days >= 0:
            items.append(Reminder(
                "annual", tr("home.reminder.annual", date=format_date(due, weekday=True),
                             left=_days_phrase(days)), due, days, urgent=days <= 7))

    start = quarter_start(today)
    unassessed = _unassessed_units(start)
    if unassessed:
        items.append(Reminder(
            "unassessed", tr("home.reminder.unassessed", count=unassessed,
                             since=format_date(start)),
            count=unassessed, link=Link("peran", {"not_assessed_since": start.isoformat()})))

    for count in incomplete:
        if count.value:
            items.append(Reminder(count.key, tr(f"home.reminder.{count.key}", count=count.value),
                                  count=count.value, link=count.link))
    return items


def officer_area() -> tuple[str, str]:
    """The officer's name and "Kecamatan X, Kabupaten Y" (empty when not set)."""
    from imp_desktop.services.regions import region_path
    from imp_desktop.services.settings import get_officer

    officer = get_officer()
    area = ""
    if officer.kecamatan_code:
        path = region_path(officer.kecamatan_code)
        if len(path) >= 3:
            area = tr("home.area", kecamatan=path[2].name, regency=path[1].name)
    return officer.name, area


def home_summary(today: dt.date | None = None) -> HomeSummary:
    today = today or dt.date.today()
    name, area = officer_area()
    levels, status = cadre_counts()
    incomplete = incomplete_counts()
    activities, rate, latest = _activity_figures(today)
    return HomeSummary(
        today=today, officer_name=name, area=area, cadres=levels, cadre_status=status, units=unit_counts(),
        classification=_classification_counts(), activities_this_month=activities,
        attendance_rate=rate, latest_activities=latest,
        reminders=reminders(today, incomplete), incomplete=incomplete)
