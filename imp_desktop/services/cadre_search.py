"""Finding cadres fast: the ids of a search, then the rows of a page of them.

The Kader screen keeps only the ids of the current result (a few hundred KB
at 100,000 cadres) and asks for the rows it paints, a page at a time
(``cadre_rows``). Searching looks in ``cadre.search_text`` (lower-cased name,
NIK, phone and desa, kept up to date by every write) for every typed word.
Merged records (``merged_into`` set) are never listed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import SqliteDatabase

from imp_desktop.data.models import LEVELS, POSITIONS, database
from imp_desktop.data.sync import chunks
from imp_desktop.services.text import fold

STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUS_INCOMPLETE = "incomplete"   # active, but without NIK or unit
STATUS_ALL = "all"
STATUSES = (STATUS_ACTIVE, STATUS_INACTIVE, STATUS_INCOMPLETE, STATUS_ALL)

# Column keys of the list, in display order; each can be sorted on.
COLUMNS = ("name", "nik", "level", "unit", "desa", "hamlet", "rt", "position", "phone",
           "status")

_NUMBER_TOKEN = re.compile(r"^[\d\s.\-/+()]+$")


@dataclass(frozen=True)
class CadreFilter:
    text: str = ""
    desa_code: str | None = None
    level: str | None = None
    unit_id: int | None = None
    status: str = STATUS_ACTIVE
    problem: str | None = None     # data_quality.NO_NIK / INVALID_NIK / NO_UNIT


@dataclass(frozen=True)
class CadreRow:
    """One line of the list, ready to show."""

    id: int
    name: str
    nik: str | None
    level: str | None
    unit_id: int | None
    unit_name: str | None
    desa_code: str | None
    desa_name: str | None
    hamlet: str | None        # "Dusun Krajan" or "RW 005"
    rt: str | None
    position: str | None
    phone: str | None
    active: bool
    inactive_reason: str | None
    inactive_date: dt.date | None

    @property
    def incomplete(self) -> bool:
        return not self.nik or not self.unit_id


def search_tokens(text: str) -> list[str]:
    """The words to look for: folded; numbers typed with separators joined up."""
    words = []
    for word in fold(text).split():
        if _NUMBER_TOKEN.match(word):
            word = re.sub(r"[^\d]", "", word)
        if word:
            words.append(word)
    return words


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _no_index(column: str) -> str:
    """On SQLite a unary plus keeps the planner off a poor single-column index."""
    return f"+{column}" if isinstance(database.obj, SqliteDatabase) else column


def _where(flt: CadreFilter) -> tuple[list[str], list]:
    p = database.param
    clauses = [f"{_no_index('c.merged_into_id')} IS NULL"]
    params: list = []
    for word in search_tokens(flt.text):
        clauses.append(f"c.search_text LIKE {p} ESCAPE '\\'")
        params.append(_like_pattern(word))
    if flt.desa_code:
        clauses.append(f"c.desa_code = {p}")
        params.append(flt.desa_code)
    if flt.unit_id:
        clauses.append(f"c.unit_id = {p}")
        params.append(flt.unit_id)
    elif flt.level:
        clauses.append(f"{_no_index('c.unit_id')} IN (SELECT id FROM unit WHERE level = {p})")
        params.append(flt.level)
    if flt.status in (STATUS_ACTIVE, STATUS_INCOMPLETE):
        clauses.append(f"{_no_index('c.active')} = {p}")
        params.append(True)
    elif flt.status == STATUS_INACTIVE:
        clauses.append(f"c.active = {p}")
        params.append(False)
    if flt.status == STATUS_INCOMPLETE:
        clauses.append("(c.nik IS NULL OR c.unit_id IS NULL)")
    if flt.problem:
        clauses.append(_problem_clause(flt.problem, params))
    return clauses, params


def _problem_clause(problem: str, params: list) -> str:
    """The records the home screen counts as having ``problem`` (see data_quality)."""
    from imp_desktop.services import data_quality

    if problem == data_quality.NO_NIK:
        return "(c.nik IS NULL OR c.nik = '')"
    if problem == data_quality.NO_UNIT:
        return "c.unit_id IS NULL"
    if problem == data_quality.INVALID_NIK:
        ids = data_quality.invalid_nik_ids()
        params.extend(ids)
        return f"c.id IN ({', '.join([database.param] * len(ids)) or 'NULL'})"
    raise ValueError(f"unknown problem {problem!r}")


def _case(column: str, values: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN '{value}' THEN {i}" for i, value in enumerate(values))
    return f"CASE {column} {whens} ELSE {len(values)} END"


# Sort expression and the joins it needs, per column.
_SORTS = {
    "name": ("", ""),
    "nik": ("c.nik", ""),
    "level": (_case("u.level", LEVELS), "LEFT JOIN unit u ON u.id = c.unit_id"),
    "unit": ("u.name", "LEFT JOIN unit u ON u.id = c.unit_id"),
    "desa": ("r.name", "LEFT JOIN region r ON r.code = c.desa_code"),
    "hamlet": ("COALESCE(h.name, c.rw)", "LEFT JOIN hamlet h ON h.id = c.hamlet_id"),
    "rt": ("c.rt", ""),
    "position": (_case("c.position", POSITIONS), ""),
    "phone": ("c.phone", ""),
    "status": ("c.active", ""),
}


def search_cadre_ids(flt: CadreFilter = CadreFilter(), sort: str = "name",
                     descending: bool = False, *, limit: int | None = None,
                     offset: int = 0) -> list[int]:
    """Ids of the cadres matching ``flt``, sorted (then by name, then id) as asked.

    ``limit``/``offset`` give one part of that order: what a list paints
    first, then the next part when it is scrolled to (a keystroke matching
    195,000 of 200,000 cadres then reads a few hundred ids, not all of them).
    """
    if sort not in _SORTS:
        raise ValueError(f"unknown sort column {sort!r}")
    clauses, params = _where(flt)
    expression, join = _SORTS[sort]
    direction = " DESC" if descending else ""
    order = [f"{expression}{direction}"] if expression else []
    order += [f"c.name{direction}", f"c.id{direction}"]
    sql = (f"SELECT c.id FROM cadre c {join} WHERE {' AND '.join(clauses)} "
           f"ORDER BY {', '.join(order)}")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if offset:
        sql += f"{'' if limit is not None else ' LIMIT -1' if _sqlite() else ''} OFFSET {int(offset)}"
    return [row[0] for row in database.execute_sql(sql, params).fetchall()]


def _sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def count_cadres(flt: CadreFilter = CadreFilter()) -> int:
    clauses, params = _where(flt)
    sql = f"SELECT COUNT(*) FROM cadre c WHERE {' AND '.join(clauses)}"
    return int(database.execute_sql(sql, params).fetchone()[0])


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def cadre_rows(ids: list[int]) -> dict[int, CadreRow]:
    """The rows of the given cadres (a page of the list), keyed by id."""
    found: dict[int, CadreRow] = {}
    for chunk in chunks(ids):
        marks = ", ".join([database.param] * len(chunk))
        sql = ("SELECT c.id, c.name, c.nik, u.level, c.unit_id, u.name, c.desa_code, r.name, "
               "h.name, c.rw, c.rt, c.position, c.phone, c.active, c.inactive_reason, "
               "c.inactive_date FROM cadre c "
               "LEFT JOIN unit u ON u.id = c.unit_id "
               "LEFT JOIN region r ON r.code = c.desa_code "
               "LEFT JOIN hamlet h ON h.id = c.hamlet_id "
               f"WHERE c.id IN ({marks})")
        for (cid, name, nik, level, unit_id, unit_name, desa_code, desa_name, hamlet_name, rw,
             rt, position, phone, active, reason, inactive_date) in database.execute_sql(sql, chunk):
            hamlet = hamlet_name or (f"RW {rw}" if rw else None)
            found[cid] = CadreRow(cid, name, nik, level, unit_id, unit_name, desa_code, desa_name,
                                  hamlet, rt, position, phone, bool(active), reason,
                                  _date(inactive_date))
    return found


def cadre_desa_choices() -> list[tuple[str, str]]:
    """(code, name) of the desa that have units or cadres: what the filter offers."""
    # The distinct desa of 100,000 cadres by hopping along the desa_code index
    # (one seek per desa) instead of reading the whole index: 50 ms -> <1 ms.
    sql = ("WITH RECURSIVE cadre_desa(code) AS ("
           "SELECT MIN(desa_code) FROM cadre "
           "UNION ALL SELECT (SELECT MIN(desa_code) FROM cadre WHERE desa_code > cadre_desa.code) "
           "FROM cadre_desa WHERE cadre_desa.code IS NOT NULL) "
           "SELECT code, name FROM region WHERE code IN "
           "(SELECT desa_code FROM unit UNION "
           "SELECT code FROM cadre_desa WHERE code IS NOT NULL) ORDER BY name")
    return [(code, name) for code, name in database.execute_sql(sql).fetchall()]
