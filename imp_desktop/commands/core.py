"""Core commands: demo, check, list, import regions."""
from __future__ import annotations

import sys

from imp_desktop.commands import CREATE, READ, open_db, print_json
from imp_desktop.i18n import tr


def register(cli) -> None:
    demo = cli.command("demo", run_demo, "fill a database with realistic demo data")
    demo.add_argument("--desa", type=int, default=4, help="number of desa (1-15, default 4)")
    demo.add_argument("--cadres", type=int, default=600, help="number of cadres (default 600)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--activities", type=int, default=None,
                      help="number of activities (default: one a month per desa for four months)")

    cli.command("check", run_check, "integrity check, schema version and record counts")

    from imp_desktop.services.records import LISTERS

    for kind in LISTERS:
        listing = cli.kind("list", kind, run_list, f"print {kind} (use --json)")
        listing.add_argument("--json", action="store_true", help="print a JSON list")

    regions = cli.kind("import", "regions", run_import_regions,
                       "import the official region list (SQL dump or CSV kode,nama)")
    regions.add_argument("file", metavar="FILE")


def run_demo(args) -> int:
    from imp_desktop.services.demo import generate_demo

    open_db(args, CREATE)
    summary = generate_demo(desa=args.desa, cadres=args.cadres, seed=args.seed,
                            activities=args.activities)
    print(tr("demo.done", desa=summary.desa, units=summary.units, cadres=summary.cadres))
    for name, count in summary.extra.items():
        print(f"  {name}: {count}")
    return 0


def run_check(args) -> int:
    from imp_desktop.services.maintenance import check_database

    open_db(args, READ)
    report = check_database()
    print(tr("check.location", location=report.location))
    print(tr("check.version", version=report.schema_version, latest=report.latest_version))
    for table, count in report.counts.items():
        print(f"  {table}: {count}")
    if report.ok:
        print(tr("check.ok"))
        return 0
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    print(tr("check.problems", count=len(report.problems)), file=sys.stderr)
    return 1


def run_list(args) -> int:
    from imp_desktop.services.records import LISTERS

    open_db(args, READ)
    records = LISTERS[args.kind]()
    if args.json:
        print_json(records)
    else:
        for record in records:
            print("\t".join(str(record.get(key) or "") for key in ("id", "name", "nik", "level")
                            if key in record))
    return 0


def run_import_regions(args) -> int:
    from imp_desktop.services.regions import import_region_file, import_summary_text

    open_db(args, CREATE)
    summary = import_region_file(args.file)
    print(import_summary_text(summary))
    return 0
