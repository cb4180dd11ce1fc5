"""The queries made for a kabupaten of 200,000 cadres (issue 17, part 6) give what
the plain ones give, on a SQLite file and on PostgreSQL: the kabupaten view's
cadre and Peran Bakti counts, and the cadre search read a part at a time."""
import pytest

from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Assessment, Cadre, ClassificationRule, Region, Unit
from imp_desktop.services import district
from imp_desktop.services.cadre_search import COLUMNS, CadreFilter, search_cadre_ids
from imp_desktop.services.roles import ROLE_CODES, kecamatan_recaps, recap
from safety_support import office_targets

KABUPATEN = "33.22"


@pytest.fixture(params=office_targets())
def office(request, tmp_path):
    """The demo kecamatan plus a second one, on each kind of database."""
    from imp_desktop.services.cadres import CadreInput, save_cadre
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.settings import OfficerProfile, save_officer
    from imp_desktop.services.units import UnitInput, save_unit

    open_database(request.param(tmp_path))
    generate_demo(desa=3, cadres=300, seed=7)
    save_officer(OfficerProfile(name="Bidang KB", kecamatan_code="33.22.02"))
    Region.create(code="33.22.03.2001", name="Desa Uji", level=4, parent_code="33.22.03")
    unit = save_unit(UnitInput(level="ppkbd", name="PPKBD Uji", desa_code="33.22.03.2001"))
    save_cadre(CadreInput(name="Siti Uji", desa_code="33.22.03.2001", unit_id=unit))
    save_cadre(CadreInput(name="Rina Uji", desa_code="33.22.03.2001"))
    left = save_unit(UnitInput(level="ppkbd", name="PPKBD Lama", desa_code="33.22.03.2001"))
    Unit.update(active=False).where(Unit.id == left).execute()
    yield
    close_database()


def _periods() -> list[str]:
    return sorted({p for (p,) in Assessment.select(Assessment.period).tuples() if "Q" not in p})


def test_kecamatan_recaps_equal_the_recap_of_each_kecamatan(office):
    # Half of the checklists scored with a stricter rule: each keeps its own.
    strict = ClassificationRule.create(version=99, threshold_percent=90,
                                       berkembang_min_roles=3, mandiri_min_roles=5)
    ids = [i for (i,) in Assessment.select(Assessment.id).order_by(Assessment.id).tuples()]
    Assessment.update(rule=strict).where(Assessment.id.in_(ids[::2])).execute()
    periods = _periods()
    assert periods
    codes = ["33.22.02", "33.22.03", "33.22.04"]
    for period in periods:
        found = kecamatan_recaps(codes, period)
        assert set(found) == {"33.22.02", "33.22.03"}        # 33.22.04 has no units
        for code, got in found.items():
            expected = recap(code, period, top=0)
            assert (got.dasar, got.berkembang, got.mandiri, got.not_assessed) == (
                expected.total.dasar, expected.total.berkembang, expected.total.mandiri,
                expected.total.not_assessed), (code, period)
            fulfilled = {r.code: r.fulfilled for r in expected.roles}
            assert got.roles == tuple(fulfilled[c] for c in ROLE_CODES), (code, period)
    assert any(sum(r.roles) for r in kecamatan_recaps(codes, periods[-1]).values())


def test_the_view_counts_cadres_by_level_as_a_hand_count(office):
    view = district.district_view(_periods()[-1], "kabupaten")
    rows = {row.code: row for row in view.rows}
    for code in ("33.22.02", "33.22.03"):
        counted: dict[str, int] = {}
        for cadre in Cadre.select():
            if cadre.active and not cadre.merged_into_id and cadre.desa_code \
                    and cadre.desa_code.startswith(code + "."):
                level = cadre.unit.level if cadre.unit_id else "none"
                counted[level] = counted.get(level, 0) + 1
        assert rows[code].cadres == counted, code
    assert rows["33.22.03"].cadres == {"ppkbd": 1, "none": 1}
    assert rows["33.22.03"].units == {"dasar": 0, "berkembang": 0, "mandiri": 0, "none": 1}


@pytest.mark.parametrize("text", ["", "a", "siti", "3322"])
def test_the_search_read_in_parts_gives_the_whole_order(office, text):
    for column in COLUMNS:
        for descending in (False, True):
            flt = CadreFilter(text=text, status="all")
            whole = search_cadre_ids(flt, column, descending)
            parts, offset = [], 0
            while True:
                part = search_cadre_ids(flt, column, descending, limit=37, offset=offset)
                parts += part
                offset += 37
                if len(part) < 37:
                    break
            assert parts == whole, (text, column, descending)
            assert search_cadre_ids(flt, column, descending, offset=5) == whole[5:]
    assert len(search_cadre_ids(CadreFilter(), limit=10)) == 10


