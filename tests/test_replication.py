"""The hand-over contract (DEVELOPERS.md, Replication): the lost edits of issue 13.

Three installations: two laptops and the district office (on PostgreSQL as
well when IMP_TEST_PG_URL is set). Each test is one of the observations of the
issue, or one guarantee of the contract.
"""
import json
import zipfile

import pytest

from imp_desktop.data import cipher
from imp_desktop.cli import main
from imp_desktop.data import migrations
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Activity, Cadre
from imp_desktop.errors import UserError
from imp_desktop.services import activities
from imp_desktop.services import package as pkg
from imp_desktop.services import signing
from imp_desktop.services.cadres import load_cadre, save_cadre, set_active
from imp_desktop.services.demo import generate_demo
from imp_desktop.services.settings import OfficerProfile, save_officer

from tests.replication_support import _photo
from tests.safety_support import office_targets


def _office_params() -> list:
    """The office on SQLite and PostgreSQL, and on PostgreSQL once more with every
    merge reading only its candidate local records (the way a district database
    far bigger than one package is read: ``matching.PARTIAL_ABOVE``), so that
    PostgreSQL's array lookups of that path are tried on every observation too."""
    params = office_targets()
    postgres = params[-1]
    return params + [pytest.param(postgres.values[0], id="postgresql-candidates",
                                  marks=postgres.marks)]


@pytest.fixture(params=_office_params())
def sites(request, tmp_path, monkeypatch):
    if "postgresql-candidates" in request.node.callspec.id:
        from imp_desktop.services.package import matching

        monkeypatch.setattr(matching, "PARTIAL_ABOVE", -10 ** 9)
    targets = {"laptop": str(tmp_path / "laptop.sqlite"), "office": request.param(tmp_path),
               "laptop2": str(tmp_path / "laptop2.sqlite")}

    def use(name):
        open_database(targets[name])

    use("laptop")
    generate_demo(desa=1, cadres=30, seed=5, activities=3)
    use("office")
    save_officer(OfficerProfile(name="Bu Kabid", kecamatan_code="33.22.02"))
    use("laptop2")
    save_officer(OfficerProfile(name="Pak Dua", kecamatan_code="33.22.02"))
    use.targets = targets
    yield use
    close_database()


def send(use, tmp_path, site, name, **kwargs):
    use(site)
    out = tmp_path / name
    pkg.export_package(out, **kwargs)
    return out


def receive(use, site, path, **kwargs):
    use(site)
    return pkg.merge_package(path, **kwargs)


def cadres():
    """Every travelling value of every cadre, by uuid (times aside)."""
    return {c.uuid: (c.name, c.nik, c.address, c.phone, c.active, c.inactive_reason,
                     c.education, c.search_text)
            for c in Cadre.select()}


def edit_cadre(uuid, **values):
    """An edit through the cadre dialog's service."""
    cadre_id = Cadre.get(Cadre.uuid == uuid).id
    data = load_cadre(cadre_id)
    for name, value in values.items():
        setattr(data, name, value)
    save_cadre(data, cadre_id)


def seventh_cadre():
    return Cadre.select().order_by(Cadre.id).offset(6).first().uuid


@pytest.mark.parametrize("policy", ["mine", "theirs"])
def test_the_issue_scenario_keeps_the_offices_correction(sites, tmp_path, policy):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    target = seventh_cadre()
    edit_cadre(target, address="Jl. Melati 7, dikoreksi kantor")
    o = send(sites, tmp_path, "office", "o.imp")          # the office sends its data back
    l2 = send(sites, tmp_path, "laptop", "l.imp")         # next month's package from L
    result = receive(sites, "office", l2, policy=policy)
    assert result.conflicts == []
    assert Cadre.get(Cadre.uuid == target).address == "Jl. Melati 7, dikoreksi kantor"
    # ... and the laptop receives the correction: both hold the same data
    back = receive(sites, "laptop", o, policy=policy)
    assert back.conflicts == []
    assert Cadre.get(Cadre.uuid == target).address == "Jl. Melati 7, dikoreksi kantor"
    laptop = cadres()
    sites("office")
    assert cadres() == laptop


def test_both_directions_keep_each_sides_edit_and_report_the_real_conflict(sites, tmp_path):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    uuids = [c.uuid for c in Cadre.select().order_by(Cadre.id).limit(3)]
    edit_cadre(uuids[0], phone="081100000001")          # office only
    edit_cadre(uuids[2], education="S1")                # both: a conflict
    o = send(sites, tmp_path, "office", "o.imp")
    sites("laptop")
    edit_cadre(uuids[1], phone="082200000002")          # laptop only
    edit_cadre(uuids[2], education="SMA")
    l2 = send(sites, tmp_path, "laptop", "l.imp")
    at_office = receive(sites, "office", l2, policy="mine")
    at_laptop = receive(sites, "laptop", o, policy="mine")
    for result in (at_office, at_laptop):
        assert [(c.record_uuid, c.field) for c in result.conflicts] == [(uuids[2], "education")]
    sites("laptop")
    assert Cadre.get(Cadre.uuid == uuids[0]).phone == "081100000001"
    assert Cadre.get(Cadre.uuid == uuids[1]).phone == "082200000002"
    # each kept its own value; one more exchange brings them together, without a conflict
    again_o = send(sites, tmp_path, "office", "o2.imp")
    again_l = send(sites, tmp_path, "laptop", "l2.imp")
    assert receive(sites, "office", again_l).conflicts == []
    assert receive(sites, "laptop", again_o).conflicts == []
    laptop = cadres()
    sites("office")
    assert cadres() == laptop
    assert Cadre.get(Cadre.uuid == uuids[0]).phone == "081100000001"
    assert Cadre.get(Cadre.uuid == uuids[1]).phone == "082200000002"


