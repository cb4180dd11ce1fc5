"""Desa typed without a code move to their official code when the list arrives."""
import datetime as dt

from imp_desktop.data.models import Activity, AuditEntry, Cadre, Hamlet, Region
from imp_desktop.services import first_run, regions
from imp_desktop.services.settings import VillageHead, get_village_heads, save_village_head

TENGARAN = "33.22.02"
SRUWEN_LOCAL, KAMPUNG_LOCAL, SRUWEN = "33.22.02.9001", "33.22.02.9002", "33.22.02.2003"


def _official_list(tmp_path, *extra):
    path = tmp_path / "wilayah.csv"
    lines = ["kode,nama", "33,JAWA TENGAH", "33.22,KABUPATEN SEMARANG", "33.22.02,Tengaran",
             "33.22.02.2001,Duren", "33.22.02.2003,Sruwen", *extra]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _typed_setup():
    first_run.save_setup(first_run.SetupInput(
        name="Sri Wahyuningsih", kecamatan_code=TENGARAN, place_name="Tengaran",
        desa=[first_run.DesaChoice("desa  sruwen"), first_run.DesaChoice("Kampung Baru")]))
    assert first_run.work_desa_codes() == [SRUWEN_LOCAL, KAMPUNG_LOCAL]


def test_records_of_a_typed_desa_move_to_its_official_code(db, tmp_path):
    _typed_setup()
    cadre = Cadre.create(name="Siti Aminah", desa=SRUWEN_LOCAL)
    hamlet = regions.add_hamlet(SRUWEN_LOCAL, "Dusun Krajan", "001")
    activity = Activity.create(title="Pembinaan", date=dt.date(2026, 11, 3), desa=SRUWEN_LOCAL)
    save_village_head(VillageHead(SRUWEN_LOCAL, "Pak Kades", None, "Kepala Desa Sruwen"))

    summary = regions.import_region_file(_official_list(tmp_path))

    assert summary.merged == 1
    assert "1 desa" in regions.import_summary_text(summary)
    assert Cadre.get_by_id(cadre.id).desa_code == SRUWEN
    assert Hamlet.get_by_id(hamlet.id).desa_code == SRUWEN
    assert Activity.get_by_id(activity.id).desa_code == SRUWEN
    assert not Region.select().where(Region.code == SRUWEN_LOCAL).exists()
    assert Region.get(Region.code == KAMPUNG_LOCAL).name == "Kampung Baru"   # no official match
    assert first_run.work_desa_codes() == [SRUWEN, KAMPUNG_LOCAL]
    assert get_village_heads()[SRUWEN].name == "Pak Kades" and SRUWEN_LOCAL not in get_village_heads()
    change = AuditEntry.get((AuditEntry.record_uuid == cadre.uuid) & (AuditEntry.action == "update"))
    assert (change.field, change.old_value, change.new_value) == (
        "desa", f'"{SRUWEN_LOCAL}"', f'"{SRUWEN}"')

    again = regions.import_region_file(_official_list(tmp_path))
    assert again.merged == 0 and again.added == 0
    assert Cadre.get_by_id(cadre.id).desa_code == SRUWEN


def test_an_ambiguous_name_is_left_alone(db, tmp_path):
    _typed_setup()
    cadre = Cadre.create(name="Siti Aminah", desa=SRUWEN_LOCAL)
    summary = regions.import_region_file(_official_list(tmp_path, "33.22.02.2099,SRUWEN"))
    assert summary.merged == 0
    assert Cadre.get_by_id(cadre.id).desa_code == SRUWEN_LOCAL
    assert Region.select().where(Region.code == SRUWEN_LOCAL).exists()


def test_a_refused_file_moves_nothing(db, tmp_path):
    import pytest

    from imp_desktop.errors import ValidationError

    _typed_setup()
    cadre = Cadre.create(name="Siti Aminah", desa=SRUWEN_LOCAL)
    bad = _official_list(tmp_path, "33.22.02.20x9,Rusak")
    with pytest.raises(ValidationError):
        regions.import_region_file(bad)
    assert Cadre.get_by_id(cadre.id).desa_code == SRUWEN_LOCAL
    assert not Region.select().where(Region.code == SRUWEN).exists()


def test_the_official_list_from_shared_data_merges_a_typed_desa(db, region_file):
    _typed_setup()
    cadre = Cadre.create(name="Siti Aminah", desa=SRUWEN_LOCAL)
    assert regions.import_region_file(region_file).merged == 1
    assert Cadre.get_by_id(cadre.id).desa_code == SRUWEN


def test_the_moved_desa_reads_by_name_in_the_cadre_history(db, tmp_path):
    from imp_desktop.services.audit import record_history

    _typed_setup()
    cadre = Cadre.create(name="Siti Aminah", desa=SRUWEN_LOCAL, position="ketua", sex="P")
    regions.import_region_file(_official_list(tmp_path))
    lines = [(line.action, line.field, line.old, line.new) for line in record_history(cadre.uuid)]
    # the local entry is gone, so the old value shows its code; the new one its name
    assert ("Diubah", "Desa/kelurahan", SRUWEN_LOCAL, f"Sruwen ({SRUWEN})") in lines
    created = {line.field: line.new for line in record_history(cadre.uuid)
               if line.action == "Dibuat"}
    assert created["Jabatan"] == "Ketua" and created["Jenis kelamin"] == "Perempuan"
