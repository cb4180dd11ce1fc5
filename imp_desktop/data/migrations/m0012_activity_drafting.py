"""Schema 12: what the narrative draft of an activity needs.

- ``activity.agenda_roles``: the Enam Peran Bakti chosen as the session's agenda
  (role codes separated by commas), from which "Acara dan materi" is drafted;
- ``activity.drafted``: per report section, the text as the program last drafted
  it (JSON). A section whose text still equals it was not touched by the officer
  and may be drafted again ("Susun ulang"); any other text is the officer's own
  and is never overwritten.
"""


def apply(db):
    db.execute_sql("ALTER TABLE activity ADD COLUMN agenda_roles TEXT NOT NULL DEFAULT ''")
    db.execute_sql("ALTER TABLE activity ADD COLUMN drafted TEXT NOT NULL DEFAULT '{}'")
