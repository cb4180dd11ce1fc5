"""Catalogue and rule versions between installations: two officers who each
made their own version 2 exchange packages; neither version is merged into the
other, every checklist keeps the indicators, answers, score and classification
it was made with, and what new checklists use does not change by a merge."""
import pytest

from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import (
    Assessment,
    ClassificationRule,
    RoleCatalogue,
    RoleIndicator,
    Unit,
)
from imp_desktop.services import package as pkg
from imp_desktop.services import roles
from imp_desktop.services.regions import upsert_regions
from imp_desktop.services.units import UnitInput, save_unit

DESA = "33.22.02.2001"


def _sheets() -> dict:
    """Every checklist as its uuid -> what the officer made and saw."""
    result = {}
    for row in Assessment.select():
        sheet = roles.get_assessment(row.id)
        result[row.uuid] = (
            row.unit.uuid, sheet.period, sheet.roles_fulfilled, sheet.classification,
            (row.rule.threshold_percent, row.rule.berkembang_min_roles,
             row.rule.mandiri_min_roles, row.rule.note),
            tuple((line.key, line.text_id, line.met, line.note)
                  for role in sheet.roles for line in role.lines),
            roles.get_catalogue(sheet.catalogue_id).indicator_count)
    return result


def _in_use() -> tuple[str, str]:
    return (RoleCatalogue.get_by_id(roles.current_catalogue().id).uuid,
            ClassificationRule.get_by_id(roles.current_rule().id).uuid)


def _installation(path, officer: str, edit, threshold: int):
    """An installation whose officer made a version 2 of the list and of the rule
    and a checklist with them."""
    open_database(path)
    upsert_regions([(DESA, "Duren")])
    unit = save_unit(UnitInput(level="ppkbd", name=f"PPKBD {officer}", desa_code=DESA))
    drafts = roles.drafts_of(roles.current_catalogue())
    edit(drafts)
    catalogue = roles.save_catalogue(drafts, f"daftar {officer}")
    rule = roles.save_rule(threshold, 3, 6, f"aturan {officer}")
    assert catalogue.version == rule.version == 2
    answers = {item.id: roles.AnswerInput(index % 3 != 0, f"{officer} {index}")
               for index, item in enumerate(catalogue.indicators())}
    roles.save_assessment(roles.AssessmentInput(unit, "2026-11", answers))
    return _sheets(), _in_use()


def _reword(drafts):
    drafts[0].text_id = "Memiliki SK pengukuhan dari kepala desa yang masih berlaku"


def _add(drafts):
    drafts.append(roles.IndicatorDraft("kemandirian", "Memiliki rekening kas kelompok",
                                       "Has a group bank account"))


@pytest.fixture
def two(tmp_path):
    places = {"a": tmp_path / "a.sqlite", "b": tmp_path / "b.sqlite",
              "office": tmp_path / "office.sqlite"}
    made = {"a": _installation(places["a"], "Sri", _reword, 70),
            "b": _installation(places["b"], "Budi", _add, 50)}
    for name in ("a", "b"):
        open_database(places[name])
        pkg.export_package(tmp_path / f"{name}.imp", office="Kabupaten")
    yield places, made
    close_database()


def _versions() -> list[tuple[int, str | None, int]]:
    return [(v.version, v.note, v.indicator_count) for v in
            sorted(roles.catalogue_versions(), key=lambda v: v.version)]


