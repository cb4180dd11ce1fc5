import datetime as dt

import pytest

from imp_desktop.nik import check_nik, looks_mangled_by_excel, normalize_nik

TODAY = dt.date(2026, 11, 27)


def check(raw, **kw):
    kw.setdefault("region_known", lambda code: code == "33.73.04")
    return check_nik(raw, today=TODAY, **kw)


def test_valid_male_nik_gives_birth_date_and_sex():
    result = check("3373041709860001")
    assert result.ok and not result.warnings
    assert result.sex == "L"
    assert result.birth_date == dt.date(1986, 9, 17)
    assert result.region_code == "33.73.04"


def test_women_have_forty_added_to_the_day():
    result = check("3373045709860002")
    assert result.ok
    assert result.sex == "P"
    assert result.birth_date == dt.date(1986, 9, 17)


def test_recent_two_digit_year_is_this_century():
    assert check("3373044101100003").birth_date == dt.date(2010, 1, 1)


@pytest.mark.parametrize("nik", ["3373042902960004", "3373046902960004"])
def test_29_february_of_a_leap_year_is_valid(nik):
    result = check(nik)
    assert result.ok
    assert result.birth_date == dt.date(1996, 2, 29)


def test_29_february_of_a_common_year_is_an_error():
    result = check("3373042902970004")
    assert not result.ok
    assert "tidak ada di kalender" in result.errors[0]


@pytest.mark.parametrize("nik,fragment", [
    ("3373041709860000", "0000"),
    ("3373043509860001", "Tanggal lahir"),
    ("3373047509860001", "Tanggal lahir"),
    ("3373040009860001", "Tanggal lahir"),
    ("3373041713860001", "Bulan lahir"),
    ("337304170986001", "15 digit"),
    ("33730417098600011", "16 digit"),
    ("3373O41709860001", "angka"),
])
def test_what_cannot_be_a_nik_is_an_error(nik, fragment):
    result = check(nik)
    assert not result.ok
    assert fragment in " ".join(result.errors)


def test_unknown_region_is_only_a_warning():
    result = check("9999041709860001")
    assert result.ok
    assert "99.99.04" in result.warnings[0]


def test_sex_or_birth_date_different_from_entered_is_a_warning():
    result = check("3373045709860002", sex="L", birth_date=dt.date(1986, 9, 18))
    assert result.ok
    assert len(result.warnings) == 2
    assert "Perempuan" in result.warnings[0]
    assert "17 September 1986" in result.warnings[1]


@pytest.mark.parametrize("raw", ["3.37304E+15", "3,37304E+15", 3.373041709860001e15 + 0.5,
                                 "3.373041709860001e15"])
def test_excel_scientific_notation_is_detected(raw):
    assert looks_mangled_by_excel(raw)
    result = check(raw)
    assert not result.ok
    assert "Excel" in result.errors[0]


def test_excel_lost_last_digits_are_named():
    result = check("3373041709860000"[:15])
    assert "hilang" in result.errors[0]


def test_excel_float_that_kept_every_digit_is_accepted():
    assert normalize_nik(3373041709860001.0) == "3373041709860001"
    assert normalize_nik("3373041709860001.0") == "3373041709860001"
    assert check(3373041709860001.0).ok
    assert not check(3373041709860000.0).ok  # Excel kept 15 digits, the 16th became 0


def test_separators_and_quote_prefix_are_removed():
    assert normalize_nik("'3373 0417 0986 0001") == "3373041709860001"
    assert normalize_nik("3373.0417.0986.0001") == "3373041709860001"


def test_default_region_lookup_uses_the_builtin_list():
    assert check_nik("3322024212940001", today=TODAY).warnings == []
    assert check_nik("9922024212940001", today=TODAY).warnings
