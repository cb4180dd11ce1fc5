"""Dates, times, numbers and money in PUEBI style, whatever the machine's locale.

English forms are given for the English interface; reports for the office are
Indonesian by default.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from imp_desktop.i18n import language

MONTHS = {
    "id": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
           "Agustus", "September", "Oktober", "November", "Desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"],
}
WEEKDAYS = {  # Monday first, as date.weekday()
    "id": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}
TIME_ZONES = ("WIB", "WITA", "WIT")


def _lang(lang: str | None) -> str:
    return lang or language()


def format_date(value: dt.date | None, *, weekday: bool = False, lang: str | None = None) -> str:
    """``27 November 2026``; with ``weekday``: ``Jumat, 27 November 2026``."""
    if value is None:
        return ""
    lang = _lang(lang)
    text = f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"
    if weekday:
        text = f"{WEEKDAYS[lang][value.weekday()]}, {text}"
    return text


def format_month(year: int, month: int, lang: str | None = None) -> str:
    return f"{MONTHS[_lang(lang)][month - 1]} {year}"


def format_place_date(place: str, value: dt.date, lang: str | None = None) -> str:
    """The date line above a signature: ``Sidomukti, 27 November 2026``."""
    return f"{place}, {format_date(value, lang=lang)}" if place else format_date(value, lang=lang)


def format_short_date(value: dt.date | None) -> str:
    """``27/11/2026``: for tables where space is short."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_time(value: dt.time | None, zone: str | None = None, *, prefix: bool = True,
                lang: str | None = None) -> str:
    """``pukul 09.00 WIB`` (PUEBI uses a full stop between hours and minutes)."""
    if value is None:
        return ""
    text = f"{value.hour:02d}.{value.minute:02d}"
    if zone:
        text += f" {zone}"
    if prefix:
        text = ("pukul " if _lang(lang) == "id" else "at ") + text
    return text


def format_number(value: float | int | Decimal | None, decimals: int | None = None) -> str:
    """``1.234,5``: full stops group thousands, a comma marks decimals.

    With ``decimals`` None, integers print without decimals and other numbers
    with as many as they need (up to 2).
    """
    if value is None:
        return ""
    number = Decimal(str(value))
    automatic = decimals is None
    if automatic:
        decimals = 2
    number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if automatic:
        number = number.normalize() if number != 0 else Decimal(0)
        decimals = max(0, -number.as_tuple().exponent)
        if decimals == 0:
            number = number.quantize(Decimal(1))
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sign + ".".join(groups)
    if decimals:
        text += "," + fraction.ljust(decimals, "0")
    return text


def format_money(value: float | int | Decimal | None) -> str:
    """``Rp150.000,00`` (no space after Rp)."""
    if value is None:
        return ""
    return "Rp" + format_number(value, 2)


def format_percent(value: float | None, decimals: int | None = None) -> str:
    """``87,5%`` for 87.5."""
    if value is None:
        return ""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return format_number(value, decimals) + "%"


def format_nip(nip: str | None) -> str:
    """``19860926 201505 1 001`` from 18 digits; other input is returned cleaned."""
    if not nip:
        return ""
    digits = "".join(ch for ch in str(nip) if ch.isdigit())
    if len(digits) != 18:
        return str(nip).strip()
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def parse_number(text: str) -> Decimal:
    """Reads ``1.234,5`` (and plain ``1234.5``) back into a number."""
    cleaned = text.strip().replace("Rp", "").replace(" ", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1 or (cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3):
        cleaned = cleaned.replace(".", "")
    return Decimal(cleaned)


_TYPED_DATE = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$")


def parse_typed_date(text: str | None, century: int = 2000) -> dt.date | None:
    """A date typed the Indonesian way, day first: ``27112026``, ``27/11/2026``,
    ``27-11-26``, ``1.2.2026``; None when it is not (yet) a whole, real date."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        if len(text) == 8:
            day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
        elif len(text) == 6:
            day, month, year = int(text[:2]), int(text[2:4]), century + int(text[4:])
        else:
            return None
    else:
        match = _TYPED_DATE.match(text)
        if not match:
            return None
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3))
        if len(match.group(3)) == 2:
            year += century
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
