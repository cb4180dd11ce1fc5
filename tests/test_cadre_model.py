from PySide6.QtCore import Qt

from imp_desktop.services.cadre_search import CadreFilter, search_cadre_ids
from imp_desktop.ui.screens.cadres.models import PAGE, CadreTableModel


def test_model_passes_qtmodeltester(qtmodeltester, demo_db):
    model = CadreTableModel()
    model.reload()
    assert model.rowCount() > 0
    qtmodeltester.check(model)
    model.set_filter(CadreFilter(text="zzzz-nobody"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_model_fetches_only_the_pages_painted(demo_db, monkeypatch):
    from imp_desktop.ui.screens.cadres import models as cadre_model

    fetched = []
    real = cadre_model.cadre_rows
    monkeypatch.setattr(cadre_model, "cadre_rows", lambda ids: fetched.append(len(ids)) or real(ids))
    model = CadreTableModel()
    model.reload()
    assert fetched == []
    model.data(model.index(0, 0))
    model.data(model.index(5, 3))
    assert fetched == [PAGE]
    model.data(model.index(model.rowCount() - 1, 0))
    assert len(fetched) == 2


def test_model_sorts_and_filters(demo_db):
    model = CadreTableModel()
    model.reload()
    model.sort(0, Qt.SortOrder.DescendingOrder)
    first, second = model.index(0, 0).data(), model.index(1, 0).data()
    assert first >= second
    model.set_filter(CadreFilter(text=first))
    assert model.rowCount() == len(search_cadre_ids(CadreFilter(text=first)))
    assert all(first.lower() in model.index(r, 0).data().lower() for r in range(model.rowCount()))


def test_unreadable_row_shows_disabled(demo_db, monkeypatch):
    from imp_desktop.ui.screens.cadres import models as cadre_model

    def fail(ids):
        raise RuntimeError("disk error")

    model = CadreTableModel()
    model.reload()
    monkeypatch.setattr(cadre_model, "cadre_rows", fail)
    index = model.index(0, 0)
    assert model.flags(index) == Qt.ItemFlag.NoItemFlags
    assert model.data(index) == "(data tidak dapat dibaca)"


def test_model_reads_ids_a_batch_at_a_time(qtmodeltester, demo_db, monkeypatch):
    from imp_desktop.ui.screens.cadres import models as cadre_model

    monkeypatch.setattr(cadre_model, "BATCH", 10)
    whole = search_cadre_ids(CadreFilter())
    assert len(whole) > 25
    model = CadreTableModel()
    counts = []
    model.result_changed.connect(counts.append)
    model.reload()
    assert model.rowCount() == 10 and not model.complete and model.canFetchMore()
    assert counts == [-1]                          # the screen counts them
    model.fetchMore()
    assert model.rowCount() == 20 and model.ids == whole[:20]
    qtmodeltester.check(model)
    model.sort(0, Qt.SortOrder.DescendingOrder)    # as many rows, in the new order
    assert model.ids == search_cadre_ids(CadreFilter(), "name", True)[:model.rowCount()]
    assert model.rowCount() >= 20
    model.sort(0, Qt.SortOrder.AscendingOrder)
    last = whole[-1]
    assert model.row_of(last) == len(whole) - 1    # reads the rest to find it
    assert model.complete and not model.canFetchMore() and counts[-1] == len(whole)
    assert model.all_ids() == whole
    model.set_filter(CadreFilter(text="zzzz-nobody"))
    assert model.rowCount() == 0 and model.complete and counts[-1] == 0


def test_all_ids_reads_the_rest_of_the_result(demo_db, monkeypatch):
    from imp_desktop.ui.screens.cadres import models as cadre_model

    monkeypatch.setattr(cadre_model, "BATCH", 7)
    model = CadreTableModel()
    model.set_filter(CadreFilter(status="all"))
    assert model.rowCount() == 7
    assert model.all_ids() == search_cadre_ids(CadreFilter(status="all"))
    assert model.rowCount() == len(model.ids)
