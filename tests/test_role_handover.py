"""Assessments travel in a hand-over package: the district office gets the same
catalogue version, classifications and recap as the officer's laptop."""
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Assessment, RoleCatalogue, RoleIndicator, Unit
from imp_desktop.services import package as pkg
from imp_desktop.services import roles
from imp_desktop.services.demo import generate_demo


def _histories() -> dict[str, list[tuple[str, str, int]]]:
    return {unit.uuid: [(p.period, p.classification, p.catalogue_version)
                        for p in roles.unit_history(unit.id)]
            for unit in Unit.select()}


def test_assessments_merge_into_the_office_and_twice_changes_nothing(tmp_path):
    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    out = tmp_path / "p.imp"
    try:
        open_database(laptop)
        generate_demo(desa=2, cadres=60, seed=3)
        period = roles.latest_period()
        before, histories = roles.recap("33.22.02", period), _histories()
        pkg.export_package(out)

        open_database(office)
        result = pkg.merge_package(out)
        assert not result.conflicts
        # Version 1 of the catalogue exists on both sides: matched, not doubled.
        assert RoleCatalogue.select().count() == 1
        assert RoleIndicator.select().count() == roles.current_catalogue().indicator_count
        after = roles.recap("33.22.02", period)
        assert after.total == before.total and after.unmet == before.unmet
        assert _histories() == histories
        count = Assessment.select().count()
        again = pkg.merge_package(out)
        assert again.added == again.updated == 0 and Assessment.select().count() == count

        # A later checklist sent "since the last package" points at version 1
        # without carrying it: found again as the office's own version 1.
        open_database(laptop)
        pkg.export_package(out, office="Kabupaten")
        unit = Unit.select().order_by(Unit.id).first()
        catalogue = roles.current_catalogue()
        new_id = roles.save_assessment(roles.AssessmentInput(unit.id, "2020-01", {
            item.id: roles.AnswerInput(True) for item in catalogue.indicators()}))
        new_uuid = Assessment.get_by_id(new_id).uuid
        later = tmp_path / "later.imp"
        pkg.export_package(later, since_last=True, office="Kabupaten")
        assert not pkg.read_package(later).tables["role_catalogue"]
        open_database(office)
        result = pkg.merge_package(later)
        assert result.added == 1 + catalogue.indicator_count and not result.conflicts
        merged = Assessment.get(Assessment.uuid == new_uuid)
        assert merged.catalogue_id == roles.current_catalogue().id
        assert RoleCatalogue.select().count() == 1 and merged.classification == "mandiri"
    finally:
        close_database()
