"""Backups, restore and hand-over packages on the command line."""
from __future__ import annotations

from pathlib import Path

from imp_desktop.commands import READ, open_db
from imp_desktop.errors import UserError
from imp_desktop.i18n import tr
from imp_desktop.paths import default_db_path


def register(cli) -> None:
    backup = cli.command("backup", run_backup,
                         "back up the database and its photos into one zip file")
    backup.add_argument("--out", required=True, metavar="FILE",
                        help="backup file to write (or a folder to write it into)")
    restore = cli.command("restore", run_restore,
                          "replace the database with a backup (a safety copy is kept)")
    restore.add_argument("file", metavar="FILE")

    export = cli.kind("package", "export", run_package_export,
                      "write a hand-over package (Kirim data)")
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument("--since-last", action="store_true",
                        help="only what changed since the last package to this office")
    export.add_argument("--office", default=None,
                        help="the office the package is for (default: the kabupaten/kota)")
    export.add_argument("--passphrase-file", metavar="F",
                        help="encrypt with the passphrase in this file (first line)")
    merge = cli.kind("package", "merge", run_package_merge,
                     "merge a hand-over package into the database (Terima data)")
    merge.add_argument("file", metavar="FILE")
    merge.add_argument("--passphrase-file", metavar="F")
    side = merge.add_mutually_exclusive_group()
    side.add_argument("--theirs", action="store_true",
                      help="in a conflict keep the package's value")
    side.add_argument("--mine", action="store_true",
                      help="in a conflict keep this database's value (the default)")
    merge.add_argument("--allow-deletions", action="store_true",
                       help="let the first package from an installation delete or deactivate "
                            "records (without it such a package is refused)")
    merge.add_argument("--trust-new-key", action="store_true",
                       help="accept a new signing key for the sending laptop (only after "
                            "comparing its fingerprint with the sender by phone)")


def _db_path(args) -> str:
    return args.db or default_db_path()


def run_backup(args) -> int:
    from imp_desktop.services.backup import backup_file_name, backup_to_file

    open_db(args, READ)
    out = Path(args.out)
    if out.is_dir():
        out = out / backup_file_name()
    info = backup_to_file(out)
    print(tr("backup.done", path=str(info.path), photos=info.media_files))
    return 0


def run_restore(args) -> int:
    from imp_desktop.services.backup import restore, restored_text

    target = _db_path(args)
    if "://" in target:
        raise UserError(tr("backup.error.not_sqlite"))
    result = restore(args.file, target)
    print(restored_text(result))
    return 0


def read_passphrase(path: str | None) -> str | None:
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(tr("package.error.passphrase_file", path=path,
                           detail=exc.strerror or exc)) from exc
    lines = text.splitlines()
    passphrase = lines[0] if lines else ""
    if not passphrase:
        raise UserError(tr("package.error.passphrase_empty", path=path))
    return passphrase


def run_package_export(args) -> int:
    import sys

    from imp_desktop.services.package import check_passphrase, export_package

    passphrase = read_passphrase(args.passphrase_file)
    if passphrase is not None:
        warning = check_passphrase(passphrase)
        if warning:
            print(f"{tr('package.warning')}: {warning}", file=sys.stderr)
    open_db(args, READ)
    summary = export_package(args.out, since_last=args.since_last, office=args.office,
                             passphrase=passphrase)
    print(tr("package.exported", path=str(summary.path), records=summary.records,
             deleted=summary.deleted, photos=summary.photos))
    print(tr("package.key.own_short", fingerprint=summary.fingerprint))
    from imp_desktop.data.db import is_read_only

    if is_read_only():
        print(tr("package.export.not_recorded"))
    return 0


def run_package_merge(args) -> int:
    from imp_desktop.services.package import KeyChangedError, merge_package

    target = _db_path(args)
    from imp_desktop.data.db import open_database

    open_database(target, lock="://" not in target)
    policy = "theirs" if args.theirs else "mine"
    try:
        result = merge_package(args.file, passphrase=read_passphrase(args.passphrase_file),
                               policy=policy, trust_new_key=args.trust_new_key,
                               allow_deletions=args.allow_deletions)
    except KeyChangedError as exc:
        raise UserError(f"{exc} {tr('package.hint.trust_cli')}") from exc
    print(tr("package.merged", added=result.added, updated=result.updated,
             deleted=result.deleted, unchanged=result.unchanged,
             conflicts=len(result.conflicts), policy=tr(f"package.policy.{policy}")))
    if result.note:
        print(result.note)
    print(tr("package.key.sender", fingerprint=result.fingerprint) + " "
          + tr(f"package.key.{result.key_status}", officer=result.officer or "?"))
    for conflict in result.conflicts[:20]:
        print("  " + conflict.describe())
    if len(result.conflicts) > 20:
        print("  " + tr("package.more_conflicts", count=len(result.conflicts) - 20))
    return 0