def test_an_older_package_after_a_newer_one_changes_nothing_and_says_so(sites, tmp_path):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    target = seventh_cadre()
    sites("laptop")
    edit_cadre(target, phone="081200000002")
    p2 = send(sites, tmp_path, "laptop", "p2.imp", since_last=True)
    edit_cadre(target, phone="081300000003")
    # (a full one: a "since the last package" one would need p2 first, see below)
    p3 = send(sites, tmp_path, "laptop", "p3.imp")
    assert receive(sites, "office", p3).updated == 1
    late = receive(sites, "office", p2)
    assert (late.updated, late.added, late.deleted, late.conflicts) == (0, 0, 0, [])
    assert late.older and "lebih lama" in late.note
    assert Cadre.get(Cadre.uuid == target).phone == "081300000003"
    again = receive(sites, "office", p3)
    assert again.repeated and "sudah pernah diterima" in again.note and again.updated == 0
    assert Cadre.get(Cadre.uuid == target).phone == "081300000003"


def test_exporting_changes_nothing_a_merge_decides(sites, tmp_path):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    target = seventh_cadre()
    edit_cadre(target, phone="081400000004")
    before = cadres()
    for n in range(3):      # the office writes packages, full and since the last one
        send(sites, tmp_path, "office", f"o{n}.imp", since_last=bool(n % 2))
    sites("office")
    assert cadres() == before
    l2 = send(sites, tmp_path, "laptop", "l2.imp")
    assert receive(sites, "office", l2, policy="theirs").conflicts == []
    assert Cadre.get(Cadre.uuid == target).phone == "081400000004"


def test_the_first_package_from_an_installation_cannot_delete_without_confirmation(
        sites, tmp_path, capsys):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    receive(sites, "laptop2", p1)   # the second laptop starts from the same data
    # the second laptop deletes an activity and deactivates cadres
    gone = Activity.select().order_by(Activity.id).first()
    activities.delete_activity(gone.id)
    quitting = [c.id for c in Cadre.select().where(Cadre.active == True).limit(3)]  # noqa: E712
    for cadre_id in quitting:
        set_active(cadre_id, False, "Pindah domisili")
    quitting_uuids = {Cadre.get_by_id(i).uuid for i in quitting}
    forged = send(sites, tmp_path, "laptop2", "first.imp")
    sites("office")
    before = cadres(), Activity.select().count()
    plan = pkg.plan_merge(pkg.read_package(forged))
    assert plan.package.key_status == pkg.KEY_NEW and plan.needs_confirmation
    removals = {(table, uuid, what) for table, uuid, _, what in plan.removals}
    assert ("activity", gone.uuid, "delete") in removals
    assert {uuid for table, uuid, what in removals if what == "deactivate"} == quitting_uuids
    with pytest.raises(pkg.FirstPackageDeletes):
        pkg.apply_merge(plan)
    assert (cadres(), Activity.select().count()) == before
    # the command line refuses it too, and takes it with --allow-deletions
    close_database()
    assert main(["package", "merge", str(forged), "--db", sites.targets["office"]]) == 1
    assert "--allow-deletions" in capsys.readouterr().err
    assert main(["package", "merge", str(forged), "--db", sites.targets["office"],
                 "--allow-deletions"]) == 0
    sites("office")
    assert Activity.get_or_none(Activity.uuid == gone.uuid) is None
    assert not any(Cadre.get(Cadre.uuid == u).active for u in quitting_uuids)


def test_a_known_installation_deletes_only_what_it_had_seen(sites, tmp_path):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    sites("laptop")
    doomed = Activity.select().order_by(Activity.id)[0]
    edited = Activity.select().order_by(Activity.id)[1]
    activities.delete_activity(doomed.id)
    activities.delete_activity(edited.id)
    p2 = send(sites, tmp_path, "laptop", "p2.imp", since_last=True)
    sites("office")     # meanwhile the office corrects one of them
    from imp_desktop.data.audit import audited_update

    audited_update(Activity, {"place": "Balai Desa Baru"}, Activity.uuid == edited.uuid)
    result = pkg.merge_package(p2, policy="mine")
    assert result.deleted >= 1 and Activity.get_or_none(Activity.uuid == doomed.uuid) is None
    assert [(c.record_uuid, c.field) for c in result.conflicts if c.table == "activity"] == \
        [(edited.uuid, pkg.DELETED)]
    assert Activity.get(Activity.uuid == edited.uuid).place == "Balai Desa Baru"
    # the laptop gets it back with the office's correction, and both agree
    o = send(sites, tmp_path, "office", "o.imp")
    receive(sites, "laptop", o)
    assert Activity.get(Activity.uuid == edited.uuid).place == "Balai Desa Baru"
    assert Activity.get_or_none(Activity.uuid == doomed.uuid) is None


