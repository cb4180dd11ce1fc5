import datetime as dt
import locale
from decimal import Decimal

import pytest

from imp_desktop import formatting as f


def test_dates_in_puebi_style():
    day = dt.date(2026, 11, 27)
    assert f.format_date(day) == "27 November 2026"
    assert f.format_date(day, weekday=True) == "Jumat, 27 November 2026"
    assert f.format_place_date("Sidomukti", day) == "Sidomukti, 27 November 2026"
    assert f.format_date(dt.date(2026, 2, 1), weekday=True) == "Minggu, 1 Februari 2026"


def test_english_dates_for_the_english_interface():
    assert f.format_date(dt.date(2026, 11, 27), weekday=True, lang="en") == "Friday, 27 November 2026"


def test_time_with_zone():
    assert f.format_time(dt.time(9, 0), "WIB") == "pukul 09.00 WIB"
    assert f.format_time(dt.time(13, 5), "WITA", prefix=False) == "13.05 WITA"


@pytest.mark.parametrize("value,text", [
    (1234.5, "1.234,5"), (1234567, "1.234.567"), (0, "0"), (-1500.25, "-1.500,25"),
    (Decimal("999.999"), "1.000"), (12.0, "12"),
])
def test_numbers(value, text):
    assert f.format_number(value) == text


def test_money_and_percent():
    assert f.format_money(150000) == "Rp150.000,00"
    assert f.format_money(Decimal("2500.5")) == "Rp2.500,50"
    assert f.format_percent(87.5) == "87,5%"
    assert f.format_percent(100) == "100%"


def test_nip_grouping():
    assert f.format_nip("198609262015051001") == "19860926 201505 1 001"
    assert f.format_nip("19860926 201505 1 001") == "19860926 201505 1 001"
    assert f.format_nip("123") == "123"


def test_machine_locale_does_not_matter():
    saved = locale.setlocale(locale.LC_ALL)
    try:
        for name in ("C", "C.UTF-8", "en_US.UTF-8"):
            try:
                locale.setlocale(locale.LC_ALL, name)
            except locale.Error:
                continue
            assert f.format_number(1234.5) == "1.234,5"
            assert f.format_date(dt.date(2026, 11, 27)) == "27 November 2026"
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def test_parse_number_reads_puebi_back():
    assert f.parse_number("1.234,5") == Decimal("1234.5")
    assert f.parse_number("Rp150.000,00") == Decimal("150000.00")
    assert f.parse_number("150.000") == Decimal("150000")
