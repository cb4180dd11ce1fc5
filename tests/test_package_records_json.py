"""A full package's records are written by SQLite (``sync.records_json``): they
must be exactly the records ``sync.record_dicts`` reads, value for value."""
import datetime as dt
import json
import zipfile

from imp_desktop.data import sync, versions as versions_mod
from imp_desktop.data.audit import audited_delete
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
        text, count = written
        assert json.loads(text) == expected, model      # in the same order
        assert count == len(expected), model


def test_a_full_package_carries_the_records_as_they_are(demo_db, tmp_path):
    _awkward_values()
    gone = Participant.select().order_by(Participant.id.desc()).first()
    audited_delete(Participant, Participant.id == gone.id)     # a tombstone to carry
    out = tmp_path / "p.imp"
    summary = pkg.export_package(out)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        versions = json.loads(zf.read("versions.json"))
        deleted = json.loads(zf.read("deleted.json"))
        assert list(deleted) == ["participant"]
        assert gone.uuid in deleted["participant"]
        for model in sync.travelling_models():
            table = sync.table_of(model)
            if table == "region":
                continue
            rows = json.loads(zf.read(f"records/{table}.json"))
            assert rows == sync.record_dicts(model, sync.UuidMap()), table
            assert manifest["counts"][table] == len(rows)
            known = versions_mod.rows_of(table)
            assert versions[table] == {row["uuid"]: known[row["uuid"]].clock
                                       for row in rows}, table
            assert deleted.get(table, {}) == {u: v.clock for u, v in known.items()
                                              if v.deleted}, table
        regions = {row["code"] for row in json.loads(zf.read("records/region.json"))}
        assert json.loads(zf.read("audit.json")) == sync.record_dicts(AuditEntry, sync.UuidMap())
    assert summary.records == sum(n for t, n in manifest["counts"].items() if t != "region")
    codes = {c.desa_code for c in Cadre.select(Cadre.desa_code)}
    assert codes and codes <= regions
    assert {".".join(code.split(".")[:3]) for code in codes} <= regions   # with their parents


def test_an_entry_that_fails_to_be_written_fails_the_export(demo_db, tmp_path, monkeypatch):
    """The zip's entries are deflated on a worker thread: its error is the export's,
    and no file is left behind."""
    from imp_desktop.services.package import export

    write = export._ZipWriter._write

    def failing(self, name, data, compress, hashed):
        if name == "records/assessment_answer.json":
            raise OSError("disk full")
        return write(self, name, data, compress, hashed)

    monkeypatch.setattr(export._ZipWriter, "_write", failing)
    out = tmp_path / "p.imp"
    try:
        pkg.export_package(out)
    except OSError as exc:
        assert "disk full" in str(exc)
    else:
        raise AssertionError("the export went on without an entry")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("p.imp")]
