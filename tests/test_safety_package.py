"""Hand-over packages between installations, merging and the audit trail.

The ``two`` fixture (conftest) gives two installations (an officer's laptop and the
district office) as database files; ``use(name)`` switches between them.
With IMP_TEST_PG_URL set, the office runs on PostgreSQL as well.
"""
import hashlib
import io
import json
import zipfile

import pytest

from imp_desktop.cli import main
from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import AuditEntry, Cadre, Handover, RecordVersion, Setting, Unit
from imp_desktop.errors import UserError
from imp_desktop.services import package as pkg
from imp_desktop.services import signing
from imp_desktop.services.cadres import CadreInput, save_cadre, set_active



def _snapshot():
    return {c.uuid: (c.name, c.phone, c.active, c.merged_into_id)
            for c in Cadre.select().order_by(Cadre.id)}


def _send(use, tmp_path, name="p.imp", **kwargs):
    use("laptop")
    out = tmp_path / name
    pkg.export_package(out, **kwargs)
    return out


def test_manifest_lists_every_entry_with_its_hash(two, tmp_path):
    out = _send(two, tmp_path)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        for name, entry in manifest["entries"].items():
            import hashlib

            assert hashlib.sha256(zf.read(name)).hexdigest() == entry["sha256"]
    assert manifest["officer"]["name"] and manifest["kecamatan"]["code"] == "33.22.02"
    assert manifest["schema_version"] >= 5 and manifest["exported_at"]
    assert manifest["counts"]["cadre"] == 60


def test_first_merge_brings_everything_and_merging_twice_changes_nothing(two, tmp_path):
    out = _send(two, tmp_path)
    laptop = _snapshot()
    two("office")
    result = pkg.merge_package(out)
    assert result.added >= 60 and not result.conflicts
    office = _snapshot()
    assert {u: v[:3] for u, v in office.items()} == {u: v[:3] for u, v in laptop.items()}
    units = Unit.select().count()
    audit = AuditEntry.select().count()
    again = pkg.merge_package(out)
    assert again.added == again.updated == again.deleted == 0
    assert _snapshot() == office and Unit.select().count() == units
    assert AuditEntry.select().count() == audit


def test_changes_on_one_side_travel_and_both_sides_conflict_field_by_field(two, tmp_path):
    first = _send(two, tmp_path, "1.imp")
    two("office")
    pkg.merge_package(first)
    target = Cadre.select().order_by(Cadre.id).first().uuid
    other = Cadre.select().order_by(Cadre.id.desc()).first().uuid
    # the office edits the phone of one cadre and the name of another
    c = Cadre.get(Cadre.uuid == target)
    c.phone = "081111111111"
    c.save()
    o = Cadre.get(Cadre.uuid == other)
    o.occupation = "Guru"
    o.save()
    two("laptop")
    c = Cadre.get(Cadre.uuid == target)
    c.phone = "082222222222"        # both sides: a conflict
    c.name = "Nama Dari Laptop"     # laptop only: travels
    c.save()
    set_active(Cadre.get(Cadre.uuid == other).id, False, "Pindah domisili")
    second = _send(two, tmp_path, "2.imp", since_last=True)
    two("office")
    plan = pkg.plan_merge(pkg.read_package(second))
    assert [(c.field, c.mine, c.theirs) for c in plan.conflicts] == \
        [("phone", "081111111111", "082222222222")]
    assert len(plan.package.tables["cadre"]) == 2     # only what changed
    pkg.apply_merge(plan, "mine")
    c = Cadre.get(Cadre.uuid == target)
    assert (c.name, c.phone) == ("Nama Dari Laptop", "081111111111")
    o = Cadre.get(Cadre.uuid == other)
    assert (o.active, o.inactive_reason, o.occupation) == (False, "Pindah domisili", "Guru")
    # merging it again changes nothing; choosing theirs field by field does
    assert pkg.merge_package(second).updated == 0
    plan = pkg.plan_merge(pkg.read_package(second))
    assert not plan.conflicts


