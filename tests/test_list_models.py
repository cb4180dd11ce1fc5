"""The small list models built on RowListModel pass Qt's model checks."""
from imp_desktop.ui.audit_dialog import AuditTrailModel
from imp_desktop.ui.backup_dialogs import BackupListModel


def test_audit_trail_model(qtmodeltester, demo_db):
    from imp_desktop.data.models import Cadre
    from imp_desktop.services.cadres import load_cadre, save_cadre

    cadre = Cadre.select().first()
    data = load_cadre(cadre.id)
    data.phone = "081234567890"
    save_cadre(data, cadre.id)
    model = AuditTrailModel()
    model.load(cadre.uuid)
    assert model.rowCount() >= 1
    assert "081234567890" in [model.data(model.index(r, 5)) for r in range(model.rowCount())]
    qtmodeltester.check(model)
    model.load(None)
    assert model.rowCount() == 0


def test_backup_list_model(qtmodeltester, demo_db, db_path):
    from imp_desktop.services.backup import auto_backup_if_due

    assert auto_backup_if_due().made is not None
    model = BackupListModel()
    model.reload()
    assert model.rowCount() == 1
    qtmodeltester.check(model)
