"""The cycle collector is paused while a package is written, read, planned and
merged, and comes back afterwards, also after an error and across overlaps."""
import gc
import threading

import pytest

from imp_desktop import gcpause
from imp_desktop.data import versions
from imp_desktop.services import package as pkg


@pytest.fixture(autouse=True)
def _collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_back_after_nesting_and_errors():
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()       # the outer pause still holds
    assert gc.isenabled()

    @gcpause.paused_gc
    def fails():
        assert not gc.isenabled()
        raise ValueError("x")

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off():
    gc.disable()
    with gcpause.paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last():
    inside, release = threading.Event(), threading.Event()

    def other():
        with gcpause.paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other)
    with gcpause.paused():
        worker.start()
        assert inside.wait(5)
    assert not gc.isenabled()       # the other thread's pause still runs
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_hand_over_runs_with_the_collector_paused(demo_db, tmp_path, monkeypatch):
    seen = []
    stamp = versions.stamp_unversioned

    def spy():
        seen.append(gc.isenabled())
        return stamp()

    monkeypatch.setattr(versions, "stamp_unversioned", spy)   # export and plan call it
    pkg.export_package(tmp_path / "p.imp")
    pkg.merge_package(tmp_path / "p.imp")
    assert seen and not any(seen)
    assert gc.isenabled()
