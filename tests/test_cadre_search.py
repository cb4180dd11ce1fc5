import datetime as dt

from imp_desktop.data.models import Cadre
from imp_desktop.services.cadre_search import (
    COLUMNS,
    CadreFilter,
    cadre_desa_choices,
    cadre_rows,
    count_cadres,
    search_cadre_ids,
    search_tokens,
)
from imp_desktop.services.cadres import CadreInput, save_cadre, set_active


def _add(name, nik=None, phone=None, desa="33.22.02.2001", **extra):
    return save_cadre(CadreInput(name=name, nik=nik, phone=phone, desa_code=desa, **extra))


def test_tokens_fold_case_and_join_number_separators():
    assert search_tokens("  Siti  AMÍNAH ") == ["siti", "aminah"]
    assert search_tokens("0812-3456 789") == ["08123456", "789"]


def test_every_word_must_match_in_any_order(demo_db):
    a = _add("Siti Aminah Zulfa", phone="0812 999 000")
    b = _add("Aminah Siti Rahma")
    _add("Siti Zubaidah")
    found = search_cadre_ids(CadreFilter(text="aminah siti"))
    assert a in found and b in found
    assert search_cadre_ids(CadreFilter(text="ZULFA")) == [a]
    assert search_cadre_ids(CadreFilter(text="0812-999")) == [a]
    assert search_cadre_ids(CadreFilter(text="100%_x")) == []


def test_search_by_nik_and_desa_name(demo_db):
    cid = _add("Wulan Sari", nik="3322024512900001")
    assert search_cadre_ids(CadreFilter(text="332202451290")) == [cid]
    duren = search_cadre_ids(CadreFilter(text="duren"))
    assert cid in duren
    assert len(duren) == count_cadres(CadreFilter(text="duren"))


def test_filters_by_desa_level_unit_and_status(demo_db):
    everyone = search_cadre_ids(CadreFilter(status="all"))
    assert len(everyone) == Cadre.select().count()
    active = search_cadre_ids(CadreFilter())
    inactive = search_cadre_ids(CadreFilter(status="inactive"))
    assert set(active) | set(inactive) == set(everyone) and not set(active) & set(inactive)
    some = Cadre.select().where(Cadre.active == True).first()  # noqa: E712
    by_unit = search_cadre_ids(CadreFilter(unit_id=some.unit_id))
    assert some.id in by_unit
    assert all(Cadre.get_by_id(i).unit_id == some.unit_id for i in by_unit)
    ppkbd = search_cadre_ids(CadreFilter(level="ppkbd"))
    assert ppkbd and all(Cadre.get_by_id(i).unit.level == "ppkbd" for i in ppkbd)
    desa = search_cadre_ids(CadreFilter(desa_code=some.desa_code))
    assert desa and all(Cadre.get_by_id(i).desa_code == some.desa_code for i in desa)
    no_unit = _add("Tanpa Unit", nik="3322024101900001")
    assert no_unit in search_cadre_ids(CadreFilter(status="incomplete"))
    assert some.id not in search_cadre_ids(CadreFilter(status="incomplete"))


def test_left_and_merged_cadres(demo_db):
    cid = _add("Ratna Dewi Sukma")
    set_active(cid, False, "Pindah", dt.date(2026, 1, 5))
    assert search_cadre_ids(CadreFilter(text="sukma")) == []
    assert search_cadre_ids(CadreFilter(text="sukma", status="inactive")) == [cid]
    other = _add("Ratna Dewi Sukma")
    Cadre.update(merged_into=other).where(Cadre.id == cid).execute()
    assert search_cadre_ids(CadreFilter(text="sukma", status="all")) == [other]


def test_every_column_sorts_both_ways(demo_db):
    ids = search_cadre_ids(CadreFilter(status="all"))
    for column in COLUMNS:
        up = search_cadre_ids(CadreFilter(status="all"), column)
        down = search_cadre_ids(CadreFilter(status="all"), column, True)
        assert sorted(up) == sorted(ids) and down == list(reversed(up)), column
    names = [cadre_rows([i])[i].name for i in search_cadre_ids(CadreFilter(), "name")[:50]]
    assert names == sorted(names)


def test_rows_carry_what_the_list_shows(demo_db):
    ids = search_cadre_ids(CadreFilter())[:10]
    rows = cadre_rows(ids)
    assert set(rows) == set(ids)
    row = rows[ids[0]]
    cadre = Cadre.get_by_id(ids[0])
    assert row.name == cadre.name and row.nik == cadre.nik
    assert row.unit_name == cadre.unit.name and row.level == cadre.unit.level
    assert row.desa_name and row.hamlet.startswith("RW ")
    assert [code for code, _ in cadre_desa_choices()]
