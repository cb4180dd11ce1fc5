"""Desa lists offer the officer's own desa first, one desa preselected, the last used
remembered: an officer covers a few of the kecamatan's desa."""
from imp_desktop.services import activities, cadres, first_run, regions, units

KECAMATAN = "33.22.02"
DESA = {"33.22.02.2001": "Duren", "33.22.02.2002": "Bener", "33.22.02.2003": "Sruwen",
        "33.22.02.2004": "Tegalrejo", "33.22.02.2005": "Karangduren"}


def _setup(*codes):
    for code, name in DESA.items():
        regions.ensure_desa(code, name)
    first_run.save_setup(first_run.SetupInput(
        name="Sri Wahyuningsih", kecamatan_code=KECAMATAN,
        desa=[first_run.DesaChoice(DESA[code], code) for code in codes]))


def test_the_officers_desa_come_first_in_every_list(db):
    own = ["33.22.02.2005", "33.22.02.2003"]
    _setup(*own)
    codes = [code for code, _ in cadres.desa_choices()]
    assert codes[:2] == own and set(codes) >= set(DESA)
    assert [code for code, _ in activities.activity_desa()] == own   # a blank database
    rest = [name for _, name in cadres.desa_choices()[2:]]
    assert rest == sorted(rest, key=str.lower)


def test_a_single_desa_is_preselected_and_the_last_used_remembered(db):
    _setup("33.22.02.2001")
    assert first_run.preferred_desa() == "33.22.02.2001"
    _setup("33.22.02.2001", "33.22.02.2002", "33.22.02.2003")
    assert first_run.preferred_desa() is None            # three desa: nothing guessed
    cadres.save_cadre(cadres.CadreInput(name="Siti Aminah", desa_code="33.22.02.2002"))
    assert first_run.preferred_desa() == "33.22.02.2002"
    units.save_unit(units.UnitInput(level="ppkbd", name="PPKBD Sruwen",
                                    desa_code="33.22.02.2003"))
    assert first_run.preferred_desa() == "33.22.02.2003"
    assert first_run.preferred_desa(["33.22.02.2001"]) is None   # not offered: not chosen
