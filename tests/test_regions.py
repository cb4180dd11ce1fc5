import time

import pytest

from imp_desktop.data.models import Region
from imp_desktop.errors import ValidationError
from imp_desktop.services import regions


def test_official_list_imports_completely_and_twice_changes_nothing(db, region_file):
    started = time.perf_counter()
    first = regions.import_region_file(region_file)
    elapsed = time.perf_counter() - started
    assert first.read == 91599
    assert Region.select().count() >= 91599
    assert Region.get(Region.code == "33.73.04.1001").name == "Kecandran"
    assert regions.is_kelurahan("33.73.04.1001")
    assert Region.get(Region.code == "33.73").name == "Kota Salatiga"
    snapshot = list(Region.select(Region.code, Region.name, Region.uuid, Region.updated_at)
                    .order_by(Region.code).tuples())
    second = regions.import_region_file(region_file)
    assert (second.added, second.updated) == (0, 0)
    assert second.unchanged == 91599
    assert list(Region.select(Region.code, Region.name, Region.uuid, Region.updated_at)
                .order_by(Region.code).tuples()) == snapshot
    print(f"imported in {elapsed:.1f} s")   # the speed target is the benchmark's


def test_csv_import_with_header_and_semicolons(db, tmp_path):
    path = tmp_path / "desa.csv"
    path.write_text("kode;nama\n33.22.02.2001;Duren\n33.22.02.2002;Sugihan\n\n", encoding="utf-8")
    summary = regions.import_region_file(path)
    assert summary.added == 2
    assert [r.name for r in regions.children("33.22.02")] == ["Duren", "Sugihan"]
    assert [r.name for r in regions.region_path("33.22.02.2001")] == [
        "Jawa Tengah", "Kabupaten Semarang", "Tengaran", "Duren"]


def test_a_bad_line_refuses_the_whole_file(db, tmp_path):
    path = tmp_path / "desa.csv"
    path.write_text("33.22.02.2001,Duren\n33.22.2.2002,Sugihan\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="tidak ada yang diimpor"):
        regions.import_region_file(path)
    assert not regions.region_exists("33.22.02.2001")


def test_region_uuid_is_the_same_everywhere():
    assert regions.region_uuid("33.73.04") == regions.region_uuid("33.73.04")
    assert regions.region_uuid("33.73.04") != regions.region_uuid("33.73.05")


def test_hamlets_and_rts(db):
    regions.upsert_regions([("33.22.02.2001", "Duren")])
    hamlet = regions.add_hamlet("33.22.02.2001", "  Dusun   Krajan ", rw="5")
    assert hamlet.name == "Dusun Krajan" and hamlet.rw == "005"
    rt = regions.add_neighbourhood(hamlet.id, 3)
    assert rt.number == "003"
    assert regions.neighbourhoods(hamlet.id) == [rt]
