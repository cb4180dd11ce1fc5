"""A cadre saved with the unit and the dusun/RW made on the spot, in one transaction."""
import pytest

from imp_desktop.data.models import Cadre, Hamlet, Unit
from imp_desktop.errors import ValidationError
from imp_desktop.services import cadres, first_run, regions, units

DUREN = "33.22.02.2001"


@pytest.fixture
def officer(db):
    first_run.save_setup(first_run.SetupInput(
        name="Sri Wahyuningsih", kecamatan_code="33.22.02",
        desa=[first_run.DesaChoice("Duren", "2001")]))


def test_proposals_name_the_units_of_the_place(officer):
    assert [(p.level, p.name) for p in units.unit_proposals(DUREN)] == [("ppkbd", "PPKBD Duren")]
    assert [p.name for p in units.unit_proposals(DUREN, "Krajan", "3")] == [
        "Pok KB Krajan RT 003", "Sub PPKBD Krajan", "PPKBD Duren"]


def test_cadre_unit_and_dusun_made_together(officer):
    ppkbd = cadres.save_cadre_with_place(
        cadres.CadreInput(name="Siti Aminah", desa_code=DUREN, position="ketua"),
        cadres.NewPlace(unit_level="ppkbd", unit_name="PPKBD Duren"))
    head = Unit.get(Unit.name == "PPKBD Duren")
    assert Cadre.get_by_id(ppkbd).unit_id == head.id
    assert [p.name for p in units.unit_proposals(DUREN)] == []       # made: no longer proposed
    sub = cadres.save_cadre_with_place(
        cadres.CadreInput(name="Dewi Rahayu", desa_code=DUREN, rw="5", position="ketua"),
        cadres.NewPlace(hamlet_name="Krajan", unit_level="sub_ppkbd",
                        unit_name="Sub PPKBD Krajan"))
    cadre = Cadre.get_by_id(sub)
    unit = Unit.get_by_id(cadre.unit_id)
    assert unit.level == "sub_ppkbd" and unit.parent_id == head.id
    assert Hamlet.get_by_id(cadre.hamlet_id).name == "Krajan" and unit.hamlet_id == cadre.hamlet_id
    assert regions.hamlets(DUREN)[0].rw == "005"


def test_a_refused_cadre_leaves_no_unit_or_dusun_behind(officer):
    with pytest.raises(ValidationError):
        cadres.save_cadre_with_place(
            cadres.CadreInput(name="", desa_code=DUREN),
            cadres.NewPlace(hamlet_name="Krajan", unit_level="sub_ppkbd",
                            unit_name="Sub PPKBD Krajan"))
    assert not Unit.select().exists() and not Hamlet.select().exists()