def test_field_resolution_and_theirs_policy(two, tmp_path):
    first = _send(two, tmp_path, "1.imp")
    two("office")
    pkg.merge_package(first)
    uuid = Cadre.select().first().uuid
    c = Cadre.get(Cadre.uuid == uuid)
    c.phone, c.education = "081", "SD"
    c.save()
    two("laptop")
    c = Cadre.get(Cadre.uuid == uuid)
    c.phone, c.education = "082", "S1"
    c.save()
    second = _send(two, tmp_path, "2.imp")
    two("office")
    plan = pkg.plan_merge(pkg.read_package(second))
    assert {c.field for c in plan.conflicts} == {"phone", "education"}
    pkg.apply_merge(plan, "mine", {("cadre", uuid, "education"): "theirs"})
    c = Cadre.get(Cadre.uuid == uuid)
    assert (c.phone, c.education) == ("081", "S1")
    # who changed what is in the audit trail, with the merge named
    fields = {(e.field, e.action) for e in AuditEntry.select().where(AuditEntry.record_uuid == uuid)}
    assert ("education", "merge") in fields and ("phone", "update") in fields


def test_a_merged_duplicate_travels(two, tmp_path):
    two("laptop")
    keep, dup = list(Cadre.select().order_by(Cadre.id).limit(2))
    dup.merged_into = keep.id
    dup.active = False
    dup.inactive_reason = "Data ganda"
    dup.save()
    out = _send(two, tmp_path)
    two("office")
    pkg.merge_package(out)
    moved = Cadre.get(Cadre.uuid == dup.uuid)
    assert moved.merged_into.uuid == keep.uuid and not moved.active


def test_a_cadre_matched_by_nik_is_found_again_and_never_sent_back_as_deleted(two, tmp_path):
    import datetime as dt

    from imp_desktop.data.models import Activity, Participant
    from imp_desktop.services import activities

    two("laptop")
    cadre = Cadre.select().where(Cadre.nik.is_null(False)).order_by(Cadre.id).first()
    two("office")      # the office registered the same person itself
    own = save_cadre(CadreInput(name=cadre.name, nik=cadre.nik))
    first = _send(two, tmp_path, since_last=True)
    two("office")
    pkg.merge_package(first)
    assert Cadre.select().where(Cadre.nik == cadre.nik).count() == 1

    # A "since the last package" package leaves the unchanged cadre out.
    two("laptop")
    activity_id = activities.save_activity(
        activities.ActivityInput(title="Rapat kader", date=dt.date(2026, 12, 1)),
        [activities.ParticipantRow(cadre_id=cadre.id, name=cadre.name)], [])
    activity_uuid = Activity.get_by_id(activity_id).uuid
    second = _send(two, tmp_path, "p2.imp", since_last=True)
    assert cadre.uuid not in {r["uuid"] for r in pkg.read_package(second).tables["cadre"]}
    two("office")
    pkg.merge_package(second)
    merged = Participant.select().join(Activity).where(Activity.uuid == activity_uuid).get()
    assert merged.cadre_id == own

    # The office's package back does not call the laptop's cadre deleted.
    back = tmp_path / "back.imp"
    pkg.export_package(back)
    assert cadre.uuid not in pkg.read_package(back).deleted.get("cadre", [])
    two("laptop")
    result = pkg.merge_package(back)
    assert result.deleted == 0 and Cadre.get(Cadre.uuid == cadre.uuid).nik == cadre.nik


def test_audit_trail_records_who_what_and_travels(two, tmp_path):
    two("laptop")
    cadre_id = save_cadre(CadreInput(name="Sri Lestari", phone="0812 3456 789"))
    save_cadre(CadreInput(name="Sri Lestari Wahyuni", phone="0812 3456 789"), cadre_id)
    uuid = Cadre.get_by_id(cadre_id).uuid
    entries = list(AuditEntry.select().where(AuditEntry.record_uuid == uuid)
                   .order_by(AuditEntry.id))
    assert entries[0].action == "create"
    change = [e for e in entries if e.action == "update" and e.field == "name"][0]
    assert json.loads(change.old_value) == "Sri Lestari"
    assert json.loads(change.new_value) == "Sri Lestari Wahyuni"
    assert change.officer          # the demo officer profile
    out = _send(two, tmp_path)
    two("office")
    pkg.merge_package(out)
    assert AuditEntry.select().where(AuditEntry.record_uuid == uuid).count() == len(entries)


