"""Periods of an assessment: a month (``2026-11``) or a quarter (``2026-Q4``)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from imp_desktop.errors import UserError
from imp_desktop.formatting import MONTHS
from imp_desktop.i18n import language, tr

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