def test_own_versions_2_stay_apart_both_ways_and_every_checklist_keeps_its_own(two, tmp_path):
    places, made = two
    sheets = {**made["a"][0], **made["b"][0]}
    assert len(sheets) == 2
    for here, there in (("a", "b"), ("b", "a")):
        open_database(places[here])
        result = pkg.merge_package(tmp_path / f"{there}.imp")
        assert not result.conflicts
        # Every checklist exactly as made: its indicators, answers, score, class.
        assert _sheets() == sheets
        # Version 1 (seeded on both with different uuids) is one version; the other
        # officer's version 2 is added as version 3, never merged into ours.
        notes = {2: f"daftar {'Sri' if here == 'a' else 'Budi'}",
                 3: f"daftar {'Budi' if here == 'a' else 'Sri'}"}
        versions = _versions()
        assert [v for v, _, _ in versions] == [1, 2, 3]
        assert [(v, n) for v, n, _ in versions[1:]] == [(2, notes[2]), (3, notes[3])]
        rules = {r.version: (r.threshold_percent, r.note) for r in roles.rule_versions()}
        assert sorted(rules) == [1, 2, 3] and rules[1][0] == 60
        assert rules[2][1] == f"aturan {'Sri' if here == 'a' else 'Budi'}"
        # New checklists still use the versions this officer made.
        assert _in_use() == made[here][1]
        # Merging the same package again changes nothing.
        again = pkg.merge_package(tmp_path / f"{there}.imp")
        assert again.added == again.updated == 0 and not again.conflicts
        assert RoleCatalogue.select().count() == 3 and ClassificationRule.select().count() == 3
        assert _sheets() == sheets

    # Back again: a's package now carries b's version (its 3): recognised by uuid.
    open_database(places["a"])
    pkg.export_package(tmp_path / "a2.imp", office="Kabupaten")
    open_database(places["b"])
    before = RoleIndicator.select().count()
    result = pkg.merge_package(tmp_path / "a2.imp")
    assert result.added == result.updated == 0 and not result.conflicts
    assert RoleIndicator.select().count() == before and _sheets() == sheets

    # The district gets both: versions 1, 2 (the first merged) and 3.
    open_database(places["office"])
    for name in ("a", "b"):
        pkg.merge_package(tmp_path / f"{name}.imp")
    assert [v for v, _, _ in _versions()] == [1, 2, 3]
    assert _sheets() == sheets
    assert roles.current_catalogue().version == 1     # the district's own choice
    counts = {v.version: v.assessment_count for v in roles.catalogue_versions()}
    assert counts == {1: 0, 2: 1, 3: 1}


def test_the_same_rule_made_on_both_sides_is_one_version(tmp_path):
    try:
        for name in ("a", "b"):
            open_database(tmp_path / f"{name}.sqlite")
            roles.save_rule(75, 2, 5, "surat edaran")
        pkg.export_package(tmp_path / "b.imp", office="Kabupaten")
        open_database(tmp_path / "a.sqlite")
        mine = roles.current_rule()
        result = pkg.merge_package(tmp_path / "b.imp")
        assert not result.conflicts
        assert [r.version for r in roles.rule_versions()] == [2, 1]
        assert roles.current_rule() == mine
        assert RoleCatalogue.select().count() == 1
    finally:
        close_database()


def test_a_received_version_is_used_only_when_chosen_and_new_ones_count_on(two, tmp_path):
    places, made = two
    open_database(places["a"])
    pkg.merge_package(tmp_path / "b.imp")
    theirs = next(v for v in roles.catalogue_versions() if v.version == 3)
    assert not theirs.in_use and [v.version for v in roles.catalogue_versions()
                                  if v.in_use] == [2]
    unit = Unit.get(Unit.name == "PPKBD Sri").id
    assert roles.new_sheet(unit, "2026-12").catalogue_version == 2
    roles.use_catalogue(theirs.id)
    assert roles.current_catalogue().version == 3
    assert roles.new_sheet(unit, "2026-12").catalogue_version == 3
    # An edit of the version in use becomes the next free number.
    drafts = roles.drafts_of(roles.current_catalogue())
    drafts[1].text_id = "Memiliki rencana kerja tahunan tertulis"
    assert roles.save_catalogue(drafts).version == 4
    assert roles.current_catalogue().version == 4
    rule = next(r for r in roles.rule_versions() if r.version == 1)
    assert roles.use_rule(rule.id).version == 1
    assert roles.save_rule(65, 3, 6).version == 4
