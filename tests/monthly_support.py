"""A small chain of units in two desa, shared by the monthly-report tests."""
import datetime as dt

from imp_desktop.services.monthly import UnitEntry
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.units import UnitInput, save_unit

KEC = "33.22.02"
DUREN, SRUWEN = "33.22.02.2001", "33.22.02.2003"
TODAY = dt.date(2026, 12, 20)


def build_chain():
    """Duren: PPKBD <- Sub A (Pok 1, Pok 2), Sub B (Pok 3). Sruwen: PPKBD, Pok X."""
    upsert_regions([("33", "Jawa Tengah"), ("33.22", "Semarang"), (KEC, "Tengaran"),
                    (DUREN, "Duren"), (SRUWEN, "Sruwen")])
    from imp_desktop.services.regions import add_hamlet, add_neighbourhood

    ids = {}
    dusun = {name: add_hamlet(code, name).id for code, name in
             ((DUREN, "Dusun A"), (DUREN, "Dusun B"), (SRUWEN, "Dusun X"))}
    rt = {number: add_neighbourhood(dusun[hamlet], number).id for hamlet, number in
          (("Dusun A", "1"), ("Dusun A", "2"), ("Dusun B", "3"), ("Dusun X", "9"))}
    ids["ppkbd"] = save_unit(UnitInput("ppkbd", "PPKBD Duren", DUREN))
    ids["sub_a"] = save_unit(UnitInput("sub_ppkbd", "Sub A", DUREN, dusun["Dusun A"],
                                       parent_id=ids["ppkbd"]))
    ids["sub_b"] = save_unit(UnitInput("sub_ppkbd", "Sub B", DUREN, dusun["Dusun B"],
                                       parent_id=ids["ppkbd"]))
    for key, name, sub, number in (("pok1", "Pok 1", "sub_a", "1"), ("pok2", "Pok 2", "sub_a", "2"),
                                   ("pok3", "Pok 3", "sub_b", "3")):
        ids[key] = save_unit(UnitInput("kelompok_kb", name, DUREN,
                                       dusun["Dusun A" if sub == "sub_a" else "Dusun B"],
                                       rt[number], parent_id=ids[sub]))
    ids["s_ppkbd"] = save_unit(UnitInput("ppkbd", "PPKBD Sruwen", SRUWEN))
    ids["s_pok"] = save_unit(UnitInput("kelompok_kb", "Pok X", SRUWEN, dusun["Dusun X"], rt["9"]))
    from imp_desktop.services.cadres import CadreInput, save_cadre

    save_cadre(CadreInput(name="Bu Sri", desa_code=SRUWEN, unit_id=ids["s_ppkbd"],
                          position="ketua", phone="081234567890"))
    return ids


def entry(unit_id, day=dt.date(2026, 12, 2), **figures):
    """A unit's row; ``pb__pil=2`` is the line ``pb.pil``."""
    return UnitEntry(unit_id, day, {k.replace("__", "."): v for k, v in figures.items()})
