"""Encryption at rest on the command line: status, converting a clear file, the recovery sheet.

Every command opens an encrypted database through the same key lookup
(``data.cipher.file_key``); ``--recovery-key-file F`` (a common option) gives
the key when this account's credential store does not hold it.
"""
from __future__ import annotations

from imp_desktop.commands import READ, WRITE, open_db, print_json
from imp_desktop.i18n import tr


def register(cli) -> None:
    status = cli.command("security", run_status,
                         "show whether the database is encrypted and where its key is kept")
    status.add_argument("--json", action="store_true")
    cli.command("encrypt", run_encrypt,
                "encrypt a clear database (a safety copy is kept until it passes its check)")
    sheet = cli.command("recovery-key", run_recovery_key,
                        "write the recovery key sheet (PDF with the kop and a QR code)")
    sheet.add_argument("--out", required=True, metavar="FILE.pdf")


def run_status(args) -> int:
    from imp_desktop.services import encryption

    open_db(args, READ)
    state = encryption.status()
    if args.json:
        print_json({"path": str(state.path) if state.path else None,
                    "encrypted": state.encrypted, "store": state.store,
                    "recovery_printed": state.recovery_printed or None})
    else:
        print(state.summary)
        if not state.on_server:
            print(state.store_text)
    return 0


def run_encrypt(args) -> int:
    from imp_desktop.services import encryption

    open_db(args, WRITE)
    state = encryption.encrypt_database()
    print(tr("security.encrypted_done", path=str(state.path)))
    return 0


def run_recovery_key(args) -> int:
    from imp_desktop.services import encryption

    open_db(args, WRITE)
    out = encryption.write_recovery_sheet(args.out)
    print(tr("security.sheet_written", path=str(out)))
    return 0
