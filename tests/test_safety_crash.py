"""Crash safety for real: a child process is killed with SIGKILL in the middle
of an import, of saves and of a merge; the database must open cleanly with all
or none of each action."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imp_desktop.data.db import close_database, integrity_check, open_database
from imp_desktop.data.models import AuditEntry, Cadre, Handover, RecordVersion, Region

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
ROOT = Path(__file__).resolve().parents[1]


def _run_and_kill(code: str, args: list[str], wait_for: str, delay: float) -> int:
    """Start ``code`` in a child, kill it ``delay`` s after it prints ``wait_for``."""
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            if line.strip() == wait_for:
                time.sleep(delay)
                break
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(30)
        child.stdout.close()
        child.stderr.close()
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
real = regions.upsert_regions
def noisy(rows, db=None):
    print("go", flush=True)
    return real(rows, db=db)
regions.upsert_regions = noisy
regions.import_region_file(sys.argv[2])
print("done", flush=True)
# On an idle machine the import may finish before the kill: wait for it, so
# the kill still lands (after the commit: the "all" case).
import time
time.sleep(60)
"""


@pytest.mark.parametrize("delay", [0.05, 0.4, 1.0])
def test_killed_region_import_leaves_all_or_nothing(db, db_path, region_file, delay):
    before = Region.select().count()
    close_database()
    code = _run_and_kill(IMPORT_CHILD, [str(db_path), str(region_file)], "go", delay)
    assert code == -signal.SIGKILL
    _reopened(db_path)
    after = Region.select().count()
    print("import killed after", delay, "s: regions", before, "->", after)
    assert after == before or after >= 91_000, (before, after)


SAVE_CHILD = """
import sys, itertools
from imp_desktop.data.db import open_database
from imp_desktop.data.models import Cadre
from imp_desktop.services.cadres import CadreInput, save_cadre
open_database(sys.argv[1])
ids = [c.id for c in Cadre.select(Cadre.id).limit(50)]
print("go", flush=True)
for n in itertools.count():
    cadre_id = ids[n % len(ids)]
    save_cadre(CadreInput(name=f"Kader Uji {n}", phone=f"0812{n:08d}"), cadre_id)
"""


@pytest.mark.parametrize("delay", [0.2, 0.7])
def test_killed_saves_leave_each_save_whole_with_its_history(demo_db, db_path, delay):
    close_database()
    assert _run_and_kill(SAVE_CHILD, [str(db_path)], "go", delay) == -signal.SIGKILL
    _reopened(db_path)
    import json

    changed = list(Cadre.select().where(Cadre.name.startswith("Kader Uji")))
    assert changed, "the child saved nothing before it was killed"
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
seen = []
def progress(done, total):
    if not seen:
        seen.append(1)
        print("go", flush=True)
merge_package(sys.argv[2], progress=progress)
print("done", flush=True)
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


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_killed_merge_leaves_all_or_nothing_and_can_be_merged_again(
        tmp_path, big_package, delay):
    office = tmp_path / "office.sqlite"
    open_database(office)
    close_database()
    code = _run_and_kill(MERGE_CHILD, [str(office), str(big_package)], "go", delay)
    assert code == -signal.SIGKILL     # killed while it was still working
    _reopened(office)
    cadres = Cadre.select().count()
    print("merge killed after", delay, "s: cadres", cadres)
    handovers = Handover.select().count()
    assert (cadres, handovers) in ((0, 0), (3000, 1)), (cadres, handovers)
    # the versions of the merged cadres are written in the merge's transaction
    assert RecordVersion.select().where(RecordVersion.record_table == "cadre").count() == cadres
    # whatever happened, merging again completes the hand-over
    from imp_desktop.services.package import merge_package

    merge_package(big_package)
    assert Cadre.select().count() == 3000
    close_database()
