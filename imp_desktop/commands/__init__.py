"""Sub-commands of ``imp-desktop``; each module has ``register(cli)``."""
from __future__ import annotations

import json
import sys

from imp_desktop.paths import default_db_path


def open_db(args):
    """Open the database named by ``--db`` (or the default) for a command."""
    from imp_desktop.data.db import open_database

    return open_database(args.db or default_db_path())


def print_json(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