def test_relayed_through_the_office_in_any_order(sites, tmp_path):
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    o1 = send(sites, tmp_path, "office", "o1.imp")
    receive(sites, "laptop2", o1)
    target = seventh_cadre()
    sites("laptop")
    edit_cadre(target, phone="081500000005")
    p2 = send(sites, tmp_path, "laptop", "p2.imp", since_last=True)
    receive(sites, "office", p2)
    o2 = send(sites, tmp_path, "office", "o2.imp", since_last=True)
    # the second laptop gets the relay, then the laptop's own package: nothing rolls back
    receive(sites, "laptop2", o2)
    receive(sites, "laptop2", p1)
    assert Cadre.get(Cadre.uuid == target).phone == "081500000005"
    laptop2 = cadres()
    sites("laptop")
    assert cadres() == laptop2


def test_a_package_of_the_old_format_gets_one_clear_sentence(sites, tmp_path):
    out = send(sites, tmp_path, "laptop", "p.imp")
    with zipfile.ZipFile(out) as zf:
        contents = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(contents.pop("manifest.json"))
    contents.pop("signature.json")
    contents.pop("versions.json")
    manifest["format_version"] = 2
    manifest["entries"].pop("versions.json")
    manifest_bytes = json.dumps(manifest).encode()
    old = tmp_path / "old.imp"
    with zipfile.ZipFile(old, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", manifest_bytes)
        zf.writestr("signature.json", json.dumps(signing.sign(manifest_bytes)))
    sites("office")
    with pytest.raises(UserError) as caught:
        pkg.read_package(old)
    message = str(caught.value)
    assert "versi lama" in message and message.count(". ") == 0 and "\n" not in message


def _activities():
    return {a.uuid: a.title for a in Activity.select()}


def test_a_package_continuing_one_not_received_is_refused_and_changes_nothing(sites, tmp_path):
    """Found by the model test: a "since the last package" package merged without
    the one before it left out what changed in between (the answers' deletion but
    not the checklist's) and nothing would ever send it again."""
    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    o1 = send(sites, tmp_path, "office", "o1.imp", office="Laptop Bu Sri")
    receive(sites, "laptop", o1)
    sites("office")
    gone = Activity.select().order_by(Activity.id).first().uuid
    activities.delete_activity(Activity.get(Activity.uuid == gone).id)
    o2 = send(sites, tmp_path, "office", "o2.imp", since_last=True, office="Laptop Bu Sri")
    target = seventh_cadre()
    edit_cadre(target, address="Jl. Kenanga 3")
    o3 = send(sites, tmp_path, "office", "o3.imp", since_last=True, office="Laptop Bu Sri")
    sites("laptop")
    before = cadres(), _activities()
    with pytest.raises(UserError) as caught:
        pkg.read_package(o3)
    message = str(caught.value)
    assert "belum diterima" in message and "paket lengkap" in message and "\n" not in message
    close_database()        # the command line refuses it too, in one sentence
    assert main(["package", "merge", str(o3), "--db", sites.targets["laptop"]]) == 1
    sites("laptop")
    assert (cadres(), _activities()) == before
    # in order, both are taken
    assert receive(sites, "laptop", o2).deleted >= 1
    assert receive(sites, "laptop", o3).updated == 1
    assert gone not in _activities()
    assert Cadre.get(Cadre.uuid == target).address == "Jl. Kenanga 3"


def test_a_restored_laptop_asks_for_a_full_package_and_its_new_edits_are_not_older(
        sites, tmp_path):
    from imp_desktop.services import backup

    p1 = send(sites, tmp_path, "laptop", "p1.imp")
    receive(sites, "office", p1)
    o1 = send(sites, tmp_path, "office", "o1.imp", office="Laptop Bu Sri")
    receive(sites, "laptop", o1)
    saved = tmp_path / "before.zip"
    backup.backup_to_file(saved)
    # the laptop deletes a checklist, hands over; the office relays the deletion back
    from imp_desktop.data.models import Assessment, AssessmentAnswer
    from imp_desktop.services import roles

    checklist = Assessment.select().order_by(Assessment.id).first().uuid
    roles.delete_assessment(Assessment.get(Assessment.uuid == checklist).id)
    edit_cadre(seventh_cadre(), phone="081700000007")
    p2 = send(sites, tmp_path, "laptop", "p2.imp", since_last=True)
    assert receive(sites, "office", p2).deleted > 1
    o2 = send(sites, tmp_path, "office", "o2.imp", since_last=True, office="Laptop Bu Sri")
    receive(sites, "laptop", o2)
    # the laptop's disk dies: the backup from before all that comes back
    close_database()
    backup.restore(saved, sites.targets["laptop"])
    sites("laptop")
    assert Assessment.get_or_none(Assessment.uuid == checklist) is not None
    edit_cadre(seventh_cadre(), occupation="Guru")       # a new edit after the restore
    p3 = send(sites, tmp_path, "laptop", "p3.imp", since_last=True)
    sites("office")
    late = pkg.merge_package(p3, trust_new_key=True)
    assert not late.older and late.note == "" and late.updated == 1
    assert Cadre.get(Cadre.uuid == seventh_cadre()).occupation == "Guru"
    assert Assessment.get_or_none(Assessment.uuid == checklist) is None   # stays deleted
    # the office's next "since the last package" one assumes o2 arrived: refused
    o3 = send(sites, tmp_path, "office", "o3.imp", since_last=True, office="Laptop Bu Sri")
    sites("laptop")
    with pytest.raises(UserError):
        pkg.read_package(o3)
    # a full package brings the laptop back: the deletion it had made, its edit
    full = send(sites, tmp_path, "office", "o4.imp", office="Laptop Bu Sri")
    result = receive(sites, "laptop", full)
    assert result.conflicts == []
    assert Assessment.get_or_none(Assessment.uuid == checklist) is None
    assert not AssessmentAnswer.select().join(Assessment).where(
        Assessment.uuid == checklist).exists()
    assert Cadre.get(Cadre.uuid == seventh_cadre()).phone == "081700000007"
    laptop = cadres()
    sites("office")
    assert cadres() == laptop


# --- the upgrade from schema 9 ---------------------------------------------------------
def _as_schema_9(path):
    """Turn a database of this program back into what schema 9 kept: the snapshot
    bases in ``sync_state`` (here: its content now, as if just exchanged)."""
    from imp_desktop.data.models import database
    from imp_desktop.data.sync import COMPACT, UuidMap, record_dicts, table_of
    from imp_desktop.data.versions import versioned_models

    later_tables = ("monthly_report", "monthly_line", "monthly_template")   # schema 13
    later_fields = {"activity": ("agenda_roles", "drafted"),                  # schema 15
                    "print_log": ("listing",)}                                # schema 16
    open_database(path)
    uuids = UuidMap()
    snapshots = {table_of(m): {r["uuid"]: COMPACT.encode(
        {**{k: v for k, v in r.items() if k not in later_fields.get(table_of(m), ())},
         "created_at": None, "updated_at": None})
        for r in record_dicts(m, uuids)}
        for m in versioned_models() if table_of(m) not in later_tables}
    with database.atomic():
        database.execute_sql("DROP TABLE record_version")
        for table in later_tables:
            database.execute_sql(f"DROP TABLE {table}")
        for table, fields in later_fields.items():
            for field in fields:
                database.execute_sql(f"ALTER TABLE {table} DROP COLUMN {field}")
        database.execute_sql(
            "CREATE TABLE sync_state (id INTEGER PRIMARY KEY, uuid VARCHAR(36) NOT NULL UNIQUE, "
            "created_at VARCHAR(255) NOT NULL, updated_at VARCHAR(255) NOT NULL, "
            "record_table VARCHAR(255) NOT NULL, record_uuid VARCHAR(36) NOT NULL, "
            "data TEXT NOT NULL)")
        for n, (table, contents) in enumerate(sorted(snapshots.items())):
            database.execute_sql(
                "INSERT INTO sync_state (uuid, created_at, updated_at, record_table, record_uuid,"
                " data) VALUES (?, 'x', 'x', ?, '*', ?)", (f"s{n}", table, COMPACT.encode(contents)))
        database.execute_sql("DELETE FROM schema_migrations WHERE version >= 12")
        database.execute_sql("DELETE FROM setting WHERE key IN ('replication.replica', "
                             "'installation_id', 'package.signing_key')")
    close_database()


def test_two_installations_that_had_exchanged_see_no_false_conflict_after_the_upgrade(tmp_path):
    import shutil

    from imp_desktop.data.db import schema_version
    from imp_desktop.data.models import Participant, database

    laptop, office = tmp_path / "laptop.sqlite", tmp_path / "office.sqlite"
    open_database(laptop)
    generate_demo(desa=1, cadres=20, seed=7, activities=2)
    close_database()
    shutil.copy(laptop, office)          # exchanged: both hold the same
    _as_schema_9(laptop)
    _as_schema_9(office)
    # changes made since the last exchange, still at schema 9
    first, second = [u for (u,) in database_rows(laptop, "SELECT uuid FROM cadre ORDER BY id "
                                                         "LIMIT 2")]
    database_rows(office, "UPDATE cadre SET phone = '081600000006' WHERE uuid = ?", (first,))
    database_rows(laptop, "UPDATE cadre SET phone = '081700000007' WHERE uuid = ?", (second,))
    dropped = database_rows(laptop, "SELECT uuid FROM participant ORDER BY id LIMIT 1")[0][0]
    database_rows(laptop, "DELETE FROM participant WHERE uuid = ?", (dropped,))

    open_database(laptop)                # upgraded on opening
    assert schema_version(database.obj) == migrations.latest_version()
    out = tmp_path / "l.imp"
    pkg.export_package(out)
    open_database(office)
    result = pkg.merge_package(out, allow_deletions=True)
    assert result.conflicts == [] and result.deleted == 1
    assert Participant.get_or_none(Participant.uuid == dropped) is None
    assert Cadre.get(Cadre.uuid == first).phone == "081600000006"
    assert Cadre.get(Cadre.uuid == second).phone == "081700000007"
    back = tmp_path / "o.imp"
    pkg.export_package(back)
    open_database(laptop)
    assert pkg.merge_package(back, allow_deletions=True).conflicts == []
    assert Cadre.get(Cadre.uuid == first).phone == "081600000006"
    laptop_cadres = cadres()
    open_database(office)
    assert cadres() == laptop_cadres
    close_database()


def database_rows(path, sql, params=()):
    connection = cipher.connect_file(str(path))
    try:
        with connection:
            return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


# --- a whole (a checklist with its answers, an activity with its attendance) ---------------
def _checklist_answers(checklist: str) -> dict:
    from imp_desktop.data.models import Assessment, AssessmentAnswer, RoleIndicator

    return {a.uuid: (ind.key, a.met, a.note) for a, ind in (
        (a, RoleIndicator.get_by_id(a.indicator_id)) for a in AssessmentAnswer.select().join(
            Assessment).where(Assessment.uuid == checklist))}


def _correct_an_answer(checklist: str, note: str) -> None:
    """A correction of one answer through the checklist's service."""
    from imp_desktop.data.models import Assessment
    from imp_desktop.services import roles

    assessment_id = Assessment.get(Assessment.uuid == checklist).id
    sheet = roles.get_assessment(assessment_id)
    answers = {line.indicator_id: roles.AnswerInput(bool(line.met), line.note,
                                                    line.evidence_activity_id,
                                                    line.evidence_photo)
               for role in sheet.roles for line in role.lines}
    first = next(iter(answers))
    answers[first] = roles.AnswerInput(not answers[first].met, note)
    roles.save_assessment(roles.AssessmentInput(sheet.unit_id, sheet.period, answers,
                                                sheet.assessed_on, sheet.assessor, sheet.note),
                          assessment_id)


def _delete_checklist(checklist: str) -> None:
    from imp_desktop.data.models import Assessment
    from imp_desktop.services import roles

    roles.delete_assessment(Assessment.get(Assessment.uuid == checklist).id)


def _shared_checklist(sites, tmp_path) -> tuple[str, dict]:
    from imp_desktop.data.models import Assessment

    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    receive(sites, "laptop", send(sites, tmp_path, "office", "o0.imp", office="Laptop Bu Sri"))
    checklist = Assessment.select().order_by(Assessment.id).first().uuid
    return checklist, _checklist_answers(checklist)


@pytest.mark.parametrize("policy", ["mine", "theirs"])
def test_a_checklist_corrected_here_and_deleted_there_is_kept_or_deleted_whole(
        sites, tmp_path, policy):
    checklist, answers = _shared_checklist(sites, tmp_path)
    assert len(answers) > 5
    sites("office")
    _delete_checklist(checklist)
    o = send(sites, tmp_path, "office", "o.imp", office="Laptop Bu Sri")
    sites("laptop")
    _correct_an_answer(checklist, "dikoreksi di desa")
    corrected = _checklist_answers(checklist)
    result = receive(sites, "laptop", o, policy=policy)
    # one question: the checklist against its deletion, whichever answers were corrected
    assert [(c.record_uuid, c.field) for c in result.conflicts] == [(checklist, pkg.DELETED)]
    if policy == "mine":
        assert _checklist_answers(checklist) == corrected     # every answer stays
    else:
        assert _checklist_answers(checklist) == {}
    # the office gets the laptop's decision: both hold the same checklist (or none)
    back = receive(sites, "office", send(sites, tmp_path, "laptop", "l.imp"), policy="mine")
    assert back.conflicts == []
    assert _checklist_answers(checklist) == (corrected if policy == "mine" else {})


@pytest.mark.parametrize("since_last", [False, True], ids=["full", "since_last"])
@pytest.mark.parametrize("policy", ["mine", "theirs"])
def test_a_checklist_deleted_here_and_corrected_there_comes_back_whole_or_not_at_all(
        sites, tmp_path, policy, since_last):
    checklist, answers = _shared_checklist(sites, tmp_path)
    _delete_checklist(checklist)
    sites("office")
    _correct_an_answer(checklist, "dikoreksi di kantor")
    corrected = _checklist_answers(checklist)
    # "since the last package" carries the checklist and every answer, not only the one
    o = send(sites, tmp_path, "office", "o.imp", office="Laptop Bu Sri", since_last=since_last)
    result = receive(sites, "laptop", o, policy=policy)     # no reference error
    assert [(c.record_uuid, c.field) for c in result.conflicts] == [(checklist, pkg.DELETED)]
    assert _checklist_answers(checklist) == (corrected if policy == "theirs" else {})
    back = receive(sites, "office", send(sites, tmp_path, "laptop", "l.imp"), policy="mine")
    assert back.conflicts == []
    assert _checklist_answers(checklist) == (corrected if policy == "theirs" else {})


@pytest.mark.parametrize("policy", ["mine", "theirs"])
def test_a_guest_added_there_to_an_activity_deleted_here(sites, tmp_path, policy):
    from imp_desktop.data.models import Participant

    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    receive(sites, "laptop", send(sites, tmp_path, "office", "o0.imp", office="Laptop Bu Sri"))
    target = Activity.select().order_by(Activity.id).first()
    activities.delete_activity(target.id)
    p2 = send(sites, tmp_path, "laptop", "p2.imp", since_last=True)
    sites("office")
    activity_id = Activity.get(Activity.uuid == target.uuid).id
    data = activities.get_activity(activity_id).input
    rows = activities.participants_of(activity_id)
    rows.append(activities.guest_row("Bidan Desa", "Tamu"))
    activities.save_activity(data, rows, activities.photos_of(activity_id), activity_id)

    def attendance():
        return sorted((p.uuid, p.guest_name or "") for p in Participant.select().join(
            Activity).where(Activity.uuid == target.uuid))

    present = attendance()
    result = pkg.merge_package(p2, policy=policy)        # the office receives the deletion
    assert [(c.record_uuid, c.field) for c in result.conflicts] == [(target.uuid, pkg.DELETED)]
    assert attendance() == (present if policy == "mine" else [])
    o = send(sites, tmp_path, "office", "o.imp", office="Laptop Bu Sri", since_last=True)
    back = receive(sites, "laptop", o, policy="mine")
    assert back.conflicts == []
    assert attendance() == (present if policy == "mine" else [])


def _attendance(activity_uuid: str) -> list:
    from imp_desktop.data.models import Participant

    return sorted((p.uuid, p.status or "", p.guest_name or "") for p in Participant.select().join(
        Activity).where(Activity.uuid == activity_uuid))


def _save_activity(activity_uuid: str, change) -> None:
    """An activity saved again through its service: ``change(data, rows)`` edits its
    form and returns the attendance to save."""
    activity_id = Activity.get(Activity.uuid == activity_uuid).id
    data = activities.get_activity(activity_id).input
    rows = change(data, activities.participants_of(activity_id))
    activities.save_activity(data, rows, activities.photos_of(activity_id), activity_id)


def _mark_first_absent(activity_uuid: str) -> None:
    """A correction of one attendance status through the activity's service."""
    def change(data, rows):
        rows[0].status = "alpa" if rows[0].status != "alpa" else "hadir"
        return rows
    _save_activity(activity_uuid, change)


@pytest.mark.parametrize("policy", ["mine", "theirs"])
def test_an_attendance_corrected_there_to_an_activity_deleted_here(sites, tmp_path, policy):
    """Rule 6 for a part's edit (a participant's status) concurrent with its
    whole's deletion, both ways and relayed through a third installation: one
    question, and afterwards the same attendance (or none) everywhere."""
    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    receive(sites, "laptop", send(sites, tmp_path, "office", "o0.imp", office="Laptop Bu Sri"))
    target = Activity.select().order_by(Activity.id).first().uuid
    activities.delete_activity(Activity.get(Activity.uuid == target).id)
    p2 = send(sites, tmp_path, "laptop", "p2.imp", since_last=True)
    sites("office")
    _mark_first_absent(target)
    corrected = _attendance(target)
    o = send(sites, tmp_path, "office", "o.imp", office="Laptop Bu Sri", since_last=True)
    result = pkg.merge_package(p2, policy=policy)          # the office receives the deletion
    assert [(c.record_uuid, c.field) for c in result.conflicts] == [(target, pkg.DELETED)]
    kept = corrected if policy == "mine" else []
    assert _attendance(target) == kept
    # the laptop receives the correction made before the office decided: one question too
    there = receive(sites, "laptop", o, policy=policy)
    assert [(c.record_uuid, c.field) for c in there.conflicts] == [(target, pkg.DELETED)]
    # each side decided alike ("mine" keeps the deletion on the laptop, the attendance at the
    # office): the next exchange settles it without a question, both holding the same
    o2 = send(sites, tmp_path, "office", "o2.imp", office="Laptop Bu Sri")
    l2 = send(sites, tmp_path, "laptop", "l2.imp")
    at_laptop = receive(sites, "laptop", o2, policy="mine")
    at_office = receive(sites, "office", l2, policy="mine")
    sites("laptop")
    on_laptop = _attendance(target)
    sites("office")
    assert _attendance(target) == on_laptop, (at_laptop.conflicts, at_office.conflicts)


def _two_rounds_through_the_office(sites, tmp_path, policy: str, quiet_from: int) -> None:
    """Both laptops send to the office and receive from it, twice; from round
    ``quiet_from`` on, no laptop is asked anything."""
    for round_ in (1, 2):
        for site in ("laptop", "laptop2"):
            receive(sites, "office", send(sites, tmp_path, site, f"{site}-{round_}.imp"),
                    policy=policy)
        for site in ("laptop", "laptop2"):
            back = receive(sites, site, send(sites, tmp_path, "office", f"o-{site}-{round_}.imp",
                                             office=site), policy=policy)
            assert round_ < quiet_from or back.conflicts == [], (site, back.conflicts)


def test_a_record_that_saw_one_of_two_deletions_has_not_seen_the_other(sites, tmp_path):
    """Found by the model test's long run. The office and the laptop delete the same
    activity without seeing each other's deletion; laptop2, which had corrected it,
    keeps it against the laptop's deletion. Merging the two deletions at the office
    kept only the newer one's dot (the laptop's), so laptop2's copy passed for one
    that had seen both: the activity came back at the office, which had deleted it
    after seeing laptop2's correction. That deletion wins, without a question, and
    everyone ends with the same data."""
    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    receive(sites, "laptop2", send(sites, tmp_path, "office", "o1.imp", office="Laptop Dua"))
    receive(sites, "laptop", send(sites, tmp_path, "office", "o2.imp", office="Laptop Bu Sri"))
    sites("office")
    target = Activity.select().order_by(Activity.id).first().uuid
    _save_activity(target, lambda data, rows: rows[1:])     # the office takes one attendee off
    sites("laptop2")

    def correct_title(data, rows):
        data.title = "Pembinaan kader (dibetulkan)"
        return rows
    _save_activity(target, correct_title)
    sites("laptop")
    for number in range(40):    # the laptop's deletion gets the newer dot of the two
        edit_cadre(seventh_cadre(), phone=f"0812{number:08d}")
    activities.delete_activity(Activity.get(Activity.uuid == target).id)
    receive(sites, "office", send(sites, tmp_path, "laptop2", "q1.imp", office="Kantor"))
    sites("office")
    activities.delete_activity(Activity.get(Activity.uuid == target).id)
    kept = receive(sites, "laptop2", send(sites, tmp_path, "laptop", "p2.imp", office="Laptop Dua"),
                   policy="mine", allow_deletions=True)
    assert [(c.record_uuid, c.field) for c in kept.conflicts] == [(target, pkg.DELETED)]
    _two_rounds_through_the_office(sites, tmp_path, "mine", quiet_from=2)
    for site in ("office", "laptop", "laptop2"):
        sites(site)
        assert not Activity.select().where(Activity.uuid == target).exists(), site
        assert _attendance(target) == [], site


def test_a_record_kept_against_a_deletion_claims_no_edit_the_deleter_had_seen(sites, tmp_path):
    """Rule 1 for a record kept against a deletion ("mine"). laptop2 deletes an
    activity after receiving the office's new title; the laptop, which never had
    that title, corrects an attendance and keeps the activity against laptop2's
    deletion. The kept version used to take the deletion's whole context, claiming
    the office's title: its older title then met the office's as a false conflict
    ("theirs" took the old one back). It now records only the deletion's dot."""
    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    receive(sites, "laptop2", send(sites, tmp_path, "office", "o1.imp", office="Laptop Dua"))
    receive(sites, "laptop", send(sites, tmp_path, "office", "o2.imp", office="Laptop Bu Sri"))
    sites("office")
    target = Activity.select().order_by(Activity.id).first().uuid
    new_title = "Pembinaan kader (judul dari kantor)"

    def retitle(data, rows):
        data.title = new_title
        return rows
    _save_activity(target, retitle)
    receive(sites, "laptop2", send(sites, tmp_path, "office", "o3.imp", office="Laptop Dua",
                                   since_last=True))
    sites("laptop2")
    activities.delete_activity(Activity.get(Activity.uuid == target).id)
    sites("laptop")
    old_title = Activity.get(Activity.uuid == target).title
    _mark_first_absent(target)
    corrected = _attendance(target)
    kept = receive(sites, "laptop", send(sites, tmp_path, "laptop2", "q1.imp",
                                         office="Laptop Bu Sri"),
                   policy="mine", allow_deletions=True)
    assert [(c.record_uuid, c.field) for c in kept.conflicts] == [(target, pkg.DELETED)]
    assert Activity.get(Activity.uuid == target).title == old_title != new_title
    at_office = receive(sites, "office", send(sites, tmp_path, "laptop", "p2.imp"),
                        policy="theirs")
    assert at_office.conflicts == []
    assert Activity.get(Activity.uuid == target).title == new_title
    assert _attendance(target) == corrected
    _two_rounds_through_the_office(sites, tmp_path, "theirs", quiet_from=1)
    for site in ("office", "laptop", "laptop2"):
        sites(site)
        assert Activity.get(Activity.uuid == target).title == new_title, site
        assert _attendance(target) == corrected, site


def _photos(activity_uuid: str) -> list:
    from imp_desktop.data.models import ActivityPhoto

    return sorted(p.uuid for p in ActivityPhoto.select().join(Activity).where(
        Activity.uuid == activity_uuid))


def _add_photo(activity_uuid: str, colour: int):
    """A new photo added to an activity through its service (its PhotoInfo)."""
    photo = _photo(colour)
    activity_id = Activity.get(Activity.uuid == activity_uuid).id
    activities.save_activity(
        activities.get_activity(activity_id).input, activities.participants_of(activity_id),
        activities.photos_of(activity_id) + [photo], activity_id)
    return photo


def test_a_photo_kept_after_its_deletion_goes_with_the_second_deletion(sites, tmp_path):
    """Found by the model test's long run. The office adds a photo to an activity and
    deletes the activity; laptop2, which had corrected the title, keeps it (photo
    and all: that copy of the photo has seen its deletion). The laptop's edit of
    an attendee brings the activity back at the office without the photo, and the
    office deletes it again. When laptop2's copy arrived, the office kept its
    deletion (one question), but the photo's tombstone still named only the first
    deletion, which laptop2's copy had seen: the office's next package asked
    laptop2 about the whole activity again, although the office had decided with
    that very copy in view (in the model test's final exchange, for ever). A
    deletion kept against an edit is now a new deletion (``applying._decided_deletion``),
    for the whole and every part it keeps deleted."""
    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    receive(sites, "laptop2", send(sites, tmp_path, "office", "o1.imp", office="Laptop Dua"))
    sites("office")
    target = Activity.select().order_by(Activity.id).first().uuid
    before = _photos(target)
    _add_photo(target, 5)
    [photo] = set(_photos(target)) - set(before)
    receive(sites, "laptop2", send(sites, tmp_path, "office", "o2.imp", office="Laptop Dua"))
    assert photo in _photos(target)

    def correct_title(data, rows):
        data.title = "Pembinaan kader (dibetulkan)"
        return rows
    _save_activity(target, correct_title)
    sites("office")
    activities.delete_activity(Activity.get(Activity.uuid == target).id)
    kept = receive(sites, "laptop2", send(sites, tmp_path, "office", "o3.imp",
                                          office="Laptop Dua"), policy="mine")
    assert [(c.record_uuid, c.field) for c in kept.conflicts] == [(target, pkg.DELETED)]
    assert photo in _photos(target)
    sites("laptop")
    _mark_first_absent(target)
    back = receive(sites, "office", send(sites, tmp_path, "laptop", "p2.imp"), policy="theirs")
    assert [(c.record_uuid, c.field) for c in back.conflicts] == [(target, pkg.DELETED)]
    assert Activity.select().where(Activity.uuid == target).exists()
    assert photo not in _photos(target)
    activities.delete_activity(Activity.get(Activity.uuid == target).id)
    for round_ in (1, 2):
        for site in ("laptop", "laptop2"):
            to_office = receive(sites, "office", send(sites, tmp_path, site,
                                                      f"{site}-{round_}.imp"), policy="mine")
            assert round_ == 1 or to_office.conflicts == [], (site, to_office.conflicts)
        for site in ("laptop", "laptop2"):
            # the office decided with every copy in view: its package asks nothing
            back = receive(sites, site, send(sites, tmp_path, "office", f"o-{site}-{round_}.imp",
                                             office=site), policy="mine", allow_deletions=True)
            assert back.conflicts == [], (round_, site, back.conflicts)
    held = {}
    for site in ("office", "laptop", "laptop2"):
        sites(site)
        held[site] = (Activity.select().where(Activity.uuid == target).exists(),
                      _photos(target), _attendance(target))
    assert held["laptop"] == held["office"] == held["laptop2"], held


def test_a_photo_file_the_office_let_go_comes_back_once(sites, tmp_path):
    """On PostgreSQL the office keeps photo files as ``stored_file`` records, which
    travel. The office adds a photo, the laptop receives it, the office takes the
    photo off again (its file goes too). The laptop's next package carries the
    file's record and its bytes: the merge stored the bytes first as a new record,
    then inserted the package's record of the same hash, and PostgreSQL's unique
    key stopped the merge with a traceback. One record of the file now."""
    from imp_desktop.data.models import StoredFile

    receive(sites, "office", send(sites, tmp_path, "laptop", "p1.imp"))
    sites("office")
    target = Activity.select().order_by(Activity.id).first().uuid
    activity_id = Activity.get(Activity.uuid == target).id
    before = activities.photos_of(activity_id)
    stored = _add_photo(target, 2)
    receive(sites, "laptop", send(sites, tmp_path, "office", "o1.imp", office="Laptop Bu Sri"))
    sites("office")
    activities.save_activity(activities.get_activity(activity_id).input,
                             activities.participants_of(activity_id), before, activity_id)
    result = receive(sites, "office", send(sites, tmp_path, "laptop", "p2.imp"), policy="mine")
    assert result.conflicts == []
    assert stored.file_name not in [p.file_name for p in activities.photos_of(activity_id)]
    digests = [s.sha256 for s in StoredFile.select(StoredFile.sha256)]
    assert len(digests) == len(set(digests))
