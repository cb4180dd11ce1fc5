"""Beranda figures against the services, and the dates of the reminders."""
import datetime as dt

from imp_desktop.data.models import LEVELS, Assessment, Cadre, Unit
from imp_desktop.services import data_quality, home
from imp_desktop.services.cadre_search import CadreFilter, count_cadres, search_cadre_ids
from imp_desktop.services.cadres import CadreInput, save_cadre, set_active


def _count(counts, key):
    return next(c.value for c in counts if c.key == key)


def test_cadre_counts_by_level_and_status_match_the_records(demo_db):
    some = Cadre.select().where(Cadre.active == True).limit(3)  # noqa: E712
    for cadre in some:
        set_active(cadre.id, False, "pindah domisili")
    summary = home.home_summary(dt.date(2026, 11, 27))
    for level in LEVELS:
        expected = (Cadre.select().join(Unit)
                    .where((Unit.level == level) & (Cadre.active == True)).count())  # noqa: E712
        assert _count(summary.cadres, f"cadres.{level}") == expected
    active = Cadre.select().where(Cadre.active == True).count()  # noqa: E712
    inactive = Cadre.select().where(Cadre.active == False).count()  # noqa: E712
    assert inactive >= 3
    assert _count(summary.cadre_status, "cadres.active") == active
    assert _count(summary.cadre_status, "cadres.inactive") == inactive
    # Each count opens a list showing exactly that many cadres.
    for count in summary.cadres:
        flt = CadreFilter(level=count.link.filters["level"])
        assert count_cadres(flt) == count.value


def test_unit_counts_by_level(demo_db):
    summary = home.home_summary()
    for level in LEVELS:
        assert _count(summary.units, f"units.{level}") == Unit.select().where(
            (Unit.level == level) & (Unit.active == True)).count()  # noqa: E712


def test_incomplete_cadres_counted_and_listed_alike(demo_db):
    no_nik = save_cadre(CadreInput(name="Tanpa Nik", desa_code="33.22.02.2001"))
    # An impossible NIK cannot be saved through the dialog, but arrives with old data.
    bad = Cadre.create(name="Nik Rusak", nik="3322029913900001", desa="33.22.02.2001")
    summary = home.home_summary()
    counts = {c.key: c for c in summary.incomplete}
    assert counts["incomplete.no_nik"].value == 1
    assert counts["incomplete.invalid_nik"].value == 1
    # Both new cadres have no unit; demo cadres all have one.
    assert counts["incomplete.no_unit"].value == 2
    # The cadre card's rows add up to the active total.
    assert _count(summary.cadres, "cadres.no_unit") == 2
    assert sum(c.value for c in summary.cadres) == _count(summary.cadre_status, "cadres.active")
    for key, expected in (("no_nik", [no_nik]), ("invalid_nik", [bad.id])):
        link = counts[f"incomplete.{key}"].link
        assert link.screen == "kader" and link.filters == {"problem": key}
        assert search_cadre_ids(CadreFilter(problem=key)) == expected
    assert sorted(search_cadre_ids(CadreFilter(problem="no_unit"))) == sorted([no_nik, bad.id])
    texts = [r.text for r in summary.reminders]
    assert any("1 kader aktif belum ada NIK" in t for t in texts)
    assert any("2 kader aktif belum dimasukkan ke unit" in t for t in texts)


def test_a_nik_is_invalid_only_when_it_cannot_be_one():
    assert data_quality.nik_is_invalid("3322021234")            # too short
    assert data_quality.nik_is_invalid("3322024513900000")      # serial 0000
    assert not data_quality.nik_is_invalid("9922024512900001")  # unknown region: a warning
    assert not data_quality.nik_is_invalid(None)


def test_classification_counts_use_each_units_latest_assessment(demo_db):
    summary = home.home_summary()
    latest = home.latest_classifications()
    units = Unit.select().where(Unit.active == True).count()  # noqa: E712
    assert sum(c.value for c in summary.classification) == units
    for key in ("dasar", "berkembang", "mandiri"):
        assert _count(summary.classification, f"class.{key}") == \
            sum(1 for v in latest.values() if v == key)
    # A unit's newest assessment decides, not its best one.
    unit_id, _ = next(iter(latest.items()))
    newest = (Assessment.select().where(Assessment.unit == unit_id)
              .order_by(Assessment.period_start.desc()).first())
    assert latest[unit_id] == newest.classification


def test_empty_database_shows_zeros_and_no_made_up_figures(db):
    summary = home.home_summary(dt.date(2026, 11, 27))
    assert summary.is_empty
    assert all(c.value == 0 for c in summary.cadres + summary.units + summary.incomplete)
    assert summary.activities_this_month is None or summary.activities_this_month == 0
    assert [r.key for r in summary.reminders] == ["registers", "siga", "annual"]


