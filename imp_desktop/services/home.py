"""What the Beranda (home) screen shows: counts, reminders with dates, links.

Each count carries a ``Link``: the screen that lists those records and the
filter that shows exactly them, so the window can open the matching list.
Figures that depend on a feature not present in this installation (activities,
classification) are ``None`` and are not shown, never made up.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from imp_desktop.data.models import LEVELS, Cadre, Unit
from imp_desktop.formatting import format_date, format_month
from imp_desktop.i18n import tr
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
    setup_done: bool = False     # the officer's profile and kecamatan are set

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
    if by_level.get(None):
        # Active cadres not in any unit: counted too, so the rows add up to the total.
        levels.append(Count("cadres.no_unit", tr("home.incomplete.no_unit"), by_level[None],
                            Link("kader", {"problem": "no_unit"})))
    active = sum(by_level.values())
    inactive = Cadre.select().where((Cadre.active == False)  # noqa: E712
                                    & Cadre.merged_into.is_null()).count()
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
                  Link("peran", {"recap": True, "level": level}))
            for level in LEVELS]


def incomplete_counts() -> list[Count]:
    from imp_desktop.services import data_quality

    counts = data_quality.incomplete_counts()
    return [Count(f"incomplete.{key}", tr(f"home.incomplete.{key}"), value,
                  Link("kader", {"problem": key}))
            for key, value in counts.items()]


# --- Enam Peran Bakti ----------------------------------------------------------

def latest_classifications() -> dict[int, str]:
    """Each active unit's classification in its most recent assessment."""
    from imp_desktop.data.models import Assessment

    # The latest of each unit chosen in SQL (a kabupaten has 60,000 assessments;
    # reading them all in period order took most of a second at the office).
    latest = (Assessment.select(Assessment.unit, Assessment.classification,
                                fn.ROW_NUMBER().over(
                                    partition_by=[Assessment.unit],
                                    order_by=[Assessment.period_start.desc(),
                                              Assessment.period_end.desc()]).alias("n"))
              .join(Unit).where(Unit.active == True))  # noqa: E712
    rows = (Assessment.select(latest.c.unit_id, latest.c.classification)
            .from_(latest).where(latest.c.n == 1).tuples())
    return {unit_id: classification for unit_id, classification in rows}


def classification_counts() -> list[Count]:
    """Active units by their latest classification, and those never assessed."""
    from imp_desktop.services.roles import CLASSIFICATIONS, classification_label

    latest = latest_classifications()
    units = Unit.select().where(Unit.active == True).count()  # noqa: E712
    counts = [Count(f"class.{key}", classification_label(key),
                    sum(1 for value in latest.values() if value == key),
                    Link("peran", {"recap": True, "classification": key}))
              for key in CLASSIFICATIONS]
    counts.append(Count("class.none", tr("home.class.none"), units - len(latest),
                        Link("peran", {"recap": True, "classification": None})))
    return counts


def units_not_assessed_since(start: dt.date) -> list[int]:
    """Active units with no assessment covering any day from ``start`` on."""
    from imp_desktop.data.models import Assessment

    assessed = Assessment.select(Assessment.unit).where(Assessment.period_end >= start)
    query = Unit.select(Unit.id).where((Unit.active == True)  # noqa: E712
                                       & Unit.id.not_in(assessed))
    return [unit_id for (unit_id,) in query.tuples()]


# --- activities ------------------------------------------------------------------

LATEST_ACTIVITIES = 5


def activity_figures(today: dt.date) -> tuple[int, float | None, list[ActivityLine]]:
    """Activities this month, the attendance rate of those held so far, the latest ones.

    The rate counts only activities up to today whose attendance has been taken
    (at least one person marked): present / invited, in percent.
    """
    from imp_desktop.services.activities import ActivityFilter, list_activities

    month = list_activities(ActivityFilter(year=today.year, month=today.month))
    held = [a.id for a in month if a.date <= today]
    rate = None
    if held:
        from imp_desktop.data.models import Participant

        marked = {a for (a,) in Participant.select(Participant.activity).distinct().where(
            Participant.activity.in_(held) & Participant.status.is_null(False)).tuples()}
        invited = sum(a.invited for a in month if a.id in marked)
        present = sum(a.present for a in month if a.id in marked)
        rate = 100.0 * present / invited if invited else None
    latest = [a for a in list_activities() if a.date <= today][:LATEST_ACTIVITIES]
    lines = [ActivityLine(a.id, a.date, a.title, a.place or a.desa_name, a.present)
             for a in latest]
    return len(month), rate, lines


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

    missing = monthly_missing(today)
    if missing is not None and missing[1]:
        period, count, label = missing
        items.append(Reminder(
            "monthly_missing", tr("home.reminder.monthly_missing", count=count, month=label),
            count=count, link=Link("bulanan", {"period": period, "view": "coverage"})))

    start = quarter_start(today)
    unassessed = len(units_not_assessed_since(start))
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


def monthly_missing(today: dt.date) -> tuple[str, int, str] | None:
    """(last month's key, units that have not sent its monthly report, its label)."""
    from imp_desktop.services import monthly

    month = monthly.month_of(today).previous()
    return month.key, monthly.missing_reports(month.key), month.label()


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
    activities, rate, latest = activity_figures(today)
    return HomeSummary(
        today=today, officer_name=name, area=area, cadres=levels, cadre_status=status, units=unit_counts(),
        classification=classification_counts(), activities_this_month=activities,
        attendance_rate=rate, latest_activities=latest,
        reminders=reminders(today, incomplete), incomplete=incomplete,
        setup_done=_setup_done())


def _setup_done() -> bool:
    from imp_desktop.services.settings import get_officer

    return get_officer().is_complete
