"""Sub-commands of ``imp-desktop``; each module has ``register(cli)``."""
from __future__ import annotations

import json
import sys

from imp_desktop.paths import default_db_path

# How a command uses its database: the values of ``data.db.CREATE/WRITE/READ``
# (kept here so that ``--help`` does not load the data layer).
CREATE, WRITE, READ = "create", "write", "read"


def open_db(args, access: str):
    """Open the database named by ``--db`` (or the default) for a command.

    ``access`` is ``data.db.READ`` for commands that only read (a missing file
    is refused, a read-only one opened read-only), ``WRITE`` for those that
    change an existing database and ``CREATE`` for the few that may make one
    (demo, imports).
    """
    from imp_desktop.data.db import open_database

    return open_database(args.db or default_db_path(), access=access)


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
