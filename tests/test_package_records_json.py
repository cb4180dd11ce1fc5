"""A full package's records are written by SQLite (``sync.records_json``): they
must be exactly the records ``sync.record_dicts`` reads, value for value."""
import datetime as dt
import json
import zipfile

from imp_desktop.data import sync
from imp_desktop.data.models import AuditEntry, Cadre, Participant
from imp_desktop.services import package as pkg


def _awkward_values() -> None:
    """Text JSON must escape, a score with a fraction, a cleared boolean's neighbours."""
    cadre = Cadre.select().order_by(Cadre.id).first()
    cadre.name = 'Siti "Ina" Aminah\\\n\tRahayu — ñ 😀'
    cadre.address = None
    cadre.birth_date = dt.date(1980, 2, 29)
    cadre.save()
    participant = Participant.select().order_by(Participant.id).first()
    participant.pre_score = 72.5
    participant.post_score = 80
    participant.save()


def test_sqlite_writes_every_table_as_python_reads_it(demo_db):
    _awkward_values()
    for model in [*sync.travelling_models(), AuditEntry]:
        expected = sync.record_dicts(model, sync.UuidMap())
        written = sync.records_json(model)
        assert written is not None, model
        text, uuids = written
        assert json.loads(text) == expected, model
        assert uuids == [row["uuid"] for row in expected], model


def test_a_full_package_carries_the_records_as_they_are(demo_db, tmp_path):
    _awkward_values()
    out = tmp_path / "p.imp"
    summary = pkg.export_package(out)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        versions = json.loads(zf.read("versions.json"))
        for model in sync.travelling_models():
            table = sync.table_of(model)
            if table == "region":
                continue
            rows = json.loads(zf.read(f"records/{table}.json"))
            assert rows == sync.record_dicts(model, sync.UuidMap()), table
            assert manifest["counts"][table] == len(rows)
            assert set(versions.get(table, {})) == {row["uuid"] for row in rows}, table
        regions = {row["code"] for row in json.loads(zf.read("records/region.json"))}
        assert json.loads(zf.read("audit.json")) == sync.record_dicts(AuditEntry, sync.UuidMap())
    assert summary.records == sum(n for t, n in manifest["counts"].items() if t != "region")
    codes = {c.desa_code for c in Cadre.select(Cadre.desa_code)}
    assert codes and codes <= regions
    assert {".".join(code.split(".")[:3]) for code in codes} <= regions   # with their parents
