"""Several staff on one PostgreSQL database (issue 17, part 4)."""
import subprocess
import sys
import textwrap

import pytest

from imp_desktop.data.db import close_database, open_database
from imp_desktop.data.models import Cadre
from imp_desktop.services.cadres import CadreInput, load_cadre, save_cadre
from imp_desktop.services.concurrency import ChangedMeanwhile

from tests.safety_support import office_targets, pg_url, reset_pg

needs_pg = pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")


def _other_program(target: str, code: str) -> str:
    """Run ``code`` in another process on the same database (another staff member)."""
    script = textwrap.dedent(f"""
        from imp_desktop.data.db import open_database
        open_database({target!r})
    """) + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@needs_pg
def test_two_concurrent_saves_of_one_cadre_the_later_is_refused_naming_both_values():
    reset_pg(pg_url())
    open_database(pg_url())
    cadre_id = save_cadre(CadreInput(name="Siti Aminah", phone="081234567890"))
    mine = load_cadre(cadre_id)                    # staff A opens the cadre
    _other_program(pg_url(), f"""
        from imp_desktop.services.cadres import load_cadre, save_cadre
        theirs = load_cadre({cadre_id})             # staff B opens it too, and saves first
        theirs.phone = "085700001111"
        save_cadre(theirs, {cadre_id})
    """)
    mine.phone = "081299998888"
    with pytest.raises(ChangedMeanwhile) as refused:
        save_cadre(mine, cadre_id)
    message = str(refused.value)
    assert "0857-0000-1111" in message or "085700001111" in message
    assert "0812-9999-8888" in message or "081299998888" in message
    assert "\n" not in message
    assert Cadre.get_by_id(cadre_id).phone.replace("-", "") == "085700001111"   # B's kept
    again = load_cadre(cadre_id)                   # reopened: B's value, and A saves on top
    again.phone = "081299998888"
    save_cadre(again, cadre_id)
    assert Cadre.get_by_id(cadre_id).phone.replace("-", "") == "081299998888"
    close_database()


@pytest.mark.parametrize("office", office_targets())
def test_a_save_from_a_stale_read_is_refused_on_both_databases(office, tmp_path):
    open_database(office(tmp_path))
    cadre_id = save_cadre(CadreInput(name="Sri Wahyuni"))
    first, second = load_cadre(cadre_id), load_cadre(cadre_id)
    first.name = "Sri Wahyuni Rahayu"
    save_cadre(first, cadre_id)
    second.name = "Sri Wahyuningsih"
    with pytest.raises(ChangedMeanwhile, match="Sri Wahyuni Rahayu"):
        save_cadre(second, cadre_id)
    assert Cadre.get_by_id(cadre_id).name == "Sri Wahyuni Rahayu"
    second.name = "Sri Wahyuni Rahayu"             # the same as saved: nothing overwritten
    save_cadre(second, cadre_id)
    close_database()


@pytest.mark.parametrize("office", office_targets())
def test_an_activity_saved_from_a_stale_read_is_refused_on_both_databases(office, tmp_path):
    """Two staff with the same activity open: the later save names what the first saved."""
    import datetime as dt

    from imp_desktop.data.models import Activity
    from imp_desktop.services.activities import ActivityInput, get_activity, save_activity

    open_database(office(tmp_path))
    activity_id = save_activity(ActivityInput(title="Pembinaan", date=dt.date(2026, 11, 5)))
    first, second = get_activity(activity_id).input, get_activity(activity_id).input
    first.place = "Balai Desa Duren"
    save_activity(first, activity_id=activity_id)
    second.place = "Rumah Bu Kades"
    with pytest.raises(ChangedMeanwhile, match="Balai Desa Duren") as refused:
        save_activity(second, activity_id=activity_id)
    assert "Rumah Bu Kades" in str(refused.value)
    assert Activity.get_by_id(activity_id).place == "Balai Desa Duren"
    again = get_activity(activity_id).input          # reopened: the first's place, then saved
    again.place = "Rumah Bu Kades"
    save_activity(again, activity_id=activity_id)
    assert Activity.get_by_id(activity_id).place == "Rumah Bu Kades"
    close_database()


@needs_pg
def test_a_second_merge_or_import_is_told_who_holds_the_database(tmp_path):
    from imp_desktop.data.advisory import DatabaseBusy, who_am_i
    from imp_desktop.services.cadre_import import import_cadres

    reset_pg(pg_url())
    open_database(pg_url())
    script = textwrap.dedent(f"""
        import sys
        from imp_desktop.data.db import open_database
        from imp_desktop.data.advisory import exclusive
        open_database({pg_url()!r})
        with exclusive("merge"):
            print("held", flush=True)
            sys.stdin.readline()
        print("released", flush=True)
    """)
    other = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held", other.stderr.read()
        path = tmp_path / "kader.csv"
        path.write_text("Nama;NIK\nSri Wahyuni;3322024512900003\n", encoding="utf-8")
        with pytest.raises(DatabaseBusy) as busy:
            import_cadres(path)
        message = str(busy.value)
        assert who_am_i() in message and "penggabungan paket" in message
        assert "impor kader" in message and "\n" not in message
        assert Cadre.select().count() == 0                   # nothing written
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "released"
    finally:
        other.stdin.close()
        other.wait(timeout=60)
    report, written = import_cadres(path)                    # free again
    assert written == 1
    close_database()


@pytest.mark.parametrize("office", office_targets())
def test_a_unit_saved_meanwhile_is_not_overwritten(office, tmp_path):
    from imp_desktop.data.models import Region, Unit
    from imp_desktop.services.units import UnitInput, get_unit, save_unit

    open_database(office(tmp_path))
    Region.create(code="33.22.02.2001", name="Sruwen", level=4, parent_code="33.22.02")
    unit_id = save_unit(UnitInput(level="ppkbd", name="PPKBD Sruwen", desa_code="33.22.02.2001"))
    mine, theirs = get_unit(unit_id), get_unit(unit_id)

    def typed(info, **changes):
        values = dict(level=info.level, name=info.name, desa_code=info.desa_code,
                      sk_number=info.sk_number, version=info.version)
        values.update(changes)
        return UnitInput(**values)

    save_unit(typed(theirs, sk_number="SK 12/2026"), unit_id)
    with pytest.raises(ChangedMeanwhile, match="SK 12/2026"):
        save_unit(typed(mine, name="PPKBD Sruwen Baru"), unit_id)
    assert Unit.get_by_id(unit_id).sk_number == "SK 12/2026"
    close_database()
