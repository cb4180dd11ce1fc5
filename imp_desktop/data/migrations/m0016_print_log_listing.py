"""Schema 16: what a printout listed (``print_log.listing``).

A printout that lists records (the attendees of a Daftar Hadir, the cadres and
units of a Daftar Kader, the units and checklists of a recap, the reports a
monthly document counts) keeps, as JSON, which list it was (a name and its
arguments) and the uuids it listed, table by table. Periksa dokumen lists the
same again and names what was added to it or removed from it since printing;
the audit trail alone sees only records that were already on the list.

Printouts logged before this version keep "" and are checked as before.
"""


def apply(db):
    db.execute_sql("ALTER TABLE print_log ADD COLUMN listing TEXT NOT NULL DEFAULT ''")
