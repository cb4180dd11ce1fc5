"""Bulk writes: PostgreSQL's COPY text built column by column, and the alias index."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imp_desktop.data import sync
from imp_desktop.data.db import close_database, open_database

from tests.safety_support import pg_url, reset_pg

_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(alphabet=st.sampled_from("ab\\\t\n\r é-N")),
                    st.sampled_from(["", "\\N", "0", "t"]))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda width: st.lists(
    st.tuples(*[_VALUES] * width), min_size=1, max_size=6)))
def test_copy_lines_are_the_values_one_by_one(rows):
    expected = "".join("\t".join(map(sync._copy_text, row)) + "\n" for row in rows)
    assert sync._copy_lines(rows) == expected


def _rows():
    texts = ["biasa", "", "tab\there", "baris\nbaru", "garis\\miring", "cr\rlf", "\\N", "é"]
    return [(f"00000000-0000-7000-8000-{i:012d}", "2026-12-02T00:00:00.000+00:00",
             "2026-12-02T00:00:00.000+00:00", "cadre", f"r-{i}", "edit", None if i % 3 else "f",
             text, None if i % 2 else text, "Petugas", "inst", "2026-12-02")
            for i, text in enumerate(texts)]


_NAMES = ["uuid", "created_at", "updated_at", "record_table", "record_uuid", "action", "field",
          "old_value", "new_value", "officer", "installation", "at"]


@pytest.mark.skipif(not pg_url(), reason="IMP_TEST_PG_URL is not set")
def test_copy_on_postgresql_reads_back_every_value():
    from imp_desktop.data.models import AuditEntry

    reset_pg(pg_url())
    db = open_database(pg_url())
    try:
        AuditEntry.delete().execute()
        sync.bulk_insert_values(AuditEntry, _NAMES, _rows())
        stored = db.execute_sql(
            f'SELECT {", ".join(_NAMES)} FROM audit_entry ORDER BY uuid').fetchall()
        assert [tuple(row) for row in stored] == _rows()
    finally:
        close_database()


def test_the_aliases_are_read_by_their_own_index(db):
    plan = " ".join(str(row) for row in db.execute_sql(
        'EXPLAIN QUERY PLAN SELECT "record_table", "record_uuid", "alias" FROM '
        '"record_version" WHERE "alias" IS NOT NULL').fetchall())
    assert "record_version_alias" in plan
