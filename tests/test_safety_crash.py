"""Crash safety for real: a child process is killed with SIGKILL in the middle
of an import, of saves and of a merge; the database must open cleanly with all
or none of each action."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from imp_desktop.data.db import close_database, integrity_check, open_database
from imp_desktop.data.models import AuditEntry, Cadre, Handover, RecordVersion, Region
from imp_desktop.fileio import CRASH_ENV

pytestmark = [pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX"),
              pytest.mark.slow]      # child processes killed mid-write, a 3,000-cadre package
ROOT = Path(__file__).resolve().parents[1]


def _run_and_kill(code: str, args: list[str], step: str) -> int:
    """Run ``code`` in a child that kills itself (SIGKILL) at the named ``step``
    (``fileio.crash_point``; ``step#N`` for the N-th time it is reached)."""
    env = dict(os.environ, **{CRASH_ENV: step})
    child = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    return child.returncode


def _reopened(path):
    close_database()
    db = open_database(path)     # refuses a damaged file (quick check)
    assert integrity_check(db) == []
    return db


IMPORT_CHILD = """
import sys
from imp_desktop.data.db import open_database
from imp_desktop.services import regions
open_database(sys.argv[1])
regions.import_region_file(sys.argv[2])
"""


@pytest.mark.parametrize("step, expected", [
    ("regions.read", "nothing"), ("regions.written_before_commit", "nothing"),
    ("regions.committed", "all")])
def test_killed_region_import_leaves_all_or_nothing(db, db_path, region_file, step, expected):
    before = Region.select().count()
    close_database()
    code = _run_and_kill(IMPORT_CHILD, [str(db_path), str(region_file)], step)
    assert code == -signal.SIGKILL
    _reopened(db_path)
    after = Region.select().count()
    print("import killed at", step, ": regions", before, "->", after)
    if expected == "nothing":
        assert after == before
    else:
        assert after >= 91_000, (before, after)


SAVE_CHILD = """
import sys, itertools
from imp_desktop.data.db import open_database
from imp_desktop.data.models import Cadre
from imp_desktop.services.cadres import CadreInput, save_cadre
open_database(sys.argv[1])
ids = [c.id for c in Cadre.select(Cadre.id).limit(50)]
for n in itertools.count():
    cadre_id = ids[n % len(ids)]
    save_cadre(CadreInput(name=f"Kader Uji {n}", phone=f"0812{n:08d}"), cadre_id)
"""


@pytest.mark.parametrize("saves", [3, 40])
def test_killed_saves_leave_each_save_whole_with_its_history(demo_db, db_path, saves):
    """Killed inside the transaction of save number ``saves``: the saves before it are
    whole, with their history, and that one left nothing."""
    close_database()
    step = f"cadre.saved_before_commit#{saves}"
    assert _run_and_kill(SAVE_CHILD, [str(db_path)], step) == -signal.SIGKILL
    _reopened(db_path)
    import json

    changed = list(Cadre.select().where(Cadre.name.startswith("Kader Uji")))
    numbers = sorted(int(cadre.name.rsplit(" ", 1)[1]) for cadre in changed)
    # saves 0 .. saves-2 committed (each cadre keeps its latest); the killed one did not
    assert max(numbers) == saves - 2
    assert not any(c.name == f"Kader Uji {saves - 1}" for c in changed)
    for cadre in changed:
        n = int(cadre.name.rsplit(" ", 1)[1])
        # the phone and the name come from the same save: both or neither
        assert cadre.phone == f"0812{n:08d}"
        last = (AuditEntry.select().where((AuditEntry.record_uuid == cadre.uuid)
                                          & (AuditEntry.field == "name"))
                .order_by(AuditEntry.id.desc()).first())
        assert json.loads(last.new_value) == cadre.name


MERGE_CHILD = """
import sys
from imp_desktop.data.db import open_database
from imp_desktop.services.package import merge_package
open_database(sys.argv[1])
merge_package(sys.argv[2])
"""


@pytest.fixture(scope="module")
def big_package(tmp_path_factory):
    from imp_desktop.services.demo import generate_demo
    from imp_desktop.services.package import export_package

    folder = tmp_path_factory.mktemp("crash")
    open_database(folder / "laptop.sqlite")
    generate_demo(desa=4, cadres=3000, seed=11)
    out = folder / "big.imp"
    export_package(out)
    close_database()
    return out


@pytest.mark.parametrize("step, expected", [
    ("merge.before_commit", (0, 0)), ("merge.committed", (3000, 1))])
def test_killed_merge_leaves_all_or_nothing_and_can_be_merged_again(
        tmp_path, big_package, step, expected):
    office = tmp_path / "office.sqlite"
    open_database(office)
    close_database()
    code = _run_and_kill(MERGE_CHILD, [str(office), str(big_package)], step)
    assert code == -signal.SIGKILL     # killed at that step
    _reopened(office)
    cadres = Cadre.select().count()
    handovers = Handover.select().count()
    print("merge killed at", step, ": cadres", cadres)
    assert (cadres, handovers) == expected
    # the versions of the merged cadres are written in the merge's transaction
    assert RecordVersion.select().where(RecordVersion.record_table == "cadre").count() == cadres
    # whatever happened, merging again completes the hand-over
    from imp_desktop.services.package import merge_package

    merge_package(big_package)
    assert Cadre.select().count() == 3000
    close_database()