def test_units_not_assessed_this_quarter(demo_db):
    start = home.quarter_start(dt.date(2026, 11, 27))
    assert start == dt.date(2026, 10, 1)
    missing = home.units_not_assessed_since(start)
    assessed = {a.unit_id for a in Assessment.select().where(Assessment.period_end >= start)}
    active = {u.id for u in Unit.select().where(Unit.active == True)}  # noqa: E712
    assert set(missing) == active - assessed
    Assessment.delete().where(Assessment.period_end >= start).execute()
    summary = home.home_summary(dt.date(2026, 11, 27))
    reminder = next(r for r in summary.reminders if r.key == "unassessed")
    assert reminder.count == len(active)
    assert "1 Oktober 2026" in reminder.text
    assert reminder.link.screen == "peran"


def test_register_and_siga_due_dates():
    assert home.next_monthly_due(dt.date(2026, 11, 27), 3) == dt.date(2026, 12, 3)
    assert home.next_monthly_due(dt.date(2026, 12, 3), 3) == dt.date(2026, 12, 3)
    assert home.next_monthly_due(dt.date(2026, 12, 20), 15) == dt.date(2027, 1, 15)
    reminders = {r.key: r for r in home.reminders(dt.date(2026, 12, 2), [])}
    registers = reminders["registers"]
    assert registers.due == dt.date(2026, 12, 3) and registers.days_left == 1
    assert registers.urgent
    assert "November 2026" in registers.text and "Kamis, 3 Desember 2026" in registers.text
    assert "besok" in registers.text
    siga = reminders["siga"]
    assert siga.due == dt.date(2026, 12, 15) and siga.days_left == 13 and not siga.urgent
    assert "pukul 23.59 WIB" in siga.text and "13 hari lagi" in siga.text
    assert reminders["annual"].due == dt.date(2027, 1, 3)
    # No annual-card reminder in the middle of the year.
    assert "annual" not in {r.key for r in home.reminders(dt.date(2026, 6, 10), [])}
    january = {r.key: r for r in home.reminders(dt.date(2027, 1, 3), [])}
    assert january["annual"].days_left == 0 and "hari ini" in january["annual"].text


def test_reminders_follow_the_language():
    from imp_desktop.i18n import set_language

    set_language("en")
    reminders = {r.key: r for r in home.reminders(dt.date(2026, 12, 2), [])}
    assert "due by Thursday, 3 December 2026 (tomorrow)" in reminders["registers"].text


def test_activities_this_month_and_attendance_rate(db):
    from imp_desktop.services.activities import ActivityInput, ParticipantRow, save_activity

    def people(statuses):
        return [ParticipantRow(name=f"Tamu {i}", position="Warga", status=s)
                for i, s in enumerate(statuses)]

    today = dt.date(2026, 11, 20)
    save_activity(ActivityInput(title="Pembinaan Duren", date=dt.date(2026, 11, 5)),
                  people(["hadir", "hadir", "hadir", "izin"]))
    save_activity(ActivityInput(title="Pertemuan Sugihan", date=dt.date(2026, 11, 12)),
                  people(["hadir", "sakit", None, None]))
    # Not marked yet, and one still to come: neither counts in the rate.
    save_activity(ActivityInput(title="Belum diabsen", date=dt.date(2026, 11, 18)), people([None] * 5))
    save_activity(ActivityInput(title="Akan datang", date=dt.date(2026, 11, 27)), people([None] * 9))
    save_activity(ActivityInput(title="Bulan lalu", date=dt.date(2026, 10, 30)), people(["hadir"]))
    summary = home.home_summary(today)
    assert summary.activities_this_month == 4
    assert summary.attendance_rate == 100.0 * 4 / 8
    titles = [line.title for line in summary.latest_activities]
    assert titles == ["Belum diabsen", "Pertemuan Sugihan", "Pembinaan Duren", "Bulan lalu"]
    assert summary.latest_activities[1].attendees == 1


def test_fast_nik_test_agrees_with_the_full_check():
    import random

    from imp_desktop.nik import check_nik

    rng = random.Random(3)
    samples = ["3322024512900001", "3322023102900001", "3322027102000001", "3322022902010001",
               "3322026902000001", "3322020013900001", "3322021300900001"]
    samples += ["".join(rng.choice("0123456789") for _ in range(16)) for _ in range(3000)]
    for nik in samples:
        full = not check_nik(nik, region_known=lambda _c: True).ok
        assert data_quality.nik_is_invalid(nik) == full, nik
