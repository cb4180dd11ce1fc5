"""Two staff saving one Peran Bakti checklist: the later save is refused, naming
both values, and nothing typed is lost (issue 17, part 4, for assessments)."""
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Assessment, AssessmentAnswer, Region
from imp_desktop.services import roles
from imp_desktop.services.concurrency import ChangedMeanwhile
from imp_desktop.services.units import UnitInput, save_unit

from tests.safety_support import office_targets, pg_url, reset_pg

DESA = "33.22.02.2001"
PERIOD = "2026-11"


def _unit() -> int:
    Region.create(code=DESA, name="Duren", level=4, parent_code="33.22.02")
    return save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))


def _first_indicators(count: int = 2) -> list[int]:
    return [item.id for item in roles.current_catalogue().indicators()[:count]]


def _saved(unit_id: int) -> int:
    first, _ = _first_indicators()
    return roles.save_assessment(roles.AssessmentInput(
        unit_id, PERIOD, {first: roles.AnswerInput(met=True)}, dt.date(2026, 11, 20),
        "Sri Wahyuni"))


@pytest.mark.parametrize("office", office_targets())
def test_a_checklist_saved_from_a_stale_read_is_refused_on_both_databases(office, tmp_path):
    open_database(office(tmp_path))
    assessment_id = _saved(_unit())
    first, second = roles.load_assessment(assessment_id), roles.load_assessment(assessment_id)
    indicator = _first_indicators()[1]
    first.answers[indicator] = roles.AnswerInput(met=True, note="SK ada di balai desa")
    roles.save_assessment(first, assessment_id)

    second.answers[indicator] = roles.AnswerInput(met=False, note="belum ada SK")
    with pytest.raises(ChangedMeanwhile) as refused:
        roles.save_assessment(second, assessment_id)
    message = str(refused.value)
    assert "penilaian Peran Bakti" in message and "\n" not in message
    assert "Indikator 1.2 tersimpan «Terpenuhi», isian Anda «Belum»" in message
    assert "«SK ada di balai desa», isian Anda «belum ada SK»" in message
    stored = AssessmentAnswer.get((AssessmentAnswer.assessment == assessment_id)
                                  & (AssessmentAnswer.indicator == indicator))
    assert stored.met and stored.note == "SK ada di balai desa"          # the first kept

    same = roles.load_assessment(assessment_id)                # what the first saved,
    same.answers[indicator] = roles.AnswerInput(met=True, note="SK ada di balai desa")
    stale = roles.AssessmentInput(**{**same.__dict__, "version": second.version})
    roles.save_assessment(stale, assessment_id)          # typed again: nothing overwritten

    again = roles.load_assessment(assessment_id)               # reopened, then changed
    again.answers[indicator] = roles.AnswerInput(met=False, note="belum ada SK")
    roles.save_assessment(again, assessment_id)
    assert not AssessmentAnswer.get((AssessmentAnswer.assessment == assessment_id)
                                    & (AssessmentAnswer.indicator == indicator)).met
    close_database()


@pytest.mark.parametrize("office", office_targets())
def test_header_fields_and_a_deleted_checklist_are_named(office, tmp_path):
    open_database(office(tmp_path))
    assessment_id = _saved(_unit())
    first, second = roles.load_assessment(assessment_id), roles.load_assessment(assessment_id)
    first.assessor = "Bu Kabid"
    roles.save_assessment(first, assessment_id)
    second.assessor = "Pak Camat"
    with pytest.raises(ChangedMeanwhile, match="Penilai tersimpan «Bu Kabid», isian Anda "
                                               "«Pak Camat»"):
        roles.save_assessment(second, assessment_id)
    third = roles.load_assessment(assessment_id)
    roles.delete_assessment(assessment_id)
    with pytest.raises(Exception) as gone:
        roles.save_assessment(third, assessment_id)
    assert "\n" not in str(gone.value) and not isinstance(gone.value, ChangedMeanwhile)
    assert Assessment.select().count() == 0
    close_database()


@pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")
def test_two_staff_on_postgresql_the_later_checklist_save_is_refused():
    """The other save comes from another program on the same server."""
    from tests.test_concurrent_staff import _other_program

    reset_pg(pg_url())
    open_database(pg_url())
    assessment_id = _saved(_unit())
    indicator = _first_indicators()[1]
    mine = roles.load_assessment(assessment_id)                # staff A opens it
    _other_program(pg_url(), f"""
        from imp_desktop.services import roles
        theirs = roles.load_assessment({assessment_id})        # B opens it too, saves first
        theirs.answers[{indicator}] = roles.AnswerInput(met=True)
        roles.save_assessment(theirs, {assessment_id})
    """)
    mine.note = "Pertemuan rutin tiap bulan"
    with pytest.raises(ChangedMeanwhile) as refused:
        roles.save_assessment(mine, assessment_id)
    message = str(refused.value)
    assert "Indikator 1.2 tersimpan «Terpenuhi», isian Anda «Belum»" in message
    assert Assessment.get_by_id(assessment_id).note is None                 # B's kept
    close_database()


def test_the_window_keeps_the_ticks_and_shows_the_sentence(qtbot, db, db_path, ui_settings,
                                                           monkeypatch):
    from imp_desktop.ui.app import open_database as open_for_window
    from imp_desktop.ui.main_window import MainWindow

    from imp_desktop.services.regions import upsert_regions

    upsert_regions([(DESA, "Duren")])
    unit_id = save_unit(UnitInput(level="ppkbd", name="PPKBD Duren", desa_code=DESA))
    window = MainWindow(str(db_path), open_for_window, ui_settings)
    qtbot.addWidget(window)
    window.show()
    checklist = window.show_screen("peran").assessment.checklist
    model, tree = checklist.model, checklist.tree
    tree.setCurrentIndex(model.index(0, 0, model.index(0, 0)))
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    qtbot.mouseClick(checklist.save_button, Qt.MouseButton.LeftButton)      # saved once
    assessment_id = roles.find_assessment(unit_id, checklist.period)
    assert assessment_id is not None

    # Someone else ticks indicator 1.2 and saves, while it is open here.
    theirs = roles.load_assessment(assessment_id)
    second = _first_indicators()[1]
    theirs.answers[second] = roles.AnswerInput(met=True, note="dari kantor")
    roles.save_assessment(theirs, assessment_id)

    shown = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a, **k: shown.append(text))
    tree.setCurrentIndex(model.index(1, 1, model.index(0, 0)))
    model.setData(model.index(1, 1, model.index(0, 0)), "ditulis di sini")
    qtbot.mouseClick(checklist.save_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and "\n" not in shown[0]
    assert "«dari kantor», isian Anda «ditulis di sini»" in shown[0]
    assert checklist.dirty                                    # what was typed is still there
    assert model.answers_copy()[second].note == "ditulis di sini"
    assert AssessmentAnswer.get((AssessmentAnswer.assessment == assessment_id)
                                & (AssessmentAnswer.indicator == second)).note == "dari kantor"
    window.grab().save(str(db_path.parent / "refused.png"))
    checklist.revert()                              # reopened: theirs; typed again and saved
    assert model.answers_copy()[second].note == "dari kantor"
    model.setData(model.index(1, 1, model.index(0, 0)), "ditulis di sini")
    qtbot.mouseClick(checklist.save_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert AssessmentAnswer.get((AssessmentAnswer.assessment == assessment_id)
                                & (AssessmentAnswer.indicator == second)).note == "ditulis di sini"
