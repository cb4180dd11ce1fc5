"""Contexts with dots seen on their own: ``replica@n``, what a record kept or
brought back against a deletion records of it (``versions.with_deletions``), and
``replica#n``, a write made here while the record lacked earlier writes of ours."""
from imp_desktop.data import versions
from imp_desktop.data.models import Cadre, RecordVersion
from imp_desktop.services.demo import generate_demo

TOMB = {"c": {"del": 9, "off": 4}, "d": {"*": ["del", 9]}}


def test_a_record_kept_against_a_deletion_has_seen_the_deletion_and_nothing_else():
    ctx = versions.with_deletions({"lap": 3}, TOMB)
    assert ctx == {"lap": 3, "del@9": 9}
    assert versions.seen(ctx, ["del", 9])
    assert versions.seen_deletion(ctx, TOMB)
    # not the deleter's earlier writes, nor what the deleter had seen of others
    assert not versions.seen(ctx, ["del", 5])
    assert not versions.seen(ctx, ["off", 4])


def test_every_deletion_of_a_merged_tombstone_is_recorded_once():
    tomb = {"c": {"a": 7, "b": 8}, "d": {"*": ["b", 8], "*1": ["a", 7]}}
    ctx = versions.with_deletions({"a": 7, "lap": 2}, tomb)
    # also the one a counter covers: a deletion made here names every one it saw
    assert ctx == {"a": 7, "lap": 2, "b@8": 8, "a@7": 7}
    assert versions.seen_deletion(ctx, tomb)
    assert versions.with_deletions(ctx, tomb) == ctx
    assert sorted(versions.seen_deletions(ctx)) == [("a", 7), ("b", 8)]


def test_joining_drops_a_write_once_a_counter_covers_it_and_keeps_every_deletion():
    assert versions.joined({"lap": 3, "del#9": 9}, {"del": 12}) == {"lap": 3, "del": 12}
    assert versions.joined({"lap": 3, "del#9": 9}, {"del": 8}) == \
        {"lap": 3, "del": 8, "del#9": 9}
    assert versions.joined({"lap": 3, "del@9": 9}, {"del": 12}) == \
        {"lap": 3, "del": 12, "del@9": 9}
    assert versions.joined({"del@9": 9}, {"del@5": 5}) == {"del@9": 9, "del@5": 5}
    assert versions.seen({"del#9": 9}, ["del", 9]) and not versions.seen({"del#9": 9}, ["del", 8])


def test_domination_reads_dots_seen_on_their_own():
    assert versions.dominated({"del@9": 9}, {"del": 9})
    assert versions.dominated({"del@9": 9, "a": 1}, {"del@9": 9, "a": 2})
    assert not versions.dominated({"del@9": 9}, {"del": 8})
    assert not versions.dominated({"del@9": 9}, {"del@8": 8})
    assert not versions.dominated({"del": 9}, {"del@9": 9})     # 1..8 not seen
    assert versions.dominated({"del#9": 9}, {"del@9": 9}) and \
        versions.dominated({"del#9": 9}, {"del": 9})
    assert not versions.dominated({"del#9": 9}, {"del": 8})


def _a_versioned_cadre():
    """A demo cadre with its version row, and this database's replica id."""
    generate_demo(desa=1, cadres=2, seed=3, activities=0)
    versions.stamp_unversioned()
    cadre = Cadre.select().order_by(Cadre.id).first()
    row = RecordVersion.get((RecordVersion.record_table == "cadre")
                            & (RecordVersion.record_uuid == cadre.uuid))
    return cadre, versions.replica_id(), row


def test_a_deletion_made_here_names_the_deletions_its_record_was_kept_against(db):
    """Kept here against laptop1's deletion, then deleted here: this deletion
    confirms laptop1's, so a copy kept against it (elsewhere) has seen both and
    is not asked about laptop1's deletion again where that one is all there is."""
    cadre, me, row = _a_versioned_cadre()
    kept = versions.with_deletions(versions.loads(row.clock)["c"],
                                   {"c": {"laptop1": 5}, "d": {"*": ["laptop1", 5]}})
    RecordVersion.update(clock=versions.dumps({"c": kept, "d": {"*": [me, 1]}})).where(
        RecordVersion.id == row.id).execute()
    versions.tombstone("cadre", [cadre.uuid])
    gone = versions.loads(RecordVersion.get_by_id(row.id).clock)
    assert ["laptop1", 5] in gone["d"].values()
    assert len(gone["d"]) == 2 and gone["d"]["*"][0] == me
    copy_kept_there = versions.with_deletions({"laptop2": 3}, gone)
    assert versions.seen_deletion(copy_kept_there,
                                  {"c": {"laptop1": 5}, "d": {"*": ["laptop1", 5]}})


def test_a_write_after_our_own_deletion_was_undone_claims_none_of_our_earlier_writes(db):
    """Brought back here against our own deletion: writes of ours from before it
    may be missing from the values taken back, so a later write here is a dot
    seen on its own too, not a counter claiming all of them."""
    cadre, me, row = _a_versioned_cadre()
    # as a merge would write it: their context and our deletion's dot, seen on its own
    revived = {"c": {"there": 4, f"{me}@3": 3}, "d": {"*": ["there", 4]}}
    RecordVersion.update(clock=versions.dumps(revived)).where(
        RecordVersion.id == row.id).execute()
    cadre.phone = "081234567890"
    cadre.save()
    clock = versions.loads(RecordVersion.get_by_id(row.id).clock)
    counter = clock["d"]["phone"][1]
    assert clock["d"]["phone"] == [me, counter]
    assert clock["c"] == {"there": 4, f"{me}@3": 3, f"{me}#{counter}": counter}
    assert versions.seen(clock["c"], [me, counter])
    assert not versions.seen(clock["c"], [me, 2])
    # ... and a later deletion here likewise, naming our deletion it confirms
    versions.tombstone("cadre", [cadre.uuid])
    gone = versions.loads(RecordVersion.get_by_id(row.id).clock)
    assert me not in gone["c"] and versions.seen_deletion(gone["c"], gone)
    assert [me, 3] in gone["d"].values() and len(gone["d"]) == 2


def test_a_key_of_another_shape_is_no_error():
    """A damaged or foreign package may carry any key in a context."""
    odd = {"x@y": 3, "@": 1, "a@-2": 2, "a@\u00b2": 2}
    assert versions.joined(odd, {"x": 9}) == {**odd, "x": 9}
    assert not versions.dominated(odd, {"x": 9})
    assert versions.dominated(odd, odd)