@pytest.mark.parametrize("damage", ["truncate", "bitflip", "tamper", "extra", "garbage"])
def test_damaged_packages_are_refused_before_anything_is_written(two, tmp_path, damage):
    out = _send(two, tmp_path)
    data = bytearray(out.read_bytes())
    if damage == "truncate":
        data = data[: len(data) - 300]
    elif damage == "bitflip":
        data[len(data) // 3] ^= 0x01
    elif damage == "garbage":
        data = bytearray(b"PK\x03\x04" + b"\x00" * 200)
    out.write_bytes(bytes(data))
    if damage in ("tamper", "extra"):
        with zipfile.ZipFile(tmp_path / "p.imp") as src:
            items = {n: src.read(n) for n in src.namelist()}
        rows = json.loads(items["records/cadre.json"])
        rows[0]["name"] = "Diubah Orang Lain"
        if damage == "tamper":
            items["records/cadre.json"] = json.dumps(rows).encode()
        else:
            items["records/extra.json"] = b"[]"
        with zipfile.ZipFile(out, "w") as dst:
            for name, content in items.items():
                dst.writestr(name, content)
    two("office")
    before = (Cadre.select().count(), RecordVersion.select().count(), AuditEntry.select().count())
    with pytest.raises(UserError, match="rusak|bukan paket"):
        pkg.merge_package(out)
    assert (Cadre.select().count(), RecordVersion.select().count(),
            AuditEntry.select().count()) == before


def test_encrypted_package_needs_the_right_passphrase(two, tmp_path):
    out = _send(two, tmp_path, passphrase="rahasia kantor 2026")
    assert pkg.is_encrypted(out)
    # Nothing readable inside: no NIK, no officer name, not even the zip's own header.
    # (Long strings only: a short one like b"nik" turns up in random bytes now and then.)
    blob = out.read_bytes()
    some_nik = Cadre.select(Cadre.nik).where(Cadre.nik.is_null(False)).first().nik
    for plain_text in (some_nik.encode(), b"Sri Wahyuningsih", b"manifest.json", b"PK\x03\x04"):
        assert plain_text not in blob
    two("office")
    with pytest.raises(UserError, match="kata sandi"):
        pkg.merge_package(out)
    with pytest.raises(UserError, match="Kata sandi salah"):
        pkg.merge_package(out, passphrase="salah")
    assert Cadre.select().count() == 0
    # signed inside the encryption too
    inner = pkg.decrypt(out.read_bytes(), "rahasia kantor 2026", str(out))
    with zipfile.ZipFile(io.BytesIO(inner)) as zf:
        assert signing.verify(zf.read("manifest.json"), json.loads(zf.read("signature.json")))
    result = pkg.merge_package(out, passphrase="rahasia kantor 2026")
    assert result.added >= 60 and result.key_status == "new"


def test_cli_export_and_merge(tmp_path, capsys):
    laptop, office = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    assert main(["demo", "--db", laptop, "--desa", "1", "--cadres", "25"]) == 0
    secret = tmp_path / "sandi.txt"
    secret.write_text("kunci rahasia\n")
    out = str(tmp_path / "kirim.imp")
    assert main(["package", "export", "--db", laptop, "--out", out,
                 "--passphrase-file", str(secret)]) == 0
    assert main(["package", "export", "--db", laptop, "--out", str(tmp_path / "x.imp"),
                 "--since-last"]) == 0
    assert "0 data" in capsys.readouterr().out.splitlines()[-2]
    assert main(["package", "merge", out, "--db", office, "--passphrase-file", str(secret),
                 "--theirs"]) == 0
    assert "25" in capsys.readouterr().out or Cadre.select().count() == 25
    assert Cadre.select().count() == 25
    assert main(["package", "merge", out, "--db", office]) == 1   # no passphrase
    close_database()


# --- signatures ---------------------------------------------------------------------
def _rewrite(path, change):
    """Rewrite the zip at ``path`` after ``change(items)`` edits its entries."""
    with zipfile.ZipFile(path) as src:
        items = {n: src.read(n) for n in src.namelist()}
    change(items)
    with zipfile.ZipFile(path, "w") as dst:
        for name, content in items.items():
            dst.writestr(name, content)


def _edit_cadre_and_recompute_hashes(items):
    rows = json.loads(items["records/cadre.json"])
    rows[0]["name"] = "Diubah Orang Lain"
    items["records/cadre.json"] = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    manifest = json.loads(items["manifest.json"])
    for name in manifest["entries"]:
        manifest["entries"][name] = {"sha256": hashlib.sha256(items[name]).hexdigest(),
                                     "size": len(items[name])}
    items["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")


def _state():
    return (Cadre.select().count(), RecordVersion.select().count(), AuditEntry.select().count(),
            Handover.select().count(), sorted((s.key, s.value) for s in Setting.select()))


def _laptop_reinstalled(use):
    """The laptop keeps its installation id but loses its key (e.g. a partial restore)."""
    use("laptop")
    Setting.delete().where(Setting.key == signing.OWN_KEY).execute()


def test_a_package_is_signed_and_the_first_merge_pins_the_senders_key(two, tmp_path):
    out = _send(two, tmp_path)
    laptop_key = signing.own_public_key()
    with zipfile.ZipFile(out) as zf:
        block = json.loads(zf.read("signature.json"))
        manifest_bytes = zf.read("manifest.json")
    assert json.loads(manifest_bytes)["format_version"] == pkg.FORMAT_VERSION == 3
    assert signing.verify(manifest_bytes, block) == laptop_key
    installation = json.loads(manifest_bytes)["installation"]
    two("office")
    package = pkg.read_package(out)
    assert package.key_status == "new" and package.fingerprint == signing.fingerprint(laptop_key)
    assert signing.pinned_key(installation) is None      # reading writes nothing
    assert "paket pertama" in package.key_note() and package.fingerprint in package.key_note()
    assert pkg.merge_package(out).key_status == "new"
    pin = signing.pinned_key(installation)
    assert pin.public_key == laptop_key and pin.officer == package.officer_name
    assert pkg.read_package(out).key_status == "known"
    assert signing.own_public_key() != laptop_key        # the office has its own key
    # five groups of four hex digits, the same on both sides
    assert len(pin.fingerprint.split()) == 5 and all(len(g) == 4 for g in pin.fingerprint.split())


def test_an_edited_record_with_recomputed_hashes_is_refused(two, tmp_path):
    out = _send(two, tmp_path)
    _rewrite(out, _edit_cadre_and_recompute_hashes)
    two("office")
    before = _state()
    with pytest.raises(UserError, match="Tanda tangan paket .* tidak cocok .* diubah"):
        pkg.merge_package(out)
    assert _state() == before
    assert not Cadre.select().where(Cadre.name == "Diubah Orang Lain").exists()


@pytest.mark.parametrize("how", ["removed", "old_format", "empty", "other_manifest"])
def test_a_package_without_a_valid_signature_is_refused(two, tmp_path, how):
    out = _send(two, tmp_path)
    other = _send(two, tmp_path, "other.imp", office="Kantor Lain")

    def change(items):
        if how == "removed":
            del items["signature.json"]
        elif how == "old_format":      # what an unsigned package of version 1 looks like
            del items["signature.json"]
            manifest = json.loads(items["manifest.json"])
            manifest["format_version"] = 1
            items["manifest.json"] = json.dumps(manifest).encode()
        elif how == "empty":
            items["signature.json"] = b"{}"
        else:                          # a genuine signature, but of another package
            with zipfile.ZipFile(other) as zf:
                items["signature.json"] = zf.read("signature.json")

    _rewrite(out, change)
    two("office")
    before = _state()
    expected = "tidak bertanda tangan" if how in ("removed", "old_format") else "Tanda tangan"
    with pytest.raises(UserError, match=expected):
        pkg.merge_package(out)
    assert _state() == before


def test_another_key_for_a_known_installation_is_refused_until_trusted(two, tmp_path):
    first = _send(two, tmp_path, "1.imp")
    old_fingerprint = signing.own_fingerprint()
    two("office")
    pkg.merge_package(first)
    _laptop_reinstalled(two)
    c = Cadre.select().order_by(Cadre.id).first()
    c.phone = "089999999999"
    c.save()
    second = _send(two, tmp_path, "2.imp", since_last=True)
    new_fingerprint = signing.own_fingerprint()
    assert new_fingerprint != old_fingerprint
    two("office")
    before = _state()
    with pytest.raises(pkg.KeyChangedError) as caught:
        pkg.merge_package(second)
    message = str(caught.value)
    assert "kunci lain" in message and "palsu" in message and "dipasang ulang" in message
    assert new_fingerprint in message and old_fingerprint in message and "Telepon" in message
    assert (caught.value.fingerprint, caught.value.pinned) == (new_fingerprint, old_fingerprint)
    assert _state() == before
    # a plan made with trust cannot be applied by someone who did not trust it
    plan = pkg.plan_merge(pkg.read_package(second, trust_new_key=True))
    assert plan.package.key_status == "trusted" and "diterima dengan sengaja" in \
        plan.package.key_note()
    result = pkg.apply_merge(plan)
    assert result.updated == 1 and result.key_status == "trusted"
    assert Cadre.get(Cadre.uuid == c.uuid).phone == "089999999999"
    installation = plan.package.installation
    assert signing.pinned_key(installation).fingerprint == new_fingerprint
    # from now on the old key is the stranger
    assert pkg.read_package(second).key_status == "known"
    with pytest.raises(pkg.KeyChangedError):
        pkg.read_package(first)


def test_a_tampered_package_signed_again_by_another_key_is_refused(two, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    first = _send(two, tmp_path, "1.imp")
    second = _send(two, tmp_path, "2.imp")
    two("office")
    pkg.merge_package(first)
    forger = Ed25519PrivateKey.generate()

    def forge(items):
        _edit_cadre_and_recompute_hashes(items)
        from cryptography.hazmat.primitives import serialization

        public = forger.public_key().public_bytes(serialization.Encoding.Raw,
                                                  serialization.PublicFormat.Raw)
        items["signature.json"] = json.dumps({
            "algorithm": "Ed25519", "public_key": signing._b64(public),
            "signature": signing._b64(forger.sign(items["manifest.json"]))}).encode()

    _rewrite(second, forge)
    before = _state()
    with pytest.raises(pkg.KeyChangedError, match="mungkin palsu"):
        pkg.merge_package(second)
    assert _state() == before


def test_a_pin_made_meanwhile_is_checked_again_when_the_merge_is_written(two, tmp_path):
    first = _send(two, tmp_path, "1.imp")
    _laptop_reinstalled(two)
    second = _send(two, tmp_path, "2.imp")
    two("office")
    plan = pkg.plan_merge(pkg.read_package(second))     # nothing pinned yet: "new"
    pkg.merge_package(first)                             # meanwhile the old key is pinned
    before = _state()
    with pytest.raises(pkg.KeyChangedError):
        pkg.apply_merge(plan)
    assert _state() == before


def test_cli_refuses_a_new_key_until_trust_new_key(tmp_path, capsys):
    laptop, office = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    assert main(["demo", "--db", laptop, "--desa", "1", "--cadres", "10"]) == 0
    first, second = str(tmp_path / "1.imp"), str(tmp_path / "2.imp")
    assert main(["package", "export", "--db", laptop, "--out", first]) == 0
    own = capsys.readouterr().out.splitlines()[-1]
    assert own.startswith("Sidik kunci laptop ini:")
    assert main(["package", "merge", first, "--db", office]) == 0
    out = capsys.readouterr().out
    assert own.split(": ")[1].rstrip(".") in out and "paket pertama" in out
    open_database(laptop)
    Setting.delete().where(Setting.key == signing.OWN_KEY).execute()
    assert main(["package", "export", "--db", laptop, "--out", second]) == 0
    capsys.readouterr()
    assert main(["package", "merge", second, "--db", office]) == 1
    err = capsys.readouterr().err
    assert "kunci lain" in err and "--trust-new-key" in err and len(err.strip().splitlines()) == 1
    assert main(["package", "merge", second, "--db", office, "--trust-new-key"]) == 0
    assert "diterima dengan sengaja" in capsys.readouterr().out
    assert main(["package", "merge", second, "--db", office]) == 0
    assert "sudah dikenal" in capsys.readouterr().out
    close_database()
