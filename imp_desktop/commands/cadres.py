"""Cadre commands: ``import cadres FILE [--dry-run]`` and ``export cadres FILE``."""
from __future__ import annotations

import sys

from imp_desktop.commands import CREATE, READ, open_db
from imp_desktop.i18n import tr


def register(cli) -> None:
    importing = cli.kind("import", "cadres", run_import,
                         "import cadres from an XLSX or CSV list (all or nothing)")
    importing.add_argument("file", metavar="FILE")
    importing.add_argument("--dry-run", action="store_true",
                           help="check and print the report without saving anything")
    exporting = cli.kind("export", "cadres", run_export,
                         "export every cadre to XLSX or CSV (format from the file name)")
    exporting.add_argument("file", metavar="FILE")


def run_import(args) -> int:
    from imp_desktop.services.cadre_import import import_cadres

    open_db(args, CREATE)
    report, written = import_cadres(args.file, dry_run=args.dry_run)
    for line in report.lines():
        print(line)
    print(report.summary())
    if report.errors or not report.rows:
        print(tr("import.refused", errors=len(report.errors)), file=sys.stderr)
        return 1
    if args.dry_run:
        print(tr("import.dry_run"))
    else:
        print(tr("import.done", count=written, path=args.file))
    return 0


def run_export(args) -> int:
    from imp_desktop.services.cadre_export import export_cadres

    open_db(args, READ)
    count = export_cadres(args.file)
    print(tr("export.done", count=count, path=args.file))
    return 0
