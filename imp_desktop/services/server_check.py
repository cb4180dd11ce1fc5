"""The checks ``check`` runs on a PostgreSQL database (SQLite has its own
integrity check and foreign-key check; these are what PostgreSQL lacks or
what a damaged or hand-edited server database can still get wrong).

- the schema version: every migration recorded, 1..n without gaps, not newer;
- foreign keys: each one still a constraint, and no record pointing at a
  missing one (an orphan);
- uuid uniqueness in every table;
- the stored files against their hashes, and every photo a record names
  present in the store.
"""
from __future__ import annotations

from imp_desktop.data import migrations
from imp_desktop.data.models import ALL_MODELS, ActivityPhoto, AssessmentAnswer, database
from imp_desktop.i18n import tr


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema_problems(db) -> list[str]:
    rows = [row[0] for row in db.execute_sql(
        "SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    latest = migrations.latest_version()
    if rows != list(range(1, len(rows) + 1)) or not rows:
        return [tr("check.problem.versions", versions=", ".join(map(str, rows)) or "-")]
    if rows[-1] != latest:
        return [tr("check.problem.version", version=rows[-1], latest=latest)]
    return []


def _constraints(db) -> set[tuple[str, str]]:
    rows = db.execute_sql(
        "SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu "
        "ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
    ).fetchall()
    return {(table, column) for table, column in rows}


def foreign_key_problems(db) -> list[str]:
    problems = []
    present = _constraints(db)
    for model in ALL_MODELS:
        table = model._meta.table_name
        for field in model._meta.refs:
            column = field.column_name
            target = field.rel_model._meta.table_name
            target_column = field.rel_field.column_name
            if (table, column) not in present:
                problems.append(tr("check.problem.no_constraint", table=table, column=column,
                                   target=target))
            count = db.execute_sql(
                f"SELECT COUNT(*) FROM {_q(table)} c LEFT JOIN {_q(target)} p "
                f"ON c.{_q(column)} = p.{_q(target_column)} "
                f"WHERE c.{_q(column)} IS NOT NULL AND p.{_q(target_column)} IS NULL"
            ).fetchone()[0]
            if count:
                problems.append(tr("check.problem.orphans", count=count, table=table,
                                   column=column, target=target))
    return problems


def uuid_problems(db) -> list[str]:
    problems = []
    for model in ALL_MODELS:
        if "uuid" not in model._meta.fields:
            continue
        table = model._meta.table_name
        row = db.execute_sql(
            f"SELECT COUNT(*), MIN(uuid) FROM (SELECT uuid FROM {_q(table)} "
            "GROUP BY uuid HAVING COUNT(*) > 1) d").fetchone()
        if row[0]:
            problems.append(tr("check.problem.uuid", count=row[0], table=table, example=row[1]))
        missing = db.execute_sql(f"SELECT COUNT(*) FROM {_q(table)} WHERE uuid IS NULL "
                                 "OR uuid = ''").fetchone()[0]
        if missing:
            problems.append(tr("check.problem.uuid_missing", count=missing, table=table))
    return problems


def stored_file_problems() -> list[str]:
    from imp_desktop.services import filestore, photos

    problems = [tr("check.problem.file_" + kind, sha=sha[:16])
                for sha, kind in filestore.verify()]
    names = {row[0] for row in ActivityPhoto.select(ActivityPhoto.file_name).tuples()}
    names |= {row[0] for row in AssessmentAnswer.select(AssessmentAnswer.evidence_photo)
              .where(AssessmentAnswer.evidence_photo.is_null(False)).tuples() if row[0]}
    stored = {sha[:32] for sha in filestore.hashes_since(None)}
    missing = sorted(n for n in names if n.split(".")[0] not in stored)
    if missing and photos.in_database():
        problems.append(tr("check.problem.photos_missing", count=len(missing),
                           example=missing[0]))
    return problems


def server_problems() -> list[str]:
    """Everything wrong with the open PostgreSQL database ([] when sound)."""
    db = database.obj
    return (schema_problems(db) + foreign_key_problems(db) + uuid_problems(db)
            + stored_file_problems())
