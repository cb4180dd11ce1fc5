import datetime as dt

import pytest
from peewee import ForeignKeyField, IntegerField

from imp_desktop.data import models
from imp_desktop.data.models import BaseModel, Cadre, Unit
from imp_desktop.errors import UserError, ValidationError
from imp_desktop.services.cadre_duplicates import (
    cadre_references,
    merge_cadres,
    normalize_name,
    similar_cadres,
)
from imp_desktop.services.cadre_search import CadreFilter, search_cadre_ids
from imp_desktop.services.cadres import CadreInput, cadre_state, save_cadre

DESA = "33.22.02.2001"
BORN = dt.date(1985, 3, 12)


@pytest.mark.parametrize("a, b", [
    ("Siti Aminah", "St. Aminah"),
    ("SITI  AMINAH", "siti aminah"),
    ("Muhammad Yusuf", "Moh. Yusuf"),
    ("Muhammad Yusuf", "M. Yusuf"),
    ("Mochammad Yusuf", "Muh Yusuf"),
    ("Nurul Hidayah", "Nur Hidayah"),
    ("Hj. Siti Aminah, S.Pd.", "Siti Aminah"),
    ("Achmad Fauzi", "Ahmad Fauzi"),
    ("Siti Nur'aini", "Siti Nuraini"),
])
def test_name_variants_normalise_alike(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_different_names_stay_different():
    assert normalize_name("Siti Aminah") != normalize_name("Siti Amanah")
    assert normalize_name("Sri Rahayu") != normalize_name("Tri Rahayu")


def test_same_nik_is_refused_naming_the_record(demo_db):
    first = save_cadre(CadreInput(name="Siti Aminah", nik="3322025203850001", desa_code=DESA))
    with pytest.raises(ValidationError) as caught:
        save_cadre(CadreInput(name="Siti Aminah Lain", nik="3322 0252 0385 0001"))
    assert any("Siti Aminah" in text and str(first) in text for _, text in caught.value.problems)


def test_similar_person_is_found_by_birth_date_desa_and_name(demo_db):
    cid = save_cadre(CadreInput(name="Siti Nurul Aminah", desa_code=DESA, birth_date=BORN))
    found = similar_cadres("St. Nur Aminah", BORN, DESA)
    assert [row.id for row in found] == [cid]
    assert similar_cadres("St. Nur Aminah", BORN, "33.22.02.2002") == []
    assert similar_cadres("St. Nur Aminah", dt.date(1985, 3, 13), DESA) == []
    assert similar_cadres("Siti Nurul Aminah", BORN, DESA, exclude_id=cid) == []


@pytest.fixture
def attendance_table(demo_db, monkeypatch):
    """A table another feature might add later, unknown to the merge code."""

    class Attendance(BaseModel):
        cadre = ForeignKeyField(Cadre, on_delete="RESTRICT")
        activity = IntegerField()

        class Meta:
            indexes = ((("activity", "cadre"), True),)

    monkeypatch.setattr(models, "ALL_MODELS", [*models.ALL_MODELS, Attendance])
    import imp_desktop.services.cadre_duplicates as dup

    monkeypatch.setattr(dup, "ALL_MODELS", models.ALL_MODELS)
    demo_db.create_tables([Attendance])
    return Attendance


def test_merge_moves_every_reference_and_keeps_both_records(attendance_table):
    unit = Unit.select().first()
    keep = save_cadre(CadreInput(name="Siti Aminah", desa_code=DESA, birth_date=BORN))
    other = save_cadre(CadreInput(name="St. Aminah", nik="3322025203850001", desa_code=DESA,
                                  birth_date=BORN, phone="081234567890", unit_id=unit.id))
    for activity in (1, 2):
        attendance_table.create(cadre=other, activity=activity)
    attendance_table.create(cadre=keep, activity=2)   # both attended activity 2
    assert attendance_table.cadre in cadre_references()

    moved = merge_cadres(keep, other, today=dt.date(2026, 11, 27))

    assert moved == {"attendance.cadre_id": 1}
    kept = Cadre.get_by_id(keep)
    assert kept.nik == "3322025203850001" and kept.phone == "081234567890"
    assert kept.unit_id == unit.id
    merged = Cadre.get_by_id(other)
    assert merged.merged_into_id == keep and not merged.active
    assert "Siti Aminah" in merged.inactive_reason
    assert cadre_state(other).merged_into_id == keep
    assert attendance_table.select().where(attendance_table.cadre == keep).count() == 2
    assert attendance_table.select().where(attendance_table.cadre == other).count() == 1
    assert search_cadre_ids(CadreFilter(text="081234567890", status="all")) == [keep]
    with pytest.raises(UserError):
        merge_cadres(keep, other)
    with pytest.raises(UserError):
        merge_cadres(keep, keep)
