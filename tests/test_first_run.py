"""The first-run setup: rules and saving (service), and the wizard driven like a user."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from imp_desktop.errors import ValidationError
from imp_desktop.services import first_run, regions
from imp_desktop.services.settings import get_officer
from imp_desktop.ui.app import open_database
from imp_desktop.ui.first_run import CHOICE_DEMO, PAGE_AREA, PAGE_LETTERHEAD, FirstRunWizard
from imp_desktop.ui.main_window import MainWindow

TENGARAN = "33.22.02"


def setup_input(**changes):
    values = dict(name="Sri Wahyuningsih, S.Sos.", nip="19860926 201505 2 001",
                  title="Penyuluh KB Ahli Muda", kecamatan_code=TENGARAN,
                  place_name="Tengaran", desa=[first_run.DesaChoice("Duren", "2001"),
                                               first_run.DesaChoice("Kampung Baru")],
                  letterhead_lines=["PEMERINTAH KABUPATEN SEMARANG", "  ", "DINAS P2KB"])
    values.update(changes)
    return first_run.SetupInput(**values)


def test_an_empty_database_needs_the_setup_until_it_is_done(db):
    assert first_run.needs_setup()
    result = first_run.save_setup(setup_input())
    assert not first_run.needs_setup()
    officer = get_officer()
    assert officer.name == "Sri Wahyuningsih, S.Sos."
    assert officer.nip == "198609262015052001"
    assert officer.kecamatan_code == TENGARAN and officer.place_name == "Tengaran"
    assert result.desa_codes == ["33.22.02.2001", "33.22.02.9001"]
    assert regions.get_region("33.22.02.2001").name == "Duren"
    assert regions.get_region("33.22.02.9001").name == "Kampung Baru"
    assert first_run.work_desa_codes() == result.desa_codes
    assert first_run.letterhead_lines() == ["PEMERINTAH KABUPATEN SEMARANG", "DINAS P2KB"]
    again = first_run.current_setup()
    assert [d.name for d in again.desa] == ["Duren", "Kampung Baru"]


def test_saving_twice_reuses_desa_and_keeps_other_letterhead_settings(db):
    from imp_desktop.services.reporting import report_settings
    from imp_desktop.services.settings import get_letterhead, save_letterhead

    first_run.save_setup(setup_input())
    kop = get_letterhead()
    kop.address = "Jl. Raya Tengaran 1"
    save_letterhead(kop)
    result = first_run.save_setup(setup_input(desa=[first_run.DesaChoice("kampung baru"),
                                                    first_run.DesaChoice("Sruwen")]))
    assert result.desa_codes == ["33.22.02.9001", "33.22.02.9002"]
    assert get_letterhead().address == "Jl. Raya Tengaran 1"
    # What the reports print.
    printed = report_settings().letterhead
    assert printed.lines == ["PEMERINTAH KABUPATEN SEMARANG", "DINAS P2KB"]
    assert printed.address == "Jl. Raya Tengaran 1"
    first_run.save_setup(setup_input(letterhead_lines=[]))
    assert report_settings().letterhead.lines == []     # address alone still printed
    kop = get_letterhead()
    kop.address = ""
    save_letterhead(kop)
    first_run.save_setup(setup_input(letterhead_lines=[" "]))
    assert report_settings().letterhead is None          # no kop at all


def test_official_desa_list_is_offered_when_imported(db, region_file):
    regions.import_region_file(region_file)
    names = [r.name for r in regions.children(TENGARAN)]
    assert "Tengaran" in names and len(names) == 15
    result = first_run.save_setup(setup_input(desa=[first_run.DesaChoice("Klero",
                                                                         "33.22.02.2006")]))
    assert result.desa_codes == ["33.22.02.2006"] and result.desa_added == 0


def test_refused_setup_names_every_problem_and_writes_nothing(db):
    bad = setup_input(name="  ", nip="1986 0926", kecamatan_code="33.22",
                      desa=[first_run.DesaChoice("Duren"), first_run.DesaChoice("duren")])
    with pytest.raises(ValidationError) as caught:
        first_run.save_setup(bad)
    fields = [f for f, _ in caught.value.problems]
    assert fields == ["name", "nip", "kecamatan_code", "desa"]
    assert "diisi 8 digit" in caught.value.problems[1][1]
    assert get_officer().name == ""
    problems = first_run.check_setup(setup_input(desa=[first_run.DesaChoice("Duren",
                                                                            "33.73.04.1001")]))
    assert problems and "bukan bagian dari Kecamatan Tengaran" in problems[0][1]
    problems = first_run.check_setup(setup_input(desa=[]))
    assert [f for f, _ in problems] == ["desa"]


def test_letterhead_suggested_from_the_region(db):
    lines = first_run.suggested_letterhead(TENGARAN)
    assert lines[0] == "PEMERINTAH KABUPATEN SEMARANG"
    assert lines[-1] == "BALAI PENYULUHAN KB KECAMATAN TENGARAN"


def test_later_stops_asking_at_start(db):
    first_run.dismiss_setup()
    assert not first_run.needs_setup()


def test_demo_goes_to_its_own_file_and_leaves_ours_alone(db, db_path, tmp_path):
    from imp_desktop.data.models import Cadre

    demo = first_run.demo_database_path(tmp_path / "demo")
    first_run.prepare_demo_database(demo, cadres=50, desa=1, restore=str(db_path))
    assert Cadre.select().count() == 0        # our file is bound again, still empty
    open_database(str(demo))
    assert Cadre.select().count() == 50
    first_run.prepare_demo_database(demo, cadres=80, restore=str(demo))
    assert Cadre.select().count() == 50       # kept as it was


# --- the wizard, as the officer uses it -------------------------------------------------

def make_wizard(qtbot, **kwargs):
    wizard = FirstRunWizard(**kwargs)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_wizard_flow_saves_profile_area_and_letterhead(qtbot, db):
    wizard = make_wizard(qtbot)
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    profile = wizard.profile_page
    assert not next_button.isEnabled()            # the name is required
    qtbot.keyClicks(profile.name, "Sri Wahyuningsih")
    qtbot.keyClicks(profile.nip, "1986 0926")
    assert "8 dari 18 digit" in profile.nip_shown.text()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    assert wizard.currentPage() is profile        # a short NIP keeps the page open
    assert "NIP harus 18 digit" in profile.error.text()
    profile.nip.setText("198609262015052001")
    assert "NIP. 19860926 201505 2 001" in profile.nip_shown.text()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    area = wizard.area_page
    assert wizard.currentId() == PAGE_AREA and not next_button.isEnabled()
    area.picker.set_kecamatan(TENGARAN)
    assert area.picker.kecamatan_code() == TENGARAN
    assert area.no_list.isVisibleTo(area)         # no official desa list yet
    qtbot.keyClicks(area.new_name, "Duren")
    qtbot.keyClicks(area.new_code, "2001")
    qtbot.keyClick(area.new_code, Qt.Key.Key_Return)
    qtbot.keyClicks(area.new_name, "Sugihan")
    qtbot.mouseClick(area.add_button, Qt.MouseButton.LeftButton)
    assert [d.name for d in area.chosen_desa()] == ["Duren", "Sugihan"]
    assert next_button.isEnabled()
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)

    letterhead = wizard.letterhead_page
    assert wizard.currentId() == PAGE_LETTERHEAD
    assert letterhead.lines[0].text() == "PEMERINTAH KABUPATEN SEMARANG"
    letterhead.lines[3].setText("Jl. Raya Salatiga–Solo Km 9")
    printed = letterhead.preview.printed_lines()    # the same lines the PDF prints
    assert printed[-1].text == "Jl. Raya Salatiga–Solo Km 9"      # as typed, not capitals
    assert printed[-1].size < printed[0].size < printed[2].size   # address small, office largest
    from imp_desktop.reports.base import letterhead_flowables
    from imp_desktop.reports.model import Letterhead
    cells = letterhead_flowables(Letterhead(lines=[e.text() for e in letterhead.lines]),
                                 450)[0]._cellvalues[0][0]
    assert [p.getPlainText() for p in cells] == [line.text for line in printed]
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.result() == QWizard.DialogCode.Accepted
    officer = get_officer()
    assert officer.name == "Sri Wahyuningsih" and officer.nip == "198609262015052001"
    assert first_run.work_desa_codes() == ["33.22.02.2001", "33.22.02.9001"]
    assert first_run.letterhead_lines()[-1] == "Jl. Raya Salatiga–Solo Km 9"


def test_reopened_wizard_shows_what_was_saved(qtbot, db):
    first_run.save_setup(setup_input())
    wizard = make_wizard(qtbot, reopen=True)
    assert wizard.currentPage() is wizard.profile_page
    assert wizard.profile_page.name.text() == "Sri Wahyuningsih, S.Sos."
    values = wizard.values()
    assert values.kecamatan_code == TENGARAN
    assert [d.name for d in values.desa] == ["Duren", "Kampung Baru"]
    assert values.letterhead_lines == ["PEMERINTAH KABUPATEN SEMARANG", "DINAS P2KB"]


def test_window_offers_setup_on_an_empty_database_and_opens_the_demo(qtbot, db, db_path,
                                                                    ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    assert window.check_first_run()
    wizard = window.first_run_wizard
    assert wizard.isVisible()
    wizard.intro_page.demo.setChecked(True)
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert finish.isVisible()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    assert wizard.choice == CHOICE_DEMO
    qtbot.waitUntil(lambda: window.db_path.endswith("imp-desktop-demo.sqlite"), timeout=20000)
    home = window.show_screen("beranda")
    assert home.cadre_card.figure.text() != "0"
    assert not window.check_first_run()          # the demo has a profile


def test_later_button_closes_and_remembers(qtbot, db, db_path, ui_settings):
    window = MainWindow(str(db_path), open_database, ui_settings)
    qtbot.addWidget(window)
    window.show()
    window.check_first_run()
    wizard = window.first_run_wizard
    qtbot.mouseClick(wizard.later_button, Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()
    assert not first_run.needs_setup()


def test_wizard_offers_the_official_desa_list_once_imported(qtbot, db, region_file):
    regions.import_region_file(region_file)
    wizard = make_wizard(qtbot)
    wizard.next()
    wizard.profile_page.name.setText("Sri Wahyuningsih")
    wizard.next()
    area = wizard.area_page
    area.picker.set_kecamatan(TENGARAN)
    assert not area.no_list.isVisibleTo(area)
    assert area.desa_list.count() == 15
    for row in range(area.desa_list.count()):
        item = area.desa_list.item(row)
        if item.text().startswith(("Klero", "Tengaran")):
            item.setCheckState(Qt.CheckState.Checked)
    wizard.next()
    assert wizard.currentId() == PAGE_LETTERHEAD
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert sorted(first_run.work_desa_codes()) == ["33.22.02.2005", "33.22.02.2006"]
