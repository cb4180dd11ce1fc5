"""Laporan bulanan: the settings (due day, paper, template in use) and the months reported on."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from imp_desktop.data.models import (
    LEVELS,
    MonthlyReport,
)
from imp_desktop.errors import UserError
from imp_desktop.formatting import MONTHS
from imp_desktop.i18n import language, tr

TEMPLATE_IN_USE = "monthly.template_in_use"   # local setting: a template uuid
DUE_DAY = "monthly.due_day"                   # day of the next month reports are due
PAPER = "monthly.paper_size"                  # paper of the monthly printouts
DEFAULT_DUE_DAY = 3
DEFAULT_PAPER = "F4"
MAX_FIGURE = 1_000_000                        # no unit reports a million of anything
SECTIONS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
SOURCES = ("units", "reporting", "activity_type", "attendance")
LEVEL_ORDER = {level: index for index, level in enumerate(LEVELS)}


# --- periods -------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def label(self, lang: str | None = None) -> str:
        return f"{MONTHS[lang or language()][self.month - 1]} {self.year}"

    def months_of_year(self) -> list["Month"]:
        """January up to this month: what a "to date" column adds."""
        return [Month(self.year, m) for m in range(1, self.month + 1)]


def parse_month(text: str | None) -> Month:
    """``2026-11``; anything else is refused with a sentence."""
    match = _PERIOD.match((text or "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return Month(year, month)
    raise UserError(tr("monthly.error.period", value=(text or "").strip()))


def month_of(day: dt.date) -> Month:
    return Month(day.year, day.month)


def due_day() -> int:
    from imp_desktop.services.settings import get_setting

    value = get_setting(DUE_DAY, DEFAULT_DUE_DAY)
    return value if isinstance(value, int) and 1 <= value <= 28 else DEFAULT_DUE_DAY


def set_due_day(day: int) -> None:
    from imp_desktop.services.settings import set_setting

    if not isinstance(day, int) or not 1 <= day <= 28:
        raise UserError(tr("monthly.error.due_day"))
    set_setting(DUE_DAY, day)


def due_date(month: Month, day: int | None = None) -> dt.date:
    """Reports of ``month`` are on time when received by this day of the next month."""
    return month.next().start.replace(day=day or due_day())


def paper_size() -> str:
    from imp_desktop.services.settings import PAPER_SIZES, get_setting

    value = get_setting(PAPER, DEFAULT_PAPER)
    return value if value in PAPER_SIZES else DEFAULT_PAPER


def set_paper_size(size: str) -> None:
    from imp_desktop.services.settings import PAPER_SIZES, set_setting

    if size not in PAPER_SIZES:
        raise UserError(tr("settings.error.paper", sizes=", ".join(PAPER_SIZES)))
    set_setting(PAPER, size)


def parse_received(text: str, month: Month, today: dt.date | None = None) -> dt.date | None:
    """A received date as typed in the grid: ``5`` (that day of the month after
    the report's month), ``5/12``, ``5/12/2026``, ``5-12-2026`` or ``2026-12-05``.
    Empty text is None; anything else is refused with a sentence."""
    value = (text or "").strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in value.split("-")))
        parts = [int(p) for p in re.split(r"[/.-]", value) if p]
        if len(parts) == 1:
            following = month.next()
            return dt.date(following.year, following.month, parts[0])
        if len(parts) == 2:
            day, number = parts
            year = month.year + (1 if number < month.month else 0)
            return dt.date(year, number, day)
        if len(parts) == 3:
            day, number, year = parts
            return dt.date(year + 2000 if year < 100 else year, number, day)
    except ValueError:
        pass
    raise UserError(tr("monthly.error.received_format", value=value))


def month_choices(count: int = 13, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The last months (newest first) plus any month that has reports."""
    current = month_of(today or dt.date.today())
    months = {current}
    step = current
    for _ in range(count - 1):
        step = step.previous()
        months.add(step)
    for (period,) in MonthlyReport.select(MonthlyReport.period).distinct().tuples():
        try:
            months.add(parse_month(period))
        except UserError:
            continue
    return [(m.key, m.label()) for m in sorted(months, reverse=True)]
