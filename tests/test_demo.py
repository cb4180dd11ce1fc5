import pytest

from imp_desktop.data.models import LEVELS, Cadre, Unit
from imp_desktop.errors import UserError
from imp_desktop.nik import check_nik
from imp_desktop.services.demo import generate_demo


def test_demo_makes_a_realistic_kecamatan(db):
    summary = generate_demo(desa=3, cadres=500, seed=3)
    assert summary.cadres == Cadre.select().count() == 500
    assert {u.level for u in Unit.select()} == set(LEVELS)
    for unit in Unit.select().where(Unit.level != "ppkbd"):
        assert unit.parent_id is not None
    niks = [c.nik for c in Cadre.select()]
    assert len(set(niks)) == len(niks)
    for cadre in Cadre.select().limit(100):
        result = check_nik(cadre.nik, sex=cadre.sex, birth_date=cadre.birth_date)
        assert result.ok and not result.warnings, (cadre.nik, result)
    boards = Cadre.select().where(Cadre.position == "ketua").count()
    assert boards == Unit.select().count()
    assert Cadre.select().where(Cadre.active == False).count() > 0  # noqa: E712


def test_demo_is_deterministic(tmp_path):
    from imp_desktop.data.db import close_database, open_database

    names = []
    for run in range(2):
        open_database(tmp_path / f"{run}.sqlite")
        generate_demo(desa=2, cadres=50, seed=11)
        names.append([c.name for c in Cadre.select().order_by(Cadre.id)])
        close_database()
    assert names[0] == names[1]


def test_demo_refuses_a_database_with_cadres(demo_db):
    with pytest.raises(UserError, match="sudah berisi kader"):
        generate_demo()


def test_demo_makes_the_number_of_activities_asked_for(db):
    from imp_desktop.data.models import Activity

    summary = generate_demo(desa=2, cadres=60, seed=4, activities=7)
    assert Activity.select().count() == summary.extra["kegiatan"] == 7
    # spread over the desa and over more than the default four months
    assert len({a.desa_code for a in Activity.select()}) == 2
    assert len({(a.date.year, a.date.month) for a in Activity.select()}) == 4


def test_demo_refuses_a_negative_number_of_activities(db):
    with pytest.raises(UserError, match="tidak boleh negatif"):
        generate_demo(desa=1, cadres=10, activities=-1)