def test_postgresql_gets_the_district_indexes(office):
    """Migrations 17 and 18: on PostgreSQL the live cadres by desa and unit, the answers
    with ``met`` and the NIKs to check are indexes read alone (a SQLite file keeps
    its own)."""
    from peewee import PostgresqlDatabase

    from imp_desktop.data.models import database
    from imp_desktop.services.data_quality import nik_candidates_query

    if not isinstance(database.obj, PostgresqlDatabase):
        assert not database.execute_sql(
            "SELECT name FROM sqlite_master WHERE name IN "
            "('cadre_district', 'assessment_answer_met', 'cadre_nik_to_check')").fetchall()
        return
    found = dict(database.execute_sql(
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
        "('cadre_district', 'assessment_answer_met', 'cadre_nik_to_check')").fetchall())
    assert "(desa_code, unit_id) WHERE (active AND (merged_into_id IS NULL))" \
        in found["cadre_district"]
    assert "INCLUDE (met)" in found["assessment_answer_met"]
    for active_only in (False, True):        # the query can use the index
        sql, params = nik_candidates_query(active_only)
        with database.atomic():
            database.execute_sql("SET LOCAL enable_seqscan = off")
            plan = "\n".join(r[0] for r in database.execute_sql("EXPLAIN " + sql, params))
        assert "cadre_nik_to_check" in plan, plan


def test_only_niks_that_are_not_plainly_valid_are_checked_and_none_is_missed(office):
    """Beranda's impossible NIKs: the SQL preselection (data_quality.NIK_TO_CHECK,
    an index on PostgreSQL) finds every NIK the full check refuses."""
    from imp_desktop.services import data_quality

    odd = ["3322023102900001",   # 31 February
           "3322022902010001",   # 29 February 2001 / 1901: no such day
           "3322022902040001",   # 29 February 2004: exists
           "3322023104900001",   # 31 April
           "3322027111900001",   # 31 November, a woman
           "3322023112900001",   # 31 December: exists
           "3322026906900001",   # 29 June, a woman: exists
           "3322023513900001",   # month 13
           "3322023501900000",   # serial 0000
           "33220235019000",     # too short
           "33220A3501900001",   # not digits
           "3322 02350190001"]   # a space
    for number, nik in enumerate(odd):
        Cadre.create(name=f"Uji NIK {number}", nik=nik, desa_code="33.22.02.2001")
    expected = sorted(cadre_id for cadre_id, nik, merged in
                      Cadre.select(Cadre.id, Cadre.nik, Cadre.merged_into).tuples()
                      if nik and merged is None and data_quality.nik_is_invalid(nik))
    found = sorted(data_quality.invalid_nik_ids())
    assert found == expected
    invalid = {Cadre.get_by_id(i).nik for i in found}
    assert {"3322023102900001", "3322022902010001", "3322023104900001", "3322027111900001",
            "3322023513900001", "3322023501900000", "33220235019000",
            "33220A3501900001"} <= invalid
    assert not invalid & {"3322022902040001", "3322023112900001", "3322026906900001"}


def test_a_plainly_valid_nik_is_one_the_full_check_takes():
    from imp_desktop.nik import check_nik
    from imp_desktop.services.data_quality import _surely_valid

    for yy in (0, 1, 4, 99):
        for month in range(0, 16):
            for day in range(0, 80):
                nik = f"332202{day:02d}{month:02d}{yy:02d}0001"
                if _surely_valid(nik):
                    assert check_nik(nik, region_known=lambda _c: True).ok, nik


def test_the_migration_indexes_the_same_niks_the_service_reads():
    from imp_desktop.data.migrations import m0018_nik_check_index as m18
    from imp_desktop.services import data_quality

    assert m18.NIK_TO_CHECK == data_quality.NIK_TO_CHECK.format(
        digits="translate(nik, '0123456789', '') = ''")


def test_latest_classifications_take_each_units_latest_assessment(office):
    from imp_desktop.services import home

    latest = {}
    for unit_id, classification, start, end, active in (
            Assessment.select(Assessment.unit, Assessment.classification,
                              Assessment.period_start, Assessment.period_end, Unit.active)
            .join(Unit).tuples()):
        if active and (unit_id not in latest or (start, end) > latest[unit_id][0]):
            latest[unit_id] = ((start, end), classification)
    assert latest
    assert home.latest_classifications() == {u: c for u, (_, c) in latest.items()}


def test_beranda_counts_the_units_missing_as_the_coverage_lists_them(office):
    from imp_desktop.data.models import MonthlyReport
    from imp_desktop.services import monthly

    periods = sorted({p for (p,) in MonthlyReport.select(MonthlyReport.period).tuples()})
    assert periods
    for period in periods[-2:] + ["2020-01"]:
        expected = len(monthly.coverage(period).missing)
        assert monthly.missing_reports(period) == expected, period
    active = Unit.select().where(Unit.active == True).count()  # noqa: E712
    assert monthly.missing_reports("2020-01") == active > 0      # nobody reported then
