"""Schema 15: what the narrative draft of an activity needs.

- ``activity.agenda_roles``: the Enam Peran Bakti chosen as the session's agenda
  (role codes separated by commas), from which "Acara dan materi" is drafted;
- ``activity.drafted``: per report section, the text as the program last drafted
  it (JSON). A section whose text still equals it was not touched by the officer
  and may be drafted again ("Susun ulang"); any other text is the officer's own
  and is never overwritten.

Record versions (schema 12) need nothing: the two fields get the same default on
every installation and count as written with the rest of the record. (Until
schema 12 the common versions of ``sync_state`` had to be given them; schema 12
drops that table, so there is nothing left to do for them here.)
"""


def apply(db):
    db.execute_sql("ALTER TABLE activity ADD COLUMN agenda_roles TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE activity ADD COLUMN drafted TEXT NOT NULL DEFAULT '{}'")
