"""Monthly reports and their template travel in hand-over packages: the district
office sees the same coverage and recap as the officer's laptop."""
import pytest

from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import MonthlyLine, MonthlyReport, MonthlyTemplate
from imp_desktop.services import monthly
from imp_desktop.services import package as pkg
from imp_desktop.services.demo import generate_demo
from safety_support import office_targets


def _figures() -> dict[str, tuple]:
    return {row.uuid: (row.period, row.status, row.received_on, row.figures)
            for row in MonthlyReport.select()}


def test_reports_and_a_new_template_version_reach_the_office(tmp_path):
    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    out = tmp_path / "p.imp"
    try:
        open_database(laptop)
        generate_demo(desa=2, cadres=60, seed=5)
        drafts = monthly.drafts_of(monthly.current_template())
        drafts.append(monthly.LineDraft("V", "PUS dan peserta KB baru", "Ganti cara",
                                        "typed", "Switched method"))
        edited = monthly.save_template(drafts)
        period = MonthlyReport.select(MonthlyReport.period).order_by(
            MonthlyReport.period.desc()).scalar()
        cover, reports = monthly.coverage(period), _figures()
        recap = [(line.line.key, line.total) for line in monthly.monthly_recap(period).lines]
        assert reports
        pkg.export_package(out)

        open_database(office)
        result = pkg.merge_package(out)
        assert not result.conflicts
        assert _figures() == reports
        # Version 1 matched by content; the edited version arrives as a version of its own.
        assert MonthlyTemplate.select().count() == 2
        assert MonthlyLine.select().where(MonthlyLine.text_id == "Ganti cara").count() == 1
        office_cover = monthly.coverage(period)
        assert (office_cover.total.existing, office_cover.total.reported,
                office_cover.total.on_time) == (cover.total.existing, cover.total.reported,
                                                cover.total.on_time)
        assert [row.name for row in office_cover.rows] == [row.name for row in cover.rows]
        assert monthly.current_template().version == edited.version
        assert [(line.line.key, line.total)
                for line in monthly.monthly_recap(period).lines] == recap
        again = pkg.merge_package(out)
        assert again.added == again.updated == 0
        assert MonthlyReport.select().count() == len(reports)
    finally:
        close_database()


@pytest.mark.parametrize("target", office_targets())
def test_month_saved_and_recapped_on_sqlite_and_postgresql(target, tmp_path):
    """The plain SQL of the recap (figures picked out of the JSON by the database)
    gives the same totals on both."""
    import datetime as dt

    from monthly_support import DUREN, TODAY, build_chain, entry

    open_database(target(tmp_path))
    try:
        ids = build_chain()
        for period, day, pills in (("2026-10", dt.date(2026, 11, 2), 3),
                                   ("2026-11", dt.date(2026, 12, 9), 2)):
            monthly.save_desa_month(DUREN, period, [
                entry(ids["pok1"], day, pus=40, pb__pil=pills),
                entry(ids["pok2"], day, pus=30, pb__suntik=1),
                entry(ids["sub_a"], day, pus=72)], today=TODAY)
        monthly.finalize_month(DUREN, "2026-11")
        recap = monthly.monthly_recap("2026-11")
        lines = {line.line.key: line for line in recap.lines}
        assert lines["pus"].total == 72 and lines["pb.total"].total == 3
        assert lines["pb.pil"].cumulative_total == 5 and lines["pb.total"].cumulative_total == 7
        assert ("Duren", "Sub A", "Pasangan usia subur (PUS)", 2) in recap.differences
        assert recap.coverage.total.reported == 3 and len(recap.coverage.late) == 3
        assert monthly.unit_report(ids["ppkbd"], "2026-11").final
    finally:
        close_database()
