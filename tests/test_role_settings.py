"""Pengaturan > Peran Bakti: editing the indicator list and the rule table."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from imp_desktop.services import roles
from imp_desktop.ui.screens.roles.settings_page import RoleSettingsPage


def make_page(qtbot, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: messages.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: messages.append(a[2]))
    page = RoleSettingsPage()
    qtbot.addWidget(page)
    page.resize(1160, 640)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    page.refresh()
    return page, messages


def test_adding_rewording_and_retiring_make_a_new_version(qtbot, db, monkeypatch):
    page, messages = make_page(qtbot, monkeypatch)
    model, tree = page.model, page.tree
    assert not page.save_catalogue_button.isEnabled()
    # Add an indicator to Kemandirian with the keyboard (Insert), then type it.
    kemandirian = model.index(5, 0)
    tree.setCurrentIndex(kemandirian)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Insert)
    new = tree.currentIndex()
    assert model.draft_at(new) is not None and new.parent() == kemandirian
    model.setData(new, "Memiliki rekening kas kelompok")
    model.setData(model.index(new.row(), 1, kemandirian), "Has a group bank account")
    # Reword the first indicator; retire the second with Delete.
    first = model.index(0, 0, model.index(0, 0))
    model.setData(first, "Memiliki SK pengukuhan yang berlaku")
    tree.setCurrentIndex(model.index(1, 0, model.index(0, 0)))
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    assert model.rowCount(model.index(0, 0)) == 4
    assert page.save_catalogue_button.isEnabled()
    page.change_note.setText("Surat edaran kabupaten")
    qtbot.mouseClick(page.save_catalogue_button, Qt.MouseButton.LeftButton)

    catalogue = roles.current_catalogue()
    assert catalogue.version == 2 and "versi 2" in messages[-1]
    assert [i.key for i in catalogue.roles[0].indicators][:2] == ["org.sk", "org.rencana"]
    assert catalogue.roles[0].indicators[0].text_id == "Memiliki SK pengukuhan yang berlaku"
    assert catalogue.roles[5].indicators[-1].text_en == "Has a group bank account"
    assert page.versions.rowCount() == 2
    assert not page.save_catalogue_button.isEnabled()


def test_a_role_left_empty_is_refused_and_the_edit_kept(qtbot, db, monkeypatch):
    page, messages = make_page(qtbot, monkeypatch)
    model = page.model
    parent = model.index(5, 0)
    while model.rowCount(parent):
        model.remove_indicator(model.index(0, 0, parent))
    assert not page.save_catalogue()
    assert "Kemandirian" in messages[-1]
    assert model.dirty and model.rowCount(parent) == 0
    assert roles.current_catalogue().version == 1


def test_rule_edit_previews_and_saves_a_version(qtbot, db, monkeypatch):
    page, messages = make_page(qtbot, monkeypatch)
    assert not page.save_rule_button.isEnabled()
    page.threshold.setValue(75)
    page.mandiri.setValue(5)
    assert "Mandiri: 5–6 peran" in page.rule_preview.text()
    page.berkembang.setValue(5)
    assert not page.save_rule_button.isEnabled()     # Berkembang must be below Mandiri
    assert "lebih kecil" in page.rule_preview.text()
    page.berkembang.setValue(2)
    qtbot.mouseClick(page.save_rule_button, Qt.MouseButton.LeftButton)
    rule = roles.current_rule()
    assert (rule.version, rule.threshold_percent, rule.berkembang_min_roles,
            rule.mandiri_min_roles) == (2, 75, 2, 5)
    assert page.rules.rowCount() == 2


def test_a_received_version_is_used_only_when_the_officer_chooses_it(qtbot, db, monkeypatch):
    # As if a package had brought a version 2 of the list and of the rule that
    # another officer made (a merge does not make them the versions in use).
    drafts = roles.drafts_of(roles.current_catalogue())
    drafts[0].text_id = "Memiliki SK pengukuhan dari kepala desa"
    mine_catalogue, mine_rule = roles.current_catalogue(), roles.current_rule()
    received = roles.save_catalogue(drafts, "dari laptop lain")
    received_rule = roles.save_rule(70, 3, 6)
    roles.use_catalogue(mine_catalogue.id)
    roles.use_rule(mine_rule.id)

    page, messages = make_page(qtbot, monkeypatch)
    labels = [page.versions.data(page.versions.index(r, 0)) for r in range(2)]
    assert labels == ["Versi 2", "Versi 1 (berlaku)"]
    assert not page.use_catalogue_button.isEnabled()
    catalogue_view, rule_view = page.version_views
    catalogue_view.setCurrentIndex(page.versions.index(1, 0))     # the one in use
    assert not page.use_catalogue_button.isEnabled()
    catalogue_view.setCurrentIndex(page.versions.index(0, 0))
    assert page.use_catalogue_button.isEnabled()
    qtbot.mouseClick(page.use_catalogue_button, Qt.MouseButton.LeftButton)
    assert roles.current_catalogue().id == received.id and "versi 2" in messages[-1]
    assert page.model.all_drafts()[0].text_id == "Memiliki SK pengukuhan dari kepala desa"
    assert page.versions.data(page.versions.index(0, 0)) == "Versi 2 (berlaku)"

    rule_view.setCurrentIndex(page.rules.index(0, 0))
    qtbot.mouseClick(page.use_rule_button, Qt.MouseButton.LeftButton)
    assert roles.current_rule().id == received_rule.id and page.threshold.value() == 70
    assert not page.use_rule_button.isEnabled()
